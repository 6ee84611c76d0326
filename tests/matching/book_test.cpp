// Blotter-style scenarios, one per rule of the book. Institutions are letters (A, B, C); "#n" is
// the exchange's order id, "A/7" the institution and its client order id, "t1" a trade id.

#include <catch2/catch.hpp>

#include "matching_support.hpp"

using namespace minibroker;
using namespace minibroker::testing;
using lines = std::vector<std::string>;

TEST_CASE("book: a limit order that does not cross rests", "[book][limit]") {
  scenario s;
  s.buy(A, 1, 10, 100);
  CHECK(s.take() == lines{
                        "exec new new #1 A/1 buy 10@100 cum=0 open=10",
                        "depth buy 10@100 n=1",
                        "top 10@100 | -",
                    });
  s.sell(B, 1, 5, 101);
  CHECK(s.take() == lines{
                        "exec new new #2 B/1 sell 5@101 cum=0 open=5",
                        "depth sell 5@101 n=1",
                        "top 10@100 | 5@101",
                    });
}

TEST_CASE("book: price-time priority, and trades at the resting order's price", "[book][priority]") {
  scenario s;
  s.sell(B, 1, 5, 101);
  s.sell(C, 1, 5, 101);
  s.sell(B, 2, 5, 100);
  s.take();
  s.buy(A, 1, 12, 101);
  CHECK(s.take() == lines{
                        "exec new new #4 A/1 buy 12@101 cum=0 open=12",
                        "trade t1 5@100 buy=#4/A/1 sell=#3/B/2 aggressor=buy",
                        "exec trade partially_filled #4 A/1 buy 12@101 cum=5 open=7 last=5@100 t1",
                        "exec trade filled #3 B/2 sell 5@100 cum=5 open=0 last=5@100 t1",
                        "trade t2 5@101 buy=#4/A/1 sell=#1/B/1 aggressor=buy",
                        "exec trade partially_filled #4 A/1 buy 12@101 cum=10 open=2 last=5@101 t2",
                        "exec trade filled #1 B/1 sell 5@101 cum=5 open=0 last=5@101 t2",
                        "trade t3 2@101 buy=#4/A/1 sell=#2/C/1 aggressor=buy",
                        "exec trade filled #4 A/1 buy 12@101 cum=12 open=0 last=2@101 t3",
                        "exec trade partially_filled #2 C/1 sell 5@101 cum=2 open=3 last=2@101 t3",
                        "depth sell 0@100 n=0",
                        "depth sell 3@101 n=1",
                        "top - | 3@101",
                    });
}

TEST_CASE("book: a sell aggressor trades at the bid's price", "[book][priority]") {
  scenario s;
  s.buy(A, 1, 5, 102);
  s.take();
  s.sell(B, 1, 3, 99);
  CHECK(s.take() == lines{
                        "exec new new #2 B/1 sell 3@99 cum=0 open=3",
                        "trade t1 3@102 buy=#1/A/1 sell=#2/B/1 aggressor=sell",
                        "exec trade filled #2 B/1 sell 3@99 cum=3 open=0 last=3@102 t1",
                        "exec trade partially_filled #1 A/1 buy 5@102 cum=3 open=2 last=3@102 t1",
                        "depth buy 2@102 n=1",
                        "top 2@102 | -",
                    });
}

TEST_CASE("book: a GTC remainder rests after trading", "[book][limit]") {
  scenario s;
  s.sell(B, 1, 4, 100);
  s.take();
  s.buy(A, 1, 10, 100);
  CHECK(s.take() == lines{
                        "exec new new #2 A/1 buy 10@100 cum=0 open=10",
                        "trade t1 4@100 buy=#2/A/1 sell=#1/B/1 aggressor=buy",
                        "exec trade partially_filled #2 A/1 buy 10@100 cum=4 open=6 last=4@100 t1",
                        "exec trade filled #1 B/1 sell 4@100 cum=4 open=0 last=4@100 t1",
                        "depth buy 6@100 n=1",
                        "depth sell 0@100 n=0",
                        "top 6@100 | -",
                    });
}

