#pragma once
// How an exchange is built: its instruments, its quote flow, who may trade, how the matcher is
// sharded, and how big its queues and journals are.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "minibroker/bus/bus.hpp"
#include "minibroker/core/ids.hpp"
#include "minibroker/core/log.hpp"
#include "minibroker/core/records.hpp"
#include "minibroker/matching/config.hpp"
#include "minibroker/store/timetable.hpp"

namespace minibroker {

// A member of the exchange. Requests from any other institution id are rejected
// (unknown_institution).
struct institution_spec {
  institution_id id; // non-zero, unique
  std::string name;
  std::string token; // for the WebSocket adapter's authentication; unused in process
};

struct exchange_config {
  std::uint64_t seed = 1;
  // Instruments get ids 1..instruments.
  std::size_t instruments = 10;
  // When not empty, the exchange lists exactly these instead (ids 1..n in this order, whatever
  // ids they carry; status trading; a zero reference price becomes 100 in the instrument's
  // ticks), so that it can agree with an order file's instruments. `instruments` is then ignored.
  std::vector<instrument> listed;
  // Quotes per second per instrument; 0: no quotes after the initial one.
  double quotes_per_second = 10;
  // Per quote of a trading instrument: the chance it halts. A halt lasts a few quote ticks, then
  // trading resumes. In [0, 1].
  double status_change_probability = 0.0005;
  std::vector<institution_spec> institutions;
  // Instrument i belongs to shard i % matcher_shards; each shard is one order_matcher on its own
  // strand. At least 1. With 1, the matcher shares the exchange's strand (no extra hop).
  std::size_t matcher_shards = 1;
  matcher_config matcher;
  bus::queue_options order_created_queue;   // EXCHANGE_ORDER_CREATED_QUEUE
  bus::queue_options order_processor_queue; // EXCHANGE_ORDER_PROCESSOR_QUEUE
  timetable_retention timetable;            // the OrdersTimetable and the trades timetable
  logger log;
  // A promise that one thread runs the io_context and makes every call into the exchange (its
  // stats included): its bus then takes no locked instruction per message
  // (bus::in_memory_bus_config). Needs matcher_shards = 1.
  bool single_threaded = false;
};

} // namespace minibroker
