#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "minibroker/bus/in_memory_bus.hpp"
#include "rabbitmq_topic_cases.hpp"

using namespace minibroker;
using namespace minibroker::bus;
using namespace std::chrono_literals;

namespace {

struct recording_sink final : log_sink {
  std::vector<std::pair<log_level, std::string>> lines;
  void write(log_level level, std::string_view text) override { lines.emplace_back(level, std::string(text)); }
};

struct tick {
  int publisher = 0;
  int index = 0;
};

// The bus's two threadings (in_memory_bus_config::single_threaded): a single-threaded test runs
// once with each.
in_memory_bus_config each_threading(in_memory_bus_config config = {}) {
  config.single_threaded = GENERATE(false, true);
  UNSCOPED_INFO("single_threaded " << config.single_threaded);
  return config;
}

// A bus on a virtual clock, an io_context to run its consumers, and a recording log sink.
struct scenario {
  explicit scenario(in_memory_bus_config config = {}) : bus_(clock, with_sink(std::move(config))) {}

  in_memory_bus_config with_sink(in_memory_bus_config config) {
    config.log = logger{sink, log_level::info};
    return config;
  }
  template <typename T>
  queue_ref<T> queue(std::string_view name, queue_options options = {}) {
    auto q = bus_.declare_queue<T>(name, options);
    REQUIRE(q);
    return *q;
  }
  topic_ref topic(std::string_view name) {
    auto t = bus_.declare_topic(name);
    REQUIRE(t);
    return *t;
  }
  void bind(const any_queue_ref& q, topic_ref t, std::string_view key) { REQUIRE(bus_.bind(q, t, key)); }
  template <typename T>
  publish_receipt publish(topic_ref t, std::string_view key, T payload) {
    auto r = bus_.publish(t, key, std::move(payload));
    REQUIRE(r);
    return *r;
  }
  // Records every message a queue receives.
  template <typename T>
  std::shared_ptr<std::vector<message<T>>> record(const queue_ref<T>& q) {
    auto seen = std::make_shared<std::vector<message<T>>>();
    REQUIRE(bus_.subscribe(q, io.get_executor(), [seen](message<T>& m) { seen->push_back(m); }));
    return seen;
  }
  queue_stats stats_of(std::string_view name) const {
    const auto s = bus_.stats();
    const queue_stats* q = s.queue(name);
    REQUIRE(q != nullptr);
    return *q;
  }
  topic_stats topic_stats_of(std::string_view name) const {
    const auto s = bus_.stats();
    const topic_stats* t = s.topic(name);
    REQUIRE(t != nullptr);
    return *t;
  }

  // The io_context outlives the bus: queues keep their consumers' executors.
  boost::asio::io_context io;
  virtual_clock clock{timestamp{1'000'000ns}};
  std::shared_ptr<recording_sink> sink = std::make_shared<recording_sink>();
  in_memory_bus bus_;
};

// Topic T routing "first" to queue FIRST and "second" to queue SECOND.
struct two_queues {
  topic_ref topic;
  queue_ref<int> first;
  queue_ref<int> second;
};
two_queues first_and_second(scenario& s, std::size_t first_capacity = 65536, std::size_t second_capacity = 65536) {
  two_queues q{s.topic("T"), s.queue<int>("FIRST", {.capacity = first_capacity}),
               s.queue<int>("SECOND", {.capacity = second_capacity})};
  s.bind(q.first, q.topic, "first");
  s.bind(q.second, q.topic, "second");
  return q;
}

void check_invariant(const queue_stats& q) {
  INFO("queue " << q.name);
  CHECK(q.published == q.delivered + q.dropped + q.dead_lettered + q.failed + q.depth);
}

} // namespace

TEST_CASE("bus: a message reaches every queue whose binding matches, once", "[bus]") {
  scenario s{each_threading()};
  auto topic = s.topic("MARKET_DATA_TOPIC");
  auto quotes = s.queue<int>("QUOTES_QUEUE");
  auto all = s.queue<int>("ALL_QUEUE");
  auto instruments = s.queue<int>("INSTRUMENTS_QUEUE");
  s.bind(quotes, topic, "quote.updated");
  s.bind(all, topic, "#");
  s.bind(all, topic, "quote.*"); // two matching bindings, one delivery
  s.bind(all, topic, "*.updated");
  s.bind(instruments, topic, "instrument.#");
  auto seen_quotes = s.record(quotes);
  auto seen_all = s.record(all);
  auto seen_instruments = s.record(instruments);

  const auto receipt = s.publish(topic, "quote.updated", 42);
  CHECK(receipt.enqueued == 2);
  CHECK(receipt.rejected == 0);
  CHECK(receipt.sequence == 1);
  CHECK(receipt.fully_enqueued());
  s.io.run();

  REQUIRE(seen_quotes->size() == 1);
  REQUIRE(seen_all->size() == 1);
  CHECK(seen_instruments->empty());
  CHECK(seen_quotes->front().payload == 42);
  CHECK(seen_quotes->front().header.routing_key == "quote.updated");
  CHECK(s.stats_of("ALL_QUEUE").delivered == 1);
  CHECK(s.topic_stats_of("MARKET_DATA_TOPIC").published == 1);
}