TEST_CASE("book: IOC remainder is cancelled (reported as expired)", "[book][ioc]") {
  scenario s;
  s.sell(B, 1, 5, 100);
  s.take();
  s.buy(A, 1, 8, 100, time_in_force::ioc);
  CHECK(s.take() == lines{
                        "exec new new #2 A/1 buy 8@100 cum=0 open=8",
                        "trade t1 5@100 buy=#2/A/1 sell=#1/B/1 aggressor=buy",
                        "exec trade partially_filled #2 A/1 buy 8@100 cum=5 open=3 last=5@100 t1",
                        "exec trade filled #1 B/1 sell 5@100 cum=5 open=0 last=5@100 t1",
                        "exec expired expired #2 A/1 buy 8@100 cum=5 open=0",
                        "depth sell 0@100 n=0",
                        "top - | -",
                    });
  s.buy(A, 2, 8, 99, time_in_force::ioc);
  CHECK(s.take() == lines{
                        "exec new new #3 A/2 buy 8@99 cum=0 open=8",
                        "exec expired expired #3 A/2 buy 8@99 cum=0 open=0",
                    });
  CHECK(s.matcher.resting_orders() == 0);
}

TEST_CASE("book: FOK fills completely at once or does nothing", "[book][fok]") {
  scenario s;
  s.sell(B, 1, 5, 100);
  s.sell(B, 2, 5, 101);
  s.sell(B, 3, 5, 102);
  s.take();
  s.buy(A, 1, 12, 101, time_in_force::fok);
  CHECK(s.take() == lines{
                        "exec new new #4 A/1 buy 12@101 cum=0 open=12",
                        "exec expired expired #4 A/1 buy 12@101 cum=0 open=0",
                    });
  s.buy(A, 2, 10, 101, time_in_force::fok);
  CHECK(s.take() == lines{
                        "exec new new #5 A/2 buy 10@101 cum=0 open=10",
                        "trade t1 5@100 buy=#5/A/2 sell=#1/B/1 aggressor=buy",
                        "exec trade partially_filled #5 A/2 buy 10@101 cum=5 open=5 last=5@100 t1",
                        "exec trade filled #1 B/1 sell 5@100 cum=5 open=0 last=5@100 t1",
                        "trade t2 5@101 buy=#5/A/2 sell=#2/B/2 aggressor=buy",
                        "exec trade filled #5 A/2 buy 10@101 cum=10 open=0 last=5@101 t2",
                        "exec trade filled #2 B/2 sell 5@101 cum=5 open=0 last=5@101 t2",
                        "depth sell 0@100 n=0",
                        "depth sell 0@101 n=0",
                        "top - | 5@102",
                    });
}

TEST_CASE("book: a market order takes what there is, its remainder expires and never rests", "[book][market]") {
  scenario s;
  s.sell(B, 1, 5, 100);
  s.sell(B, 2, 5, 105);
  s.take();
  s.order(A, 1, side::buy, 12, std::nullopt);
  CHECK(s.take() == lines{
                        "exec new new #3 A/1 buy 12@0 cum=0 open=12",
                        "trade t1 5@100 buy=#3/A/1 sell=#1/B/1 aggressor=buy",
                        "exec trade partially_filled #3 A/1 buy 12@0 cum=5 open=7 last=5@100 t1",
                        "exec trade filled #1 B/1 sell 5@100 cum=5 open=0 last=5@100 t1",
                        "trade t2 5@105 buy=#3/A/1 sell=#2/B/2 aggressor=buy",
                        "exec trade partially_filled #3 A/1 buy 12@0 cum=10 open=2 last=5@105 t2",
                        "exec trade filled #2 B/2 sell 5@105 cum=5 open=0 last=5@105 t2",
                        "exec expired expired #3 A/1 buy 12@0 cum=10 open=0",
                        "depth sell 0@100 n=0",
                        "depth sell 0@105 n=0",
                        "top - | -",
                    });
  s.order(A, 2, side::sell, 3, std::nullopt);
  CHECK(s.take() == lines{
                        "exec new new #4 A/2 sell 3@0 cum=0 open=3",
                        "exec expired expired #4 A/2 sell 3@0 cum=0 open=0",
                    });
  CHECK(s.matcher.resting_orders() == 0);
}

