#pragma once
// RabbitMQ topic-exchange matching, as a pure function.
//
// A key is a sequence of words separated by '.': "a..b" has three words (the middle one empty),
// "." has two empty words, and the empty key has no words at all. In a binding key, a word that is
// exactly "*" matches exactly one word and a word that is exactly "#" matches zero or more words;
// anywhere else '*' and '#' are ordinary characters ("a#b" and "a*" are literal words).

#include <cstddef>
#include <string_view>

namespace minibroker::bus {

// The longest binding or routing key the bus accepts, in bytes (AMQP's short string).
inline constexpr std::size_t max_key_length = 255;
// The most "#" words a binding key may have (RabbitMQ refuses more: matching them is costly).
inline constexpr std::size_t max_hash_words = 2;

// True when a message published with routing_key reaches a binding with binding_key. Answers for
// keys of any length and any number of wildcards (the limits above apply to bind and publish only).
// Thread safety: a pure function.
[[nodiscard]] bool topic_matches(std::string_view binding_key, std::string_view routing_key);

// The number of "#" words in a binding key.
[[nodiscard]] std::size_t count_hash_words(std::string_view binding_key) noexcept;

} // namespace minibroker::bus
