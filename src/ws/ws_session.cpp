#include "ws_session.hpp"

#include "minibroker/ws/encode.hpp"
#include "server_state.hpp"

namespace minibroker::ws::detail {

ws_session::ws_session(beast::tcp_stream&& stream, state_ptr state, endpoint kind)
    : state_(std::move(state)), kind_(kind), ws_(std::move(stream)), reader_(state_->config.max_message_size),
      queue_(state_->config.max_queued_messages), close_timer_(state_->strand), idle_timer_(state_->strand) {}

ws_session::~ws_session() {
  if (open_ && !finished_) {
    server_counters::sub(state_->counters.connections(kind_));
  }
}

void ws_session::run(request req, std::string_view early) {
  const auto& config = state_->config;
  beast::get_lowest_layer(ws_).expires_never(); // the websocket stream times its handshake from here
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = config.handshake_timeout;
  timeouts.idle_timeout = websocket::stream_base::none(); // watch_idle() keeps it
  timeouts.keep_alive_pings = false;
  ws_.set_option(timeouts);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "minibroker"); }));
  if (!early.empty()) {
    in_.commit(asio::buffer_copy(in_.prepare(early.size()), asio::buffer(early.data(), early.size())));
  }
  ws_.async_accept(req, beast::bind_front_handler(&ws_session::on_accept, shared_from_this()));
}

void ws_session::on_accept(beast::error_code ec) {
  if (ec) {
    server_counters::add(state_->counters.network_errors);
    finish();
    return;
  }
  open_ = true;
  server_counters::add(state_->counters.accepted(kind_));
  server_counters::add(state_->counters.connections(kind_));
  state_->track(shared_from_this());
  watch_idle();
  on_open();
  if (in_.size() == 0 || handle_input()) {
    do_read();
  }
  kick();
}

void ws_session::watch_idle() {
  idle_timer_.expires_after(state_->config.idle_timeout / 2);
  idle_timer_.async_wait(beast::bind_front_handler(&ws_session::on_idle_check, shared_from_this()));
}

void ws_session::on_idle_check(beast::error_code ec) {
  if (ec || closing_ || finished_) {
    return; // a closing connection has the close timer
  }
  if (heard_) {
    heard_ = false;
    pinged_ = false;
  } else if (!pinged_) {
    pinged_ = true;
    write_control(0x89, {});
  } else {
    server_counters::add(state_->counters.idle_timeouts);
    beast::get_lowest_layer(ws_).close(); // the pending read fails and finishes the connection
    return;
  }
  watch_idle();
}

void ws_session::do_read() {
  beast::get_lowest_layer(ws_).socket().async_read_some(
      in_.prepare(read_size_), beast::bind_front_handler(&ws_session::on_read, shared_from_this()));
}

void ws_session::on_read(beast::error_code ec, std::size_t bytes) {
  if (ec) {
    if (ec != asio::error::operation_aborted && ec != asio::error::eof && ec != asio::error::connection_reset) {
      server_counters::add(state_->counters.network_errors);
    }
    finish();
    return;
  }
  in_.commit(bytes);
  if (bytes == read_size_ && read_size_ < max_read_bytes) {
    read_size_ *= 2; // a busy peer: fewer, larger reads
  }
  if (handle_input()) {
    do_read();
  }
}

bool ws_session::handle_input() {
  const auto data = in_.data();
  in_batch_ = true;
  const auto r = reader_.parse(static_cast<char*>(data.data()), data.size(), *this);
  in_batch_ = false;
  in_.consume(r.consumed);
  kick(); // what the frames' handlers sent, in one write
  if (r.error != frame_error::none) {
    auto& c = state_->counters;
    server_counters::add(r.error == frame_error::message_too_big ? c.errors(codec_error::message_too_big)
                                                                 : c.network_errors);
    peer_closed_ = true; // nothing more is read: the connection ends once the close frame is out
    if (closing_) {
      end();
    } else {
      closing_ = true;
      send_close(close_code_of(r.error), {});
    }
    return false;
  }
  return !r.closed && !finished_;
}

void ws_session::on_frame_message(std::string_view payload, bool binary) {
  heard_ = true;
  server_counters::add(state_->counters.messages_in(kind_));
  if (closing_ || finished_) {
    return; // what comes after our close frame is read and dropped (RFC 6455 1.4)
  }
  if (binary) {
    server_counters::add(state_->counters.errors(codec_error::binary_frame));
    send(encode_error(codec_error::binary_frame, "binary frames are not accepted; send JSON in text frames"));
  } else {
    on_text(payload);
  }
}

