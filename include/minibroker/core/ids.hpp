#pragma once
// Strong ids. Names (symbols, institution names) map to these at the edges; the engine works
// on integers only.

#include <cstdint>

#include "minibroker/core/strong_int.hpp"

namespace minibroker {

using instrument_id = strong_id<struct instrument_id_tag, std::uint32_t>;
using institution_id = strong_id<struct institution_id_tag, std::uint32_t>;
// Assigned by the exchange (the matcher's id generator), unique per matcher.
using order_id = strong_id<struct order_id_tag, std::uint64_t>;
// Chosen by the institution; unique per institution for the life of an engine.
using client_order_id = strong_id<struct client_order_id_tag, std::uint64_t>;
using trade_id = strong_id<struct trade_id_tag, std::uint64_t>;
// Per-instrument (or per-stream) event sequence number, starting at 1.
using sequence_number = std::uint64_t;

} // namespace minibroker
