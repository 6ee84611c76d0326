#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "frame_reader.hpp"
#include "ws_frames.hpp"

using minibroker::ws::detail::close_code_of;
using minibroker::ws::detail::frame_error;
using minibroker::ws::detail::frame_reader;
using minibroker::ws::detail::frame_sink;
using minibroker::ws::testing::client_frame;
using minibroker::ws::testing::close_payload;
using minibroker::ws::testing::masked_text;

namespace {

std::string text_frame(std::string_view payload) { return masked_text(payload); }

// Records what the reader hands over, one line per event.
struct recording_sink final : frame_sink {
  std::vector<std::string> events;
  void on_frame_message(std::string_view payload, bool binary) override {
    events.push_back(std::string(binary ? "binary " : "text ") + std::string(payload));
  }
  void on_frame_ping(std::string_view payload) override { events.push_back("ping " + std::string(payload)); }
  void on_frame_pong(std::string_view payload) override { events.push_back("pong " + std::string(payload)); }
  void on_frame_close(std::uint16_t code, std::string_view reason) override {
    events.push_back("close " + std::to_string(code) + " " + std::string(reason));
  }
};

// Feeds `bytes` to a reader `step` bytes at a time, as reads would bring them: what was not
// consumed is kept and parsed again with the next bytes. Returns the last result.
frame_reader::result feed(frame_reader& reader, recording_sink& sink, const std::string& bytes, std::size_t step) {
  std::string pending;
  frame_reader::result r;
  for (std::size_t at = 0; at < bytes.size(); at += step) {
    pending.append(bytes.substr(at, step));
    r = reader.parse(pending.data(), pending.size(), sink);
    if (r.error != frame_error::none || r.closed) {
      return r;
    }
    pending.erase(0, r.consumed);
  }
  r.consumed = bytes.size() - pending.size();
  return r;
}

frame_reader::result parse_all(frame_reader& reader, recording_sink& sink, std::string bytes) {
  return reader.parse(bytes.data(), bytes.size(), sink);
}

} // namespace

TEST_CASE("frame reader: every whole frame of one read is handed over, in order", "[ws][frames]") {
  frame_reader reader(1024);
  recording_sink sink;
  const std::string bytes = text_frame(R"({"a":1})") + client_frame(0x89, "hi") + text_frame("") +
                            client_frame(0x82, std::string("\x00\xff", 2)) + client_frame(0x8a, "");
  const auto r = parse_all(reader, sink, bytes);
  CHECK(r.error == frame_error::none);
  CHECK_FALSE(r.closed);
  CHECK(r.consumed == bytes.size());
  CHECK(sink.events ==
        std::vector<std::string>{R"(text {"a":1})", "ping hi", "text ", std::string("binary \x00\xff", 9), "pong "});
}

TEST_CASE("frame reader: a frame split across reads waits for its rest, at any split", "[ws][frames]") {
  const std::string big(300, 'x'); // a 16-bit length
  const std::string bytes = text_frame("first") + text_frame(big) + text_frame("last");
  for (std::size_t step = 1; step <= 9; ++step) {
    frame_reader reader(1024);
    recording_sink sink;
    const auto r = feed(reader, sink, bytes, step);
    CHECK(r.error == frame_error::none);
    CHECK(r.consumed == bytes.size());
    CHECK(sink.events == std::vector<std::string>{"text first", "text " + big, "text last"});
  }
}

TEST_CASE("frame reader: a partial frame is not consumed", "[ws][frames]") {
  frame_reader reader(1024);
  recording_sink sink;
  const std::string whole = text_frame("done");
  std::string bytes = whole + text_frame("half");
  bytes.resize(bytes.size() - 2);
  const auto r = parse_all(reader, sink, bytes);
  CHECK(r.error == frame_error::none);
  CHECK(r.consumed == whole.size());
  CHECK(sink.events == std::vector<std::string>{"text done"});
}

