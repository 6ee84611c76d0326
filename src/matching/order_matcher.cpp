#include "minibroker/matching/order_matcher.hpp"

#include <stdexcept>
#include <string>
#include <type_traits>

#include "minibroker/core/assert.hpp"

namespace minibroker {

std::string_view to_string(self_trade_prevention v) noexcept {
  switch (v) {
  case self_trade_prevention::off: return "off";
  case self_trade_prevention::cancel_resting: return "cancel_resting";
  case self_trade_prevention::cancel_incoming: return "cancel_incoming";
  }
  return "?";
}

namespace {
template <typename... F>
struct overloaded : F... {
  using F::operator()...;
};
template <typename... F>
overloaded(F...) -> overloaded<F...>;
} // namespace

order_matcher::order_matcher(const clock& clock, const matcher_config& config)
    : clock_(clock), config_(config), ctx_(config),
      client_ids_(config.expected_orders, config.expected_sparse_client_ids) {
  books_.reserve(config.expected_instruments);
  books_by_id_.reserve(config.expected_instruments);
}

order_matcher::~order_matcher() = default;

void order_matcher::add_instrument(const instrument& definition) {
  if (definition.lot_size <= quantity{0}) {
    throw std::invalid_argument(fmt::format("instrument {}: lot size must be positive", definition.id));
  }
  if (books_by_id_.contains(definition.id.value())) {
    throw std::invalid_argument(fmt::format("instrument {} added twice", definition.id));
  }
  books_.push_back(std::make_unique<order_book>(definition, ctx_, config_));
  order_book* const b = books_.back().get();
  b->set_interest(market_data_interest_);
  books_by_id_.emplace(definition.id.value(), b);
  if (definition.id.value() < small_id_limit) {
    if (books_by_small_id_.size() <= definition.id.value()) {
      books_by_small_id_.resize(definition.id.value() + 1, nullptr);
    }
    books_by_small_id_[definition.id.value()] = b;
  }
}

void order_matcher::set_market_data_listener(market_data_listener* listener) {
  market_data_listener_ = listener;
  market_data_interest_ = listener != nullptr ? listener->interest() : market_data_interest{false, false, false};
  for (const auto& b : books_) {
    b->set_interest(market_data_interest_);
  }
}

bool order_matcher::set_instrument_status(instrument_id id, instrument_status status) {
  order_book* b = find_book(id);
  if (b == nullptr) {
    return false;
  }
  b->set_status(status);
  return true;
}

order_book* order_matcher::find_large_book(instrument_id id) noexcept {
  const auto it = books_by_id_.find(id.value());
  return it == books_by_id_.end() ? nullptr : it->second;
}

const order_book* order_matcher::book(instrument_id id) const noexcept {
  const auto it = books_by_id_.find(id.value());
  return it == books_by_id_.end() ? nullptr : it->second;
}

// Inline: it is the whole of a cancel's lookup (a call cost about 7 instructions a request).
[[gnu::always_inline]] inline const detail::order_node*
order_matcher::live_order(institution_id institution, client_order_id id, std::uint32_t& slot) const noexcept {
  slot = ctx_.live_by_client.find(detail::client_key{institution, id});
  return slot == detail::nil ? nullptr : &ctx_.pool[slot];
}

// ---------------------------------------------------------------------------------------------
// Requests

// One request now, or after the delivery in progress when a listener submits from its callback.
template <typename Request>
[[gnu::always_inline]] inline void order_matcher::submit_one(const Request& request) {
  if (dispatching_) {
    pending_.emplace_back(request);
    return;
  }
  process(request);
  dispatch();
  if (!pending_.empty()) [[unlikely]] {
    drain();
  }
}

void order_matcher::submit(const new_order_request& request) { submit_one(request); }
void order_matcher::submit(const cancel_request& request) { submit_one(request); }
void order_matcher::submit(const replace_request& request) { submit_one(request); }

namespace {
// The order a cancel or replace names; new orders are not read ahead (they touch what the
// orders before them just touched).
[[nodiscard]] bool target_of(const order_matcher::any_request& r, detail::client_key& k) noexcept {
  if (const auto* c = std::get_if<cancel_request>(&r)) {
    k = detail::client_key{c->institution, c->id};
    return true;
  }
  if (const auto* p = std::get_if<replace_request>(&r)) {
    k = detail::client_key{p->institution, p->id};
    return true;
  }
  return false;
}
} // namespace

void order_matcher::submit(std::span<const any_request> batch) {
  // Orders in the pool beyond this do not fit in a core's L2 (64 bytes each, 1 MiB); below it
  // reading ahead costs more instructions than the misses it hides.
  constexpr std::size_t read_ahead_orders = 16'384;
  // Three stages, one request apart, each using what the one before brought into cache: request
  // i+3's client index entry, i+2's order, i+1's neighbours in its queue (an unlink writes both).
  // What a stage finds may be stale by the time the request runs (a request in between removed the
  // order): it only costs a useless prefetch, as pages and slots are never freed while the
  // matcher lives.
  const std::uint32_t* entry[4] = {nullptr, nullptr, nullptr, nullptr};
  std::uint32_t slot[4] = {detail::nil, detail::nil, detail::nil, detail::nil};
  const std::size_t n = batch.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (ctx_.pool.live() > read_ahead_orders) {
      if (i + 3 < n) {
        const std::uint32_t*& e = entry[(i + 3) & 3];
        detail::client_key k;
        e = target_of(batch[i + 3], k) ? ctx_.live_by_client.entry(k) : nullptr;
        if (e != nullptr) {
          __builtin_prefetch(e);
        }
      }
      if (const std::uint32_t* e = entry[(i + 2) & 3]; e != nullptr && i + 2 < n) {
        slot[(i + 2) & 3] = *e;
        if (*e != detail::nil) {
          __builtin_prefetch(&ctx_.pool[*e], 1);
        }
      } else {
        slot[(i + 2) & 3] = detail::nil;
      }
      if (const std::uint32_t s = slot[(i + 1) & 3]; s != detail::nil && i + 1 < n) {
        const detail::order_node& o = ctx_.pool[s];
        if (o.prev != detail::nil) {
          __builtin_prefetch(&ctx_.pool[o.prev], 1);
        }
        if (o.next != detail::nil) {
          __builtin_prefetch(&ctx_.pool[o.next], 1);
        }
      }
    }
    std::visit([this](const auto& r) { submit(r); }, batch[i]);
  }
}