TEST_CASE("book: market FOK is all or nothing at any price", "[book][market][fok]") {
  scenario s;
  s.sell(B, 1, 5, 100);
  s.take();
  s.order(A, 1, side::buy, 6, std::nullopt, time_in_force::fok);
  CHECK(s.take() == lines{
                        "exec new new #2 A/1 buy 6@0 cum=0 open=6",
                        "exec expired expired #2 A/1 buy 6@0 cum=0 open=0",
                    });
  s.order(A, 2, side::buy, 5, std::nullopt, time_in_force::fok);
  CHECK(s.take() == lines{
                        "exec new new #3 A/2 buy 5@0 cum=0 open=5",
                        "trade t1 5@100 buy=#3/A/2 sell=#1/B/1 aggressor=buy",
                        "exec trade filled #3 A/2 buy 5@0 cum=5 open=0 last=5@100 t1",
                        "exec trade filled #1 B/1 sell 5@100 cum=5 open=0 last=5@100 t1",
                        "depth sell 0@100 n=0",
                        "top - | -",
                    });
}

TEST_CASE("book: cancel removes a resting order", "[book][cancel]") {
  scenario s;
  s.buy(A, 1, 10, 100);
  s.buy(A, 2, 5, 100);
  s.take();
  s.cancel(A, 1);
  CHECK(s.take() == lines{
                        "exec cancelled cancelled #1 A/1 buy 10@100 cum=0 open=0",
                        "depth buy 5@100 n=1",
                        "top 5@100 | -",
                    });
  s.cancel(A, 2);
  CHECK(s.take() == lines{
                        "exec cancelled cancelled #2 A/2 buy 5@100 cum=0 open=0",
                        "depth buy 0@100 n=0",
                        "top - | -",
                    });
}

TEST_CASE("book: cancel of a partially filled order reports its cumulative quantity", "[book][cancel]") {
  scenario s;
  s.buy(A, 1, 10, 100);
  s.sell(B, 1, 4, 100);
  s.take();
  s.cancel(A, 1);
  CHECK(s.take() == lines{
                        "exec cancelled cancelled #1 A/1 buy 10@100 cum=4 open=0",
                        "depth buy 0@100 n=0",
                        "top - | -",
                    });
}

TEST_CASE("book: cancel of an unknown or finished order is rejected", "[book][cancel][reject]") {
  scenario s;
  s.cancel(A, 1);
  CHECK(s.take() == lines{"exec rejected rejected #0 A/1 buy 0@0 cum=0 open=0 reason=unknown_order"});
  s.buy(A, 1, 5, 100);
  s.sell(B, 1, 5, 100);
  s.take();
  s.cancel(A, 1); // filled
  CHECK(s.take() == lines{"exec rejected rejected #0 A/1 buy 0@0 cum=0 open=0 reason=unknown_order"});
  s.buy(A, 2, 5, 100);
  s.cancel(A, 2);
  s.take();
  s.cancel(A, 2); // already cancelled
  CHECK(s.take() == lines{"exec rejected rejected #0 A/2 buy 0@0 cum=0 open=0 reason=unknown_order"});
  s.buy(A, 3, 5, 100);
  s.take();
  s.cancel(B, 3);    // someone else's client order id
  s.cancel(A, 3, 2); // the right order on the wrong instrument
  CHECK(s.take() == lines{
                        "exec rejected rejected #0 B/3 buy 0@0 cum=0 open=0 reason=unknown_order",
                        "exec rejected rejected #0 A/3 buy 0@0 cum=0 open=0 reason=unknown_order",
                    });
}

