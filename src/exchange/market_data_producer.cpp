#include "minibroker/exchange/market_data_producer.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

#include <boost/asio/post.hpp>
#include <fmt/format.h>

#include "minibroker/core/assert.hpp"
#include "minibroker/core/decimal.hpp"

namespace minibroker {

struct market_data_producer::stream {
  stream(const instrument& definition, random_source source)
      : id(definition.id), lot(definition.lot_size), reference(definition.reference_price), rng(source) {}

  instrument_id id;
  quantity lot;
  price reference;
  price bid;
  price last;
  random_source rng;
  std::int64_t halt_remaining = 0; // quote ticks left in a halt; 0 when trading
  sequence_number sequence = 0;
};

// Shared with scheduled ticks, so a tick can tell whether the producer still wants it without
// touching the producer.
struct market_data_producer::liveness {
  std::atomic<bool> alive{true};
  std::atomic<std::uint64_t> generation{0}; // odd while running
};

namespace {

struct tick_choice {
  decimal size;
  std::int64_t cents; // the tick in hundredths of the currency unit
};
// Realistic tick sizes; an instrument gets one that leaves its price at least 100 ticks.
constexpr std::array<tick_choice, 5> tick_choices{{
    {decimal{1, 2}, 1},
    {decimal{5, 2}, 5},
    {decimal{25, 2}, 25},
    {decimal{5, 1}, 50},
    {decimal{1, 0}, 100},
}};
constexpr std::array<std::int64_t, 3> lot_choices{1, 10, 100};
constexpr std::array<std::string_view, 8> currencies{"USD", "USD", "USD", "USD", "EUR", "EUR", "GBP", "CHF"};
constexpr std::array<std::string_view, 26> syllables{"ar",  "bel", "cor", "dax", "el",  "fin", "gen", "hal",  "io",
                                                     "jun", "kor", "lum", "mer", "nov", "or",  "pax", "quin", "ros",
                                                     "sol", "tek", "ul",  "ven", "wex", "xan", "yor", "zen"};
constexpr std::array<std::string_view, 10> suffixes{"Corp",    "Inc",    "Holdings", "Group", "Industries",
                                                    "Systems", "Energy", "Bank",     "Labs",  "Motors"};
constexpr std::int64_t min_halt_ticks = 3;
constexpr std::int64_t max_halt_ticks = 10;

template <typename T, std::size_t N>
const T& pick(random_source& rng, const std::array<T, N>& choices) {
  return choices[static_cast<std::size_t>(rng.below(N))];
}

std::string random_symbol(random_source& rng) {
  const auto length = static_cast<std::size_t>(rng.uniform(3, 4));
  std::string symbol(length, 'A');
  for (char& c : symbol) {
    c = static_cast<char>('A' + rng.below(26));
  }
  return symbol;
}

std::string random_name(random_source& rng) {
  std::string word;
  const auto parts = rng.uniform(2, 3);
  for (std::int64_t i = 0; i < parts; ++i) {
    word += pick(rng, syllables);
  }
  word[0] = static_cast<char>(word[0] - 'a' + 'A');
  return fmt::format("{} {}", word, pick(rng, suffixes));
}

void validate(const market_data_producer_config& config) {
  if (!(config.quotes_per_second >= 0) || !std::isfinite(config.quotes_per_second)) {
    throw std::invalid_argument("market_data_producer: quotes_per_second must be finite and >= 0");
  }
  if (!(config.status_change_probability >= 0 && config.status_change_probability <= 1)) {
    throw std::invalid_argument("market_data_producer: status_change_probability must be in [0, 1]");
  }
  if (config.instruments > std::size_t{100000}) {
    throw std::invalid_argument("market_data_producer: at most 100000 instruments");
  }
}

} // namespace

market_data_producer::market_data_producer(const market_data_producer_config& config, scheduler& sched,
                                           boost::asio::any_io_executor executor, instruments_cache& instruments,
                                           quotes_cache& quotes)
    : config_(config), sched_(sched), executor_(std::move(executor)), instruments_(instruments), quotes_(quotes),
      alive_(std::make_shared<liveness>()) {
  validate(config_);
  if (config_.quotes_per_second > 0) {
    period_ =
        std::max(duration{1},
                 std::chrono::duration_cast<duration>(std::chrono::duration<double>{1.0 / config_.quotes_per_second}));
  }
  random_source rng{config_.seed};
  random_source definitions_rng = rng.fork();
  create_instruments(definitions_rng);
  instruments_.reserve(definitions_.size());
  quotes_.reserve(definitions_.size());
  streams_.reserve(definitions_.size());
  for (const instrument& definition : definitions_) {
    instruments_.upsert(definition.id, definition);
    stream& s = streams_.emplace_back(definition, rng.fork());
    s.bid = definition.reference_price;
    s.last = definition.reference_price;
    publish_quote(s);
  }
}

market_data_producer::~market_data_producer() { alive_->alive.store(false, std::memory_order_release); }

void market_data_producer::create_instruments(random_source& rng) {
  if (!config_.listed.empty()) {
    for (instrument def : config_.listed) {
      def.id = instrument_id{static_cast<instrument_id::rep>(definitions_.size() + 1)};
      def.status = instrument_status::trading;
      if (def.reference_price <= price{0}) {
        const auto hundred = parse_price("100", def.tick_size);
        def.reference_price = hundred ? *hundred : price{100};
      }
      definitions_.push_back(std::move(def));
    }
    return;
  }
  std::set<std::string> taken; // membership only: the order of creation is the rng's
  definitions_.reserve(config_.instruments);
  for (std::size_t i = 0; i < config_.instruments; ++i) {
    instrument def;
    def.id = instrument_id{static_cast<instrument_id::rep>(i + 1)};
    do {
      def.symbol = random_symbol(rng);
    } while (!taken.insert(def.symbol).second);
    def.name = random_name(rng);
    def.currency = std::string{pick(rng, currencies)};
    // Prices spread over three decades: a quarter under 10, half 10 to 100, a quarter 100 to 1000.
    const auto bucket = rng.below(4);
    const std::int64_t cents = bucket == 0   ? rng.uniform(100, 999)
                               : bucket == 3 ? rng.uniform(10000, 99999)
                                             : rng.uniform(1000, 9999);
    std::size_t usable = 0;
    while (usable < tick_choices.size() && cents / tick_choices[usable].cents >= 100) {
      ++usable;
    }
    MINIBROKER_ASSERT(usable > 0); // 0.01 always leaves at least 100 ticks
    const tick_choice& tick = tick_choices[static_cast<std::size_t>(rng.below(usable))];
    def.tick_size = tick.size;
    def.reference_price = price{cents / tick.cents};
    def.lot_size = quantity{pick(rng, lot_choices)};
    def.status = instrument_status::trading;
    definitions_.push_back(std::move(def));
  }
}

void market_data_producer::add_listener(feed_listener& listener) { listeners_.push_back(&listener); }

bool market_data_producer::running() const noexcept {
  return (alive_->generation.load(std::memory_order_acquire) & 1U) != 0;
}

void market_data_producer::start() {
  if (running() || period_ == duration::zero() || streams_.empty()) {
    return;
  }
  const std::uint64_t generation = alive_->generation.fetch_add(1, std::memory_order_acq_rel) + 1;
  const timestamp now = sched_.time().now();
  // Staggered: instrument i first quotes i/N of a period from now, then every period.
  const auto n = static_cast<std::int64_t>(streams_.size());
  for (std::size_t i = 0; i < streams_.size(); ++i) {
    schedule(i, now + period_ * static_cast<std::int64_t>(i) / n + period_, generation);
  }
}

void market_data_producer::stop() {
  if (running()) {
    alive_->generation.fetch_add(1, std::memory_order_acq_rel);
  }
}

void market_data_producer::schedule(std::size_t index, timestamp at, std::uint64_t generation) {
  // Runs in the scheduler's context, which may not be the exchange's strand: it only reschedules
  // itself and posts the tick to the strand, where the producer's state lives.
  sched_.schedule_at(at, [this, alive = alive_, index, at, generation] {
    const auto current = [&] {
      return alive->alive.load(std::memory_order_acquire) &&
             alive->generation.load(std::memory_order_acquire) == generation;
    };
    if (!current()) {
      return;
    }
    schedule(index, at + period_, generation);
    boost::asio::post(executor_, [this, alive, index, generation] {
      if (alive->alive.load(std::memory_order_acquire) &&
          alive->generation.load(std::memory_order_acquire) == generation) {
        tick(index);
      }
    });
  });
}

void market_data_producer::tick(std::size_t index) {
  stream& s = streams_[index];
  if (s.halt_remaining > 0) {
    if (--s.halt_remaining == 0) {
      set_status(s, instrument_status::trading);
    }
    return;
  }
  if (config_.status_change_probability > 0 && s.rng.chance(config_.status_change_probability)) {
    s.halt_remaining = s.rng.uniform(min_halt_ticks, max_halt_ticks);
    set_status(s, instrument_status::halted);
    return;
  }
  // The walk drifts back when it strays beyond half or twice the reference price.
  std::int64_t lo = -2;
  std::int64_t hi = 2;
  if (s.bid < price{s.reference.value() / 2}) {
    lo = 0;
  } else if (s.bid > s.reference * 2) {
    hi = 0;
  }
  s.bid = std::max(price{1}, s.bid + price{s.rng.uniform(lo, hi)});
  publish_quote(s);
}

void market_data_producer::publish_quote(stream& s) {
  const price spread{s.rng.uniform(1, 3)};
  quote q;
  q.instrument = s.id;
  q.bid = s.bid;
  q.ask = s.bid + spread;
  q.bid_size = s.lot * s.rng.uniform(1, 20);
  q.ask_size = s.lot * s.rng.uniform(1, 20);
  q.last = s.bid + price{s.rng.uniform(0, spread.value())};
  q.time = sched_.time().now();
  q.sequence = ++s.sequence;
  s.last = q.last;
  quotes_.upsert(s.id, q);
  quotes_produced_.fetch_add(1, std::memory_order_relaxed);
  for (feed_listener* listener : listeners_) {
    listener->on_quote(q);
  }
}

void market_data_producer::set_status(stream& s, instrument_status status) {
  const auto* entry = instruments_.find(s.id);
  MINIBROKER_ASSERT(entry != nullptr);
  instrument updated = entry->value;
  updated.status = status;
  instruments_.upsert(s.id, updated);
  instrument_updates_.fetch_add(1, std::memory_order_relaxed);
  config_.log.debug("instrument {} {}", updated.symbol, status);
  for (feed_listener* listener : listeners_) {
    listener->on_instrument(updated);
  }
}

} // namespace minibroker
