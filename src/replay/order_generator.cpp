#include "minibroker/replay/order_generator.hpp"

#include <algorithm>
#include <array>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "minibroker/core/clock.hpp"
#include "minibroker/core/random.hpp"
#include "minibroker/matching/order_matcher.hpp"
#include "minibroker/replay/order_file.hpp"
#include "minibroker/sim/open_orders.hpp"

namespace minibroker::replay {
namespace {

// Keeps the generator's view of the open orders from its matcher's reports.
class open_order_tracker final : public order_listener {
public:
  void on_execution_report(const execution_report& r) override { orders.on_report(r); }
  open_orders orders;
};

enum class action { passive_new, marketable_new, cancel, late_cancel, replace, invalid };

class generator {
public:
  generator(const generator_config& config, const std::function<void(std::string_view)>& line)
      : config_(config), line_(line), random_(config.seed), matcher_(clock_, matcher_config_for(config)) {
    matcher_.set_order_listener(&tracker_);
    const std::size_t per_symbol = std::max<std::size_t>(1, config.resting / config.symbols);
    levels_ = std::clamp<std::int64_t>(static_cast<std::int64_t>(per_symbol / 20), 5, 500);
    for (std::size_t s = 0; s < config.symbols; ++s) {
      instrument inst;
      inst.id = instrument_id{static_cast<std::uint32_t>(s + 1)};
      inst.symbol = fmt::format("SYM{:02}", s + 1);
      inst.tick_size = config.tick;
      inst.lot_size = quantity{1};
      matcher_.add_instrument(inst);
      symbols_.push_back(inst.symbol);
      fair_.push_back(config.start_price);
    }
  }

  void run() {
    line_(order_file_header);
    bool warmed_up = config_.resting == 0;
    for (std::size_t n = 0; n < config_.count; ++n) {
      warmed_up = warmed_up || live_.size() >= config_.resting;
      emit(warmed_up ? draw_action() : action::passive_new);
    }
  }

private:
  static matcher_config matcher_config_for(const generator_config& config) {
    matcher_config mc;
    mc.expected_resting_orders = config.resting + 1024;
    mc.expected_orders = config.count + 1;
    mc.expected_instruments = config.symbols;
    return mc;
  }

  action draw_action() {
    if (random_.chance(config_.invalid_share)) {
      return action::invalid;
    }
    const double r = random_.unit();
    const auto target = static_cast<double>(config_.resting);
    const auto live = static_cast<double>(live_.size());
    action a = action::passive_new;
    if (r < config_.cancel_share) {
      a = action::cancel;
    } else if (r < config_.cancel_share + config_.replace_share) {
      a = action::replace;
    } else if (random_.chance(config_.marketable_share)) {
      a = action::marketable_new;
    }
    // Hold the book near its target size while keeping the mix: when it runs low (fills take
    // orders too), a cancel arrives too late, for an order that has just finished, as real
    // cancels often do; when it runs high, a new order gives way to a cancel.
    if (a == action::cancel && live < 0.9 * target) {
      a = action::late_cancel;
    } else if (a == action::passive_new && live > 1.1 * target) {
      a = action::cancel;
    }
    if ((a == action::cancel || a == action::replace) && live_.size() == 0) {
      a = action::passive_new;
    }
    return a;
  }

  void emit(action a) {
    switch (a) {
    case action::passive_new: emit_passive(); break;
    case action::marketable_new: emit_marketable(); break;
    case action::cancel: emit_cancel(); break;
    case action::late_cancel: emit_late_cancel(); break;
    case action::replace: emit_replace(); break;
    case action::invalid: emit_invalid(); break;
    }
  }

  std::size_t pick_symbol() { return random_.below(config_.symbols); }
  institution_id pick_institution() {
    return institution_id{static_cast<std::uint32_t>(1 + random_.below(config_.institutions))};
  }
  side pick_side() { return random_.chance(0.5) ? side::buy : side::sell; }
  quantity pick_qty() { return quantity{random_.uniform(1, 100)}; }

  // The fair value walks one tick at a time; passive orders gather around it, closer ones more likely.
  price walk(std::size_t symbol) {
    price& fair = fair_[symbol];
    const double step = random_.unit();
    if (step < 0.05) {
      fair += price{1};
    } else if (step < 0.10 && fair > price{levels_ + 1}) {
      fair -= price{1};
    }
    return fair;
  }
  std::int64_t pick_offset() { return 1 + std::min(random_.uniform(0, levels_ - 1), random_.uniform(0, levels_ - 1)); }

  void emit_passive() {
    const std::size_t symbol = pick_symbol();
    const price fair = walk(symbol);
    new_order_request r = make_new(symbol);
    const auto offset = price{pick_offset()};
    r.limit_price = r.side == side::buy ? fair - offset : fair + offset;
    if (*r.limit_price <= price{0}) {
      r.limit_price = price{1};
    }
    submit(r);
  }

  void emit_marketable() {
    const std::size_t symbol = pick_symbol();
    walk(symbol);
    new_order_request r = make_new(symbol);
    const auto top = matcher_.l1(instrument_id{static_cast<std::uint32_t>(symbol + 1)});
    const bool buying = r.side == side::buy;
    if (!top || (buying ? !top->has_ask() : !top->has_bid())) {
      emit_passive_from(r, symbol);
      return;
    }
    const price through = buying ? top->ask + price{2} : top->bid - price{2};
    r.qty = quantity{r.qty.value() * random_.uniform(1, 3)};
    const double kind = random_.unit();
    if (kind < 0.25) {
      r.type = order_type::market;
      r.tif = time_in_force::ioc;
    } else {
      r.tif = kind < 0.55 ? time_in_force::ioc : kind < 0.75 ? time_in_force::fok : time_in_force::gtc;
      r.limit_price = std::max(through, price{1});
    }
    submit(r);
  }

