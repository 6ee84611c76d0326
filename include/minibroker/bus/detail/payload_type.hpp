#pragma once
// Type erasure for payloads: one constant descriptor per payload type, whose address is the
// type's tag. The bus core moves, copies and destroys messages through it without knowing T.

#include <cstddef>
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>

#include "minibroker/bus/message.hpp"

namespace minibroker::bus::detail {

template <typename T>
constexpr std::string_view type_name() noexcept {
#if defined(__clang__) || defined(__GNUC__)
  constexpr std::string_view text = __PRETTY_FUNCTION__;
  constexpr std::size_t start = text.find("T = ") + 4;
  constexpr std::size_t end = text.find_first_of(";]", start);
  return text.substr(start, end - start);
#else
  return "?";
#endif
}

struct payload_type {
  std::string_view name; // for error messages
  std::size_t size;      // of message<T>
  std::size_t align;     // of message<T>
  // Builds a message<T> with an empty header at dst from *payload (a T), moved or copied, and
  // returns its header for the bus to fill.
  message_header& (*construct)(void* dst, void* payload, bool move);
  // Move-constructs a message<T> at dst from the one at src (which stays to be destroyed).
  void (*relocate)(void* dst, void* src);
  void (*destroy)(void* msg) noexcept;
  message_header& (*header)(void* msg) noexcept;
};

template <typename T>
struct payload_ops {
  static_assert(std::is_same_v<T, std::remove_cvref_t<T>>, "payload types are plain value types");
  static_assert(std::is_move_constructible_v<T> && std::is_copy_constructible_v<T>,
                "a payload must be copyable (one copy per queue) and movable");
  using msg = message<T>;
  static message_header& construct(void* dst, void* payload, bool move) {
    T& p = *static_cast<T*>(payload);
    if (move) {
      return (::new (dst) msg{message_header{}, std::move(p)})->header;
    }
    return (::new (dst) msg{message_header{}, p})->header;
  }
  static void relocate(void* dst, void* src) { ::new (dst) msg(std::move(*static_cast<msg*>(src))); }
  static void destroy(void* m) noexcept { static_cast<msg*>(m)->~msg(); }
  static message_header& header(void* m) noexcept { return static_cast<msg*>(m)->header; }
};

// The tag of T: compare addresses, never contents.
template <typename T>
inline constexpr payload_type payload_type_of{type_name<T>(),
                                              sizeof(message<T>),
                                              alignof(message<T>),
                                              &payload_ops<T>::construct,
                                              &payload_ops<T>::relocate,
                                              &payload_ops<T>::destroy,
                                              &payload_ops<T>::header};

} // namespace minibroker::bus::detail