TEST_CASE("bus: RabbitMQ's topic_matching suite routes through the trie and the cache", "[bus][topic]") {
  const in_memory_bus_config threading = each_threading();
  for (std::size_t cache : {std::size_t{0}, std::size_t{2}, std::size_t{4096}}) {
    DYNAMIC_SECTION("route cache size " << cache) {
      in_memory_bus_config config = threading;
      config.route_cache_size = cache;
      scenario s{config};
      auto topic = s.topic("topic_matching-exchange");
      std::vector<queue_ref<int>> queues;
      auto got = std::make_shared<std::map<std::string, std::set<int>>>();
      for (std::size_t i = 0; i < rabbitmq_topic_cases::bindings.size(); ++i) {
        const int n = static_cast<int>(i) + 1;
        queues.push_back(s.queue<int>("t" + std::to_string(n)));
        const std::string& key = rabbitmq_topic_cases::bindings[i];
        if (key == "#.#.#") {
          CHECK(s.bus_.bind(queues.back(), topic, key).error() == bus_error::too_many_hash_words);
        } else {
          s.bind(queues.back(), topic, key);
        }
        REQUIRE(s.bus_.subscribe(queues.back(), s.io.get_executor(), [got, n](message<int>& m) {
          (*got)[std::string(m.header.routing_key.view())].insert(n);
        }));
      }
      s.bind(queues.back(), topic, "args-test"); // binding twice is one binding

      auto check = [&](const std::vector<rabbitmq_topic_cases::expectation>& expected) {
        for (int round = 0; round < 2; ++round) { // the second round hits the cache
          got->clear();
          for (const auto& e : expected) {
            s.publish(topic, e.routing_key, 0);
          }
          s.io.restart();
          s.io.run();
          for (const auto& e : expected) {
            std::set<int> want = e.queues;
            want.erase(24); // "#.#.#" was refused
            INFO("routing key '" << e.routing_key << "'");
            CHECK((*got)[e.routing_key] == want);
          }
        }
      };
      check(rabbitmq_topic_cases::all_bound);
      for (int n : rabbitmq_topic_cases::removed) {
        REQUIRE(s.bus_.unbind(queues[static_cast<std::size_t>(n - 1)], topic,
                              rabbitmq_topic_cases::bindings[static_cast<std::size_t>(n - 1)]));
      }
      check(rabbitmq_topic_cases::after_removal);
      for (const auto& q : s.bus_.stats().queues) {
        check_invariant(q);
      }
    }
  }
}

TEST_CASE("bus: a binding added or removed changes routing at once", "[bus][topic]") {
  scenario s{each_threading()};
  auto topic = s.topic("T");
  auto first = s.queue<int>("FIRST");
  auto second = s.queue<int>("SECOND");
  s.bind(first, topic, "a.*");
  CHECK(s.publish(topic, "a.b", 1).enqueued == 1);
  s.bind(second, topic, "a.b");
  CHECK(s.publish(topic, "a.b", 2).enqueued == 2);
  REQUIRE(s.bus_.unbind(first, topic, "a.*"));
  CHECK(s.publish(topic, "a.b", 3).enqueued == 1);
  REQUIRE(s.bus_.unbind(first, topic, "not.bound")); // not an error
  CHECK(s.stats_of("FIRST").published == 2);
  CHECK(s.stats_of("SECOND").published == 2);
}

TEST_CASE("bus: a message is routed by the text of its key whatever buffer holds it", "[bus][topic]") {
  scenario s{each_threading()};
  auto topic = s.topic("T");
  auto a = s.queue<int>("A");
  auto b = s.queue<int>("B");
  s.bind(a, topic, "order.report.a");
  s.bind(b, topic, "order.report.b");
  const auto on_a = s.record(a);
  const auto on_b = s.record(b);
  // One buffer whose text changes in place: the same address and length, another key.
  std::string key = "order.report.a";
  const char* const address = key.data();
  s.publish(topic, key, 1);
  s.publish(topic, key, 2);
  key.back() = 'b';
  REQUIRE(key.data() == address);
  s.publish(topic, key, 3);
  key.back() = 'a';
  s.publish(topic, key, 4);
  // The same text at other addresses.
  s.publish(topic, std::string("order.report.b"), 5);
  s.publish(topic, std::string_view{"order.report.a"}, 6);
  // A binding added: the key remembered at this address routes by the new bindings.
  s.bind(b, topic, "order.report.*");
  s.publish(topic, key, 7);
  s.io.run();
  std::vector<int> got_a;
  std::vector<int> got_b;
  for (const auto& m : *on_a) {
    got_a.push_back(m.payload);
  }
  for (const auto& m : *on_b) {
    got_b.push_back(m.payload);
  }
  CHECK(got_a == std::vector<int>{1, 2, 4, 6, 7});
  CHECK(got_b == std::vector<int>{3, 5, 7});
  CHECK(on_b->back().header.routing_key == "order.report.a");
}

