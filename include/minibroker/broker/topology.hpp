#pragma once
// The broker's topics, queues and routing keys, named as in the original system.
//
//   MarketDataConnector --"instrument.updated"/"quote.updated"--> MARKET_DATA_TOPIC
//   MARKET_DATA_TOPIC --> INSTRUMENTS_QUEUE, QUOTES_QUEUE --> MarketDataConsumer
//   OrderHandler --"order.new"/"order.cancel"/"order.replace"--> BROKER_ORDER_TOPIC
//   BROKER_ORDER_TOPIC --> BROKER_ORDER_CREATED_QUEUE --> OrderConnector --> the exchange
//   execution reports --"order.report.<status>"--> BROKER_ORDER_TOPIC --> frontends' queues

#include <string_view>

namespace minibroker::broker_names {

inline constexpr std::string_view market_data_topic = "MARKET_DATA_TOPIC";
inline constexpr std::string_view instruments_queue = "INSTRUMENTS_QUEUE";
inline constexpr std::string_view quotes_queue = "QUOTES_QUEUE";
inline constexpr std::string_view instrument_updated_key = "instrument.updated";
inline constexpr std::string_view quote_updated_key = "quote.updated";

inline constexpr std::string_view order_topic = "BROKER_ORDER_TOPIC";
inline constexpr std::string_view order_created_queue = "BROKER_ORDER_CREATED_QUEUE";
inline constexpr std::string_view order_new_key = "order.new";
inline constexpr std::string_view order_cancel_key = "order.cancel";
inline constexpr std::string_view order_replace_key = "order.replace";
// Reports for frontends: "order.report.<status>", e.g. "order.report.filled"; bind "order.report.#".
inline constexpr std::string_view order_report_prefix = "order.report.";
inline constexpr std::string_view order_report_binding = "order.report.#";

} // namespace minibroker::broker_names
