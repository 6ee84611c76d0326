#include <catch2/catch.hpp>

#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/strand.hpp>

#include "minibroker/bus/continuation.hpp"

using minibroker::bus::scope_executor;

TEST_CASE("bus: scope executors of one io_context are equal whatever their properties, and a strand is its own",
          "[bus][continuation]") {
  boost::asio::io_context io;
  boost::asio::io_context other;
  const scope_executor plain(io.get_executor());
  const scope_executor tracked(
      boost::asio::prefer(io.get_executor(), boost::asio::execution::outstanding_work.tracked));
  CHECK(plain == scope_executor(io.get_executor()));
  CHECK(plain == tracked);
  CHECK_FALSE(plain == scope_executor(other.get_executor()));

  const auto strand = boost::asio::make_strand(io);
  const scope_executor on_strand(strand);
  CHECK(on_strand == scope_executor(strand)); // copies of one strand
  CHECK_FALSE(on_strand == plain);
  CHECK_FALSE(on_strand == scope_executor(boost::asio::make_strand(io)));
}