TEST_CASE("bus: unroutable messages are counted per topic", "[bus]") {
  scenario s{each_threading()};
  auto orders = s.topic("ORDERS");
  auto quotes = s.topic("QUOTES");
  auto q = s.queue<int>("Q");
  s.bind(q, orders, "order.new");
  CHECK_FALSE(s.publish(orders, "order.cancel", 1).routed());
  CHECK_FALSE(s.publish(quotes, "order.new", 2).routed());
  CHECK(s.publish(orders, "order.new", 3).routed());
  CHECK_FALSE(s.publish(orders, "", 4).routed());
  const auto o = s.topic_stats_of("ORDERS");
  CHECK(o.published == 3);
  CHECK(o.unroutable == 2);
  const auto t = s.topic_stats_of("QUOTES");
  CHECK(t.published == 1);
  CHECK(t.unroutable == 1);
}

TEST_CASE("bus: keys over 255 bytes and binding keys with three '#' are refused", "[bus][limits]") {
  scenario s{each_threading()};
  auto topic = s.topic("T");
  auto q = s.queue<int>("Q");
  const std::string longest(255, 'k');
  const std::string too_long(256, 'k');

  CHECK(s.bus_.bind(q, topic, longest));
  auto refused = s.bus_.bind(q, topic, too_long);
  REQUIRE_FALSE(refused);
  CHECK(refused.error() == bus_error::key_too_long);
  CHECK(refused.error().message() == "binding and routing keys are at most 255 bytes");

  CHECK(s.bus_.bind(q, topic, "#.a.#"));
  CHECK(s.bus_.bind(q, topic, "a#.#b.#.#"));
  auto hashes = s.bus_.bind(q, topic, "#.a.#.#");
  REQUIRE_FALSE(hashes);
  CHECK(hashes.error() == bus_error::too_many_hash_words);
  CHECK(hashes.error().category().name() == std::string("minibroker.bus"));
  CHECK(hashes.error().message() == "a binding key may have at most two '#' words");

  CHECK(s.publish(topic, longest, 1).enqueued == 1);
  auto too_long_publish = s.bus_.publish(topic, too_long, 2);
  REQUIRE_FALSE(too_long_publish);
  CHECK(too_long_publish.error() == bus_error::key_too_long);
  const auto t = s.topic_stats_of("T");
  CHECK(t.refused == 1);
  CHECK(t.published == 1);

  CHECK(s.bus_.declare_topic("").error() == bus_error::empty_name);
  CHECK(s.bus_.declare_queue<int>(too_long).error() == bus_error::name_too_long);
  CHECK(s.bus_.declare_queue<int>(longest));
}

TEST_CASE("bus: a full reject_publish queue refuses and tells the publisher", "[bus][overflow]") {
  scenario s{each_threading()};
  auto topic = s.topic("T");
  auto q = s.queue<int>("Q", {.capacity = 3});
  s.bind(q, topic, "#");
  auto seen = s.record(q);
  int enqueued = 0;
  int rejected = 0;
  for (int i = 1; i <= 5; ++i) {
    const auto r = s.publish(topic, "k", i);
    enqueued += static_cast<int>(r.enqueued);
    rejected += static_cast<int>(r.rejected);
  }
  CHECK(enqueued == 3);
  CHECK(rejected == 2);
  auto before = s.stats_of("Q");
  CHECK(before.depth == 3);
  CHECK(before.max_depth == 3);
  check_invariant(before);

  s.io.run();
  REQUIRE(seen->size() == 3);
  CHECK((*seen)[0].payload == 1);
  CHECK((*seen)[2].payload == 3);
  const auto after = s.stats_of("Q");
  CHECK(after.published == 3);
  CHECK(after.rejected == 2);
  CHECK(after.delivered == 3);
  CHECK(after.depth == 0);
  check_invariant(after);

  // Room again once handled.
  CHECK(s.publish(topic, "k", 6).enqueued == 1);
}

TEST_CASE("bus: a full drop_head queue drops its oldest message", "[bus][overflow]") {
  scenario s{each_threading()};
  auto topic = s.topic("T");
  auto q = s.queue<int>("Q", {.capacity = 3, .overflow = overflow_policy::drop_head});
  s.bind(q, topic, "#");
  auto seen = s.record(q);
  for (int i = 1; i <= 5; ++i) {
    CHECK(s.publish(topic, "k", i).enqueued == 1);
  }
  const auto before = s.stats_of("Q");
  CHECK(before.published == 5);
  CHECK(before.dropped == 2);
  CHECK(before.depth == 3);
  check_invariant(before);

  s.io.run();
  REQUIRE(seen->size() == 3);
  CHECK((*seen)[0].payload == 3);
  CHECK((*seen)[1].payload == 4);
  CHECK((*seen)[2].payload == 5);
  const auto after = s.stats_of("Q");
  CHECK(after.delivered == 3);
  CHECK(after.rejected == 0);
  check_invariant(after);
}

