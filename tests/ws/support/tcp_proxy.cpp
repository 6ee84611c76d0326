#include "tcp_proxy.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <vector>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/write.hpp>

namespace minibroker::ws::testing {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

// Closes with a RST: linger on, timeout zero.
void reset(tcp::socket& s) {
  error_code ignored;
  s.set_option(asio::socket_base::linger(true, 0), ignored);
  s.close(ignored);
}

} // namespace

struct proxied_connection;

struct tcp_proxy::state {
  explicit state(asio::io_context& io) : acceptor(io) {}

  // Takes up to n bytes from the armed cut's budget: how many may go through. Taken when read, so
  // the two directions never let more through between them.
  std::size_t take(std::size_t n) noexcept {
    if (!budget) {
      return n;
    }
    const auto allowed = static_cast<std::size_t>(std::min<std::uint64_t>(n, *budget));
    *budget -= allowed;
    return allowed;
  }
  [[nodiscard]] bool exhausted() const noexcept { return budget && *budget == 0; }
  void cut_all();

  tcp::acceptor acceptor;
  tcp::endpoint target;
  std::vector<std::weak_ptr<proxied_connection>> links;
  std::optional<std::uint64_t> budget; // bytes left before the armed cut
  tcp_proxy_stats stats;
  bool stopped = false;
};

// One client connection and its connection to the target; two pumps, one per direction.
struct proxied_connection : std::enable_shared_from_this<proxied_connection> {
  proxied_connection(tcp::socket&& c, std::shared_ptr<tcp_proxy::state> s)
      : client(std::move(c)), server(client.get_executor()), proxy(std::move(s)) {}

  struct pump {
    tcp::socket* from;
    tcp::socket* to;
    std::array<char, 16 * 1024> buffer{};
  };

  void start() {
    server.async_connect(proxy->target, [self = shared_from_this()](error_code ec) {
      if (ec || self->closed) {
        self->close();
        return;
      }
      self->read(self->up);
      self->read(self->down);
    });
  }

  void read(pump& p) {
    p.from->async_read_some(asio::buffer(p.buffer), [self = shared_from_this(), &p](error_code ec, std::size_t n) {
      if (ec || self->closed) {
        self->close();
        return;
      }
      const std::size_t allowed = self->proxy->take(n);
      if (allowed == 0) {
        return; // the budget is spent: the write that spent it ends with the cut
      }
      const bool last = self->proxy->exhausted();
      asio::async_write(*p.to, asio::buffer(p.buffer.data(), allowed),
                        [self, &p, allowed, last](error_code wec, std::size_t) {
                          if (wec || self->closed) {
                            self->close();
                            return;
                          }
                          self->proxy->stats.bytes += allowed;
                          if (last) {
                            self->proxy->cut_all();
                          } else {
                            self->read(p);
                          }
                        });
    });
  }

  void close() {
    if (closed) {
      return;
    }
    closed = true;
    reset(client);
    reset(server);
  }

  tcp::socket client;
  tcp::socket server;
  std::shared_ptr<tcp_proxy::state> proxy;
  pump up{&client, &server};
  pump down{&server, &client};
  bool closed = false;
};

void tcp_proxy::state::cut_all() {
  budget.reset();
  ++stats.cuts;
  for (const auto& w : links) {
    if (const auto l = w.lock(); l && !l->closed) {
      ++stats.dropped;
      l->close();
    }
  }
  links.clear();
}

namespace {

void do_accept(const std::shared_ptr<tcp_proxy::state>& s) {
  s->acceptor.async_accept([s](error_code ec, tcp::socket socket) {
    if (ec || s->stopped) {
      return;
    }
    ++s->stats.accepted;
    std::erase_if(s->links, [](const std::weak_ptr<proxied_connection>& w) { return w.expired(); });
    auto l = std::make_shared<proxied_connection>(std::move(socket), s);
    s->links.push_back(l);
    l->start();
    do_accept(s);
  });
}

} // namespace

tcp_proxy::tcp_proxy(asio::io_context& io, std::uint16_t target_port) : state_(std::make_shared<state>(io)) {
  const auto loopback = asio::ip::make_address("127.0.0.1");
  state_->target = tcp::endpoint(loopback, target_port);
  const tcp::endpoint here(loopback, 0);
  state_->acceptor.open(here.protocol());
  state_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  state_->acceptor.bind(here);
  state_->acceptor.listen();
  do_accept(state_);
}

tcp_proxy::~tcp_proxy() { stop(); }

std::uint16_t tcp_proxy::port() const noexcept {
  error_code ec;
  return state_->acceptor.local_endpoint(ec).port();
}

void tcp_proxy::cut_all() { state_->cut_all(); }

void tcp_proxy::cut_after(std::uint64_t bytes) {
  if (bytes == 0) {
    state_->cut_all();
  } else {
    state_->budget = bytes;
  }
}

void tcp_proxy::stop() {
  if (state_->stopped) {
    return;
  }
  state_->stopped = true;
  error_code ignored;
  state_->acceptor.close(ignored);
  for (const auto& w : state_->links) {
    if (const auto l = w.lock()) {
      l->close();
    }
  }
  state_->links.clear();
}

const tcp_proxy_stats& tcp_proxy::stats() const noexcept { return state_->stats; }

} // namespace minibroker::ws::testing
