#include <catch2/catch.hpp>

#include "outbound_queue.hpp"

using minibroker::ws::detail::outbound_queue;

namespace {
outbound_queue::message msg(const char* text) { return outbound_queue::message(text); }
std::string pop(outbound_queue& q) {
  auto m = q.pop();
  return m ? std::string(m.view()) : std::string("<empty>");
}
} // namespace

TEST_CASE("outbound queue: messages keep their order and are bounded", "[ws][queue]") {
  outbound_queue q(2);
  CHECK(q.push(msg("a")));
  CHECK(q.push(msg("b")));
  CHECK_FALSE(q.push(msg("c")));
  CHECK(pop(q) == "a");
  CHECK(q.push(msg("d")));
  CHECK(pop(q) == "b");
  CHECK(pop(q) == "d");
  CHECK(pop(q) == "<empty>");
}

TEST_CASE("outbound queue: keyed values are all queued while the reader keeps up", "[ws][queue]") {
  outbound_queue q(4);
  CHECK_FALSE(q.push_latest(1, msg("x1")));
  CHECK_FALSE(q.push_latest(1, msg("x2")));
  CHECK(pop(q) == "x1");
  CHECK(pop(q) == "x2");
  CHECK(q.empty());
}

TEST_CASE("outbound queue: once behind a newer value replaces the key's waiting one in place", "[ws][queue]") {
  outbound_queue q(3);
  CHECK_FALSE(q.push_latest(1, msg("x1")));
  CHECK(q.push(msg("end")));
  CHECK_FALSE(q.push_latest(2, msg("y1"))); // three waiting: behind from now on
  CHECK(q.push_latest(1, msg("x2")));       // conflated: keeps x1's place, before "end"
  CHECK(q.push_latest(2, msg("y2")));
  CHECK(q.size() == 3);
  CHECK(pop(q) == "x2");
  CHECK_FALSE(q.push_latest(3, msg("z1"))); // a key with nothing waiting is queued, at the back
  CHECK(pop(q) == "end");
  CHECK(pop(q) == "y2");
  CHECK(pop(q) == "z1");
  CHECK(q.empty());
  CHECK_FALSE(q.push_latest(1, msg("x3"))); // x1's entry is gone: queued anew
  CHECK(pop(q) == "x3");
}

TEST_CASE("outbound queue: keyed entries stay bounded by the limit plus the keys", "[ws][queue]") {
  outbound_queue q(2);
  for (int round = 0; round < 100; ++round) {
    for (std::size_t k = 0; k < 5; ++k) {
      q.push_latest(k, msg("q"));
    }
  }
  CHECK(q.size() <= 2 + 5);
  CHECK(q.push(msg("m")));
  CHECK(q.messages() == 1);
}
