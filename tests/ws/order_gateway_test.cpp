#include <catch2/catch.hpp>

#include <condition_variable>
#include <mutex>

#include <fmt/ranges.h>

#include "minibroker/ws/ws_order_gateway.hpp"
#include "ws_test_support.hpp"

using namespace minibroker;
using namespace minibroker::ws;
using namespace minibroker::ws::testing;

namespace {

// What a report says, without the fields only one side of the wire knows (times, the instrument's
// sequence number).
std::string line(const execution_report& e) {
  std::string s = fmt::format("{} id={} order={} {} {} cum={} open={}", e.institution, e.client_id, e.order, e.type,
                              e.status, e.cum_qty, e.open_qty);
  if (e.type == exec_type::trade) {
    s += fmt::format(" last={}x{}", e.last_qty, e.last_price);
  }
  if (e.reason != reject_reason::none) {
    s += fmt::format(" reason={}", e.reason);
  }
  return s;
}

// Records reports (on the loop's thread) for the test's thread.
class shared_reports final : public report_listener {
public:
  void on_report(const traced_report& r) override {
    const std::lock_guard lock(mutex_);
    lines_.push_back(line(r.report));
    changed_.notify_all();
  }
  std::vector<std::string> wait(std::size_t n) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(10), [&] { return lines_.size() >= n; });
    return lines_;
  }

private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
};

struct plain_reports final : report_listener {
  std::vector<std::string> lines;
  void on_report(const traced_report& r) override { lines.push_back(line(r.report)); }
};

const institution_id alpha{1};
const institution_id bravo{2};

std::vector<traced_request> requests(const exchange& ex) {
  const auto& i = ex.instruments().find(instrument_id{1})->value;
  const auto ref = i.reference_price;
  const auto lot = i.lot_size;
  auto t = [](order_request r) { return traced_request{std::move(r), order_trace{}}; };
  return {
      t(new_order_request{alpha, client_order_id{1}, i.id, side::buy, order_type::limit, time_in_force::gtc, ref,
                          lot * 3}),
      t(new_order_request{bravo, client_order_id{1}, i.id, side::sell, order_type::limit, time_in_force::gtc, ref,
                          lot * 2}),
      t(replace_request{alpha, client_order_id{1}, i.id, std::nullopt, lot * 2}),
      t(cancel_request{alpha, client_order_id{1}, i.id}),
      t(cancel_request{bravo, client_order_id{9}, i.id}),
      t(new_order_request{alpha, client_order_id{2}, i.id, side::buy, order_type::limit, time_in_force::gtc, ref,
                          quantity{0}}),
      t(new_order_request{bravo, client_order_id{3}, i.id, side::sell, order_type::market, time_in_force::ioc,
                          std::nullopt, lot}),
  };
}

} // namespace

TEST_CASE("ws gateway: the same requests give the same reports as the in-process gateway",
          "[ws][gateway_client][threads]") {
  // In process, on a virtual clock: the reference, and the number of reports after each request.
  boost::asio::io_context io;
  virtual_clock clock;
  virtual_scheduler sched(io, clock);
  exchange reference(io, sched, members());
  reference.start();
  plain_reports ref_alpha;
  plain_reports ref_bravo;
  auto ga = reference.connect(alpha);
  auto gb = reference.connect(bravo);
  ga->set_listener(ref_alpha, io.get_executor());
  gb->set_listener(ref_bravo, io.get_executor());
  std::vector<std::size_t> after;
  for (const auto& r : requests(reference)) {
    (institution_of(r.request) == alpha ? *ga : *gb).send(r);
    sched.run();
    after.push_back(ref_alpha.lines.size() + ref_bravo.lines.size());
  }

  // Over WebSocket, one request at a time in the same order: the next goes once the reports the
  // reference had by then have come.
  server_fixture f;
  shared_reports over_ws;
  ws_order_gateway wa(f.io.get_executor(), f.client(), alpha, "alpha", "secret-a");
  ws_order_gateway wb(f.io.get_executor(), f.client(), bravo, "bravo", "secret-b");
  wa.set_listener(over_ws, f.io.get_executor());
  wb.set_listener(over_ws, f.io.get_executor());
  const auto sent = requests(f.ex);
  for (std::size_t k = 0; k < sent.size(); ++k) {
    (institution_of(sent[k].request) == alpha ? wa : wb).send(sent[k]);
    REQUIRE(over_ws.wait(after[k]).size() == after[k]);
  }
  // Per institution the order is the exchange's; between the two it is the network's.
  std::vector<std::string> got_alpha;
  std::vector<std::string> got_bravo;
  for (const auto& l : over_ws.wait(0)) {
    (l.starts_with("1 ") ? got_alpha : got_bravo).push_back(l);
  }
  CHECK(got_alpha == ref_alpha.lines);
  CHECK(got_bravo == ref_bravo.lines);
  CHECK(wa.stats().last_seq == ref_alpha.lines.size());
  CHECK(wa.stats().bad_messages == 0);
}

TEST_CASE("ws gateway: after the server drops it, it reconnects and resumes the report stream without a gap",
          "[ws][gateway_client][threads]") {
  server_fixture f;
  const auto& i = f.definition(1);
  shared_reports reports;
  ws_order_gateway gw(f.io.get_executor(), f.client(), alpha, "alpha", "secret-a");
  gw.set_listener(reports, f.io.get_executor());
  gw.send({new_order_request{alpha, client_order_id{1}, i.id, side::buy, order_type::limit, time_in_force::gtc,
                             i.reference_price, i.lot_size * 3},
           order_trace{}});
  REQUIRE(reports.wait(1).size() == 1);

  f.server.disconnect_all();
  CHECK(eventually([&] { return gw.stats().disconnects >= 2; }));
  // bravo trades against alpha's order, whether or not alpha is back yet.
  ws_client b(f.port(), "/ws/order?token=secret-b");
  REQUIRE(b.accepted());
  b.send(fmt::format(R"({{"type":"new","id":1,"symbol":"{}","side":"sell","price":"{}","qty":{}}})", i.symbol, f.px(1),
                     i.lot_size.value()));
  REQUIRE(str(b.read_json(), "type") == "ack");
  gw.send({cancel_request{alpha, client_order_id{1}, i.id}, order_trace{}});

  const auto lines = reports.wait(3);
  INFO(fmt::format("{}", fmt::join(lines, " | ")));
  INFO(fmt::format("connects={} disconnects={} last_seq={} dup={} bad={}", gw.stats().connects, gw.stats().disconnects,
                   gw.stats().last_seq, gw.stats().duplicates_dropped, gw.stats().bad_messages));
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].find(" new new ") != std::string::npos);
  CHECK(lines[1].find(" trade partially_filled ") != std::string::npos);
  CHECK(lines[2].find(" cancelled cancelled ") != std::string::npos);
  CHECK(gw.stats().last_seq == 3);
  CHECK(gw.stats().connects >= 6); // instruments, orders, reports: twice
  CHECK(gw.stats().duplicates_dropped == 0);
}