TEST_CASE("book: replace keeps queue position when the price is unchanged and the quantity does not grow",
          "[book][replace]") {
  scenario s;
  s.buy(A, 1, 10, 100);
  s.buy(B, 1, 10, 100);
  s.take();
  s.replace(A, 1, std::nullopt, 6);
  CHECK(s.take() == lines{
                        "exec replaced new #1 A/1 buy 6@100 cum=0 open=6",
                        "depth buy 16@100 n=2",
                        "top 16@100 | -",
                    });
  s.replace(A, 1, 100, 6); // same price, same quantity: still first
  CHECK(s.take() == lines{"exec replaced new #1 A/1 buy 6@100 cum=0 open=6"});
  s.sell(C, 1, 6, 100);
  CHECK(s.take() == lines{
                        "exec new new #3 C/1 sell 6@100 cum=0 open=6",
                        "trade t1 6@100 buy=#1/A/1 sell=#3/C/1 aggressor=sell",
                        "exec trade filled #3 C/1 sell 6@100 cum=6 open=0 last=6@100 t1",
                        "exec trade filled #1 A/1 buy 6@100 cum=6 open=0 last=6@100 t1",
                        "depth buy 10@100 n=1",
                        "top 10@100 | -",
                    });
}

TEST_CASE("book: replace that grows the quantity goes to the back of the queue", "[book][replace]") {
  scenario s;
  s.buy(A, 1, 10, 100);
  s.buy(B, 1, 10, 100);
  s.take();
  s.replace(A, 1, std::nullopt, 12);
  CHECK(s.take() == lines{
                        "exec replaced new #1 A/1 buy 12@100 cum=0 open=12",
                        "depth buy 22@100 n=2",
                        "top 22@100 | -",
                    });
  s.sell(C, 1, 10, 100);
  CHECK(s.take() == lines{
                        "exec new new #3 C/1 sell 10@100 cum=0 open=10",
                        "trade t1 10@100 buy=#2/B/1 sell=#3/C/1 aggressor=sell",
                        "exec trade filled #3 C/1 sell 10@100 cum=10 open=0 last=10@100 t1",
                        "exec trade filled #2 B/1 buy 10@100 cum=10 open=0 last=10@100 t1",
                        "depth buy 12@100 n=1",
                        "top 12@100 | -",
                    });
}

TEST_CASE("book: replace to a new price goes to the back of the new level", "[book][replace]") {
  scenario s;
  s.buy(B, 1, 10, 101);
  s.buy(A, 1, 10, 100);
  s.take();
  s.replace(A, 1, 101, std::nullopt);
  CHECK(s.take() == lines{
                        "exec replaced new #2 A/1 buy 10@101 cum=0 open=10",
                        "depth buy 20@101 n=2",
                        "depth buy 0@100 n=0",
                        "top 20@101 | -",
                    });
  s.sell(C, 1, 10, 101);
  CHECK(s.take()[1] == "trade t1 10@101 buy=#1/B/1 sell=#3/C/1 aggressor=sell");
}

TEST_CASE("book: replace to a crossing price trades at once as an aggressor", "[book][replace]") {
  scenario s;
  s.sell(B, 1, 5, 102);
  s.buy(A, 1, 10, 100);
  s.take();
  s.replace(A, 1, 102, std::nullopt);
  CHECK(s.take() == lines{
                        "exec replaced new #2 A/1 buy 10@102 cum=0 open=10",
                        "trade t1 5@102 buy=#2/A/1 sell=#1/B/1 aggressor=buy",
                        "exec trade partially_filled #2 A/1 buy 10@102 cum=5 open=5 last=5@102 t1",
                        "exec trade filled #1 B/1 sell 5@102 cum=5 open=0 last=5@102 t1",
                        "depth buy 5@102 n=1",
                        "depth buy 0@100 n=0",
                        "depth sell 0@102 n=0",
                        "top 5@102 | -",
                    });
  // A partially filled order keeps its cumulative quantity; the new quantity is the open one.
  s.replace(A, 1, std::nullopt, 3);
  CHECK(s.take() == lines{
                        "exec replaced partially_filled #2 A/1 buy 8@102 cum=5 open=3",
                        "depth buy 3@102 n=1",
                        "top 3@102 | -",
                    });
}

