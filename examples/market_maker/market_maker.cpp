// Embedding minibroker: a host program builds its own exchange and two brokers, lets random
// order flow trade on one, and runs its own strategy on the other: a market maker that quotes
// one tick either side of the mid of every instrument, every 10 ms, and reads its fills.
#include <cstdio>
#include <map>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "minibroker/broker/broker.hpp"
#include "minibroker/exchange/exchange.hpp"
#include "minibroker/sim/orders_producer.hpp"
#include "minibroker/sim/schedulers.hpp"

using namespace minibroker;
using namespace std::chrono_literals;

int main() {
  boost::asio::io_context io;
  virtual_clock clock; // as fast as possible; a real_clock + real_scheduler run in wall time
  virtual_scheduler sched(io, clock);

  const institution_id maker_id{1}, flow_id{2};
  exchange_config ec;
  ec.instruments = 3;
  ec.quotes_per_second = 100;
  ec.institutions = {{maker_id, "maker", "token-maker"}, {flow_id, "flow", "token-flow"}};
  exchange ex(io, sched, ec);

  // One broker per institution, each talking to the exchange through the in-process seams.
  auto maker_gateway = ex.connect(maker_id), flow_gateway = ex.connect(flow_id);
  broker maker(io, clock, ex.feed(), *maker_gateway, broker_config{.institution = maker_id, .name = "maker"});
  broker flow(io, clock, ex.feed(), *flow_gateway, broker_config{.institution = flow_id, .name = "flow"});
  orders_producer random_flow(flow, sched, {.seed = 7, .rate = 2000, .max_operations = 20'000, .instruments = 3});

  // The strategy's fills: a report queue on the maker's broker bus, like any frontend.
  std::map<instrument_id, long> position;
  long fills = 0;
  auto reports = maker.declare_report_queue("MAKER_REPORTS_QUEUE", {});
  if (!reports) {
    return 1;
  }
  (void)maker.bus().subscribe(*reports, maker.executor(), [&](bus::message<traced_report>& m) {
    const execution_report& r = m.payload.report;
    if (r.type == exec_type::trade) {
      ++fills;
      position[r.instrument] += (r.side == side::buy ? 1 : -1) * r.last_qty.value();
    }
  });

  // Every 10 ms: cancel the previous pair of quotes, send a new pair around the mid.
  std::uint64_t next_id = 1;
  std::map<instrument_id, std::pair<client_order_id, client_order_id>> live;
  std::function<void()> requote = [&] {
    for (const auto& [id, entry] : maker.quotes().snapshot()) {
      const quote& q = entry.value;
      const auto* known = maker.instruments().find(id);
      if (known == nullptr || known->value.status != instrument_status::trading || q.ask <= q.bid) {
        continue;
      }
      const quantity size = known->value.lot_size * 5;
      if (auto it = live.find(id); it != live.end()) {
        maker.handler().submit(cancel_request{maker_id, it->second.first, id});
        maker.handler().submit(cancel_request{maker_id, it->second.second, id});
      }
      const price mid{(q.bid.value() + q.ask.value()) / 2};
      const client_order_id bid{next_id++}, ask{next_id++};
      maker.handler().submit(
          new_order_request{maker_id, bid, id, side::buy, order_type::limit, time_in_force::gtc, mid - price{1}, size});
      maker.handler().submit(new_order_request{maker_id, ask, id, side::sell, order_type::limit, time_in_force::gtc,
                                               mid + price{1}, size});
      live[id] = {bid, ask};
    }
    sched.schedule_after(10ms, requote);
  };

  ex.start();
  maker.start();
  flow.start();
  random_flow.start();
  sched.schedule_after(10ms, requote);
  sched.run(clock.now() + 10s); // ten simulated seconds
  random_flow.stop();
  ex.stop();
  sched.run(clock.now() + 1s); // let the last reports come back (requote still runs)

  std::printf("maker: %ld fills in %zu orders at the exchange\n", fills, ex.orders().size());
  for (const auto& [id, qty] : position) {
    std::printf("  instrument %u: position %+ld\n", static_cast<unsigned>(id.value()), qty);
  }
  return fills > 0 ? 0 : 1;
}
