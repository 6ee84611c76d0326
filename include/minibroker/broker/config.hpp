#pragma once
// How one broker (one institution) is set up.

#include <string>

#include "minibroker/bus/bus.hpp"
#include "minibroker/core/ids.hpp"
#include "minibroker/core/log.hpp"
#include "minibroker/store/timetable.hpp"

namespace minibroker {

struct broker_config {
  institution_id institution; // must be the order gateway's institution
  std::string name;           // for logs
  // INSTRUMENTS_QUEUE and QUOTES_QUEUE. drop_head suits a feed (the newest quote matters most);
  // either way every message a full queue refuses or drops is counted.
  bus::queue_options market_data_queues;
  // BROKER_ORDER_CREATED_QUEUE. Its overflow must be reject_publish (the constructor throws
  // otherwise): the order handler turns a refused publish into a queue_full reject for the
  // frontend, whereas drop_head would lose an accepted order without telling anyone.
  bus::queue_options order_queue;
  timetable_retention instruments_retention;
  timetable_retention quotes_retention;
  logger log;
  // A promise that the broker's executor, its frontends and whoever reads its stats all run on one
  // thread: its bus then takes no locked instruction per message (bus::in_memory_bus_config).
  bool single_threaded = false;
};

} // namespace minibroker
