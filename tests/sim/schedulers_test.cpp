#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <iterator>
#include <numeric>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <fmt/format.h>

#include "minibroker/bus/in_memory_bus.hpp"
#include "minibroker/core/clock.hpp"
#include "minibroker/sim/schedulers.hpp"

using namespace minibroker;
using namespace std::chrono_literals;

namespace {

// A bus with topic T routing everything to queue Q of ints.
struct one_queue_bus {
  explicit one_queue_bus(const minibroker::clock& clk) : memory_bus(clk) {
    auto t = memory_bus.declare_topic("T");
    auto q = memory_bus.declare_queue<int>("Q");
    REQUIRE(t);
    REQUIRE(q);
    topic = *t;
    queue = *q;
    REQUIRE(memory_bus.bind(queue, topic, "#"));
  }
  bus::in_memory_bus memory_bus;
  bus::topic_ref topic;
  bus::queue_ref<int> queue;
};

} // namespace

TEST_CASE("virtual scheduler: tasks run in time order and the clock jumps to each", "[scheduler]") {
  boost::asio::io_context io;
  virtual_clock clock{timestamp{1s}};
  virtual_scheduler sched{io, clock};
  std::vector<std::string> log;
  sched.schedule_at(timestamp{3s},
                    [&] { log.push_back("c@" + std::to_string(clock.now().time_since_epoch().count())); });
  sched.schedule_at(timestamp{2s},
                    [&] { log.push_back("b@" + std::to_string(clock.now().time_since_epoch().count())); });
  sched.schedule_at(timestamp{2s}, [&] { log.push_back("b2"); });
  CHECK(sched.run() == 3);
  CHECK(log == std::vector<std::string>{"b@2000000000", "b2", "c@3000000000"});
}

TEST_CASE("virtual scheduler: ready handlers run before time moves on", "[scheduler]") {
  boost::asio::io_context io;
  virtual_clock clock;
  virtual_scheduler sched{io, clock};
  std::vector<std::string> log;
  sched.schedule_at(timestamp{1s}, [&] {
    log.push_back("task");
    boost::asio::post(io, [&] {
      log.push_back("posted@" + std::to_string(clock.now().time_since_epoch().count()));
      boost::asio::post(io, [&] { log.push_back("chained"); });
    });
  });
  sched.schedule_at(timestamp{2s}, [&] { log.push_back("later"); });
  sched.run();
  CHECK(log == std::vector<std::string>{"task", "posted@1000000000", "chained", "later"});
}

TEST_CASE("virtual scheduler: a bus message a task publishes is handled after the task, at its time, before the next",
          "[scheduler][bus]") {
  boost::asio::io_context io;
  virtual_clock clock;
  virtual_scheduler sched{io, clock};
  one_queue_bus b{clock};
  std::vector<std::string> log;
  bool in_task = false;
  REQUIRE(b.memory_bus.subscribe(b.queue, io.get_executor(), [&](bus::message<int>& m) {
    log.push_back(fmt::format("handled {}@{}{}", m.payload, clock.now().time_since_epoch().count(),
                              in_task ? " inside the task" : ""));
  }));
  for (int i = 1; i <= 2; ++i) {
    sched.schedule_at(timestamp{std::chrono::seconds{i}}, [&, i] {
      in_task = true;
      REQUIRE(b.memory_bus.publish(b.topic, "k", i));
      REQUIRE(b.memory_bus.publish(b.topic, "k", 10 * i));
      log.push_back(fmt::format("task {}", i));
      in_task = false;
    });
  }
  sched.run();
  CHECK(log == std::vector<std::string>{"task 1", "handled 1@1000000000", "handled 10@1000000000", "task 2",
                                        "handled 2@2000000000", "handled 20@2000000000"});
}

