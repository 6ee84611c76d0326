// The burst hand-off between executors: one drain per burst, items in order, a stop on request.

#include <catch2/catch.hpp>

#include <vector>

#include "minibroker/exchange/detail/handoff_queue.hpp"

using minibroker::exchange_detail::handoff_queue;

TEST_CASE("handoff queue: only the first push of a burst asks for a drain", "[exchange][handoff]") {
  handoff_queue<int> q{GENERATE(true, false)}; // locking, and the one-thread form
  CHECK(q.push(1));
  CHECK_FALSE(q.push(2));
  CHECK_FALSE(q.push(3));
  std::vector<int> seen;
  q.drain([&](int i) {
    seen.push_back(i);
    return true;
  });
  CHECK(seen == std::vector<int>{1, 2, 3});
  CHECK(q.push(4)); // the drain ran: the next burst posts again
}

TEST_CASE("handoff queue: an item pushed during a drain waits for the drain its push asked for",
          "[exchange][handoff]") {
  handoff_queue<int> q{GENERATE(true, false)}; // locking, and the one-thread form
  REQUIRE(q.push(1));
  std::vector<int> seen;
  bool asked = false;
  q.drain([&](int i) {
    seen.push_back(i);
    asked = q.push(10 + i);
    return true;
  });
  CHECK(seen == std::vector<int>{1});
  CHECK(asked);
  q.drain([&](int i) {
    seen.push_back(i);
    return true;
  });
  CHECK(seen == std::vector<int>{1, 11});
}

TEST_CASE("handoff queue: a drain stops at the item its consumer refuses", "[exchange][handoff]") {
  handoff_queue<int> q{GENERATE(true, false)}; // locking, and the one-thread form
  REQUIRE(q.push(1));
  (void)q.push(2);
  (void)q.push(3);
  std::vector<int> seen;
  q.drain([&](int i) {
    seen.push_back(i);
    return i < 2;
  });
  CHECK(seen == std::vector<int>{1, 2});
  // The rest of that burst is gone with its consumer; the queue keeps working.
  CHECK(q.push(4));
  seen.clear();
  q.drain([&](int i) {
    seen.push_back(i);
    return true;
  });
  CHECK(seen == std::vector<int>{4});
}