TEST_CASE("frame reader: a fragmented message is assembled, control frames between its fragments come first",
          "[ws][frames]") {
  frame_reader reader(1024);
  recording_sink sink;
  const std::string bytes = client_frame(0x01, R"({"type":)") + client_frame(0x89, "p") +
                            client_frame(0x00, R"("new",)") + client_frame(0x8a, "q") +
                            client_frame(0x80, R"("id":1})") + text_frame("after");
  for (const std::size_t step : {bytes.size(), std::size_t{1}, std::size_t{5}}) {
    frame_reader r_reader(1024);
    recording_sink r_sink;
    const auto r = feed(r_reader, r_sink, bytes, step);
    CHECK(r.error == frame_error::none);
    CHECK(r_sink.events == std::vector<std::string>{"ping p", "pong q", R"(text {"type":"new","id":1})", "text after"});
  }
  // A fragmented binary message is one binary message.
  const auto r = parse_all(reader, sink, client_frame(0x02, "ab") + client_frame(0x80, "cd"));
  CHECK(r.error == frame_error::none);
  CHECK(sink.events == std::vector<std::string>{"binary abcd"});
}

TEST_CASE("frame reader: a message over the maximum size is refused from its header, 1009", "[ws][frames]") {
  SECTION("one frame") {
    frame_reader reader(100);
    recording_sink sink;
    std::string bytes = text_frame(std::string(101, 'x'));
    bytes.resize(8); // the header is enough
    const auto r = parse_all(reader, sink, bytes);
    CHECK(r.error == frame_error::message_too_big);
    CHECK(close_code_of(r.error) == 1009);
  }
  SECTION("fragments that add up to more") {
    frame_reader reader(100);
    recording_sink sink;
    const auto r =
        parse_all(reader, sink, client_frame(0x01, std::string(60, 'x')) + client_frame(0x80, std::string(41, 'y')));
    CHECK(r.error == frame_error::message_too_big);
    CHECK(sink.events.empty());
  }
  SECTION("exactly the maximum is fine") {
    frame_reader reader(100);
    recording_sink sink;
    const auto r =
        parse_all(reader, sink, client_frame(0x01, std::string(60, 'x')) + client_frame(0x80, std::string(40, 'y')));
    CHECK(r.error == frame_error::none);
    CHECK(sink.events.size() == 1);
  }
  SECTION("a 64-bit length") {
    frame_reader reader(1 << 20);
    recording_sink sink;
    std::string bytes = text_frame(std::string(70'000, 'x'));
    const auto r = parse_all(reader, sink, bytes);
    CHECK(r.error == frame_error::none);
    CHECK(sink.events.size() == 1);
    frame_reader small(65'536);
    std::string head = bytes.substr(0, 14);
    CHECK(small.parse(head.data(), head.size(), sink).error == frame_error::message_too_big);
  }
}

TEST_CASE("frame reader: an unmasked client frame is a protocol error, 1002", "[ws][frames]") {
  frame_reader reader(1024);
  recording_sink sink;
  const auto r = parse_all(reader, sink, client_frame(0x81, "hello", false));
  CHECK(r.error == frame_error::protocol_error);
  CHECK(close_code_of(r.error) == 1002);
  CHECK(sink.events.empty());
}

TEST_CASE("frame reader: reserved bits, reserved opcodes and bad control frames are protocol errors", "[ws][frames]") {
  const std::vector<std::string> bad{
      client_frame(0xc1, "x"),                   // RSV1: no extension was negotiated
      client_frame(0xa1, "x"),                   // RSV2
      client_frame(0x91, "x"),                   // RSV3
      client_frame(0x83, "x"),                   // a reserved data opcode
      client_frame(0x8b, "x"),                   // a reserved control opcode
      client_frame(0x09, "x"),                   // a fragmented ping
      client_frame(0x89, std::string(126, 'p')), // a ping over 125 bytes
      client_frame(0x88, "x"),                   // a close frame of one byte
      client_frame(0x88, close_payload(1005)),   // a code that must not be sent
      client_frame(0x88, close_payload(999)),
  };
  for (const auto& bytes : bad) {
    frame_reader reader(1024);
    recording_sink sink;
    CHECK(parse_all(reader, sink, bytes).error == frame_error::protocol_error);
    CHECK(sink.events.empty());
  }
}

TEST_CASE("frame reader: lengths must be in their shortest form", "[ws][frames]") {
  frame_reader reader(1 << 20);
  recording_sink sink;
  // 5 bytes written with a 16-bit length, then 200 written with a 64-bit one.
  std::string short16{static_cast<char>(0x81), static_cast<char>(0x80 | 126), 0, 5, 1, 2, 3, 4};
  short16.append("abcde");
  CHECK(parse_all(reader, sink, short16).error == frame_error::protocol_error);
  frame_reader again(1 << 20);
  std::string short64{static_cast<char>(0x81), static_cast<char>(0x80 | 127), 0, 0, 0, 0, 0, 0, 0,
                      static_cast<char>(200)};
  short64.append(4, '\x01');
  short64.append(200, 'a');
  CHECK(parse_all(again, sink, short64).error == frame_error::protocol_error);
  CHECK(sink.events.empty());
}

TEST_CASE("frame reader: a continuation with nothing to continue, or a new message inside one, is a protocol error",
          "[ws][frames]") {
  {
    frame_reader reader(1024);
    recording_sink sink;
    CHECK(parse_all(reader, sink, client_frame(0x80, "x")).error == frame_error::protocol_error);
  }
  {
    frame_reader reader(1024);
    recording_sink sink;
    CHECK(parse_all(reader, sink, client_frame(0x01, "x") + text_frame("y")).error == frame_error::protocol_error);
    CHECK(sink.events.empty());
  }
}

TEST_CASE("frame reader: text that is not UTF-8 is refused with 1007, binary is not checked", "[ws][frames]") {
  const std::string bad_utf8 = "caf\xc3"; // a two-byte sequence cut short
  {
    frame_reader reader(1024);
    recording_sink sink;
    const auto r = parse_all(reader, sink, text_frame(bad_utf8));
    CHECK(r.error == frame_error::invalid_payload);
    CHECK(close_code_of(r.error) == 1007);
  }
  {
    frame_reader reader(1024);
    recording_sink sink;
    CHECK(parse_all(reader, sink, client_frame(0x82, bad_utf8)).error == frame_error::none);
  }
  {
    // A sequence split between two fragments is fine; one left open at the end is not.
    frame_reader reader(1024);
    recording_sink sink;
    CHECK(parse_all(reader, sink, client_frame(0x01, "caf\xc3") + client_frame(0x80, "\xa9!")).error ==
          frame_error::none);
    CHECK(sink.events == std::vector<std::string>{"text caf\xc3\xa9!"});
    frame_reader open_end(1024);
    CHECK(parse_all(open_end, sink, client_frame(0x01, "ok") + client_frame(0x80, "caf\xc3")).error ==
          frame_error::invalid_payload);
  }
  {
    frame_reader reader(1024);
    recording_sink sink;
    CHECK(parse_all(reader, sink, client_frame(0x88, close_payload(1000, bad_utf8))).error ==
          frame_error::invalid_payload);
  }
}

TEST_CASE("frame reader: a close frame gives its code and reason and ends the parse", "[ws][frames]") {
  {
    frame_reader reader(1024);
    recording_sink sink;
    const std::string close = client_frame(0x88, close_payload(1000, "bye"));
    const std::string bytes = text_frame("before") + close + text_frame("after");
    const auto r = parse_all(reader, sink, bytes);
    CHECK(r.error == frame_error::none);
    CHECK(r.closed);
    CHECK(r.consumed == bytes.size() - text_frame("after").size());
    CHECK(sink.events == std::vector<std::string>{"text before", "close 1000 bye"});
  }
  {
    frame_reader reader(1024);
    recording_sink sink;
    const auto r = parse_all(reader, sink, client_frame(0x88, ""));
    CHECK(r.closed);
    CHECK(sink.events == std::vector<std::string>{"close 1005 "}); // no status
  }
  {
    frame_reader reader(1024);
    recording_sink sink;
    const auto r = parse_all(reader, sink, client_frame(0x88, close_payload(4001, "app")));
    CHECK(r.closed);
    CHECK(sink.events == std::vector<std::string>{"close 4001 app"});
  }
}

TEST_CASE("frame reader: payloads of every length are unmasked whatever the key", "[ws][frames]") {
  for (std::size_t n = 0; n < 40; ++n) {
    std::string payload;
    for (std::size_t i = 0; i < n; ++i) {
      payload.push_back(static_cast<char>('a' + i % 26));
    }
    for (const std::uint32_t key : {0U, 0xffffffffU, 0x01020304U}) {
      frame_reader reader(1024);
      recording_sink sink;
      CHECK(parse_all(reader, sink, client_frame(0x81, payload, true, key)).error == frame_error::none);
      CHECK(sink.events == std::vector<std::string>{"text " + payload});
    }
  }
}
