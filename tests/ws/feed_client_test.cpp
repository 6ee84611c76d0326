#include <catch2/catch.hpp>

#include <condition_variable>
#include <map>
#include <mutex>

#include "minibroker/ws/ws_market_data_feed.hpp"
#include "ws_test_support.hpp"

using namespace minibroker;
using namespace minibroker::ws;
using namespace minibroker::ws::testing;

namespace {

// Records a feed's callbacks (on the loop's thread) for the test's thread.
class shared_recorder final : public feed_listener {
public:
  void on_instrument(const instrument& update) override {
    const std::lock_guard lock(mutex_);
    instruments_.push_back(update);
    changed_.notify_all();
  }
  void on_quote(const quote& update) override {
    const std::lock_guard lock(mutex_);
    quotes_.push_back(update);
    changed_.notify_all();
  }
  // Waits until `n` quotes have come (at most 10 seconds); the quotes so far.
  std::vector<quote> wait_quotes(std::size_t n) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(10), [&] { return quotes_.size() >= n; });
    return quotes_;
  }
  std::vector<instrument> instruments() {
    const std::lock_guard lock(mutex_);
    return instruments_;
  }

private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<instrument> instruments_;
  std::vector<quote> quotes_;
};

} // namespace

TEST_CASE("ws feed: a subscriber gets the same instruments and quotes as in process", "[ws][feed_client][threads]") {
  server_fixture f(members(3, 200));
  shared_recorder local;
  shared_recorder remote;
  f.ex.feed().subscribe(local, f.io.get_executor());
  ws_market_data_feed feed(f.io.get_executor(), f.client());
  feed.subscribe(remote, f.io.get_executor());

  const auto got = remote.wait_quotes(300);
  REQUIRE(got.size() >= 300);
  const auto all = local.wait_quotes(0);
  const auto instruments = remote.instruments();
  REQUIRE(instruments.size() >= 3);
  for (std::uint32_t id = 1; id <= 3; ++id) {
    CHECK(fmt::format("{}", instruments[id - 1]) == fmt::format("{}", f.definition(id)));
  }
  // Every quote that came over the wire is one the exchange made, field for field, in order.
  std::map<std::uint32_t, sequence_number> last;
  std::size_t matched = 0;
  for (const auto& q : got) {
    CHECK(q.sequence > last[q.instrument.value()]);
    last[q.instrument.value()] = q.sequence;
    for (const auto& l : all) {
      if (l.instrument == q.instrument && l.sequence == q.sequence) {
        CHECK(fmt::format("{}", l) == fmt::format("{}", q));
        ++matched;
        break;
      }
    }
  }
  CHECK(matched > 250); // the rest came after the local copy was taken
  CHECK(feed.stats().bad_messages == 0);
  feed.unsubscribe(remote);
  f.ex.feed().unsubscribe(local);
}

TEST_CASE("ws feed: retries with backoff while the exchange is away, and resumes when it is back",
          "[ws][feed_client][threads]") {
  server_fixture f(members(2, 200));
  shared_recorder remote;
  ws_market_data_feed feed(f.io.get_executor(), f.client());
  feed.subscribe(remote, f.io.get_executor());
  REQUIRE(remote.wait_quotes(20).size() >= 20);
  const auto port = f.port();

  f.server.stop(); // every connection closed
  // While the exchange is away its port is held, bound but not listening: connecting is refused,
  // and another program can take the port only in the moments before the hold (the bind succeeds
  // once the server has closed its acceptor) and between its release and the second server's bind.
  asio::io_context holder_io;
  tcp::socket holder(holder_io);
  REQUIRE(eventually([&] {
    boost::system::error_code ec;
    holder.open(tcp::v4(), ec);
    holder.set_option(asio::socket_base::reuse_address(true), ec);
    holder.bind(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    if (ec) {
      holder.close(ec);
      return false;
    }
    return true;
  }));
  CHECK(eventually([&] { return feed.stats().disconnects >= 4; })); // both streams, then failed retries

  holder.close();
  server_config again;
  again.port = port;
  exchange_server second(f.io, f.ex, again);
  second.start();
  const auto before = remote.wait_quotes(0).size();
  CHECK(remote.wait_quotes(before + 50).size() >= before + 50);
  CHECK(feed.stats().connects >= 4);
  second.stop();
  feed.unsubscribe(remote);
}