TEST_CASE("bus: a handler publishing to its own full drop_head queue neither drops nor runs ahead of its batch",
          "[bus][overflow]") {
  scenario s{each_threading()};
  auto topic = s.topic("T");
  auto q = s.queue<int>("Q", {.capacity = 2, .overflow = overflow_policy::drop_head});
  s.bind(q, topic, "#");
  std::vector<int> seen;
  publish_receipt inner;
  REQUIRE(s.bus_.subscribe(q, s.io.get_executor(), [&](message<int>& m) {
    seen.push_back(m.payload);
    if (m.payload == 1) {
      inner = s.publish(topic, "k", 3); // both slots are the drain's batch: 1 in hand, 2 next
    }
  }));
  s.publish(topic, "k", 1);
  s.publish(topic, "k", 2);
  CHECK(s.io.run_one() == 1); // one drain: the messages waiting when it started, and no more
  CHECK(seen == std::vector<int>{1, 2});
  CHECK(inner.rejected == 1); // nothing waits to be dropped: refused, as under reject_publish
  s.io.run();
  CHECK(seen == std::vector<int>{1, 2});
  const auto after = s.stats_of("Q");
  CHECK(after.dropped == 0);
  CHECK(after.rejected == 1);
  CHECK(after.delivered == 2);
  check_invariant(after);
}

TEST_CASE("bus: a handler that throws sends the message to the dead-letter queue with the error", "[bus][dlq]") {
  scenario s{each_threading()};
  auto topic = s.topic("ORDERS");
  auto dlq = s.queue<int>("ORDERS_DLQ");
  auto q = s.queue<int>("ORDERS_QUEUE", {.dead_letter_queue = "ORDERS_DLQ"});
  s.bind(q, topic, "order.*");
  std::vector<int> handled;
  REQUIRE(s.bus_.subscribe(q, s.io.get_executor(), [&](message<int>& m) {
    if (m.payload % 2 == 0) {
      throw std::runtime_error("even quantity " + std::to_string(m.payload));
    }
    handled.push_back(m.payload);
  }));
  auto dead = s.record(dlq);
  for (int i = 1; i <= 5; ++i) {
    s.publish(topic, "order.new", i);
  }
  s.io.run();

  CHECK(handled == std::vector<int>{1, 3, 5});
  REQUIRE(dead->size() == 2);
  CHECK((*dead)[0].payload == 2);
  CHECK((*dead)[0].header.dead_letter_reason == "even quantity 2");
  CHECK((*dead)[0].header.routing_key == "order.new");
  CHECK((*dead)[0].header.sequence == 2);
  CHECK((*dead)[1].header.dead_letter_reason == "even quantity 4");
  const auto qs = s.stats_of("ORDERS_QUEUE");
  CHECK(qs.delivered == 3);
  CHECK(qs.dead_lettered == 2);
  CHECK(qs.failed == 0);
  check_invariant(qs);
  const auto ds = s.stats_of("ORDERS_DLQ");
  CHECK(ds.published == 2);
  CHECK(ds.delivered == 2);
  check_invariant(ds);
  CHECK(s.sink->lines.empty());
}

TEST_CASE("bus: a handler that throws without a dead-letter queue is counted, logged, and the consumer goes on",
          "[bus][dlq]") {
  scenario s{each_threading()};
  auto topic = s.topic("T");
  auto q = s.queue<int>("QUOTES_QUEUE");
  s.bind(q, topic, "#");
  std::vector<int> handled;
  REQUIRE(s.bus_.subscribe(q, s.io.get_executor(), [&](message<int>& m) {
    if (m.payload == 2) {
      throw std::runtime_error("stale quote");
    }
    if (m.payload == 3) {
      throw 3; // not a std::exception
    }
    handled.push_back(m.payload);
  }));
  for (int i = 1; i <= 4; ++i) {
    s.publish(topic, "quote.updated", i);
  }
  s.io.run();

  CHECK(handled == std::vector<int>{1, 4});
  const auto qs = s.stats_of("QUOTES_QUEUE");
  CHECK(qs.failed == 2);
  CHECK(qs.delivered == 2);
  check_invariant(qs);
  REQUIRE(s.sink->lines.size() == 2);
  CHECK(s.sink->lines[0].first == log_level::error);
  CHECK(s.sink->lines[0].second == "bus: queue QUOTES_QUEUE: handler threw on message quote.updated #2: stale quote");
  CHECK(s.sink->lines[1].second ==
        "bus: queue QUOTES_QUEUE: handler threw on message quote.updated #3: unknown exception");
}

TEST_CASE("bus: a full dead-letter queue turns the dead letter into a logged failure", "[bus][dlq]") {
  scenario s{each_threading()};
  auto topic = s.topic("T");
  s.queue<int>("DLQ", {.capacity = 1});
  auto q = s.queue<int>("Q", {.dead_letter_queue = "DLQ"});
  s.bind(q, topic, "#");
  REQUIRE(s.bus_.subscribe(q, s.io.get_executor(), [](message<int>&) { throw std::runtime_error("no"); }));
  s.publish(topic, "k", 1);
  s.publish(topic, "k", 2);
  s.io.run();
  const auto qs = s.stats_of("Q");
  CHECK(qs.dead_lettered == 1);
  CHECK(qs.failed == 1);
  check_invariant(qs);
  CHECK(s.stats_of("DLQ").depth == 1); // nobody consumes it
  REQUIRE(s.sink->lines.size() == 1);
  CHECK(s.sink->lines[0].second == "bus: queue Q: handler threw on message k #2 and dead-letter queue DLQ is full: no");
}

