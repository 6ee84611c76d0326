#include "ws_session.hpp"

#include "minibroker/ws/encode.hpp"
#include "server_state.hpp"

namespace minibroker::ws::detail {

ws_session::ws_session(beast::tcp_stream&& stream, state_ptr state, endpoint kind)
    : state_(std::move(state)), kind_(kind), ws_(std::move(stream)), queue_(state_->config.max_queued_messages),
      close_timer_(state_->strand), idle_timer_(state_->strand) {}

ws_session::~ws_session() {
  if (open_ && !finished_) {
    server_counters::sub(state_->counters.connections(kind_));
  }
}

void ws_session::run(request req) {
  const auto& config = state_->config;
  beast::get_lowest_layer(ws_).expires_never(); // the websocket stream times itself from here
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = config.handshake_timeout;
  timeouts.idle_timeout = websocket::stream_base::none(); // watch_idle() keeps it
  timeouts.keep_alive_pings = false;
  ws_.set_option(timeouts);
  ws_.control_callback([this](websocket::frame_type /*kind*/, beast::string_view /*payload*/) { heard_ = true; });
  ws_.read_message_max(config.max_message_size);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "minibroker"); }));
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
  ws_.text(true);
  state_->track(shared_from_this());
  watch_idle();
  on_open();
  do_read();
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
    ws_.async_ping({}, [self = shared_from_this()](beast::error_code /*ec*/) {});
  } else {
    server_counters::add(state_->counters.idle_timeouts);
    beast::get_lowest_layer(ws_).close(); // the pending read fails and finishes the connection
    return;
  }
  watch_idle();
}

void ws_session::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&ws_session::on_read, shared_from_this()));
}

void ws_session::on_read(beast::error_code ec, std::size_t /*bytes*/) {
  if (ec) {
    auto& c = state_->counters;
    if (ec == websocket::error::message_too_big) {
      server_counters::add(c.errors(codec_error::message_too_big)); // Beast closes with 1009
    } else if (ec == beast::error::timeout) {
      server_counters::add(c.idle_timeouts);
    } else if (ec != websocket::error::closed && ec != asio::error::operation_aborted && ec != asio::error::eof &&
               ec != asio::error::connection_reset) {
      server_counters::add(c.network_errors);
    }
    finish();
    return;
  }
  heard_ = true;
  server_counters::add(state_->counters.messages_in(kind_));
  if (!closing_) {
    if (ws_.got_binary()) {
      server_counters::add(state_->counters.errors(codec_error::binary_frame));
      send(encode_error(codec_error::binary_frame, "binary frames are not accepted; send JSON in text frames"));
    } else {
      const auto data = buffer_.cdata();
      on_text(std::string_view(static_cast<const char*>(data.data()), data.size()));
    }
  }
  buffer_.consume(buffer_.size());
  if (!finished_) {
    do_read();
  }
}

bool ws_session::send(message m) {
  if (closing_ || finished_) {
    return false;
  }
  if (!queue_.push(std::move(m))) {
    close_slow("too many messages waiting to be sent");
    return false;
  }
  kick();
  return true;
}

void ws_session::send_latest(std::size_t key, message m) {
  if (closing_ || finished_) {
    return;
  }
  if (queue_.push_latest(key, std::move(m))) {
    server_counters::add(state_->counters.quotes_conflated);
  }
  kick();
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
  // A peer that reads nothing never lets a pending write (nor the close frame behind it) finish:
  // the timer ends the connection anyway.
  close_timer_.expires_after(state_->config.handshake_timeout);
  close_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) {
      beast::get_lowest_layer(self->ws_).close();
    }
  });
  websocket::close_reason why(code);
  const auto text = reason.substr(0, 123); // the most a close frame carries
  why.reason.assign(text.data(), text.size());
  ws_.async_close(why, [self = shared_from_this()](beast::error_code /*ec*/) {
    self->close_timer_.cancel();
    self->finish();
  });
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
