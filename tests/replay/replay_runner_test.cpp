#include <catch2/catch.hpp>

#include <string>

#include "minibroker/replay/order_generator.hpp"
#include "minibroker/replay/replay_runner.hpp"

using namespace minibroker;
using namespace minibroker::replay;

namespace {
struct replayed {
  std::string json;
  replay_counts counts;
};

replayed replay_text(std::string_view csv, replay_options options = {}) {
  order_file_names names;
  order_file_reader reader{names};
  const auto entries = reader.read_all(csv);
  replayed result;
  replay_runner runner{names, options, [&](std::string_view chunk) { result.json.append(chunk); }};
  result.counts = runner.run(entries);
  return result;
}

std::string generate(const generator_config& config) {
  std::string text;
  generate_orders(config, [&](std::string_view line) {
    text.append(line);
    text.push_back('\n');
  });
  return text;
}

std::size_t count_of(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string_view::npos; pos = text.find(what, pos + 1)) {
    ++n;
  }
  return n;
}
} // namespace

TEST_CASE("replay: a crossing order trades at the resting price and both sides are reported", "[replay]") {
  auto out = replay_text("action,id,institution,symbol,side,type,tif,price,qty\n"
                         "new,1,alice,ACME,sell,limit,gtc,143.30,10\n"
                         "new,2,bob,ACME,buy,limit,gtc,143.35,4\n");
  CHECK(out.counts.trades == 1);
  CHECK(out.counts.volume == 4);
  CHECK(out.json.find(R"({"event":"trade","seq":)") != std::string::npos);
  CHECK(out.json.find(R"("symbol":"ACME","price":"143.30","qty":4,"buy_institution":"bob","buy_id":"2",)"
                      R"("sell_institution":"alice","sell_id":"1")") != std::string::npos);
  CHECK(count_of(out.json, "\n") == 5); // new, new, trade, two trade reports
}

TEST_CASE("replay: a malformed line is an error event and the run goes on", "[replay]") {
  auto out = replay_text("action,id,institution,symbol,side,type,tif,price,qty\n"
                         "new,1,alice,ACME,sideways,limit,gtc,1.00,10\n"
                         "new,2,alice,ACME,buy,limit,gtc,1.00,10\n");
  CHECK(out.counts.line_errors == 1);
  CHECK(out.json.find(R"({"event":"error","line":2,"message":"side `sideways` is not valid"})") == 0);
  CHECK(out.counts.new_orders == 1);
  CHECK_FALSE(out.counts.stopped);
}

TEST_CASE("replay: strict mode stops at the first malformed line", "[replay]") {
  auto out = replay_text("action,id,institution,symbol,side,type,tif,price,qty\n"
                         "new,1,alice,ACME,buy,limit,gtc,1.00,10\n"
                         "oops\n"
                         "new,2,alice,ACME,buy,limit,gtc,1.00,10\n",
                         replay_options{.strict = true});
  CHECK(out.counts.stopped);
  CHECK(out.counts.stopped_at_line == 3);
  CHECK(out.counts.new_orders == 1);
}

TEST_CASE("replay: a price off the tick is reported as a reject with its reason", "[replay]") {
  auto out = replay_text("action,id,institution,symbol,side,type,tif,price,qty\n"
                         "new,1,alice,ACME,buy,limit,gtc,1.005,10\n");
  CHECK(out.counts.rejects == 1);
  CHECK(out.json.find(R"("reason":"price_not_on_tick")") != std::string::npos);
}

TEST_CASE("replay: market data events are written only when asked", "[replay]") {
  const std::string_view csv = "action,id,institution,symbol,side,type,tif,price,qty\n"
                               "new,1,alice,ACME,buy,limit,gtc,1.00,10\n";
  CHECK(replay_text(csv).json.find(R"("event":"top")") == std::string::npos);
  auto with = replay_text(csv, replay_options{.market_data = true});
  CHECK(
      with.json.find(R"({"event":"depth","seq":2,"symbol":"ACME","side":"buy","price":"1.00","qty":10,"orders":1})") !=
      std::string::npos);
  CHECK(with.json.find(R"("event":"top")") != std::string::npos);
}

TEST_CASE("gen-orders: the same seed gives the same file, another seed another", "[generator]") {
  generator_config config;
  config.count = 3000;
  config.resting = 200;
  config.symbols = 2;
  const auto a = generate(config);
  CHECK(a == generate(config));
  config.seed = 2;
  CHECK(a != generate(config));
}

TEST_CASE("gen-orders: the file follows the requested mix and a good share trades", "[generator]") {
  generator_config config;
  config.count = 20'000;
  config.resting = 500;
  const auto text = generate(config);
  const auto news = static_cast<double>(count_of(text, "\nnew,"));
  const auto cancels = static_cast<double>(count_of(text, "\ncancel,"));
  const auto replaces = static_cast<double>(count_of(text, "\nreplace,"));
  CHECK(news + cancels + replaces == 20'000);
  CHECK(cancels / 20'000 == Approx(0.4).margin(0.03));
  CHECK(replaces / 20'000 == Approx(0.2).margin(0.03));

  auto out = replay_text(text);
  CHECK(out.counts.line_errors == 0);
  CHECK(out.counts.trades > 1000);
  // Cancels and replaces name orders that were live, except the late cancels that keep the
  // book at its size: a minority.
  CHECK(static_cast<double>(out.counts.rejects) < 0.2 * 20'000);
}

TEST_CASE("gen-orders: the book holds about the requested number of resting orders", "[generator]") {
  generator_config config;
  config.count = 20'000;
  config.resting = 1'000;
  order_file_names names;
  order_file_reader reader{names};
  const auto entries = reader.read_all(generate(config));
  virtual_clock clock;
  order_matcher matcher{clock};
  add_instruments(matcher, names.instruments);
  for (const auto& entry : entries) {
    apply(matcher, entry, nullptr);
  }
  CHECK(matcher.resting_orders() > 800);
  CHECK(matcher.resting_orders() < 1200);
}

TEST_CASE("gen-orders: invalid operations are mixed in on request", "[generator]") {
  generator_config config;
  config.count = 5'000;
  config.resting = 100;
  config.invalid_share = 0.1;
  auto out = replay_text(generate(config));
  CHECK(out.counts.line_errors == 0);
  CHECK(out.counts.rejects > 300);
  CHECK(out.json.find(R"("reason":"invalid_quantity")") != std::string::npos);
  CHECK(out.json.find(R"("reason":"price_on_market_order")") != std::string::npos);
}

TEST_CASE("gen-orders: bad settings are refused with the reason", "[generator]") {
  generator_config config;
  config.symbols = 0;
  CHECK(config_error(config) == "symbols must be between 1 and 9999");
  config = {};
  config.cancel_share = 0.7;
  config.replace_share = 0.5;
  CHECK_FALSE(config_error(config).empty());
  CHECK(config_error(generator_config{}).empty());
}
