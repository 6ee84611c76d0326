#pragma once
// Internal: what one connection has yet to send, in order. Two kinds of entries:
//  - messages that must not be lost (acks, errors, snapshot ends): push() refuses once
//    max_messages of them wait, and the connection is then closed as too slow;
//  - keyed entries (an instrument's latest quote): while fewer than max_messages entries wait,
//    each is queued like a message, so a client that keeps up loses nothing; once that many wait
//    the connection is behind, and a new value replaces the key's last waiting one in its place
//    (conflation), so keyed entries never grow past max_messages + the number of keys.
// Messages are shared, built once per broadcast. Thread safety: none (the connection's strand).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "shared_text.hpp"

namespace minibroker::ws::detail {

class outbound_queue {
public:
  using message = shared_text;

  explicit outbound_queue(std::size_t max_messages) : max_messages_(max_messages) {}

  // False (and nothing queued) when max_messages are waiting already.
  bool push(message m) {
    if (messages_ >= max_messages_) {
      return false;
    }
    append(std::move(m), no_key);
    ++messages_;
    return true;
  }

  // Queues the latest value for `key`; true when it replaced a waiting one (conflated).
  bool push_latest(std::size_t key, message m) {
    if (key >= last_.size()) {
      last_.resize(key + 1, none);
    }
    if (entries_.size() >= max_messages_) {
      const std::uint64_t pos = last_[key];
      if (pos != none && pos >= popped_) {
        entries_[pos - popped_].msg = std::move(m);
        return true;
      }
    }
    last_[key] = pushed_;
    append(std::move(m), key);
    return false;
  }

  // The next message to send; an empty one (false) when nothing waits.
  message pop() {
    if (entries_.empty()) {
      return {};
    }
    entry e = std::move(entries_.front());
    entries_.pop_front();
    ++popped_;
    if (e.key == no_key) {
      --messages_;
    }
    return std::move(e.msg);
  }

  [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] std::size_t messages() const noexcept { return messages_; }

private:
  static constexpr std::size_t no_key = static_cast<std::size_t>(-1);
  static constexpr std::uint64_t none = static_cast<std::uint64_t>(-1);
  struct entry {
    message msg;
    std::size_t key;
  };

  void append(message m, std::size_t key) {
    entries_.push_back(entry{std::move(m), key});
    ++pushed_;
  }

  std::size_t max_messages_;
  std::size_t messages_ = 0;
  std::uint64_t pushed_ = 0; // position of the next entry
  std::uint64_t popped_ = 0; // position of the front entry
  std::deque<entry> entries_;
  std::vector<std::uint64_t> last_; // by key: the position of its last queued entry, or none
};

} // namespace minibroker::ws::detail
