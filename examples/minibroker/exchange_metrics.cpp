#include "exchange_metrics.hpp"

#include <charconv>
#include <string_view>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace minibroker::cli {

std::optional<std::uint64_t> reports_sent(const std::string& host, std::uint16_t port, const std::string& institution) {
  namespace http = boost::beast::http;
  using tcp = boost::asio::ip::tcp;
  boost::asio::io_context io;
  boost::system::error_code ec;
  tcp::resolver resolver(io);
  const auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (ec) {
    return std::nullopt;
  }
  boost::beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(5));
  stream.connect(endpoints, ec);
  if (ec) {
    return std::nullopt;
  }
  http::request<http::empty_body> request{http::verb::get, "/metrics", 11};
  request.set(http::field::host, host);
  http::write(stream, request, ec);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  if (!ec) {
    http::read(stream, buffer, response, ec);
  }
  if (ec || response.result() != http::status::ok) {
    return std::nullopt;
  }
  const std::string prefix = "minibroker_exchange_institution_reports_sent_total{institution=\"" + institution + "\"} ";
  const std::string_view body = response.body();
  const auto at = body.find(prefix);
  if (at == std::string_view::npos || (at != 0 && body[at - 1] != '\n')) {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  const char* first = body.data() + at + prefix.size();
  const auto parsed = std::from_chars(first, body.data() + body.size(), value);
  if (parsed.ec != std::errc{} || parsed.ptr == first) {
    return std::nullopt;
  }
  return value;
}

} // namespace minibroker::cli