TEST_CASE("bus: a payload of another type is refused by the queue and counted", "[bus][types]") {
  scenario s{each_threading()};
  auto topic = s.topic("T");
  auto ints = s.queue<int>("INTS");
  auto strings = s.queue<std::string>("STRINGS");
  s.bind(ints, topic, "#");
  s.bind(strings, topic, "#");
  auto seen_ints = s.record(ints);
  auto seen_strings = s.record(strings);

  const auto r = s.publish(topic, "k", std::string("hello"));
  CHECK(r.enqueued == 1);
  CHECK(r.type_mismatched == 1);
  CHECK_FALSE(r.fully_enqueued());
  const auto r2 = s.publish(topic, "k", 7L); // long is not int
  CHECK(r2.enqueued == 0);
  CHECK(r2.type_mismatched == 2);
  s.io.run();

  CHECK(seen_ints->empty());
  REQUIRE(seen_strings->size() == 1);
  CHECK(seen_strings->front().payload == "hello");
  const auto is = s.stats_of("INTS");
  CHECK(is.type_mismatched == 2);
  CHECK(is.published == 0);
  check_invariant(is);
}

TEST_CASE("bus: declaring twice is idempotent with the same options and an error with others", "[bus][declare]") {
  scenario s{each_threading()};
  auto t1 = s.topic("T");
  auto t2 = s.topic("T");
  CHECK(t1 == t2);
  CHECK(t1.name() == "T");

  s.queue<int>("DLQ");
  const queue_options options{.capacity = 10, .overflow = overflow_policy::drop_head, .dead_letter_queue = "DLQ"};
  auto q1 = s.queue<int>("Q", options);
  auto q2 = s.queue<int>("Q", options);
  CHECK(q1 == q2);

  auto other_options = s.bus_.declare_queue<int>("Q", {.capacity = 11});
  REQUIRE_FALSE(other_options);
  CHECK(other_options.error() == bus_error::queue_options_differ);
  auto other_type = s.bus_.declare_queue<std::string>("Q", options);
  REQUIRE_FALSE(other_type);
  CHECK(other_type.error() == bus_error::queue_type_differs);

  CHECK(s.bus_.declare_queue<int>("R", {.capacity = 0}).error() == bus_error::invalid_capacity);
  CHECK(s.bus_.declare_queue<int>("R", {.dead_letter_queue = "NOPE"}).error() == bus_error::unknown_dead_letter_queue);
  CHECK(s.bus_.declare_queue<std::string>("R", {.dead_letter_queue = "DLQ"}).error() ==
        bus_error::dead_letter_type_differs);

  REQUIRE(s.bus_.subscribe(q1, s.io.get_executor(), [](message<int>&) {}));
  CHECK(s.bus_.subscribe(q2, s.io.get_executor(), [](message<int>&) {}).error() == bus_error::already_subscribed);
}

TEST_CASE("bus: handles from another bus or default-constructed are refused", "[bus][declare]") {
  scenario s{each_threading()};
  scenario other;
  auto foreign_topic = other.topic("T");
  auto foreign_queue = other.queue<int>("Q");
  auto topic = s.topic("T");
  auto q = s.queue<int>("Q");
  CHECK(s.bus_.bind(foreign_queue, topic, "#").error() == bus_error::invalid_handle);
  CHECK(s.bus_.bind(q, foreign_topic, "#").error() == bus_error::invalid_handle);
  CHECK(s.bus_.publish(foreign_topic, "k", 1).error() == bus_error::invalid_handle);
  CHECK(s.bus_.publish(topic_ref{}, "k", 1).error() == bus_error::invalid_handle);
  CHECK(s.bus_.subscribe(queue_ref<int>{}, s.io.get_executor(), [](message<int>&) {}).error() ==
        bus_error::invalid_handle);
}

TEST_CASE("bus: headers carry the routing key, a per-topic sequence and the clock's time", "[bus][header]") {
  scenario s{each_threading()};
  auto a = s.topic("A");
  auto b = s.topic("B");
  auto q = s.queue<int>("Q");
  s.bind(q, a, "#");
  s.bind(q, b, "#");
  auto seen = s.record(q);
  s.publish(a, "x", 1);
  s.clock.advance_by(5us);
  s.publish(a, "nobody.listens.here", 0); // unroutable, still numbered
  s.publish(b, "y", 2);
  s.publish(a, "z", 3);
  s.io.run();
  REQUIRE(seen->size() == 4);
  CHECK((*seen)[0].header.sequence == 1);
  CHECK((*seen)[0].header.published_at == timestamp{1'000'000ns});
  CHECK((*seen)[1].header.routing_key == "nobody.listens.here");
  CHECK((*seen)[1].header.sequence == 2);
  CHECK((*seen)[2].header.routing_key == "y");
  CHECK((*seen)[2].header.sequence == 1);
  CHECK((*seen)[3].header.sequence == 3);
  CHECK((*seen)[3].header.published_at == timestamp{1'005'000ns});

  message_header h = (*seen)[3].header;
  h.stamp(0, h.published_at + 250ns);
  CHECK(h.since_published(0) == 250ns);
  CHECK(h.dead_letter_reason.empty());
}

