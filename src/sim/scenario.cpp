#include "minibroker/sim/scenario.hpp"

#include <fmt/format.h>

namespace minibroker {

std::string_view to_string(clock_mode mode) noexcept { return mode == clock_mode::virtual_time ? "virtual" : "real"; }

std::optional<clock_mode> clock_mode_from_string(std::string_view text) noexcept {
  if (text == "virtual") {
    return clock_mode::virtual_time;
  }
  if (text == "real") {
    return clock_mode::real_time;
  }
  return std::nullopt;
}

std::string_view to_string(transport_mode mode) noexcept { return mode == transport_mode::ws ? "ws" : "in_process"; }

std::optional<transport_mode> transport_mode_from_string(std::string_view text) noexcept {
  if (text == "in_process") {
    return transport_mode::in_process;
  }
  if (text == "ws") {
    return transport_mode::ws;
  }
  return std::nullopt;
}

std::optional<std::string> validate(const scenario& s) {
  const auto share = [](double v) { return v >= 0.0 && v <= 1.0; };
  if (s.instruments == 0 || s.instruments > 100'000) {
    return "instruments must be between 1 and 100000";
  }
  if (s.institutions == 0 || s.institutions > 1'000) {
    return "institutions must be between 1 and 1000";
  }
  if (!(s.quote_rate >= 0.0 && s.quote_rate <= 1e7)) {
    return "quote_rate must be between 0 and 10000000 per second";
  }
  if (!(s.order_rate > 0.0 && s.order_rate <= 1e8)) {
    return "order_rate must be above 0 and at most 100000000 per second";
  }
  if (s.orders == 0 && !s.duration) {
    return "give orders or duration (or both), or the simulation never ends";
  }
  if (s.duration && !(*s.duration > 0.0 && *s.duration <= 1e6)) {
    return "duration must be above 0 and at most 1000000 seconds";
  }
  if (s.threads == 0 || s.threads > 64) {
    return "threads must be between 1 and 64";
  }
  if (s.threads > 1 && s.clock == clock_mode::virtual_time) {
    return "the virtual clock runs on one thread: use --clock real with --threads above 1";
  }
  // Virtual time jumps to the next event it knows of; bytes on a socket are events it cannot see,
  // so over a network it would either stall or run ahead of them.
  if (s.transport == transport_mode::ws && s.clock == clock_mode::virtual_time) {
    return "transport ws runs on the real clock: add --clock real";
  }
  if (s.transport == transport_mode::ws && s.threads > 1) {
    return "transport ws runs on one thread: leave threads at 1";
  }
  if (!share(s.mix.cancel_share) || !share(s.mix.replace_share) || s.mix.cancel_share + s.mix.replace_share > 1.0) {
    return "cancel and replace shares must be in [0, 1] and add up to at most 1";
  }
  if (!share(s.mix.marketable_share) || !share(s.mix.invalid_share)) {
    return "marketable and invalid shares must be in [0, 1]";
  }
  if (s.queue_capacity < 16 || s.queue_capacity > (std::size_t{1} << 26)) {
    return "queue_capacity must be between 16 and 67108864";
  }
  if (s.retention_rows == 0) {
    return "retention_rows must be at least 1";
  }
  return std::nullopt;
}

} // namespace minibroker
