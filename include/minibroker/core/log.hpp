#pragma once
// Logging through a sink the host chooses. The library prints nothing except through a logger;
// there is no global one: components take a logger in their config (default: standard error).

#include <memory>
#include <string_view>

#include <fmt/format.h>

namespace minibroker {

enum class log_level { trace, debug, info, warn, error, off };
std::string_view to_string(log_level level) noexcept;

// Thread safety: write() may be called from any thread; implementations synchronise.
class log_sink {
public:
  virtual ~log_sink() = default;
  virtual void write(log_level level, std::string_view message) = 0;
};

// "[warn] message\n" on standard error, one fwrite per line.
class stderr_log_sink final : public log_sink {
public:
  void write(log_level level, std::string_view message) override;
};

// Cheap to copy; formats only when the level is enabled.
class logger {
public:
  logger(); // standard error, info and above
  explicit logger(std::shared_ptr<log_sink> sink, log_level min_level = log_level::info);

  [[nodiscard]] bool enabled(log_level level) const noexcept { return sink_ && level >= min_level_; }

  template <typename... Args>
  void log(log_level level, fmt::format_string<Args...> format, Args&&... args) const {
    if (enabled(level)) {
      vlog(level, format, fmt::make_format_args(args...));
    }
  }
  template <typename... Args>
  void debug(fmt::format_string<Args...> format, Args&&... args) const {
    log(log_level::debug, format, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void info(fmt::format_string<Args...> format, Args&&... args) const {
    log(log_level::info, format, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void warn(fmt::format_string<Args...> format, Args&&... args) const {
    log(log_level::warn, format, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void error(fmt::format_string<Args...> format, Args&&... args) const {
    log(log_level::error, format, std::forward<Args>(args)...);
  }

  // A logger that drops everything.
  static logger silent() { return logger{nullptr, log_level::off}; }

private:
  void vlog(log_level level, fmt::string_view format, fmt::format_args args) const;

  std::shared_ptr<log_sink> sink_;
  log_level min_level_;
};

} // namespace minibroker
