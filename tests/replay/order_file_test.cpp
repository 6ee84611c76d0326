#include <catch2/catch.hpp>

#include "minibroker/replay/order_file.hpp"

using namespace minibroker;
using namespace minibroker::replay;

namespace {
std::string error_text(const order_file_entry& entry) {
  const auto* error = std::get_if<line_error>(&entry.content);
  return error != nullptr ? error->message : std::string("(no error)");
}
template <typename Request>
const Request& request_of(const order_file_entry& entry) {
  const auto& op = std::get<order_operation>(entry.content);
  return std::get<Request>(op);
}
} // namespace

TEST_CASE("order file: new, cancel and replace lines become requests", "[order_file]") {
  order_file_names names;
  order_file_reader reader{names};
  auto entries = reader.read_all("action,id,institution,symbol,side,type,tif,price,qty\n"
                                 "new,1,alice,ACME,buy,limit,gtc,100.25,10\n"
                                 "new,2,bob,ACME,sell,market,ioc,,5\r\n"
                                 "\n"
                                 "replace,1,alice,ACME,,,,100.30,\n"
                                 "cancel,1,alice,ACME,,,,,\n");
  REQUIRE(entries.size() == 4);
  const auto& first = request_of<new_order_request>(entries[0]);
  CHECK(entries[0].line == 2);
  CHECK(first.side == side::buy);
  CHECK(first.type == order_type::limit);
  CHECK(first.limit_price == price{10025});
  CHECK(first.qty == quantity{10});
  CHECK(names.institutions.name(first.institution) == "alice");
  CHECK(names.client_ids.name(first.id) == "1");

  const auto& market = request_of<new_order_request>(entries[1]);
  CHECK(market.type == order_type::market);
  CHECK_FALSE(market.limit_price);
  CHECK(market.tif == time_in_force::ioc);

  const auto& replace = request_of<replace_request>(entries[2]);
  CHECK(entries[2].line == 5);
  CHECK(replace.new_price == price{10030});
  CHECK_FALSE(replace.new_open_qty);
  CHECK(replace.id == first.id);

  CHECK(request_of<cancel_request>(entries[3]).institution == first.institution);
  CHECK(names.instruments.find("ACME")->tick_size == decimal{1, 2});
}

TEST_CASE("order file: an empty tif means gtc", "[order_file]") {
  order_file_names names;
  order_file_reader reader{names};
  auto entry = reader.read_line("new,7,alice,ACME,sell,limit,,1.00,1", 2);
  CHECK(request_of<new_order_request>(entry).tif == time_in_force::gtc);
}

TEST_CASE("order file: malformed lines are errors that name the problem", "[order_file]") {
  order_file_names names;
  order_file_reader reader{names};
  CHECK(error_text(reader.read_line("new,1,alice,ACME,buy,limit,gtc,100", 2)).find("expected 9") != std::string::npos);
  CHECK(error_text(reader.read_line("buy,1,alice,ACME,buy,limit,gtc,1,1", 2)) ==
        "action `buy` is not new, cancel or replace");
  CHECK(error_text(reader.read_line("new,1,alice,ACME,up,limit,gtc,1,1", 2)) == "side `up` is not valid");
  CHECK(error_text(reader.read_line("new,1,alice,ACME,buy,stop,gtc,1,1", 2)) == "type `stop` is not valid");
  CHECK(error_text(reader.read_line("new,1,alice,ACME,buy,limit,day,1,1", 2)) == "tif `day` is not valid");
  CHECK(error_text(reader.read_line("new,1,alice,ACME,buy,limit,gtc,abc,1", 2)).find("price `abc`") == 0);
  CHECK(error_text(reader.read_line("new,1,alice,ACME,buy,limit,gtc,1,1.5", 2)) == "qty `1.5` is not a whole number");
  CHECK(error_text(reader.read_line("new,1,alice,ACME,buy,limit,gtc,1,", 2)) == "qty is required");
  CHECK(error_text(reader.read_line("new,,alice,ACME,buy,limit,gtc,1,1", 2)) == "id is required");
  CHECK(error_text(reader.read_line("new,1,al ice,ACME,buy,limit,gtc,1,1", 2)).find("institution `al ice`") == 0);
  CHECK(error_text(reader.read_line("new,\"1\",alice,ACME,buy,limit,gtc,1,1", 2)).find("without quotes") !=
        std::string::npos);
}

TEST_CASE("order file: a price off the tick is refused at the edge, not rounded", "[order_file]") {
  order_file_names names;
  order_file_reader reader{names};
  auto entry = reader.read_line("new,1,alice,ACME,buy,limit,gtc,100.255,10", 2);
  CHECK(entry.edge_reject == reject_reason::price_not_on_tick);
  CHECK_FALSE(request_of<new_order_request>(entry).limit_price);
}

TEST_CASE("order file: with fixed instruments an unknown symbol is refused", "[order_file]") {
  order_file_names names;
  load_instruments_csv("symbol,tick,lot\nACME,0.05,100\n", names.instruments);
  order_file_reader reader{names, order_file_options{.add_unknown_symbols = false}};
  auto known = reader.read_line("new,1,alice,ACME,buy,limit,gtc,10.05,100", 2);
  CHECK(known.edge_reject == reject_reason::none);
  CHECK(request_of<new_order_request>(known).limit_price == price{201});
  CHECK(reader.read_line("new,1,alice,ACME,buy,limit,gtc,10.01,100", 3).edge_reject ==
        reject_reason::price_not_on_tick);
  CHECK(reader.read_line("new,2,alice,OTHER,buy,limit,gtc,1,1", 4).edge_reject == reject_reason::unknown_instrument);
}

TEST_CASE("order file: a wrong header stops the reading at line 1", "[order_file]") {
  order_file_names names;
  order_file_reader reader{names};
  auto entries = reader.read_all("id,action\nnew,1,alice,ACME,buy,limit,gtc,1,1\n");
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].line == 1);
  CHECK(error_text(entries[0]).find("header") != std::string::npos);
  CHECK(reader.read_all("").size() == 1);
}

TEST_CASE("order file: lines written by format_order_line read back the same", "[order_file]") {
  order_file_names names;
  order_file_reader reader{names};
  for (std::string_view line :
       {"new,1,alice,ACME,buy,limit,gtc,100.25,10", "new,2,bob,ACME,sell,market,ioc,,5",
        "replace,1,alice,ACME,,,,100.30,", "replace,1,alice,ACME,,,,,7", "cancel,1,alice,ACME,,,,,"}) {
    auto entry = reader.read_line(line, 2);
    CHECK(format_order_line(std::get<order_operation>(entry.content), names) == line);
  }
}

TEST_CASE("order file: the instruments file refuses bad lines by number", "[order_file]") {
  instrument_catalog catalog;
  CHECK_THROWS_WITH(load_instruments_csv("symbol,tick,lot\nACME,0,1\n", catalog),
                    "instruments file line 2: tick `0` is not a positive decimal");
  CHECK_THROWS_WITH(load_instruments_csv("sym\n", catalog),
                    "instruments file line 1: the header must be `symbol,tick,lot`");
  CHECK_THROWS_WITH(load_instruments_csv("symbol,tick,lot\nX,0.01,-1\n", catalog),
                    "instruments file line 2: lot `-1` is not a positive whole number");
}
