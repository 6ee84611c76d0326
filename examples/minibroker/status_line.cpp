#include "status_line.hpp"

#include <unistd.h>

#include <fmt/format.h>

namespace minibroker::cli {

using namespace std::chrono_literals;

status_line::status_line(std::FILE* out)
    : out_(out), terminal_(isatty(fileno(out)) != 0), interval_(terminal_ ? wall_clock::duration(200ms) : 2s),
      started_(wall_clock::now()), last_print_(started_) {}

void status_line::update(const simulation_progress& p) {
  const auto now = wall_clock::now();
  if (now - last_print_ < interval_) {
    return;
  }
  const double seconds = std::chrono::duration<double>(now - last_print_).count();
  const auto rate = [seconds](std::uint64_t now_count, std::uint64_t before) {
    return static_cast<double>(now_count - before) / seconds;
  };
  const std::string line = fmt::format(
      "[{:6.1f} s] simulated {:.3f} s  {:3.0f}%  orders/s {:>10.0f}  quotes/s {:>9.0f}  trades/s {:>9.0f}  queued {}",
      std::chrono::duration<double>(now - started_).count(), p.simulated_seconds, 100.0 * p.fraction_done,
      rate(p.operations_sent, last_.operations_sent), rate(p.quotes_produced, last_.quotes_produced),
      rate(p.trades, last_.trades), p.queued);
  if (terminal_) {
    fmt::print(out_, "\r{}\x1b[K", line); // \x1b[K clears what a longer previous line left
  } else {
    fmt::print(out_, "{}\n", line);
  }
  std::fflush(out_);
  last_ = p;
  last_print_ = now;
  printed_ = true;
}

void status_line::finish() {
  if (terminal_ && printed_) {
    fmt::print(out_, "\n");
    std::fflush(out_);
  }
}

} // namespace minibroker::cli