TEST_CASE("bus: messages published before a consumer subscribes wait for it", "[bus]") {
  scenario s{each_threading()};
  auto topic = s.topic("T");
  auto q = s.queue<int>("Q");
  s.bind(q, topic, "#");
  for (int i = 0; i < 10; ++i) {
    s.publish(topic, "k", i);
  }
  CHECK(s.stats_of("Q").depth == 10);
  CHECK(s.io.poll() == 0); // nothing to run: no consumer yet
  s.io.restart();
  auto seen = s.record(q);
  s.io.run();
  CHECK(seen->size() == 10);
  CHECK(s.stats_of("Q").depth == 0);
}

TEST_CASE("bus: a consumer handles a bounded batch, then yields to its executor", "[bus][batch]") {
  scenario s{each_threading({{}, 4, 4096})};
  auto topic = s.topic("T");
  auto busy = s.queue<int>("BUSY");
  auto other = s.queue<int>("OTHER");
  s.bind(busy, topic, "busy");
  s.bind(other, topic, "other");
  std::vector<std::string> order;
  REQUIRE(s.bus_.subscribe(busy, s.io.get_executor(), [&](message<int>&) { order.push_back("busy"); }));
  REQUIRE(s.bus_.subscribe(other, s.io.get_executor(), [&](message<int>&) { order.push_back("other"); }));
  for (int i = 0; i < 10; ++i) {
    s.publish(topic, "busy", i);
  }
  s.publish(topic, "other", 0);

  CHECK(s.io.run_one() == 1); // BUSY's first batch
  CHECK(order.size() == 4);
  CHECK(s.io.run_one() == 1); // OTHER's turn comes before BUSY's second batch
  CHECK(order.back() == "other");
  s.io.run();
  CHECK(order.size() == 11);
}

TEST_CASE("bus: handlers run on a strand of a pool, one message at a time", "[bus][threads]") {
  scenario s{in_memory_bus_config{{}, 8, 4096}};
  auto topic = s.topic("T");
  auto q = s.queue<int>("Q");
  s.bind(q, topic, "#");
  auto strand = boost::asio::make_strand(s.io);
  int in_handler = 0; // touched on the strand only
  int overlaps = 0;
  int handled = 0;
  REQUIRE(s.bus_.subscribe(q, strand, [&](message<int>&) {
    overlaps += in_handler++;
    ++handled;
    --in_handler;
  }));
  for (int i = 0; i < 1000; ++i) {
    s.publish(topic, "k", i);
  }
  std::thread helper([&] { s.io.run(); });
  s.io.run();
  helper.join();
  CHECK(handled == 1000);
  CHECK(overlaps == 0);
}

TEST_CASE("bus: several publisher threads, one consumer: every message delivered exactly once, each publisher's in "
          "its order",
          "[bus][threads]") {
  constexpr int publishers = 4;
  constexpr int per_publisher = 20000;
  scenario s{in_memory_bus_config{{}, 64, 4096}};
  auto topic = s.topic("T");
  auto q = s.queue<tick>("Q", {.capacity = 512});
  s.bind(q, topic, "tick.*");

  std::vector<std::vector<int>> seen(publishers, std::vector<int>(per_publisher, 0));
  std::vector<int> next(publishers, 0); // each publisher's next index, as it published them
  int out_of_order = 0;
  int delivered = 0;
  auto work = boost::asio::make_work_guard(s.io);
  REQUIRE(s.bus_.subscribe(q, s.io.get_executor(), [&](message<tick>& m) {
    ++seen[static_cast<std::size_t>(m.payload.publisher)][static_cast<std::size_t>(m.payload.index)];
    int& expected = next[static_cast<std::size_t>(m.payload.publisher)];
    out_of_order += m.payload.index == expected ? 0 : 1;
    expected = m.payload.index + 1;
    if (++delivered == publishers * per_publisher) {
      work.reset();
    }
  }));

  std::atomic<std::uint64_t> retries{0};
  std::vector<std::thread> threads;
  for (int p = 0; p < publishers; ++p) {
    threads.emplace_back([&, p] {
      const std::string key = "tick." + std::to_string(p);
      for (int i = 0; i < per_publisher; ++i) {
        while (true) {
          auto r = s.bus_.publish(topic, key, tick{p, i});
          if (r && r->enqueued == 1) {
            break;
          }
          retries.fetch_add(1, std::memory_order_relaxed); // full: back-pressure, try again
          std::this_thread::yield();
        }
      }
    });
  }
  s.io.run();
  for (auto& t : threads) {
    t.join();
  }

  int wrong = 0;
  for (const auto& per : seen) {
    for (int count : per) {
      wrong += count == 1 ? 0 : 1;
    }
  }
  CHECK(wrong == 0);
  CHECK(out_of_order == 0);
  const auto qs = s.stats_of("Q");
  CHECK(qs.published == publishers * per_publisher);
  CHECK(qs.delivered == publishers * per_publisher);
  CHECK(qs.rejected == retries.load());
  CHECK(qs.depth == 0);
  CHECK(qs.max_depth <= 512);
  check_invariant(qs);
  CHECK(s.topic_stats_of("T").published == publishers * per_publisher + retries.load());
}

