// The exchange on one thread (exchange_config::single_threaded): what it refuses, and how a
// session that shares the exchange's executor gets its reports.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "exchange_support.hpp"
#include "minibroker/bus/continuation.hpp"

using namespace minibroker;
using namespace minibroker::testing;

namespace {

const instrument_id traded_instrument{1};

exchange_config one_thread_config() {
  exchange_config c = quiet_config();
  c.single_threaded = true;
  return c;
}

// Runs `requests` as a broker sharing the exchange's executor sends: from a drain of its own on that
// executor. Returns the executor operations run until nothing is left.
template <typename Requests>
std::size_t in_a_drain_on_the_exchange(scenario& s, Requests requests) {
  boost::asio::post(s.ex.executor(), [&] {
    const bus::scope_executor executor(s.ex.executor());
    bus::drain_scope scope(executor);
    requests();
    scope.run_continuations();
  });
  s.io.restart();
  return s.io.run();
}

} // namespace

TEST_CASE("exchange: single_threaded with more than one matcher shard is refused", "[exchange][single-thread]") {
  boost::asio::io_context io;
  virtual_clock clock;
  virtual_scheduler sched{io, clock};
  exchange_config c = one_thread_config();
  c.matcher_shards = 2;
  CHECK_THROWS_AS(exchange(io, sched, c), std::invalid_argument);
}

TEST_CASE("exchange: requests made in a drain on its executor reach a session on that executor in the same "
          "executor operation",
          "[exchange][single-thread]") {
  scenario s{one_thread_config()};
  report_recorder a, b;
  const bool on_exchange_executor = GENERATE(true, false);
  INFO("sessions on the exchange's executor: " << on_exchange_executor);
  const boost::asio::any_io_executor sessions =
      on_exchange_executor ? s.ex.executor() : boost::asio::any_io_executor(boost::asio::make_strand(s.io));
  s.ex.api().attach(inst_a, a, sessions);
  s.ex.api().attach(inst_b, b, sessions);
  s.run(); // the attaches

  const quantity ten = s.lots(traded_instrument, 10);
  const std::size_t operations = in_a_drain_on_the_exchange(s, [&] {
    s.send(limit(inst_a, 1, traded_instrument, side::buy, ten, s.ref(traded_instrument)));
    s.send(limit(inst_b, 1, traded_instrument, side::sell, ten, s.ref(traded_instrument)));
  });

  const std::string q = fmt::format("{}", ten);
  CHECK(a.lines() == std::vector<std::string>{"A new new id=1 cum=0 open=" + q,
                                              "A trade filled id=1 cum=" + q + " open=0 last=" + q});
  CHECK(b.lines() == std::vector<std::string>{"B new new id=1 cum=0 open=" + q,
                                              "B trade filled id=1 cum=" + q + " open=0 last=" + q});
  if (on_exchange_executor) {
    CHECK(operations == 1); // the one that ran the drain: every hop after it was a continuation
  } else {
    CHECK(operations > 1); // the reports were posted to the sessions' executor
  }
}

TEST_CASE("exchange: a session detached or replaced while requests for it wait in the orders API hears none of "
          "their reports",
          "[exchange][single-thread]") {
  scenario s{one_thread_config()};
  report_recorder a, replacement;
  s.ex.api().attach(inst_a, a, s.ex.executor());
  s.run();
  const bool replaced = GENERATE(false, true);
  INFO("dropped by " << (replaced ? "a second attach" : "detach"));

  const quantity ten = s.lots(traded_instrument, 10);
  in_a_drain_on_the_exchange(s, [&] {
    s.send(limit(inst_a, 1, traded_instrument, side::buy, ten, s.ref(traded_instrument)));
    // Refused at the door: its reject is delivered while the orders API drains these calls.
    s.send(limit(inst_a, 1, traded_instrument, side::buy, ten, s.ref(traded_instrument)));
    if (replaced) {
      s.ex.api().attach(inst_a, replacement, s.ex.executor());
    } else {
      s.ex.api().detach(inst_a);
    }
  });

  CHECK(a.lines().empty());
  if (replaced) {
    // The order's acknowledgement comes from the matcher, after the second attach has taken effect.
    const std::string q = fmt::format("{}", ten);
    CHECK(replacement.lines() == std::vector<std::string>{"A new new id=1 cum=0 open=" + q});
  } else {
    CHECK(replacement.lines().empty());
  }
}
