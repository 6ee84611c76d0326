#include "minibroker/ws/ws_market_data_feed.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <vector>

#include <boost/asio/post.hpp>

#include "beast.hpp"
#include "minibroker/ws/client_decode.hpp"
#include "minibroker/ws/order_translation.hpp"
#include "ws_reader.hpp"

namespace minibroker::ws {

// Everything but the subscriber registry lives on `strand`.
struct ws_market_data_feed::impl : std::enable_shared_from_this<ws_market_data_feed::impl> {
  struct subscription {
    subscription(feed_listener& l, boost::asio::any_io_executor e) : listener(&l), executor(std::move(e)) {}
    feed_listener* listener;
    boost::asio::any_io_executor executor;
    std::atomic<bool> active{true};
  };
  using counter = std::atomic<std::uint64_t>;

  impl(const boost::asio::any_io_executor& executor, client_config c)
      : strand(boost::asio::make_strand(executor)), config(std::move(c)), backoff(config.reconnect_min), timer(strand) {
  }

  void start() {
    if (started || stopped) {
      return;
    }
    started = true;
    connect();
  }

  void connect() {
    ++generation;
    instruments_reader = reader("/ws/instruments");
    instruments_reader->start();
  }

  // A reader whose callbacks are ignored once a newer connection has replaced it (owned_reader).
  std::shared_ptr<detail::ws_reader> reader(std::string target) {
    return detail::owned_reader(*this, std::move(target), [](impl&, bool /*current*/) {});
  }

  void connect_quotes() {
    quotes_reader = reader("/ws/quotes");
    quotes_reader->start();
  }

  void on_message(std::string_view text) {
    auto m = decode_server_message(text, directory);
    if (!m) {
      bad_messages.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    if (const auto* i = std::get_if<instrument>(&*m)) {
      instruments.fetch_add(1, std::memory_order_relaxed);
      directory.put(*i);
      for (const auto& s : live) {
        deliver(s, [u = *i](feed_listener& l) { l.on_instrument(u); });
      }
    } else if (const auto* q = std::get_if<quote>(&*m)) {
      quotes.fetch_add(1, std::memory_order_relaxed);
      const std::size_t index = *directory.index_of(q->instrument);
      if (index >= latest.size()) {
        latest.resize(index + 1);
      }
      latest[index] = *q;
      for (const auto& s : live) {
        deliver(s, [u = *q](feed_listener& l) { l.on_quote(u); });
      }
    } else if (std::holds_alternative<snapshot_end_message>(*m) && !quotes_reader) {
      backoff = config.reconnect_min; // the instruments stream is up: quotes next
      connect_quotes();
    }
  }

  // Either connection ended: drop both, and try again after the backoff.
  void on_end() {
    ++generation; // what the old readers still say is ignored
    if (instruments_reader) {
      instruments_reader->stop();
    }
    if (quotes_reader) {
      quotes_reader->stop();
    }
    instruments_reader.reset();
    quotes_reader.reset();
    if (stopped || reconnecting) {
      return;
    }
    reconnecting = true;
    timer.expires_after(backoff);
    backoff = std::min(backoff * 2, config.reconnect_max);
    timer.async_wait([self = shared_from_this()](detail::beast::error_code ec) {
      self->reconnecting = false;
      if (!ec && !self->stopped) {
        self->connect();
      }
    });
  }

  template <class F>
  static void deliver(const std::shared_ptr<subscription>& s, F call) {
    boost::asio::post(s->executor, [s, call = std::move(call)] {
      if (s->active.load(std::memory_order_acquire)) {
        call(*s->listener);
      }
    });
  }

  // On the strand: the snapshot from what the feed holds, then live updates.
  void add(const std::shared_ptr<subscription>& s) {
    boost::asio::post(s->executor, [s, all = directory.all(), quotes = latest] {
      for (const auto& i : all) {
        if (!s->active.load(std::memory_order_acquire)) {
          return;
        }
        s->listener->on_instrument(i);
      }
      for (const auto& q : quotes) {
        if (q && s->active.load(std::memory_order_acquire)) {
          s->listener->on_quote(*q);
        }
      }
    });
    live.push_back(s);
    start();
  }

  void shut_down() {
    stopped = true;
    timer.cancel();
    if (instruments_reader) {
      instruments_reader->stop();
    }
    if (quotes_reader) {
      quotes_reader->stop();
    }
  }

  boost::asio::strand<boost::asio::any_io_executor> strand;
  client_config config;
  std::chrono::milliseconds backoff;
  boost::asio::steady_timer timer;
  instrument_directory directory;
  std::vector<std::optional<quote>> latest; // by directory index
  std::vector<std::shared_ptr<subscription>> live;
  std::shared_ptr<detail::ws_reader> instruments_reader;
  std::shared_ptr<detail::ws_reader> quotes_reader;
  bool started = false;
  bool stopped = false;
  bool reconnecting = false;
  std::uint64_t generation = 0;

  std::mutex mutex; // guards registry
  std::vector<std::shared_ptr<subscription>> registry;

  counter connects{0};
  counter disconnects{0};
  counter instruments{0};
  counter quotes{0};
  counter bad_messages{0};
};

ws_market_data_feed::ws_market_data_feed(const boost::asio::any_io_executor& executor, client_config config)
    : impl_(std::make_shared<impl>(executor, std::move(config))) {}

ws_market_data_feed::~ws_market_data_feed() {
  {
    const std::lock_guard lock(impl_->mutex);
    for (const auto& s : impl_->registry) {
      s->active.store(false, std::memory_order_release);
    }
  }
  boost::asio::post(impl_->strand, [i = impl_] { i->shut_down(); });
}

void ws_market_data_feed::subscribe(feed_listener& listener, const boost::asio::any_io_executor& executor) {
  auto s = std::make_shared<impl::subscription>(listener, executor);
  {
    const std::lock_guard lock(impl_->mutex);
    impl_->registry.push_back(s);
  }
  boost::asio::post(impl_->strand, [i = impl_, s] { i->add(s); });
}

void ws_market_data_feed::unsubscribe(feed_listener& listener) {
  std::vector<std::shared_ptr<impl::subscription>> gone;
  {
    const std::lock_guard lock(impl_->mutex);
    for (auto& s : impl_->registry) {
      if (s->listener == &listener) {
        s->active.store(false, std::memory_order_release);
        gone.push_back(std::move(s));
      }
    }
    std::erase(impl_->registry, nullptr);
  }
  boost::asio::post(impl_->strand, [i = impl_, gone] {
    for (const auto& s : gone) {
      std::erase(i->live, s);
    }
  });
}

feed_client_stats ws_market_data_feed::stats() const {
  const auto& i = *impl_;
  return {i.connects.load(), i.disconnects.load(), i.instruments.load(), i.quotes.load(), i.bad_messages.load()};
}

} // namespace minibroker::ws
