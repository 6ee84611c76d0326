#pragma once
// Names (symbols, institution names, client order id text) to dense strong ids and back.
// Used at the edges: files and JSON carry names, the engine works on integer ids.

#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include <boost/unordered/unordered_flat_map.hpp>

namespace minibroker {

// Ids are handed out densely from `first` in order of first sight, so they index vectors.
// Thread safety: none (single owner).
template <typename Id>
class name_registry {
public:
  explicit name_registry(typename Id::rep first = 1) : first_(first) {}

  // The id of `name`, registering it when new.
  Id intern(std::string_view name) {
    if (auto found = find(name)) {
      return *found;
    }
    const Id id{static_cast<typename Id::rep>(first_ + names_.size())};
    const std::string& stored = names_.emplace_back(name);
    ids_.emplace(std::string_view{stored}, id);
    return id;
  }

  [[nodiscard]] std::optional<Id> find(std::string_view name) const {
    auto it = ids_.find(name);
    return it == ids_.end() ? std::nullopt : std::optional<Id>{it->second};
  }

  // The name of an id handed out by this registry; empty when unknown.
  [[nodiscard]] std::string_view name(Id id) const {
    const auto index = id.value() - first_;
    return id.value() >= first_ && index < names_.size() ? std::string_view{names_[index]} : std::string_view{};
  }

  [[nodiscard]] std::size_t size() const noexcept { return names_.size(); }

private:
  typename Id::rep first_;
  std::deque<std::string> names_; // a deque never moves its elements: the map's views stay valid
  boost::unordered_flat_map<std::string_view, Id> ids_;
};

} // namespace minibroker
