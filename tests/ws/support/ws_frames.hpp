#pragma once
// Test helpers: WebSocket frames as a client writes them (masked), and a raw client connection
// that upgrades by hand and reads the server's frames one by one, for what a Beast client cannot
// send (unmasked or pipelined frames, frames behind the upgrade request in one write).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

namespace minibroker::ws::testing {

// One client frame: FIN and opcode in `first`, masked with `key` unless `masked` is false.
inline std::string client_frame(unsigned char first, std::string_view payload, bool masked = true,
                                std::uint32_t key = 0x5a17c3e1U) {
  std::string out(1, static_cast<char>(first));
  const std::size_t n = payload.size();
  const unsigned mask_bit = masked ? 0x80U : 0x00U;
  if (n < 126) {
    out.push_back(static_cast<char>(mask_bit | n));
  } else if (n <= 0xffff) {
    out.push_back(static_cast<char>(mask_bit | 126U));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xff));
  } else {
    out.push_back(static_cast<char>(mask_bit | 127U));
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.push_back(static_cast<char>((static_cast<std::uint64_t>(n) >> shift) & 0xff));
    }
  }
  const unsigned char k[4] = {static_cast<unsigned char>(key >> 24), static_cast<unsigned char>(key >> 16),
                              static_cast<unsigned char>(key >> 8), static_cast<unsigned char>(key)};
  if (masked) {
    out.append(reinterpret_cast<const char*>(k), 4);
  }
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(masked ? static_cast<char>(static_cast<unsigned char>(payload[i]) ^ k[i % 4]) : payload[i]);
  }
  return out;
}

inline std::string masked_text(std::string_view payload) { return client_frame(0x81, payload); }

// A close frame's payload: the code, big-endian, then the reason.
inline std::string close_payload(std::uint16_t code, std::string_view reason = {}) {
  std::string p{static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
  p.append(reason);
  return p;
}

class raw_ws_connection {
public:
  struct frame {
    unsigned opcode = 0;
    std::string payload;
    // A close frame's code (0 when it had none).
    [[nodiscard]] std::uint16_t close_code() const {
      return payload.size() < 2 ? 0
                                : static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                                             static_cast<unsigned char>(payload[1]));
    }
  };

  // Connects, and writes the upgrade request for `target` with `then` behind it in one write.
  raw_ws_connection(std::uint16_t port, std::string_view target, const std::string& then = {}) : socket_(ioc_) {
    socket_.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    std::string bytes = "GET ";
    bytes.append(target);
    bytes += " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    bytes += then;
    boost::asio::write(socket_, boost::asio::buffer(bytes));
  }

  void write(const std::string& bytes) { boost::asio::write(socket_, boost::asio::buffer(bytes)); }

  // The status line of the server's answer to the upgrade.
  std::string status_line() {
    std::size_t end = 0;
    while ((end = in_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) {
        return {};
      }
    }
    std::string line = in_.substr(0, in_.find("\r\n"));
    in_.erase(0, end + 4);
    return line;
  }

  // The server's next frame, or nullopt when the connection ended.
  std::optional<frame> next() {
    for (;;) {
      if (in_.size() >= 2) {
        const auto* p = reinterpret_cast<const unsigned char*>(in_.data());
        std::size_t header = 2;
        std::uint64_t length = p[1] & 0x7fU;
        if (length == 126 && in_.size() >= 4) {
          header = 4;
          length = (std::uint64_t{p[2]} << 8) | p[3];
        } else if (length == 127 && in_.size() >= 10) {
          header = 10;
          length = 0;
          for (int i = 2; i < 10; ++i) {
            length = (length << 8) | p[i];
          }
        }
        if ((p[1] & 0x7fU) < 126 || header > 2) {
          if (in_.size() >= header + length) {
            frame f{p[0] & 0x0fU, in_.substr(header, length)};
            in_.erase(0, header + length);
            return f;
          }
        }
      }
      if (!fill()) {
        return std::nullopt;
      }
    }
  }

private:
  bool fill() {
    char chunk[4096];
    boost::system::error_code ec;
    const auto n = socket_.read_some(boost::asio::buffer(chunk), ec);
    if (ec) {
      return false;
    }
    in_.append(chunk, n);
    return true;
  }

  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::socket socket_;
  std::string in_;
};

} // namespace minibroker::ws::testing
