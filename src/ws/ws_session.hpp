#pragma once
// Internal: one WebSocket connection, the base of the four endpoints' sessions. Kept alive by
// shared_from_this while an operation is pending; at most one write in flight; what waits to be
// written is an outbound_queue, then whatever pull() gives (an execution-report cursor). A write
// takes everything waiting (up to max_batch_bytes) as frames in one buffer: one system call and one
// turn of the loop for many messages, where one message a turn held a busy connection to a few
// thousand quotes a second (BENCHMARKS.md). Every handler runs on the server's strand.
//
// Beast does the opening handshake; after it the session reads the socket itself, in bulk (up to
// max_read_bytes a system call), and a frame_reader splits what came into messages and control
// frames: every whole message of one read is handled in one handler, and the answers sent
// meanwhile go out in one write after it. The session answers pings, echoes a peer's close frame,
// and on a protocol violation sends the close code frame_reader names (1002, 1007, 1009) and ends.
//
// The idle timeout is kept here: a check every half idle timeout, a keep-alive ping when nothing
// came from the peer since the last check, and the socket closed when nothing came since the ping
// either. Any message or control frame counts.
//
// Ends: a read error (the peer closed, a network error), a protocol violation (an oversize
// message among them), the closing handshake, the idle timeout, a failed write, or close().
// finish() runs once, counts, and calls on_closed() so the endpoint can unregister.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "beast.hpp"
#include "frame_reader.hpp"
#include "minibroker/ws/exchange_server.hpp"
#include "outbound_queue.hpp"
#include "whole_write_stream.hpp"

namespace minibroker::ws::detail {

class ws_session : public std::enable_shared_from_this<ws_session>, private frame_sink {
public:
  using message = outbound_queue::message;
  using state_ptr = std::shared_ptr<exchange_server::state>;

  ws_session(beast::tcp_stream&& stream, state_ptr state, endpoint kind);
  virtual ~ws_session();
  ws_session(const ws_session&) = delete;
  ws_session& operator=(const ws_session&) = delete;

  // Completes the WebSocket handshake for `req`, then on_open() and the read loop. `early`: bytes
  // the client sent after its request, read with it (frames sent without waiting for the answer).
  void run(request req, std::string_view early = {});

  // Queues a message that must be delivered. When the queue is full the connection is closed
  // (close code 4001, counted) and the message is not queued: false.
  bool send(message m);
  bool send(std::string_view text) { return send(message(text)); }
  // Queues the latest value for `key`, replacing one still waiting (counted as conflated).
  void send_latest(std::size_t key, message m);
  // Starts the closing handshake; the socket is shut after the handshake timeout regardless.
  void close(std::uint16_t code, std::string_view reason);
  // As close(4001), counted as a slow consumer.
  void close_slow(std::string_view reason);

  [[nodiscard]] endpoint kind() const noexcept { return kind_; }
  [[nodiscard]] bool live() const noexcept { return open_ && !closing_ && !finished_; }

protected:
  virtual void on_open() = 0;
  virtual void on_text(std::string_view text) = 0;
  virtual void on_closed() {}
  // Called when the queue is empty and no write is in flight: the next message, or an empty one.
  virtual message pull() { return {}; }
  // Starts a write if none is in flight and something is waiting.
  void kick();

  [[nodiscard]] exchange_server::state& state() const noexcept { return *state_; }

private:
  void on_accept(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  // Handles every whole frame read so far; false when reading is over.
  bool handle_input();
  void on_write(beast::error_code ec, std::size_t bytes);
  void watch_idle();
  void on_idle_check(beast::error_code ec);
  // Writes a control frame (ping, pong) after what is being written.
  void write_control(unsigned char opcode, std::string_view payload);
  // Starts the close timer and writes a close frame (no payload for code 1005); the connection
  // ends once it is written and the peer's close frame came (or is not awaited: peer_closed_).
  void send_close(std::uint16_t code, std::string_view reason);
  // Closes the socket and finishes.
  void end();
  void finish();

  // frame_sink
  void on_frame_message(std::string_view payload, bool binary) override;
  void on_frame_ping(std::string_view payload) override;
  void on_frame_pong(std::string_view payload) override;
  void on_frame_close(std::uint16_t code, std::string_view reason) override;

  state_ptr state_;
  endpoint kind_;
  // Frames written at once, at most; a write may go past it by one message.
  static constexpr std::size_t max_batch_bytes = 256 * 1024;
  // A read asks for read_size_ bytes: 4 KiB, doubled after each read that filled it, up to this.
  static constexpr std::size_t max_read_bytes = 256 * 1024;

  websocket::stream<whole_write_stream> ws_; // the handshake; then its next layer, the socket
  frame_reader reader_;
  beast::flat_buffer in_; // read, not yet parsed: a partial frame
  std::size_t read_size_ = 4096;
  outbound_queue queue_;
  std::string batch_;              // the frames being written
  std::size_t batch_messages_ = 0; // how many
  asio::steady_timer close_timer_;
  asio::steady_timer idle_timer_;
  bool heard_ = false;  // a message or control frame came since the last idle check
  bool pinged_ = false; // a keep-alive ping went out since the peer was last heard
  bool open_ = false;
  bool writing_ = false;
  bool in_batch_ = false;    // handling a read's frames: sends wait for the write after it
  bool closing_ = false;     // a close frame is being sent (or the socket closed before the handshake)
  bool close_sent_ = false;  // written
  bool peer_closed_ = false; // the peer's close frame came, or none will be read (a violation)
  bool finished_ = false;
};

} // namespace minibroker::ws::detail
