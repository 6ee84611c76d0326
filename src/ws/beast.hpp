#pragma once
// Internal: the Beast and Asio names the server's files use.

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace minibroker::ws::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;
using request = http::request<http::string_body>;

// Close codes of our own (4000-4999 are the application's, RFC 6455 7.4.2).
inline constexpr std::uint16_t close_slow_consumer = 4001;
inline constexpr std::uint16_t close_resync_unavailable = 4002;

} // namespace minibroker::ws::detail
