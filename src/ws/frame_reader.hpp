#pragma once
// Internal: the server's reader of a client's WebSocket frames (RFC 6455 section 5), the read side
// of what whole_write_stream is for writes. A hand parser, because Beast has no bulk-read API:
// websocket::stream::async_read completes one message per call, each through a post and a turn of
// the loop, after reading at most 1,536 bytes per system call; a connection sending thousands of
// orders a second wants every whole frame of one socket read handled in one handler, so a burst
// of N requests is one hand-off to the exchange and one write of the answers (BENCHMARKS.md).
// What Beast still does: the opening handshake, and the UTF-8 validation (its utf8_checker).
//
// parse() takes the bytes read so far, unmasks the payloads in place and hands each whole
// message (a single frame's payload is a view into those bytes; a fragmented message is
// assembled here) and each control frame to a frame_sink, in order. It stops at a partial frame
// (the caller keeps the rest and calls again with more), after a close frame, or at the first
// violation, which it names with the close code the server answers with:
//   - 1002 (protocol error): an unmasked frame (clients must mask, 5.1), reserved bits set (no
//     extension is negotiated), a reserved opcode, a fragmented or over-125-byte control frame, a
//     continuation with no message started or a new message before the last one finished, a
//     length not in its shortest form or with the top bit set, a close frame of 1 byte or with an
//     invalid code (7.4);
//   - 1007 (invalid payload): a text message or a close reason that is not UTF-8;
//   - 1009 (too big): a message whose frames add up to more than max_message_size, found from the
//     frame header, before its payload is read.
// These are the checks Beast's stream makes in the server role (permessage-deflate off).
//
// Thread safety: none (one connection's strand).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/beast/websocket/detail/utf8_checker.hpp>

namespace minibroker::ws::detail {

// What a frame_reader finds, in the order it comes. The views last until the callback returns.
class frame_sink {
public:
  virtual ~frame_sink() = default;
  // A whole text or binary message.
  virtual void on_frame_message(std::string_view payload, bool binary) = 0;
  virtual void on_frame_ping(std::string_view payload) = 0;
  virtual void on_frame_pong(std::string_view payload) = 0;
  // A close frame: its code (1005, "no status", when it had none) and reason. parse() stops here.
  virtual void on_frame_close(std::uint16_t code, std::string_view reason) = 0;
};

enum class frame_error : std::uint8_t { none, protocol_error, invalid_payload, message_too_big };

// The close code the server sends for `e` (0 for none).
[[nodiscard]] std::uint16_t close_code_of(frame_error e) noexcept;

class frame_reader {
public:
  struct result {
    std::size_t consumed = 0; // bytes of whole frames parsed; the rest waits for more
    frame_error error = frame_error::none;
    bool closed = false; // a close frame came: nothing after it is read
  };

  explicit frame_reader(std::size_t max_message_size) noexcept : max_message_(max_message_size) {}

  // Parses the whole frames at the front of [data, data + size), unmasking them in place. After
  // an error or a close frame the reader is done: parse() must not be called again.
  result parse(char* data, std::size_t size, frame_sink& sink);

private:
  std::size_t max_message_;
  std::string fragments_;   // the message being assembled, when fragmented
  bool in_message_ = false; // a first fragment came, its last not yet
  bool message_binary_ = false;
  boost::beast::websocket::detail::utf8_checker utf8_; // across a fragmented text message
};

} // namespace minibroker::ws::detail