TEST_CASE("virtual scheduler: a task may schedule more, run stops at the horizon", "[scheduler]") {
  boost::asio::io_context io;
  virtual_clock clock;
  virtual_scheduler sched{io, clock};
  int ticks = 0;
  std::function<void()> tick = [&] {
    ++ticks;
    sched.schedule_after(100ms, tick);
  };
  sched.schedule_at(timestamp{0s}, tick);
  sched.run(timestamp{1s});
  CHECK(ticks == 11); // 0, 100, ..., 1000 ms
  CHECK(clock.now() == timestamp{1s});
  CHECK(sched.pending() == 1);
}

TEST_CASE("virtual scheduler: stop ends the run", "[scheduler]") {
  boost::asio::io_context io;
  virtual_clock clock;
  virtual_scheduler sched{io, clock};
  int ran = 0;
  sched.schedule_at(timestamp{1s}, [&] {
    ++ran;
    sched.stop();
  });
  sched.schedule_at(timestamp{2s}, [&] { ++ran; });
  sched.run();
  CHECK(ran == 1);
  CHECK(sched.pending() == 1);
}

TEST_CASE("real scheduler: a bus message a due task publishes to its executor is handled in the same executor "
          "operation, after the task",
          "[scheduler][bus]") {
  boost::asio::io_context io;
  real_clock clock;
  real_scheduler sched{io.get_executor(), clock};
  one_queue_bus b{clock};
  std::vector<std::string> log;
  REQUIRE(b.memory_bus.subscribe(b.queue, io.get_executor(), [&](bus::message<int>& m) {
    log.push_back(fmt::format("handled {}", m.payload));
    sched.stop();
  }));
  sched.schedule_at(clock.now(), [&] {
    REQUIRE(b.memory_bus.publish(b.topic, "k", 1));
    log.push_back("task");
  });
  const std::size_t operations = io.run();
  CHECK(log == std::vector<std::string>{"task", "handled 1"});
  CHECK(operations == 1); // the batch: the queue's drain ran as its continuation, not a post
}

TEST_CASE("real scheduler: due tasks run in order and stop lets the loop end", "[scheduler][threads]") {
  boost::asio::io_context io;
  real_clock clock;
  real_scheduler sched{io.get_executor(), clock};
  std::vector<int> order;
  const auto now = clock.now();
  sched.schedule_at(now + 2ms, [&] { order.push_back(2); });
  sched.schedule_at(now, [&] { order.push_back(1); });
  sched.schedule_at(now + 3ms, [&] {
    order.push_back(3);
    sched.schedule_at(clock.now() + std::chrono::hours{1}, [&] { order.push_back(99); });
    sched.stop();
  });
  io.run(); // returns once stop() has dropped the wake-up
  CHECK(order == std::vector<int>{1, 2, 3});
  CHECK(sched.pending() == 0);
}

TEST_CASE("real scheduler: a backlog beyond one batch runs in order, and handlers it posts run before it ends",
          "[scheduler][threads]") {
  boost::asio::io_context io;
  real_clock clock;
  real_scheduler sched{io.get_executor(), clock};
  std::vector<int> log;              // a task's number, or -1 for a handler a task posted
  const auto due = clock.now() - 1s; // all behind: more than one batch is due at once
  for (int i = 0; i < 200; ++i) {
    sched.schedule_at(due, [&, i] {
      log.push_back(i);
      boost::asio::post(io, [&] { log.push_back(-1); });
    });
  }
  sched.schedule_at(clock.now() + 1ms, [&] { sched.stop(); });
  io.run();
  std::vector<int> tasks;
  std::copy_if(log.begin(), log.end(), std::back_inserter(tasks), [](int n) { return n >= 0; });
  std::vector<int> expected(200);
  std::iota(expected.begin(), expected.end(), 0);
  CHECK(tasks == expected);
  CHECK(log.size() == 400);
  // Not starved: the first handler ran before the last task.
  CHECK(std::find(log.begin(), log.end(), -1) < std::find(log.begin(), log.end(), 199));
  CHECK(sched.pending() == 0);
}

