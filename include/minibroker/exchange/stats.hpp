#pragma once
// What an exchange has done, as a snapshot of plain values (exchange::stats()).
//
// Every request that reaches the exchange is counted once in requests_received, and then either
// forwarded to the matcher or rejected at the door:
//   requests_received == requests_forwarded + door_rejects
// Every report the exchange produces for a known institution is either sent to its session or
// counted as undelivered (and still kept in the OrdersStorage).

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "minibroker/bus/stats.hpp"
#include "minibroker/core/enums.hpp"
#include "minibroker/core/ids.hpp"

namespace minibroker {

// Slots per reject reason in the counters below (reject_reason_count lives in core/enums.hpp).
inline constexpr std::size_t reject_reason_slots = reject_reason_count;

struct institution_stats {
  institution_id id;
  std::string name;
  std::uint64_t reports_sent = 0;        // posted to the institution's session
  std::uint64_t reports_undelivered = 0; // no session attached when they came: counted, kept in storage
};

struct shard_stats {
  std::uint64_t requests = 0; // requests the shard's matcher processed
  std::uint64_t reports = 0;  // execution reports it produced
  std::uint64_t trades = 0;   // trades it produced
  std::uint64_t instruments = 0;
};

struct exchange_stats {
  std::uint64_t requests_received = 0;
  std::uint64_t requests_forwarded = 0; // published as order.created
  std::uint64_t door_rejects = 0;       // rejected by the orders processor (see door_rejects_by_reason)
  std::array<std::uint64_t, reject_reason_slots> door_rejects_by_reason{};
  // Every reject report the exchange produced (at the door and by the matcher), by reason.
  std::array<std::uint64_t, reject_reason_slots> rejects_by_reason{};

  std::uint64_t reports_published = 0;        // order.matched accepted by the bus
  std::uint64_t reports_publish_rejected = 0; // order.matched refused (processor queue full): in the
                                              // OrdersTimetable, never delivered
  std::uint64_t reports_processed = 0;        // order.matched consumed by the orders processor
  std::uint64_t reports_sent = 0;             // all institutions
  std::uint64_t reports_undelivered = 0;      // all institutions, and rejects for unknown ones without a session
  std::uint64_t reports_without_order = 0;    // rejects of cancel/replace for orders the storage never had

  std::uint64_t trades = 0;
  std::uint64_t volume = 0; // units traded

  std::uint64_t quotes_produced = 0;
  std::uint64_t instrument_updates = 0; // status changes (halted, trading)

  std::vector<institution_stats> institutions; // in configuration order
  std::vector<shard_stats> shards;
  bus::bus_stats bus;

  [[nodiscard]] std::uint64_t rejects(reject_reason r) const noexcept {
    return rejects_by_reason[static_cast<std::size_t>(r)];
  }
  [[nodiscard]] std::uint64_t door_rejected(reject_reason r) const noexcept {
    return door_rejects_by_reason[static_cast<std::size_t>(r)];
  }
  [[nodiscard]] const institution_stats* institution(institution_id id) const noexcept {
    for (const auto& i : institutions) {
      if (i.id == id) {
        return &i;
      }
    }
    return nullptr;
  }
};

} // namespace minibroker
