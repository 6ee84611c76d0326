#include <catch2/catch.hpp>

#include <string>
#include <utility>

#include "shared_text.hpp"

using minibroker::ws::detail::shared_text;

TEST_CASE("shared text: copies share the bytes, the last one to go frees them", "[ws][shared_text]") {
  shared_text first(std::string(300, 'q'));
  CHECK(first.view() == std::string(300, 'q'));
  CHECK(first.use_count() == 1);
  {
    const shared_text second = first;
    CHECK(second.view().data() == first.view().data());
    CHECK(first.use_count() == 2);
    shared_text third;
    third = second;
    CHECK(first.use_count() == 3);
  }
  CHECK(first.use_count() == 1);
  shared_text moved = std::move(first);
  CHECK(moved.use_count() == 1);
  CHECK_FALSE(first); // NOLINT(bugprone-use-after-move): moved-from is empty, by design
  CHECK(moved.view().size() == 300);
}

TEST_CASE("shared text: the default is empty and false, an empty text is true", "[ws][shared_text]") {
  const shared_text none;
  CHECK_FALSE(none);
  CHECK(none.view().empty());
  CHECK(none.use_count() == 0);
  const shared_text blank{std::string_view{}};
  CHECK(blank);
  CHECK(blank.view().empty());
}