TEST_CASE("book: replace that crosses and fills completely leaves nothing resting", "[book][replace]") {
  scenario s;
  s.sell(B, 1, 10, 101);
  s.buy(A, 1, 4, 100);
  s.take();
  s.replace(A, 1, 101, std::nullopt);
  CHECK(s.take() == lines{
                        "exec replaced new #2 A/1 buy 4@101 cum=0 open=4",
                        "trade t1 4@101 buy=#2/A/1 sell=#1/B/1 aggressor=buy",
                        "exec trade filled #2 A/1 buy 4@101 cum=4 open=0 last=4@101 t1",
                        "exec trade partially_filled #1 B/1 sell 10@101 cum=4 open=6 last=4@101 t1",
                        "depth buy 0@100 n=0",
                        "depth sell 6@101 n=1",
                        "top - | 6@101",
                    });
  s.cancel(A, 1);
  CHECK(s.take() == lines{"exec rejected rejected #0 A/1 buy 0@0 cum=0 open=0 reason=unknown_order"});
}

TEST_CASE("book: an invalid replace is rejected with its reason and leaves the order untouched",
          "[book][replace][reject]") {
  scenario s;
  s.buy(A, 1, 10, 100);
  s.take();
  s.replace(A, 1, std::nullopt, 0);
  s.replace(A, 1, std::nullopt, -3);
  s.replace(A, 1, std::nullopt, std::nullopt);
  s.replace(A, 1, 0, std::nullopt);
  s.replace(A, 1, -100, 5);
  s.replace(A, 99, 101, std::nullopt);
  CHECK(s.take() == lines{
                        "exec rejected new #1 A/1 buy 10@100 cum=0 open=10 reason=invalid_quantity",
                        "exec rejected new #1 A/1 buy 10@100 cum=0 open=10 reason=invalid_quantity",
                        "exec rejected new #1 A/1 buy 10@100 cum=0 open=10 reason=nothing_to_replace",
                        "exec rejected new #1 A/1 buy 10@100 cum=0 open=10 reason=invalid_price",
                        "exec rejected new #1 A/1 buy 10@100 cum=0 open=10 reason=invalid_price",
                        "exec rejected rejected #0 A/99 buy 0@0 cum=0 open=0 reason=unknown_order",
                    });
  // The order is untouched.
  CHECK(s.matcher.l1(instrument_id{1})->bid_qty == quantity{10});
}

TEST_CASE("book: new orders are validated, each failure with its own reason", "[book][reject]") {
  scenario s;
  s.order(A, 1, side::buy, 10, 100, time_in_force::gtc, 9);
  s.buy(A, 2, 0, 100);
  s.buy(A, 3, -5, 100);
  s.order(A, 4, side::buy, 15, 100, time_in_force::gtc, 2); // lot 10
  s.buy(A, 5, 10, 0);
  s.buy(A, 6, 10, -1);
  new_order_request no_price{
      A,           client_order_id{7}, instrument_id{1}, side::buy, order_type::limit, time_in_force::gtc, std::nullopt,
      quantity{10}};
  s.matcher.submit(no_price);
  new_order_request market_with_price{A,          client_order_id{8}, instrument_id{1},
                                      side::sell, order_type::market, time_in_force::ioc,
                                      price{100}, quantity{10}};
  s.matcher.submit(market_with_price);
  CHECK(s.take() == lines{
                        "exec rejected rejected #0 A/1 buy 10@100 cum=0 open=0 reason=unknown_instrument",
                        "exec rejected rejected #0 A/2 buy 0@100 cum=0 open=0 reason=invalid_quantity",
                        "exec rejected rejected #0 A/3 buy -5@100 cum=0 open=0 reason=invalid_quantity",
                        "exec rejected rejected #0 A/4 buy 15@100 cum=0 open=0 reason=quantity_not_lot_multiple",
                        "exec rejected rejected #0 A/5 buy 10@0 cum=0 open=0 reason=invalid_price",
                        "exec rejected rejected #0 A/6 buy 10@-1 cum=0 open=0 reason=invalid_price",
                        "exec rejected rejected #0 A/7 buy 10@0 cum=0 open=0 reason=invalid_price",
                        "exec rejected rejected #0 A/8 sell 10@100 cum=0 open=0 reason=price_on_market_order",
                    });
  // A rejected order does not use up its client order id; lot multiples are fine.
  s.order(A, 4, side::buy, 20, 100, time_in_force::gtc, 2);
  CHECK(s.take().front() == "exec new new #1 A/4 buy 20@100 cum=0 open=20");
}

