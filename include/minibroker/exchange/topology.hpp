#pragma once
// The exchange's topics, queues and routing keys, named as in the original system.
//
//   OrdersProcessor --"order.created"--> EXCHANGE_ORDER_TOPIC --> EXCHANGE_ORDER_CREATED_QUEUE --> matcher
//   matcher --"order.matched"--> EXCHANGE_ORDER_TOPIC --> EXCHANGE_ORDER_PROCESSOR_QUEUE --> OrdersProcessor

#include <string_view>

namespace minibroker::exchange_names {

inline constexpr std::string_view order_topic = "EXCHANGE_ORDER_TOPIC";
inline constexpr std::string_view order_created_queue = "EXCHANGE_ORDER_CREATED_QUEUE";
inline constexpr std::string_view order_processor_queue = "EXCHANGE_ORDER_PROCESSOR_QUEUE";
inline constexpr std::string_view order_created_key = "order.created";
inline constexpr std::string_view order_matched_key = "order.matched";

} // namespace minibroker::exchange_names