// The reject of a request for an instrument no book has: what the request says, as the report's fields.
// Out of line and cold: inlined, it made every request's prologue 12 instructions longer (callgrind,
// `replay --quiet` of 200,000 operations).
template <typename Request>
[[gnu::noinline, gnu::cold]] void order_matcher::reject_unknown_instrument(const Request& request) {
  auto& e = std::get<execution_report>(ctx_.events.emplace_back(std::in_place_type<execution_report>));
  e.time = ctx_.now;
  e.instrument = request.instrument;
  e.institution = request.institution;
  e.client_id = request.id;
  e.type = exec_type::rejected;
  e.status = order_status::rejected;
  e.reason = reject_reason::unknown_instrument;
  if constexpr (std::is_same_v<Request, new_order_request>) {
    e.side = request.side;
    e.ord_type = request.type;
    e.tif = request.tif;
    e.order_price = request.limit_price.value_or(price{0});
    e.order_qty = request.qty;
  }
}

// The book a request names, with the request's time read. For an instrument no book has, the
// request's reject is recorded and the answer is nullptr.
template <typename Request>
[[gnu::always_inline]] inline order_book* order_matcher::book_for(const Request& request) {
  ctx_.now = clock_.now();
  order_book* b = find_book(request.instrument);
  if (b == nullptr) [[unlikely]] {
    reject_unknown_instrument(request);
  }
  return b;
}

// The live order a cancel or replace names, if it is on the instrument the request names.
template <typename Request>
[[gnu::always_inline]] inline const detail::order_node* order_matcher::named_order(const Request& request,
                                                                                   std::uint32_t& slot) const noexcept {
  const detail::order_node* order = live_order(request.institution, request.id, slot);
  return order != nullptr && order->instrument == request.instrument ? order : nullptr;
}

void order_matcher::process(const new_order_request& request) {
  order_book* b = book_for(request);
  if (b == nullptr) [[unlikely]] {
    return;
  }
  b->begin_request();
  reject_reason reason = reject_reason::none;
  if (b->status() == instrument_status::halted) {
    reason = reject_reason::instrument_halted;
  } else if (request.qty <= quantity{0}) {
    reason = reject_reason::invalid_quantity;
  } else if (const auto lot = b->definition().lot_size.value(); lot != 1 && request.qty.value() % lot != 0) {
    reason = reject_reason::quantity_not_lot_multiple;
  } else if (request.type == order_type::market) {
    if (request.limit_price) {
      reason = reject_reason::price_on_market_order;
    }
  } else if (!request.limit_price || *request.limit_price <= price{0}) {
    reason = reject_reason::invalid_price;
  }
  if (reason == reject_reason::none && !client_ids_.insert(request.institution, request.id)) {
    reason = reject_reason::duplicate_client_order_id;
  }
  if (reason != reject_reason::none) [[unlikely]] {
    b->emit_reject_new(request, reason);
  } else {
    detail::order_data d;
    d.id = order_id{++ctx_.last_order_id};
    d.client_id = request.id;
    d.px = request.type == order_type::market ? price{0} : *request.limit_price;
    d.open = request.qty;
    d.cum = quantity{0};
    d.institution = request.institution;
    d.side = request.side;
    d.type = request.type;
    d.tif = request.tif;
    b->add(d);
  }
  b->end_request();
}

