#pragma once
// The topic-matching cases of RabbitMQ's own test suite (rabbit_exchange_type_topic, the
// "topic_matching" test): 27 bindings t1..t27 and, for a dozen routing keys, which bindings match.

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace rabbitmq_topic_cases {

// Binding key of queue tN at index N-1.
inline const std::vector<std::string> bindings = {
    "a.b.c",         "a.*.c", "a.#.b", "a.b.b.c", "#",     "#.#",   "#.b", "*.*",   "a.*",
    "*.b.c",         "a.#",   "a.#.#", "b.b.c",   "a.b.b", "a.b",   "b.c", "",      "*.*.*",
    "vodka.martini", "a.b.c", "*.#",   "#.*.#",   "*.#.#", "#.#.#", "*",   "#.b.#", "args-test"};

struct expectation {
  std::string routing_key;
  std::set<int> queues; // N of each tN that receives the message
};

inline const std::vector<expectation> all_bound = {
    {"a.b.c", {1, 2, 5, 6, 10, 11, 12, 18, 20, 21, 22, 23, 24, 26}},
    {"a.b", {3, 5, 6, 7, 8, 9, 11, 12, 15, 21, 22, 23, 24, 26}},
    {"a.b.b", {3, 5, 6, 7, 11, 12, 14, 18, 21, 22, 23, 24, 26}},
    {"", {5, 6, 17, 24}},
    {"b.c.c", {5, 6, 18, 21, 22, 23, 24, 26}},
    {"a.a.a.a.a", {5, 6, 11, 12, 21, 22, 23, 24}},
    {"vodka.gin", {5, 6, 8, 21, 22, 23, 24}},
    {"vodka.martini", {5, 6, 8, 19, 21, 22, 23, 24}},
    {"b.b.c", {5, 6, 10, 13, 18, 21, 22, 23, 24, 26}},
    {"nothing.here.at.all", {5, 6, 21, 22, 23, 24}},
    {"oneword", {5, 6, 21, 22, 23, 24, 25}},
    {"args-test", {5, 6, 21, 22, 23, 24, 25, 27}},
};

// After removing the bindings of t1, t5, t11, t19 and t21.
inline const std::vector<int> removed = {1, 5, 11, 19, 21};
inline const std::vector<expectation> after_removal = {
    {"a.b.c", {2, 6, 10, 12, 18, 20, 22, 23, 24, 26}},
    {"a.b", {3, 6, 7, 8, 9, 12, 15, 22, 23, 24, 26}},
    {"a.b.b", {3, 6, 7, 12, 14, 18, 22, 23, 24, 26}},
    {"", {6, 17, 24}},
    {"b.c.c", {6, 18, 22, 23, 24, 26}},
    {"a.a.a.a.a", {6, 12, 22, 23, 24}},
    {"vodka.gin", {6, 8, 22, 23, 24}},
    {"vodka.martini", {6, 8, 22, 23, 24}},
    {"b.b.c", {6, 10, 13, 18, 22, 23, 24, 26}},
    {"nothing.here.at.all", {6, 22, 23, 24}},
    {"oneword", {6, 22, 23, 24, 25}},
    {"args-test", {6, 22, 23, 24, 25, 27}},
};

} // namespace rabbitmq_topic_cases
