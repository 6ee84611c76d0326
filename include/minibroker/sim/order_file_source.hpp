#pragma once
// order_file_source: a frontend that sends a fixed sequence of operations (an order file, read
// with replay::order_file_reader) through one broker per institution, in file order and one at a
// time: an operation goes out only when the one before has its answer, the first report that says
// the exchange (or the broker) took or refused it (exec new or rejected for a new order, cancelled
// or rejected for a cancel, replaced or rejected for a replace). The exchange matches requests in
// the order they reach it, so the matcher sees the file's order across institutions and makes the
// same trades as `minibroker replay` does with the same file (with self-trade prevention off: its
// cancels could otherwise pass for the answer of a later cancel).
//
// Ids: an operation goes out with its broker's institution, the file's number for its id name
// (order_file_names::client_ids: one per name, unique within each institution, so cancels and
// replaces name the right order), and the exchange's instrument id for its symbol. Operations
// refused while reading (order_file_entry::edge_reject) and unreadable lines are not sent; nor is
// one for a symbol the exchange does not list (counted in not_sent, as unknown_instrument).
//
// Thread safety: the brokers must all run on one serial executor; call everything there.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "minibroker/broker/broker.hpp"
#include "minibroker/replay/order_file.hpp"

namespace minibroker {

struct order_file_source_stats {
  std::uint64_t operations = 0;  // lines read as operations
  std::uint64_t line_errors = 0; // lines that could not be read
  std::uint64_t sent = 0;        // handed to a broker
  std::uint64_t not_sent = 0;    // refused while reading, or for a symbol the exchange does not list
  std::uint64_t answered = 0;    // sent operations that have their answer
  std::uint64_t rejects = 0;     // answers that were rejects
  std::uint64_t reports = 0;     // every report the brokers passed on
  std::uint64_t fills = 0;       // trade reports
};

class order_file_source {
public:
  // brokers[i] acts for the file's institution id i + 1 (names.institutions); none may be null.
  // names must outlive the source.
  order_file_source(std::vector<broker*> brokers, const replay::order_file_names& names,
                    std::vector<replay::order_file_entry> entries);
  order_file_source(const order_file_source&) = delete;
  order_file_source& operator=(const order_file_source&) = delete;

  // Maps the file's symbols onto the exchange's instruments (as the first broker knows them: call
  // once they arrived), subscribes to every broker's reports and sends the first operation.
  // Throws std::runtime_error when a symbol has another tick size at the exchange than in the
  // file (its prices would mean something else), boost::system::system_error when a subscription
  // fails.
  void start();
  [[nodiscard]] bool finished() const noexcept { return finished_; }
  // Called once, when the last operation has its answer.
  void on_finished(std::function<void()> callback) { on_finished_ = std::move(callback); }
  // Every report a broker passes on (broker index, report), after the source has looked at it.
  void on_report(std::function<void(std::size_t, const traced_report&)> callback) { on_report_ = std::move(callback); }

  [[nodiscard]] const order_file_source_stats& stats() const noexcept { return stats_; }

private:
  struct awaited {
    std::size_t broker = 0;
    client_order_id id;
    exec_type taken = exec_type::new_order; // besides rejected
  };
  void report(std::size_t broker, const traced_report& r);
  void send_next();
  void finish();

  std::vector<broker*> brokers_;
  const replay::order_file_names& names_;
  std::vector<replay::order_file_entry> entries_;
  std::vector<std::optional<instrument_id>> exchange_ids_; // index: the file's instrument id - 1
  std::size_t next_ = 0;
  std::optional<awaited> awaited_;
  bool started_ = false;
  bool finished_ = false;
  order_file_source_stats stats_;
  std::function<void()> on_finished_;
  std::function<void(std::size_t, const traced_report&)> on_report_;
};

} // namespace minibroker