TEST_CASE("real scheduler: dense tasks run in order and never before they are due", "[scheduler][threads]") {
  boost::asio::io_context io;
  real_clock clock;
  real_scheduler sched{io.get_executor(), clock};
  std::vector<int> order;
  int early = 0;
  const auto start = clock.now() + 1ms;
  for (int i = 0; i < 100; ++i) {
    const auto due = start + std::chrono::microseconds{10 * i}; // closer than a timer is worth
    sched.schedule_at(due, [&, i, due] {
      early += clock.now() < due ? 1 : 0;
      order.push_back(i);
    });
  }
  sched.schedule_at(start + 2ms, [&] { sched.stop(); });
  io.run();
  std::vector<int> expected(100);
  std::iota(expected.begin(), expected.end(), 0);
  CHECK(order == expected);
  CHECK(early == 0);
}

TEST_CASE("real scheduler: a task far ahead is waited for by the waker and keeps the loop running",
          "[scheduler][threads]") {
  boost::asio::io_context io;
  real_clock clock;
  real_scheduler sched{io.get_executor(), clock};
  int ran = 0;
  bool early = false;
  const auto due = clock.now() + 20ms; // beyond the polling window: the waker thread sleeps
  sched.schedule_at(due, [&] {
    ++ran;
    early = clock.now() < due;
    sched.schedule_at(clock.now() + 10ms, [&] {
      ++ran;
      sched.stop();
    });
  });
  io.run(); // nothing else keeps it running: the pending wake-up does
  CHECK(ran == 2);
  CHECK_FALSE(early);
  CHECK(sched.pending() == 0);
}

TEST_CASE("real scheduler: a scheduler destroyed with a wake-up pending posts nothing after", "[scheduler][threads]") {
  boost::asio::io_context io;
  real_clock clock;
  int soon = 0;
  int later = 0;
  {
    real_scheduler sched{io.get_executor(), clock};
    sched.schedule_at(clock.now() + 1ms, [&] { ++soon; });
    sched.schedule_at(clock.now() + std::chrono::hours{1}, [&] { ++later; });
    io.run_one(); // the first task's wake-up or poll
  }
  io.restart();
  io.poll();         // anything posted meanwhile finds the scheduler gone (ASan reports it if not)
  CHECK(soon <= 1);  // it may have been due before the scheduler went
  CHECK(later == 0); // a destroyed scheduler neither runs nor flushes what waits
}

TEST_CASE("virtual scheduler: tasks that tasks schedule among those waiting run in time, then scheduling, order",
          "[scheduler]") {
  boost::asio::io_context io;
  virtual_clock clock;
  virtual_scheduler sched{io, clock};
  // Each task records itself and schedules two more, a little and a lot later, until 300 have
  // been scheduled: slots are freed and reused while others wait, and times tie often.
  struct run_entry {
    timestamp at;
    int id;
    bool operator==(const run_entry&) const = default;
  };
  std::vector<run_entry> ran;
  std::vector<run_entry> scheduled;
  int next_id = 0;
  std::function<void(timestamp)> add = [&](timestamp at) {
    const int id = next_id++;
    scheduled.push_back({at, id});
    sched.schedule_at(at, [&, at, id] {
      ran.push_back({at, id});
      if (next_id < 300) {
        add(clock.now() + std::chrono::milliseconds{id % 3});
        add(clock.now() + std::chrono::milliseconds{7 + id % 5});
      }
    });
  };
  add(timestamp{1s});
  add(timestamp{1s});
  add(timestamp{0s});
  const std::uint64_t ran_count = sched.run();
  CHECK(ran_count == scheduled.size());
  CHECK(scheduled.size() >= 300);
  // What a stable sort by time of the scheduling order gives.
  std::stable_sort(scheduled.begin(), scheduled.end(),
                   [](const run_entry& a, const run_entry& b) { return a.at < b.at; });
  CHECK(ran == scheduled);
  CHECK(sched.pending() == 0);
}
