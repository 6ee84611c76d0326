#pragma once
// Internal: an immutable text built once and sent by any number of connections (a quote, an
// execution report, an ack). One allocation holds the count, the length and the bytes, where a
// shared_ptr<const std::string> takes two (the count, then the string's buffer).
//
// Thread safety: the count is a plain integer, so every copy of one text must be made and dropped
// on one strand (the server's, where all of them live).

#include <cstddef>
#include <new>
#include <string>
#include <string_view>
#include <utility>

namespace minibroker::ws::detail {

class shared_text {
public:
  shared_text() noexcept = default;
  explicit shared_text(std::string_view text) : block_(allocate(text)) {}
  shared_text(const shared_text& other) noexcept : block_(other.block_) {
    if (block_ != nullptr) {
      ++block_->refs;
    }
  }
  shared_text(shared_text&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  shared_text& operator=(shared_text other) noexcept {
    std::swap(block_, other.block_);
    return *this;
  }
  ~shared_text() { release(); }

  [[nodiscard]] std::string_view view() const noexcept {
    return block_ != nullptr ? std::string_view(block_->bytes(), block_->size) : std::string_view();
  }
  explicit operator bool() const noexcept { return block_ != nullptr; }
  // How many shared_text hold this text (0 for none); for tests.
  [[nodiscard]] std::size_t use_count() const noexcept { return block_ != nullptr ? block_->refs : 0; }

private:
  struct header {
    std::size_t refs;
    std::size_t size;
    [[nodiscard]] const char* bytes() const noexcept { return reinterpret_cast<const char*>(this + 1); }
    [[nodiscard]] char* bytes() noexcept { return reinterpret_cast<char*>(this + 1); }
  };

  static header* allocate(std::string_view text) {
    auto* h = new (::operator new(sizeof(header) + text.size())) header{1, text.size()};
    if (!text.empty()) {
      std::char_traits<char>::copy(h->bytes(), text.data(), text.size());
    }
    return h;
  }
  void release() noexcept {
    header* const h = std::exchange(block_, nullptr);
    if (h != nullptr && --h->refs == 0) {
      ::operator delete(h);
    }
  }

  header* block_ = nullptr;
};

} // namespace minibroker::ws::detail
