#include "minibroker/exchange/orders_api.hpp"

#include "minibroker/bus/continuation.hpp"

namespace minibroker {

orders_api::orders_api(exchange_executor strand, orders_processor& processor, bool single_threaded)
    : executor_(strand), processor_(processor), single_threaded_(single_threaded), calls_(!single_threaded) {}

void orders_api::submit(const traced_request& request) {
  enqueue({call::kind::request, {}, std::nullopt, request, nullptr});
}

void orders_api::submit(institution_id session, const traced_request& request) {
  enqueue({call::kind::request, {}, session, request, nullptr});
}

void orders_api::enqueue(call c) {
  if (calls_.push(std::move(c))) {
    bus::drain_scope::run_soon(executor_, {&orders_api::drain_continuation, this});
  } // else a drain is pending
}

void orders_api::drain_continuation(void* self) { static_cast<orders_api*>(self)->drain_calls(); }

void orders_api::drain_calls() {
  calls_.drain([this](call& next) { return run(next); });
}

bool orders_api::run(call& c) {
  switch (c.what) {
  case call::kind::request: processor_.on_request(c.request, c.speaks_for); break;
  case call::kind::attach: processor_.attach(c.institution, std::move(c.session)); break;
  case call::kind::detach: processor_.detach(c.institution, c.session); break;
  }
  return true;
}

void orders_api::attach(institution_id institution, report_listener& listener,
                        const boost::asio::any_io_executor& executor) {
  auto session = std::make_shared<exchange_detail::session>(listener, executor, !single_threaded_);
  {
    const std::lock_guard lock(mutex_);
    auto [it, inserted] = sessions_.try_emplace(institution, session);
    if (!inserted) {
      it->second->active.store(false, std::memory_order_release);
      it->second = session;
    }
  }
  enqueue({call::kind::attach, institution, std::nullopt, {}, std::move(session)});
}

void orders_api::detach(institution_id institution) {
  std::shared_ptr<exchange_detail::session> session;
  {
    const std::lock_guard lock(mutex_);
    auto it = sessions_.find(institution);
    if (it == sessions_.end()) {
      return;
    }
    session = std::move(it->second);
    sessions_.erase(it);
  }
  session->active.store(false, std::memory_order_release);
  enqueue({call::kind::detach, institution, std::nullopt, {}, std::move(session)});
}

} // namespace minibroker
