#pragma once
// Counters, as a snapshot of plain values.
//
// For every queue, once nothing is in flight:
//   published == delivered + dropped + dead_lettered + failed + depth
// Rejected and type-mismatched publishes never enter the queue and are counted apart.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace minibroker::bus {

struct queue_stats {
  std::string name;
  std::uint64_t published = 0;       // accepted into the queue
  std::uint64_t delivered = 0;       // handled without an exception
  std::uint64_t dropped = 0;         // pushed out by a newer message (drop_head)
  std::uint64_t rejected = 0;        // refused because the queue was full (reject_publish)
  std::uint64_t dead_lettered = 0;   // handler threw; moved to the dead-letter queue
  std::uint64_t failed = 0;          // handler threw and no dead-letter queue took it (logged)
  std::uint64_t type_mismatched = 0; // published with a payload type the queue does not carry
  std::uint64_t depth = 0;           // accepted and not yet handled (including a batch in hand)
  std::uint64_t max_depth = 0;
};

struct topic_stats {
  std::string name;
  std::uint64_t published = 0;  // accepted publishes (the last sequence number)
  std::uint64_t unroutable = 0; // accepted publishes that matched no binding
  std::uint64_t refused = 0;    // publishes refused for a routing key over 255 bytes
};

struct bus_stats {
  std::vector<topic_stats> topics; // in declaration order
  std::vector<queue_stats> queues; // in declaration order

  [[nodiscard]] const topic_stats* topic(std::string_view name) const noexcept {
    for (const auto& t : topics) {
      if (t.name == name) {
        return &t;
      }
    }
    return nullptr;
  }
  [[nodiscard]] const queue_stats* queue(std::string_view name) const noexcept {
    for (const auto& q : queues) {
      if (q.name == name) {
        return &q;
      }
    }
    return nullptr;
  }
};

} // namespace minibroker::bus
