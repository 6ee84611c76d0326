#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "minibroker/core/log.hpp"

using namespace minibroker;

namespace {
struct recording_sink final : log_sink {
  std::vector<std::pair<log_level, std::string>> lines;
  void write(log_level level, std::string_view message) override { lines.emplace_back(level, std::string(message)); }
};

// An argument that counts how often it is formatted.
struct counted_argument {
  int* formatted;
};
} // namespace

template <>
struct fmt::formatter<counted_argument> : fmt::formatter<std::string_view> {
  auto format(const counted_argument& a, fmt::format_context& ctx) const {
    ++*a.formatted;
    return fmt::formatter<std::string_view>::format("counted", ctx);
  }
};

TEST_CASE("log: a host's sink receives formatted lines at or above the level", "[log]") {
  auto sink = std::make_shared<recording_sink>();
  logger log{sink, log_level::info};
  log.debug("hidden {}", 1);
  log.info("queue {} depth {}", "QUOTES_QUEUE", 7);
  log.error("boom");
  REQUIRE(sink->lines.size() == 2);
  CHECK(sink->lines[0] == std::pair{log_level::info, std::string("queue QUOTES_QUEUE depth 7")});
  CHECK(sink->lines[1].first == log_level::error);
}

TEST_CASE("log: a silent logger formats nothing", "[log]") {
  int formatted = 0;
  auto log = logger::silent();
  CHECK_FALSE(log.enabled(log_level::error));
  log.error("never {}", counted_argument{&formatted});
  CHECK(formatted == 0);

  // The same call on a logger that writes formats the argument once.
  logger writing{std::make_shared<recording_sink>(), log_level::info};
  writing.error("once {}", counted_argument{&formatted});
  CHECK(formatted == 1);
}