TEST_CASE("bus: messages published between a queue's batches come out after the ones waiting, in order",
          "[bus][batch]") {
  scenario s{each_threading({{}, 3, 4096})};
  auto topic = s.topic("T");
  auto q = s.queue<int>("Q");
  s.bind(q, topic, "#");
  auto seen = s.record(q);
  for (int i = 0; i < 5; ++i) {
    s.publish(topic, "k", i);
  }
  CHECK(s.io.run_one() == 1); // 0, 1, 2 handled; 3 and 4 still wait
  for (int i = 5; i < 9; ++i) {
    s.publish(topic, "k", i); // these wait behind 3 and 4
  }
  s.io.run();
  REQUIRE(seen->size() == 9);
  for (int i = 0; i < 9; ++i) {
    CHECK((*seen)[static_cast<std::size_t>(i)].payload == i);
  }
  check_invariant(s.stats_of("Q"));
}

TEST_CASE("bus: a burst of thousands of messages comes out in order, with more published between batches",
          "[bus][batch]") {
  scenario s{each_threading({{}, 300, 4096})};
  auto topic = s.topic("T");
  auto q = s.queue<int>("Q", {.capacity = 8192});
  s.bind(q, topic, "#");
  auto seen = s.record(q);
  int next = 0;
  for (; next < 2500; ++next) {
    s.publish(topic, "k", next);
  }
  CHECK(s.io.run_one() == 1); // one batch of 300 taken from the 2,500
  for (; next < 5000; ++next) {
    s.publish(topic, "k", next);
  }
  s.io.run();
  REQUIRE(seen->size() == 5000);
  int out_of_order = 0;
  for (int i = 0; i < 5000; ++i) {
    out_of_order += (*seen)[static_cast<std::size_t>(i)].payload == i ? 0 : 1;
  }
  CHECK(out_of_order == 0);
  check_invariant(s.stats_of("Q"));
}

TEST_CASE("bus: a consumer that publishes to a queue on its own executor sees its messages after it returns, in order",
          "[bus][continuation]") {
  scenario s{each_threading()};
  const auto [topic, first, second] = first_and_second(s);
  std::vector<std::string> events;
  bool in_first = false;
  int reentered = 0;
  REQUIRE(s.bus_.subscribe(first, s.io.get_executor(), [&](message<int>& m) {
    in_first = true;
    events.push_back("first " + std::to_string(m.payload));
    s.publish(topic, "second", m.payload * 10);
    s.publish(topic, "second", m.payload * 10 + 1);
    events.push_back("first " + std::to_string(m.payload) + " published");
    in_first = false;
  }));
  REQUIRE(s.bus_.subscribe(second, s.io.get_executor(), [&](message<int>& m) {
    reentered += in_first ? 1 : 0;
    events.push_back("second " + std::to_string(m.payload));
  }));
  for (int i = 1; i <= 3; ++i) {
    s.publish(topic, "first", i);
  }
  s.io.run();
  CHECK(reentered == 0);
  const std::vector<std::string> expected{"first 1",   "first 1 published", "first 2",   "first 2 published",
                                          "first 3",   "first 3 published", "second 10", "second 11",
                                          "second 20", "second 21",         "second 30", "second 31"};
  CHECK(events == expected);
  check_invariant(s.stats_of("FIRST"));
  check_invariant(s.stats_of("SECOND"));
  CHECK(s.stats_of("SECOND").delivered == 6);
}

TEST_CASE("bus: a queue's drain made due inside another drain on its executor costs no executor operation",
          "[bus][continuation]") {
  scenario s{each_threading()};
  const auto [topic, first, second] = first_and_second(s);
  std::vector<int> seen;
  REQUIRE(
      s.bus_.subscribe(first, s.io.get_executor(), [&](message<int>& m) { s.publish(topic, "second", m.payload); }));
  REQUIRE(s.bus_.subscribe(second, s.io.get_executor(), [&](message<int>& m) { seen.push_back(m.payload); }));
  s.publish(topic, "first", 7);
  CHECK(s.io.run_one() == 1); // FIRST's drain, then SECOND's as its continuation
  CHECK(seen == std::vector<int>{7});
  CHECK(s.io.poll() == 0);
}

TEST_CASE("bus: a bus destroyed by a handler still runs the drains it made due, and kept messages keep their keys",
          "[bus][continuation]") {
  boost::asio::io_context io;
  virtual_clock clock{timestamp{1'000'000ns}};
  auto b = std::make_unique<in_memory_bus>(clock, each_threading());
  auto topic = b->declare_topic("T").value();
  auto first = b->declare_queue<int>("FIRST").value();
  auto second = b->declare_queue<int>("SECOND").value();
  REQUIRE(b->bind(first, topic, "first"));
  REQUIRE(b->bind(second, topic, "second.#"));
  std::vector<message<int>> kept;
  REQUIRE(b->subscribe(first, io.get_executor(), [&](message<int>& m) {
    REQUIRE(b->publish(topic, "second.cached", m.payload));
    REQUIRE(b->publish(topic, "second.again", m.payload + 1));
    b.reset(); // SECOND's drain is due, as this drain's continuation
  }));
  REQUIRE(b->subscribe(second, io.get_executor(), [&](message<int>& m) { kept.push_back(m); }));
  REQUIRE(b->publish(topic, "first", 7));
  io.run();
  CHECK(b == nullptr);
  REQUIRE(kept.size() == 2);
  // The copies own their keys' text: the route cache that lent it is gone with the bus.
  CHECK(kept[0].payload == 7);
  CHECK(kept[0].header.routing_key == "second.cached");
  CHECK(kept[1].payload == 8);
  CHECK(kept[1].header.routing_key == "second.again");
}