  void emit_passive_from(new_order_request r, std::size_t symbol) {
    const auto offset = price{pick_offset()};
    r.limit_price = std::max(r.side == side::buy ? fair_[symbol] - offset : fair_[symbol] + offset, price{1});
    submit(r);
  }

  void emit_cancel() {
    const auto& order = live_.at(random_.below(live_.size()));
    const cancel_request r{order.institution, order.id, order.instrument};
    write_cancel(r);
    matcher_.submit(r);
  }

  void emit_late_cancel() {
    const auto finished = live_.recently_finished(random_.below(64));
    if (!finished) {
      emit_passive();
      return;
    }
    const cancel_request r{finished->institution, finished->id, finished->instrument};
    write_cancel(r);
    matcher_.submit(r);
  }

  void emit_replace() {
    const auto& target = live_.at(random_.below(live_.size()));
    const auto order = matcher_.find(target.institution, target.id);
    replace_request r{target.institution, target.id, target.instrument, std::nullopt, std::nullopt};
    const double kind = random_.unit();
    if (kind < 0.5) { // smaller: keeps its place
      r.new_open_qty = quantity{std::max<std::int64_t>(1, order->open.value() / 2)};
    } else if (kind < 0.75) { // larger: to the back of the level
      r.new_open_qty = order->open + quantity{random_.uniform(1, 50)};
    } else { // a new price, a few ticks either way
      r.new_price = std::max(order->px + price{random_.uniform(-3, 3)}, price{1});
    }
    write_replace(r);
    matcher_.submit(r);
  }

  void emit_invalid() {
    const std::size_t symbol = pick_symbol();
    new_order_request r = make_new(symbol);
    r.limit_price = fair_[symbol];
    switch (random_.below(4)) {
    case 0: r.qty = quantity{0}; break;
    case 1: r.limit_price = price{0}; break;
    case 2: // a cancel of an order nobody sent
      write_cancel(cancel_request{r.institution, client_order_id{next_id_ + 1'000'000'000ULL}, r.instrument});
      return;
    default: r.type = order_type::market; break; // a market order with a price
    }
    submit(r);
  }

  new_order_request make_new(std::size_t symbol) {
    new_order_request r;
    r.institution = pick_institution();
    r.id = client_order_id{++next_id_};
    r.instrument = instrument_id{static_cast<std::uint32_t>(symbol + 1)};
    r.side = pick_side();
    r.qty = pick_qty();
    return r;
  }

  void submit(const new_order_request& r) {
    write_new(r);
    matcher_.submit(r);
  }

  void write_new(const new_order_request& r) {
    buffer_.clear();
    const auto out = std::back_inserter(buffer_);
    fmt::format_to(out, "new,{},inst{},{},{},{},{},", r.id, r.institution, symbols_[r.instrument.value() - 1], r.side,
                   r.type, r.tif);
    if (r.limit_price) {
      format_price_to(buffer_, *r.limit_price, config_.tick);
    }
    fmt::format_to(out, ",{}", r.qty);
    line_({buffer_.data(), buffer_.size()});
  }
  void write_cancel(const cancel_request& r) {
    buffer_.clear();
    fmt::format_to(std::back_inserter(buffer_), "cancel,{},inst{},{},,,,,", r.id, r.institution,
                   symbols_[r.instrument.value() - 1]);
    line_({buffer_.data(), buffer_.size()});
  }
  void write_replace(const replace_request& r) {
    buffer_.clear();
    const auto out = std::back_inserter(buffer_);
    fmt::format_to(out, "replace,{},inst{},{},,,,", r.id, r.institution, symbols_[r.instrument.value() - 1]);
    if (r.new_price) {
      format_price_to(buffer_, *r.new_price, config_.tick);
    }
    buffer_.push_back(',');
    if (r.new_open_qty) {
      fmt::format_to(out, "{}", *r.new_open_qty);
    }
    line_({buffer_.data(), buffer_.size()});
  }

  const generator_config& config_;
  const std::function<void(std::string_view)>& line_;
  random_source random_;
  virtual_clock clock_;
  order_matcher matcher_;
  open_order_tracker tracker_;
  const open_orders& live_ = tracker_.orders;
  std::vector<std::string> symbols_;
  std::vector<price> fair_;
  std::int64_t levels_ = 5;
  std::uint64_t next_id_ = 0;
  fmt::memory_buffer buffer_;
};

} // namespace

std::string config_error(const generator_config& c) {
  const auto share_ok = [](double s) { return s >= 0.0 && s <= 1.0; };
  if (c.symbols == 0 || c.symbols > 9999) {
    return "symbols must be between 1 and 9999";
  }
  if (c.institutions == 0 || c.institutions > 100'000) {
    return "institutions must be between 1 and 100000";
  }
  if (!share_ok(c.cancel_share) || !share_ok(c.replace_share) || c.cancel_share + c.replace_share > 1.0) {
    return "cancel and replace shares must be in [0, 1] and add up to at most 1";
  }
  if (!share_ok(c.marketable_share) || !share_ok(c.invalid_share)) {
    return "marketable and invalid shares must be in [0, 1]";
  }
  if (c.tick.mantissa() <= 0) {
    return "tick must be positive";
  }
  if (c.start_price <= price{0}) {
    return "start price must be positive";
  }
  return {};
}

void generate_orders(const generator_config& config, const std::function<void(std::string_view)>& line) {
  generator{config, line}.run();
}

} // namespace minibroker::replay
