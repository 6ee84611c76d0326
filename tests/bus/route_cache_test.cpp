#include <catch2/catch.hpp>

#include <string>

#include "routing_table.hpp"

using minibroker::bus::detail::same_key;

TEST_CASE("bus: the route cache's key compare tells apart keys that differ in any one byte, at any length",
          "[bus][topic]") {
  for (std::size_t length = 0; length <= 40; ++length) {
    std::string key(length, 'k');
    for (std::size_t i = 0; i < length; ++i) {
      key[i] = static_cast<char>('a' + i % 26);
    }
    INFO("length " << length);
    CHECK(same_key(key, std::string(key)));
    CHECK_FALSE(same_key(key, key + "x"));
    for (std::size_t i = 0; i < length; ++i) {
      std::string other = key;
      other[i] = '.';
      INFO("byte " << i);
      CHECK_FALSE(same_key(key, other));
    }
  }
}
