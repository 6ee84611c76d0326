// The fault tests' TCP proxy (support/tcp_proxy.hpp), on one thread, against a plain TCP server.
#include <catch2/catch.hpp>

#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "tcp_proxy.hpp"

using namespace minibroker::ws::testing;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// A server socket and a client socket joined through the proxy.
struct proxied_pair {
  explicit proxied_pair(asio::io_context& io)
      : acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        proxy(io, acceptor.local_endpoint().port()), server(io), client(io) {
    bool accepted = false;
    acceptor.async_accept(server, [&](boost::system::error_code ec) { accepted = !ec; });
    client.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), proxy.port()));
    while (!accepted) {
      io.run_one();
    }
  }
  tcp::acceptor acceptor;
  tcp_proxy proxy;
  tcp::socket server;
  tcp::socket client;
};

// Reads on `s` until the connection ends; what came and how it ended.
std::pair<std::string, boost::system::error_code> read_to_end(asio::io_context& io, tcp::socket& s) {
  std::string got;
  boost::system::error_code end;
  bool done = false;
  std::array<char, 256> buffer{};
  std::function<void()> next = [&] {
    s.async_read_some(asio::buffer(buffer), [&](boost::system::error_code ec, std::size_t n) {
      got.append(buffer.data(), n);
      if (ec) {
        end = ec;
        done = true;
        return;
      }
      next();
    });
  };
  next();
  while (!done) {
    io.run_one();
  }
  return {got, end};
}

} // namespace

TEST_CASE("tcp proxy: forwards both ways, and after cut_after lets that many bytes more through it resets both sides",
          "[ws][faults][proxy]") {
  asio::io_context io;
  proxied_pair p(io);
  const auto pass = [&](tcp::socket& from, tcp::socket& to, const std::string& text) {
    asio::write(from, asio::buffer(text));
    std::string got(text.size(), '\0');
    bool read = false;
    asio::async_read(to, asio::buffer(got), [&](boost::system::error_code ec, std::size_t) { read = !ec; });
    while (!read) {
      io.run_one();
    }
    return got;
  };
  CHECK(pass(p.client, p.server, "ping") == "ping");
  CHECK(pass(p.server, p.client, "pong") == "pong");

  p.proxy.cut_after(6);
  asio::write(p.client, asio::buffer(std::string("abcdefghijklmnopqrst")));
  const auto [at_server, server_end] = read_to_end(io, p.server);
  CHECK(at_server == "abcdef");
  CHECK(server_end == asio::error::connection_reset);
  const auto [at_client, client_end] = read_to_end(io, p.client);
  CHECK(at_client.empty());
  CHECK(client_end == asio::error::connection_reset);
  CHECK(p.proxy.stats().cuts == 1);
  CHECK(p.proxy.stats().dropped == 1);
  CHECK(p.proxy.stats().bytes == 14);
}

TEST_CASE("tcp proxy: cut_all resets every connection and new ones still go through", "[ws][faults][proxy]") {
  asio::io_context io;
  proxied_pair first(io);
  first.proxy.cut_all();
  const auto [nothing, end] = read_to_end(io, first.server);
  CHECK(nothing.empty());
  CHECK(end == asio::error::connection_reset);
  CHECK(first.proxy.stats().dropped == 1);

  tcp::socket server(io);
  bool accepted = false;
  first.acceptor.async_accept(server, [&](boost::system::error_code ec) { accepted = !ec; });
  tcp::socket client(io);
  client.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), first.proxy.port()));
  while (!accepted) {
    io.run_one();
  }
  asio::write(client, asio::buffer(std::string("again")));
  std::string got(5, '\0');
  bool read = false;
  asio::async_read(server, asio::buffer(got), [&](boost::system::error_code ec, std::size_t) { read = !ec; });
  while (!read) {
    io.run_one();
  }
  CHECK(got == "again");
  CHECK(first.proxy.stats().accepted == 2);
}