TEST_CASE("bus: a drain on another executor is posted, not run as a continuation", "[bus][continuation]") {
  scenario s{each_threading()};
  const auto [topic, first, second] = first_and_second(s);
  auto strand = boost::asio::make_strand(s.io);
  std::vector<int> seen;
  REQUIRE(
      s.bus_.subscribe(first, s.io.get_executor(), [&](message<int>& m) { s.publish(topic, "second", m.payload); }));
  REQUIRE(s.bus_.subscribe(second, strand, [&](message<int>& m) { seen.push_back(m.payload); }));
  s.publish(topic, "first", 7);
  CHECK(s.io.run_one() == 1); // FIRST's drain only
  CHECK(seen.empty());
  s.io.run();
  CHECK(seen == std::vector<int>{7});
}

TEST_CASE("bus: a burst of continuations yields to other work on the executor", "[bus][continuation]") {
  // One handler publishes to a hundred queues on its executor: more drains than one burst runs as
  // continuations. A handler posted before the burst began gets its turn before the burst ends.
  constexpr int leaves = 100;
  scenario s{each_threading()};
  auto topic = s.topic("T");
  auto head = s.queue<int>("HEAD");
  s.bind(head, topic, "head");
  std::vector<int> seen;
  for (int i = 0; i < leaves; ++i) {
    auto leaf = s.queue<int>("LEAF" + std::to_string(i));
    s.bind(leaf, topic, "leaf." + std::to_string(i));
    REQUIRE(s.bus_.subscribe(leaf, s.io.get_executor(), [&](message<int>& m) { seen.push_back(m.payload); }));
  }
  REQUIRE(s.bus_.subscribe(head, s.io.get_executor(), [&](message<int>&) {
    for (int i = 0; i < leaves; ++i) {
      s.publish(topic, "leaf." + std::to_string(i), i);
    }
  }));
  s.publish(topic, "head", 0);
  std::size_t seen_by_marker = 0;
  bool marker_ran = false;
  boost::asio::post(s.io, [&] {
    marker_ran = true;
    seen_by_marker = seen.size();
  });
  s.io.run();
  REQUIRE(seen.size() == static_cast<std::size_t>(leaves));
  for (int i = 0; i < leaves; ++i) {
    CHECK(seen[static_cast<std::size_t>(i)] == i);
  }
  CHECK(marker_ran);
  CHECK(seen_by_marker > 0);                                // some ran as continuations of HEAD's drain
  CHECK(seen_by_marker < static_cast<std::size_t>(leaves)); // and the marker did not wait for all
  for (int i = 0; i < leaves; ++i) {
    check_invariant(s.stats_of("LEAF" + std::to_string(i)));
  }
}

TEST_CASE("bus: continuations on a strand of a pool keep one handler at a time and each queue's order",
          "[bus][threads][continuation]") {
  constexpr int messages = 5000;
  scenario s{in_memory_bus_config{{}, 16, 4096}};
  const auto [topic, first, second] = first_and_second(s, 8192, 16384);
  auto strand = boost::asio::make_strand(s.io);
  int in_handler = 0; // touched on the strand only
  int overlaps = 0;
  std::vector<int> seen;
  REQUIRE(s.bus_.subscribe(first, strand, [&](message<int>& m) {
    overlaps += in_handler++;
    s.publish(topic, "second", 2 * m.payload);
    s.publish(topic, "second", 2 * m.payload + 1);
    --in_handler;
  }));
  REQUIRE(s.bus_.subscribe(second, strand, [&](message<int>& m) {
    overlaps += in_handler++;
    seen.push_back(m.payload);
    --in_handler;
  }));
  for (int i = 0; i < messages; ++i) {
    s.publish(topic, "first", i);
  }
  std::thread helper([&] { s.io.run(); });
  s.io.run();
  helper.join();
  CHECK(overlaps == 0);
  // Every message once, and the two a handler published in the order it published them (a queue
  // keeps each publishing thread's order; the pool's threads take turns on the strand).
  REQUIRE(seen.size() == static_cast<std::size_t>(2 * messages));
  std::vector<std::size_t> position(static_cast<std::size_t>(2 * messages), seen.size());
  for (std::size_t at = 0; at < seen.size(); ++at) {
    position[static_cast<std::size_t>(seen[at])] = at;
  }
  for (int i = 0; i < messages; ++i) {
    const std::size_t even = position[static_cast<std::size_t>(2 * i)];
    const std::size_t odd = position[static_cast<std::size_t>(2 * i + 1)];
    CHECK(even < seen.size());
    CHECK(odd < seen.size());
    CHECK(even < odd);
  }
}
