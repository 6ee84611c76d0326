#include "minibroker/exchange/orders_api.hpp"

#include <boost/asio/post.hpp>

namespace minibroker {

orders_api::orders_api(exchange_strand strand, orders_processor& processor)
    : strand_(std::move(strand)), processor_(processor) {}

void orders_api::submit(const traced_request& request) {
  boost::asio::post(strand_, [this, request] { processor_.on_request(request, std::nullopt); });
}

void orders_api::submit(institution_id session, const traced_request& request) {
  boost::asio::post(strand_, [this, session, request] { processor_.on_request(request, session); });
}

void orders_api::attach(institution_id institution, report_listener& listener,
                        const boost::asio::any_io_executor& executor) {
  auto session = std::make_shared<exchange_detail::session>(listener, executor);
  {
    const std::lock_guard lock(mutex_);
    auto [it, inserted] = sessions_.try_emplace(institution, session);
    if (!inserted) {
      it->second->active.store(false, std::memory_order_release);
      it->second = session;
    }
  }
  boost::asio::post(strand_, [this, institution, session] { processor_.attach(institution, session); });
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
  boost::asio::post(strand_, [this, institution, session] { processor_.detach(institution, session); });
}

} // namespace minibroker