TEST_CASE("book: a client order id is never accepted twice from an institution", "[book][reject][duplicate]") {
  scenario s;
  s.buy(A, 1, 10, 100);
  s.take();
  s.buy(A, 1, 5, 99); // while live
  CHECK(s.take() == lines{"exec rejected rejected #0 A/1 buy 5@99 cum=0 open=0 reason=duplicate_client_order_id"});
  s.cancel(A, 1);
  s.take();
  s.sell(A, 1, 5, 99);                                      // after it finished
  s.order(A, 1, side::buy, 10, 100, time_in_force::gtc, 2); // on another instrument
  CHECK(s.take() == lines{
                        "exec rejected rejected #0 A/1 sell 5@99 cum=0 open=0 reason=duplicate_client_order_id",
                        "exec rejected rejected #0 A/1 buy 10@100 cum=0 open=0 reason=duplicate_client_order_id",
                    });
  s.buy(B, 1, 5, 99); // another institution may use the same number
  CHECK(s.take().front() == "exec new new #2 B/1 buy 5@99 cum=0 open=5");
  // Ids beyond the dense range are remembered too.
  s.buy(A, 1ULL << 40, 1, 90);
  s.buy(A, 1ULL << 40, 1, 90);
  const auto out = s.take();
  REQUIRE(out.size() == 3);
  CHECK(out[2] == "exec rejected rejected #0 A/1099511627776 buy 1@90 cum=0 open=0 reason=duplicate_client_order_id");
}

TEST_CASE("book: a halted instrument rejects new orders and replaces but still cancels", "[book][halt]") {
  scenario s;
  s.buy(A, 1, 10, 100);
  s.buy(A, 2, 10, 99);
  s.take();
  REQUIRE(s.matcher.set_instrument_status(instrument_id{1}, instrument_status::halted));
  CHECK_FALSE(s.matcher.set_instrument_status(instrument_id{9}, instrument_status::halted));
  s.sell(B, 1, 10, 100);
  s.replace(A, 1, 101, std::nullopt);
  s.cancel(A, 2);
  CHECK(s.take() == lines{
                        "exec rejected rejected #0 B/1 sell 10@100 cum=0 open=0 reason=instrument_halted",
                        "exec rejected new #1 A/1 buy 10@100 cum=0 open=10 reason=instrument_halted",
                        "exec cancelled cancelled #2 A/2 buy 10@99 cum=0 open=0",
                        "depth buy 0@99 n=0",
                    });
  // Other instruments trade on.
  s.order(B, 2, side::buy, 10, 100, time_in_force::gtc, 2);
  CHECK(s.take().front() == "exec new new #3 B/2 buy 10@100 cum=0 open=10");
  REQUIRE(s.matcher.set_instrument_status(instrument_id{1}, instrument_status::trading));
  s.sell(B, 1, 10, 100); // its id was not used up by the reject
  CHECK(s.take()[1] == "trade t1 10@100 buy=#1/A/1 sell=#4/B/1 aggressor=sell");
}

TEST_CASE("book: top of book is published only when the best price or quantity changes", "[book][l1]") {
  scenario s;
  s.buy(A, 1, 10, 100);
  s.take();
  s.buy(A, 2, 10, 99); // behind the best: depth only
  CHECK(s.take() == lines{
                        "exec new new #2 A/2 buy 10@99 cum=0 open=10",
                        "depth buy 10@99 n=1",
                    });
  s.replace(A, 2, std::nullopt, 5);
  CHECK(s.take() == lines{
                        "exec replaced new #2 A/2 buy 5@99 cum=0 open=5",
                        "depth buy 5@99 n=1",
                    });
  s.buy(A, 3, 1, 100); // same best price, more quantity
  CHECK(s.take() == lines{
                        "exec new new #3 A/3 buy 1@100 cum=0 open=1",
                        "depth buy 11@100 n=2",
                        "top 11@100 | -",
                    });
}
