// Fuzz target: the server's reader of a client's WebSocket frames (src/ws/frame_reader.hpp). The
// first byte picks the message size limit and the size of the reads the rest arrives in; the rest
// is what a client sent. Whatever it is, nothing crashes, and the reader finds the same messages,
// control frames and ending (a violation, a close, or a partial frame waiting for more) whether
// the bytes come in one read or cut into many, as a socket's reads cut them. No message it hands
// on is over the limit, and a text message is UTF-8.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/websocket/detail/utf8_checker.hpp>

#include "frame_reader.hpp"

namespace {

using minibroker::ws::detail::frame_error;
using minibroker::ws::detail::frame_reader;

struct event {
  char kind; // 't'ext, 'b'inary, p'i'ng, p'o'ng, 'c'lose
  std::uint16_t code;
  std::string payload;
  friend bool operator==(const event&, const event&) = default;
};

class recording_sink final : public minibroker::ws::detail::frame_sink {
public:
  explicit recording_sink(std::size_t limit) : limit_(limit) {}
  void on_frame_message(std::string_view payload, bool binary) override {
    if (payload.size() > limit_ ||
        (!binary && !boost::beast::websocket::detail::check_utf8(payload.data(), payload.size()))) {
      std::abort();
    }
    events.push_back({binary ? 'b' : 't', 0, std::string(payload)});
  }
  void on_frame_ping(std::string_view payload) override { control('i', 0, payload); }
  void on_frame_pong(std::string_view payload) override { control('o', 0, payload); }
  void on_frame_close(std::uint16_t code, std::string_view reason) override { control('c', code, reason); }

  std::vector<event> events;

private:
  void control(char kind, std::uint16_t code, std::string_view payload) {
    if (payload.size() > 125) {
      std::abort(); // control frames carry at most 125 bytes (RFC 6455 5.5)
    }
    events.push_back({kind, code, std::string(payload)});
  }
  std::size_t limit_;
};

struct outcome {
  std::vector<event> events;
  frame_error error = frame_error::none;
  bool closed = false;
  std::size_t consumed = 0;
};

// Feeds `bytes` in reads of `read_size`, keeping the unparsed rest in front of the next read as
// the server's session does, until the reader fails, sees a close, or the bytes run out.
outcome read_in_pieces(std::string_view bytes, std::size_t limit, std::size_t read_size) {
  frame_reader reader(limit);
  recording_sink sink(limit);
  outcome out;
  std::string pending;
  for (std::size_t at = 0; at < bytes.size();) {
    const std::size_t n = std::min(read_size, bytes.size() - at);
    pending.append(bytes.substr(at, n));
    at += n;
    const auto r = reader.parse(pending.data(), pending.size(), sink);
    if (r.consumed > pending.size()) {
      std::abort();
    }
    out.consumed += r.consumed;
    pending.erase(0, r.consumed);
    if (r.error != frame_error::none || r.closed) {
      out.error = r.error;
      out.closed = r.closed;
      break;
    }
  }
  out.events = std::move(sink.events);
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  static constexpr std::array<std::size_t, 8> limits{1, 16, 125, 126, 300, 65'536, 1 << 20, 16 << 20};
  const std::size_t limit = limits[data[0] & 7U];
  const std::size_t read_size = 1 + (data[0] >> 3U); // 1 to 32 bytes a read
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);

  const outcome whole = read_in_pieces(bytes, limit, bytes.size() + 1);
  const outcome pieces = read_in_pieces(bytes, limit, read_size);
  if (whole.events != pieces.events || whole.error != pieces.error || whole.closed != pieces.closed ||
      whole.consumed != pieces.consumed) {
    std::abort();
  }
  if ((whole.error == frame_error::none) != (minibroker::ws::detail::close_code_of(whole.error) == 0)) {
    std::abort();
  }
  return 0;
}
