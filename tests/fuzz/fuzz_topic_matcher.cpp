// Fuzz target: the topic binding matcher. Input: a binding key and a routing key separated by
// the first '\n'. Three answers must agree: topic_matches, a deliberately naive recursive
// reference written here from RabbitMQ's rules, and the bus's routing trie (a queue bound with
// the binding key receives a message published with the routing key, when both are within the
// bus's limits).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "minibroker/bus/in_memory_bus.hpp"

namespace {

std::vector<std::string_view> words_of(std::string_view key) {
  std::vector<std::string_view> words;
  if (key.empty()) {
    return words; // the empty key has no words
  }
  std::size_t start = 0;
  while (true) {
    const auto dot = key.find('.', start);
    words.push_back(key.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) {
      return words;
    }
    start = dot + 1;
  }
}

bool reference_match(const std::vector<std::string_view>& binding, std::size_t b,
                     const std::vector<std::string_view>& routing, std::size_t r) {
  if (b == binding.size()) {
    return r == routing.size();
  }
  if (binding[b] == "#") {
    for (std::size_t skip = r; skip <= routing.size(); ++skip) {
      if (reference_match(binding, b + 1, routing, skip)) {
        return true;
      }
    }
    return false;
  }
  if (r == routing.size()) {
    return false;
  }
  return (binding[b] == "*" || binding[b] == routing[r]) && reference_match(binding, b + 1, routing, r + 1);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto newline = input.find('\n');
  if (newline == std::string_view::npos) {
    return 0;
  }
  const auto binding_key = input.substr(0, newline);
  const auto routing_key = input.substr(newline + 1);
  const bool matches = minibroker::bus::topic_matches(binding_key, routing_key);

  // The naive reference is exponential in the number of '#' words: keep it to small inputs.
  if (minibroker::bus::count_hash_words(binding_key) <= 3 && binding_key.size() <= 64 && routing_key.size() <= 64) {
    if (matches != reference_match(words_of(binding_key), 0, words_of(routing_key), 0)) {
      std::abort();
    }
  }

  minibroker::virtual_clock clock;
  minibroker::bus::in_memory_bus bus{clock, {.log = minibroker::logger::silent()}};
  auto topic = bus.declare_topic("T");
  auto queue = bus.declare_queue<int>("Q");
  if (!topic || !queue) {
    std::abort();
  }
  const bool bind_ok = bus.bind(*queue, *topic, binding_key).has_value();
  const bool bind_allowed = binding_key.size() <= minibroker::bus::max_key_length &&
                            minibroker::bus::count_hash_words(binding_key) <= minibroker::bus::max_hash_words;
  if (bind_ok != bind_allowed) {
    std::abort();
  }
  auto receipt = bus.publish(*topic, routing_key, 1);
  if (routing_key.size() > minibroker::bus::max_key_length) {
    if (receipt) {
      std::abort(); // an over-long routing key must be refused
    }
    return 0;
  }
  if (!receipt || (bind_ok && (receipt->enqueued == 1) != matches) || (!bind_ok && receipt->enqueued != 0)) {
    std::abort();
  }
  return 0;
}