void ws_session::on_frame_ping(std::string_view payload) {
  heard_ = true;
  if (!closing_) {
    write_control(0x8a, payload); // the pong echoes the ping's payload (5.5.3)
  }
}

void ws_session::on_frame_pong(std::string_view /*payload*/) { heard_ = true; }

void ws_session::on_frame_close(std::uint16_t code, std::string_view /*reason*/) {
  heard_ = true;
  peer_closed_ = true;
  if (!closing_) {
    closing_ = true;
    send_close(code, {}); // the echo (5.5.1)
  } else if (close_sent_) {
    end(); // the handshake we started is done
  }
}

void ws_session::write_control(unsigned char opcode, std::string_view payload) {
  std::string frame; // small: a control frame carries at most 125 bytes
  frame.push_back(static_cast<char>(opcode));
  frame.push_back(static_cast<char>(payload.size()));
  frame.append(payload);
  ws_.next_layer().async_write_some(asio::buffer(frame),
                                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                      if (ec) {
                                        self->end();
                                      }
                                    });
}

void ws_session::send_close(std::uint16_t code, std::string_view reason) {
  // A peer that reads nothing never lets a pending write (nor the close frame behind it) finish:
  // the timer ends the connection anyway.
  close_timer_.expires_after(state_->config.handshake_timeout);
  close_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) {
      self->end();
    }
  });
  std::string frame{static_cast<char>(0x88), '\0'}; // FIN, close
  if (code != websocket::close_code::no_status) {
    const auto text = reason.substr(0, 123); // the most a close frame carries
    frame.push_back(static_cast<char>(code >> 8));
    frame.push_back(static_cast<char>(code & 0xff));
    frame.append(text);
    frame[1] = static_cast<char>(2 + text.size());
  }
  ws_.next_layer().async_write_some(asio::buffer(frame),
                                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                      self->close_sent_ = !ec;
                                      if (ec || self->peer_closed_) {
                                        self->end();
                                      }
                                    });
}

void ws_session::end() {
  close_timer_.cancel();
  beast::get_lowest_layer(ws_).close(); // pending operations fail with operation_aborted
  finish();
}

bool ws_session::send(message m) {
  if (closing_ || finished_) {
    return false;
  }
  if (!queue_.push(std::move(m))) {
    close_slow("too many messages waiting to be sent");
    return false;
  }
  if (!in_batch_) {
    kick();
  }
  return true;
}

void ws_session::send_latest(std::size_t key, message m) {
  if (closing_ || finished_) {
    return;
  }
  if (queue_.push_latest(key, std::move(m))) {
    server_counters::add(state_->counters.quotes_conflated);
  }
  if (!in_batch_) {
    kick();
  }
}

void ws_session::kick() {
  if (!open_ || writing_ || closing_ || finished_) {
    return;
  }
  batch_.clear();
  batch_messages_ = 0;
  while (batch_.size() < max_batch_bytes) {
    message m = queue_.pop();
    if (!m) {
      m = pull();
    }
    if (!m || closing_ || finished_) {
      break;
    }
    frame_text(batch_, m.view());
    ++batch_messages_;
  }
  if (batch_messages_ == 0 || closing_ || finished_) {
    return;
  }
  writing_ = true;
  ws_.next_layer().write_frames(batch_, beast::bind_front_handler(&ws_session::on_write, shared_from_this()));
}

void ws_session::on_write(beast::error_code ec, std::size_t /*bytes*/) {
  writing_ = false;
  if (ec) {
    if (ec != asio::error::operation_aborted && ec != websocket::error::closed) {
      server_counters::add(state_->counters.network_errors);
    }
    beast::get_lowest_layer(ws_).close();
    finish();
    return;
  }
  server_counters::add(state_->counters.messages_out(kind_), batch_messages_);
  kick();
}

void ws_session::close_slow(std::string_view reason) {
  if (closing_ || finished_) {
    return;
  }
  server_counters::add(state_->counters.slow_closes(kind_));
  close(close_slow_consumer, reason);
}

void ws_session::close(std::uint16_t code, std::string_view reason) {
  if (closing_ || finished_) {
    return;
  }
  closing_ = true;
  if (!open_) {
    beast::get_lowest_layer(ws_).close();
    return;
  }
  send_close(code, reason); // the read loop goes on until the peer's close frame
}

void ws_session::finish() {
  if (finished_) {
    return;
  }
  finished_ = true;
  idle_timer_.cancel();
  if (open_) {
    server_counters::sub(state_->counters.connections(kind_));
    on_closed();
  }
}

} // namespace minibroker::ws::detail
