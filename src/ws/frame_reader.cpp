#include "frame_reader.hpp"

#include <cstring>

#include <boost/beast/websocket/detail/frame.hpp>

namespace minibroker::ws::detail {
namespace {

namespace beast_ws = boost::beast::websocket;

// Opcodes (RFC 6455 5.2).
constexpr unsigned op_continuation = 0x0;
constexpr unsigned op_text = 0x1;
constexpr unsigned op_binary = 0x2;
constexpr unsigned op_close = 0x8;
constexpr unsigned op_ping = 0x9;
constexpr unsigned op_pong = 0xa;

// XORs `n` bytes with the 4-byte masking key (5.3), eight bytes at a time.
void unmask(char* p, std::size_t n, const unsigned char* key) noexcept {
  std::uint32_t k32 = 0;
  std::memcpy(&k32, key, 4);
  const std::uint64_t k64 = (std::uint64_t{k32} << 32) | k32; // the same four bytes twice, either byte order
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w = 0;
    std::memcpy(&w, p + i, 8);
    w ^= k64;
    std::memcpy(p + i, &w, 8);
  }
  for (; i < n; ++i) {
    p[i] = static_cast<char>(static_cast<unsigned char>(p[i]) ^ key[i % 4]);
  }
}

bool is_utf8(std::string_view s) { return beast_ws::detail::check_utf8(s.data(), s.size()); }

} // namespace

std::uint16_t close_code_of(frame_error e) noexcept {
  switch (e) {
  case frame_error::none: return 0;
  case frame_error::protocol_error: return beast_ws::close_code::protocol_error;
  case frame_error::invalid_payload: return beast_ws::close_code::bad_payload;
  case frame_error::message_too_big: return beast_ws::close_code::too_big;
  }
  return beast_ws::close_code::protocol_error;
}

frame_reader::result frame_reader::parse(char* data, std::size_t size, frame_sink& sink) {
  result r;
  const auto fail = [&r](frame_error e) {
    r.error = e;
    return r;
  };
  const auto* bytes = reinterpret_cast<const unsigned char*>(data);
  std::size_t at = 0;
  for (;;) {
    r.consumed = at;
    const std::size_t left = size - at;
    if (left < 2) {
      return r;
    }
    const unsigned char* h = bytes + at;
    const bool fin = (h[0] & 0x80) != 0;
    const unsigned op = h[0] & 0x0fU;
    std::uint64_t length = h[1] & 0x7fU;
    std::size_t header = 2;
    if (length == 126) {
      header = 4;
      if (left < header) {
        return r;
      }
      length = (std::uint64_t{h[2]} << 8) | h[3];
      if (length < 126) {
        return fail(frame_error::protocol_error); // not the shortest form (5.2)
      }
    } else if (length == 127) {
      header = 10;
      if (left < header) {
        return r;
      }
      length = 0;
      for (int i = 2; i < 10; ++i) {
        length = (length << 8) | h[i];
      }
      if ((length >> 63) != 0 || length <= 0xffff) {
        return fail(frame_error::protocol_error);
      }
    }
    if ((h[0] & 0x70) != 0 || (h[1] & 0x80) == 0) {
      return fail(frame_error::protocol_error); // reserved bits, or unmasked (5.1)
    }
    const bool control = op >= 8;
    if (control) {
      if (op > op_pong || !fin || length > 125) {
        return fail(frame_error::protocol_error); // 5.5: never fragmented, at most 125 bytes
      }
    } else {
      if (op == op_continuation ? !in_message_ : (op != op_text && op != op_binary) || in_message_) {
        return fail(frame_error::protocol_error);
      }
      const std::uint64_t so_far = op == op_continuation ? fragments_.size() : 0;
      if (length > max_message_ || so_far + length > max_message_) {
        return fail(frame_error::message_too_big);
      }
    }
    header += 4; // the masking key
    if (left < header || left - header < length) {
      return r;
    }
    char* payload = data + at + header;
    const auto n = static_cast<std::size_t>(length);
    unmask(payload, n, h + header - 4);
    at += header + n;
    const std::string_view body(payload, n);

    switch (op) {
    case op_text:
    case op_binary:
      if (fin) {
        if (op == op_text && !is_utf8(body)) {
          return fail(frame_error::invalid_payload);
        }
        sink.on_frame_message(body, op == op_binary);
        break;
      }
      in_message_ = true;
      message_binary_ = op == op_binary;
      fragments_.assign(body);
      if (!message_binary_) {
        utf8_.reset();
        if (!utf8_.write(reinterpret_cast<const std::uint8_t*>(body.data()), body.size())) {
          return fail(frame_error::invalid_payload);
        }
      }
      break;
    case op_continuation:
      fragments_.append(body);
      if (!message_binary_ && !utf8_.write(reinterpret_cast<const std::uint8_t*>(body.data()), body.size())) {
        return fail(frame_error::invalid_payload);
      }
      if (fin) {
        if (!message_binary_ && !utf8_.finish()) {
          return fail(frame_error::invalid_payload);
        }
        in_message_ = false;
        sink.on_frame_message(fragments_, message_binary_);
        fragments_.clear();
      }
      break;
    case op_ping: sink.on_frame_ping(body); break;
    case op_pong: sink.on_frame_pong(body); break;
    case op_close: {
      std::uint16_t code = beast_ws::close_code::no_status; // 1005: the frame had no code (7.1.5)
      std::string_view reason;
      if (n == 1) {
        return fail(frame_error::protocol_error);
      }
      if (n >= 2) {
        code = static_cast<std::uint16_t>((static_cast<unsigned>(static_cast<unsigned char>(body[0])) << 8) |
                                          static_cast<unsigned char>(body[1]));
        if (!beast_ws::detail::is_valid_close_code(code)) {
          return fail(frame_error::protocol_error);
        }
        reason = body.substr(2);
        if (!is_utf8(reason)) {
          return fail(frame_error::invalid_payload);
        }
      }
      r.consumed = at;
      r.closed = true;
      sink.on_frame_close(code, reason);
      return r;
    }
    default: return fail(frame_error::protocol_error); // reserved opcodes
    }
  }
}

} // namespace minibroker::ws::detail
