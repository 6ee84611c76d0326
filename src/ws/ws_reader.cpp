#include "ws_reader.hpp"

#include <fmt/format.h>

namespace minibroker::ws::detail {

ws_reader::ws_reader(asio::any_io_executor strand, const client_config& config, std::string target,
                     open_handler on_open, message_handler on_message, end_handler on_end, std::string bearer)
    : config_(config), target_(std::move(target)), on_open_(std::move(on_open)), on_message_(std::move(on_message)),
      on_end_(std::move(on_end)), resolver_(strand), ws_(strand), bearer_(std::move(bearer)) {}

void ws_reader::start() {
  resolver_.async_resolve(config_.host, fmt::format("{}", config_.port),
                          beast::bind_front_handler(&ws_reader::on_resolve, shared_from_this()));
}

void ws_reader::stop() {
  resolver_.cancel();
  beast::get_lowest_layer(ws_).close();
}

void ws_reader::on_resolve(beast::error_code ec, const tcp::resolver::results_type& results) {
  if (ec) {
    end(ec);
    return;
  }
  beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(5));
  beast::get_lowest_layer(ws_).async_connect(results,
                                             beast::bind_front_handler(&ws_reader::on_connect, shared_from_this()));
}

void ws_reader::on_connect(beast::error_code ec, const tcp::endpoint& /*endpoint*/) {
  if (ec) {
    end(ec);
    return;
  }
  beast::get_lowest_layer(ws_).expires_never();
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
  ws_.read_message_max(config_.max_message_size);
  if (!bearer_.empty()) {
    ws_.set_option(websocket::stream_base::decorator(
        [auth = "Bearer " + bearer_](websocket::request_type& req) { req.set(http::field::authorization, auth); }));
  }
  ws_.async_handshake(fmt::format("{}:{}", config_.host, config_.port), target_,
                      beast::bind_front_handler(&ws_reader::on_handshake, shared_from_this()));
}

void ws_reader::on_handshake(beast::error_code ec) {
  if (ec) {
    end(ec);
    return;
  }
  open_ = true;
  ws_.text(true);
  on_open_();
  do_read();
  do_write();
}

void ws_reader::send(std::shared_ptr<const std::string> text) {
  if (ended_) {
    return;
  }
  outbox_.push_back(std::move(text));
  do_write();
}

void ws_reader::do_write() {
  if (!open_ || writing_ || ended_ || outbox_.empty()) {
    return;
  }
  writing_ = true;
  ws_.async_write(asio::buffer(*outbox_.front()), beast::bind_front_handler(&ws_reader::on_write, shared_from_this()));
}

void ws_reader::on_write(beast::error_code ec, std::size_t /*bytes*/) {
  writing_ = false;
  if (ec) {
    end(ec);
    return;
  }
  outbox_.pop_front();
  do_write();
}

void ws_reader::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(&ws_reader::on_read, shared_from_this()));
}

void ws_reader::on_read(beast::error_code ec, std::size_t /*bytes*/) {
  if (ec) {
    end(ec);
    return;
  }
  const auto data = buffer_.cdata();
  on_message_(std::string_view(static_cast<const char*>(data.data()), data.size()));
  buffer_.consume(buffer_.size());
  if (!ended_) {
    do_read();
  }
}

void ws_reader::end(beast::error_code ec) {
  if (ended_) {
    return;
  }
  ended_ = true;
  beast::get_lowest_layer(ws_).close();
  on_end_(ec);
}

} // namespace minibroker::ws::detail