void order_matcher::process(const cancel_request& request) {
  order_book* b = book_for(request);
  if (b == nullptr) [[unlikely]] {
    return;
  }
  b->begin_request();
  std::uint32_t slot = detail::nil;
  const detail::order_node* order = named_order(request, slot);
  if (order == nullptr) [[unlikely]] {
    b->emit_reject(nullptr, request.institution, request.id, reject_reason::unknown_order);
  } else {
    b->cancel(slot);
  }
  b->end_request();
}

void order_matcher::process(const replace_request& request) {
  order_book* b = book_for(request);
  if (b == nullptr) [[unlikely]] {
    return;
  }
  b->begin_request();
  std::uint32_t slot = detail::nil;
  const detail::order_node* order = named_order(request, slot);
  reject_reason reason = reject_reason::none;
  if (b->status() == instrument_status::halted) {
    reason = reject_reason::instrument_halted;
  } else if (!request.new_price && !request.new_open_qty) {
    reason = reject_reason::nothing_to_replace;
  } else if (request.new_open_qty && *request.new_open_qty <= quantity{0}) {
    reason = reject_reason::invalid_quantity;
  } else if (const auto lot = b->definition().lot_size.value();
             request.new_open_qty && lot != 1 && request.new_open_qty->value() % lot != 0) {
    reason = reject_reason::quantity_not_lot_multiple;
  } else if (request.new_price && *request.new_price <= price{0}) {
    reason = reject_reason::invalid_price;
  } else if (order == nullptr) {
    reason = reject_reason::unknown_order;
  }
  if (reason != reject_reason::none) [[unlikely]] {
    b->emit_reject(order, request.institution, request.id, reason);
  } else {
    b->replace(slot, request.new_price.value_or(order->d.px), request.new_open_qty.value_or(order->d.open));
  }
  b->end_request();
}

// ---------------------------------------------------------------------------------------------
// Delivery

// Inline in each submit(): its call and frame were about 16 instructions a request.
[[gnu::always_inline]] inline void order_matcher::dispatch() {
  struct reset {
    order_matcher& m;
    ~reset() {
      m.ctx_.events.clear();
      m.dispatching_ = false;
    }
  } guard{*this};
  dispatching_ = true;
  order_listener* const orders = order_listener_;
  market_data_listener* const md = market_data_listener_;
  for (const auto& e : ctx_.events) {
    std::visit(overloaded{
                   [orders](const execution_report& r) {
                     if (orders != nullptr) {
                       orders->on_execution_report(r);
                     }
                   },
                   [md](const trade& t) {
                     if (md != nullptr) {
                       md->on_trade(t);
                     }
                   },
                   [md](const top_of_book& t) {
                     if (md != nullptr) {
                       md->on_top_of_book(t);
                     }
                   },
                   [md](const depth_update& d) {
                     if (md != nullptr) {
                       md->on_depth_update(d);
                     }
                   },
                   [orders, md](const detail::fill_events& f) {
                     if (md != nullptr && f.has_trade()) {
                       md->on_trade(f.trade_event);
                     }
                     if (orders != nullptr) {
                       orders->on_execution_report(f.aggressor_report);
                       orders->on_execution_report(f.resting_report);
                     }
                   },
               },
               e);
  }
}

void order_matcher::drain() {
  while (!pending_.empty()) {
    const any_request next = std::move(pending_.front());
    pending_.pop_front();
    std::visit([this](const auto& r) { process(r); }, next);
    dispatch();
  }
}

// ---------------------------------------------------------------------------------------------
// Queries

std::optional<top_of_book> order_matcher::l1(instrument_id id) const {
  const order_book* b = book(id);
  if (b == nullptr) {
    return std::nullopt;
  }
  return b->l1();
}

std::optional<depth_snapshot> order_matcher::l2(instrument_id id, std::size_t levels) const {
  const order_book* b = book(id);
  if (b == nullptr) {
    return std::nullopt;
  }
  return b->l2(levels);
}

resting_order order_matcher::view(const detail::order_node& node) const {
  return resting_order{node.d.id,   node.d.institution, node.d.client_id, node.instrument,
                       node.d.side, node.d.px,          node.d.open,      node.d.cum};
}

std::optional<resting_order> order_matcher::find(order_id id) const {
  const std::uint32_t slot = ctx_.live_by_id.find(id);
  if (slot >= ctx_.pool.used()) {
    return std::nullopt;
  }
  const detail::order_node& n = ctx_.pool[slot];
  if (n.d.id != id || n.level == detail::nil) {
    return std::nullopt; // a stale entry: that order left and the slot is free or reused
  }
  return view(n);
}

std::optional<resting_order> order_matcher::find(institution_id institution, client_order_id id) const {
  std::uint32_t slot = detail::nil;
  const detail::order_node* n = live_order(institution, id, slot);
  if (n == nullptr) {
    return std::nullopt;
  }
  return view(*n);
}

} // namespace minibroker
