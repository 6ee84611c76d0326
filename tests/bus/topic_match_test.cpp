#include <catch2/catch.hpp>

#include <string>
#include <string_view>

#include "minibroker/bus/topic_match.hpp"
#include "rabbitmq_topic_cases.hpp"

using minibroker::bus::count_hash_words;
using minibroker::bus::topic_matches;

namespace {
struct match_case {
  std::string_view binding;
  std::string_view routing;
  bool matches;
};

// Edge cases from RabbitMQ's documentation (tutorial five, the topic exchange section of the
// AMQP 0-9-1 model) and its issue tracker, plus the corners of "words".
constexpr match_case edge_cases[] = {
    // Plain words.
    {"a", "a", true},
    {"a", "b", false},
    {"A", "a", false}, // case matters
    {"a.b", "a.b", true},
    {"a.b", "a.b.c", false},
    {"a.b.c", "a.b", false},
    {"quick.orange.rabbit", "quick.orange.rabbit", true},
    // Tutorial five: *.orange.*, *.*.rabbit, lazy.#
    {"*.orange.*", "quick.orange.rabbit", true},
    {"*.*.rabbit", "quick.orange.rabbit", true},
    {"*.orange.*", "lazy.orange.elephant", true},
    {"lazy.#", "lazy.orange.elephant", true},
    {"*.orange.*", "quick.orange.fox", true},
    {"*.*.rabbit", "quick.orange.fox", false},
    {"lazy.#", "lazy.brown.fox", true},
    {"*.*.rabbit", "lazy.pink.rabbit", true},
    {"lazy.#", "lazy.pink.rabbit", true},
    {"*.orange.*", "quick.brown.fox", false},
    {"*.orange.*", "orange", false},
    {"*.orange.*", "quick.orange.new.rabbit", false},
    {"*.*.rabbit", "quick.orange.new.rabbit", false},
    {"lazy.#", "lazy.orange.new.rabbit", true},
    {"lazy.#", "lazy", true}, // "#" may match zero words
    // The empty key has no words.
    {"", "", true},
    {"", "a", false},
    {"a", "", false},
    {"*", "", false},
    {"#", "", true},
    {"#.#", "", true},
    {"*.#", "", false},
    {"#.*", "", false},
    {"#.a", "", false},
    // Empty words are words.
    {".", ".", true},
    {"", ".", false},
    {".", "", false},
    {"*", ".", false},
    {"*.*", ".", true},
    {"#", ".", true},
    {"*.#", ".", true},
    {"a.", "a.", true},
    {"a.", "a", false},
    {"a.*", "a.", true},
    {".a", ".a", true},
    {"*.a", ".a", true},
    {"a..b", "a..b", true},
    {"a.*.b", "a..b", true},
    {"a.#.b", "a..b", true},
    {"a.b", "a..b", false},
    {"a..b", "a.b", false},
    {"#", "..", true},
    {"*.*.*", "..", true},
    // "*" and "#" are wildcards only as whole words.
    {"a#b", "a#b", true},
    {"a#b", "a.b", false},
    {"a#b", "axb", false},
    {"a*", "a*", true},
    {"a*", "ab", false},
    {"*a", "ba", false},
    {"#a", "a", false},
    {"a.#b", "a.b", false},
    {"a.b*", "a.b.c", false},
    {"# ", "a", false},
    {"**", "a", false},
    {"##", "a.b", false},
    {"##", "##", true},
    // A wildcard in a routing key is just a word.
    {"*", "*", true},
    {"#", "#", true},
    {"a", "*", false},
    {"a.b", "a.#", false},
    // "#" at the edges and in the middle.
    {"#.a", "a", true},
    {"#.a", "b.a", true},
    {"#.a", "c.b.a", true},
    {"#.a", "a.b", false},
    {"a.#", "a", true},
    {"a.#", "ab", false},
    {"a.#", "b.a", false},
    {"a.#.b", "a.b", true},
    {"a.#.b", "a.x.b", true},
    {"a.#.b", "a.x.y.b", true},
    {"a.#.b", "a.b.b", true},
    {"a.#.b", "ab", false},
    {"a.#.b", "a.b.c", false},
    {"#.b.#", "b", true},
    {"#.b.#", "a.b.c", true},
    {"#.b.#", "a.c", false},
    {"#.#", "a.b.c", true},
    {"#.#.#.#.a", "a", true},
    {"#.#.#.#.a", "b", false},
    // "*" with "#".
    {"*.#", "a", true},
    {"*.#", "a.b.c", true},
    {"#.*", "a", true},
    {"#.*", "a.b.c", true},
    {"#.*.#", "a", true},
    {"*.#.*", "a", false},
    {"*.#.*", "a.b", true},
    {"*.#.*", "a.b.c.d", true},
    {"a.*.#", "a", false},
    {"a.*.#", "a.b", true},
    {"*.*", "a", false},
    {"*.*", "a.b.c", false},
    {"#.*.*", "a", false},
    {"#.*.*", "a.b", true},
    // Words with other characters.
    {"order.new.*", "order.new.ACME-42_x", true},
    {"quote.updated", "quote.updated", true},
    {"quote.*", "quote.updated", true},
    {"instrument.#", "quote.updated", false},
};
} // namespace

TEST_CASE("topic match: edge cases match as RabbitMQ's topic exchange matches them", "[bus][topic]") {
  for (const auto& c : edge_cases) {
    INFO("binding '" << std::string(c.binding) << "', routing '" << std::string(c.routing) << "'");
    CHECK(topic_matches(c.binding, c.routing) == c.matches);
  }
}

TEST_CASE("topic match: RabbitMQ's topic_matching suite, binding by binding", "[bus][topic]") {
  for (const auto& e : rabbitmq_topic_cases::all_bound) {
    for (std::size_t i = 0; i < rabbitmq_topic_cases::bindings.size(); ++i) {
      const int queue = static_cast<int>(i) + 1;
      const bool expected = e.queues.count(queue) != 0;
      INFO("t" << queue << " binding '" << rabbitmq_topic_cases::bindings[i] << "', routing '" << e.routing_key << "'");
      CHECK(topic_matches(rabbitmq_topic_cases::bindings[i], e.routing_key) == expected);
    }
  }
}

TEST_CASE("topic match: the pure matcher answers for keys over every limit", "[bus][topic]") {
  const std::string long_words(300, 'x');
  const std::string many_words = [] {
    std::string s = "a";
    for (int i = 0; i < 400; ++i) {
      s += ".w";
    }
    return s;
  }();
  CHECK(topic_matches("#", long_words));
  CHECK(topic_matches(long_words, long_words));
  CHECK(topic_matches("a.#", many_words));
  CHECK(topic_matches("#.#.#.w", many_words));
  CHECK_FALSE(topic_matches("#.#.#.x", many_words));
  CHECK(topic_matches("*.#.*.#.*", many_words));
}

TEST_CASE("topic match: '#' words are counted as whole words only", "[bus][topic]") {
  CHECK(count_hash_words("") == 0);
  CHECK(count_hash_words("#") == 1);
  CHECK(count_hash_words("a#.#b.#") == 1);
  CHECK(count_hash_words("#.#.#") == 3);
  CHECK(count_hash_words("#.*.#") == 2);
}
