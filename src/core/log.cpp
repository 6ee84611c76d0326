#include "minibroker/core/log.hpp"

#include <cstdio>

namespace minibroker {

std::string_view to_string(log_level level) noexcept {
  switch (level) {
  case log_level::trace: return "trace";
  case log_level::debug: return "debug";
  case log_level::info: return "info";
  case log_level::warn: return "warn";
  case log_level::error: return "error";
  case log_level::off: return "off";
  }
  return "?";
}

void stderr_log_sink::write(log_level level, std::string_view message) {
  // One formatted line, one write: stdio locks the stream, so lines from threads never interleave.
  fmt::memory_buffer line;
  fmt::format_to(std::back_inserter(line), "[{}] {}\n", to_string(level), message);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

logger::logger() : logger(std::make_shared<stderr_log_sink>(), log_level::info) {}

logger::logger(std::shared_ptr<log_sink> sink, log_level min_level) : sink_(std::move(sink)), min_level_(min_level) {}

void logger::vlog(log_level level, fmt::string_view format, fmt::format_args args) const {
  fmt::memory_buffer message;
  fmt::vformat_to(std::back_inserter(message), format, args);
  sink_->write(level, {message.data(), message.size()});
}

} // namespace minibroker
