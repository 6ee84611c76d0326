#!/usr/bin/env bash
# Behaviour of the minibroker program, one case per CTest test.
# Usage: cli_test.sh MINIBROKER_BINARY CASE
set -euo pipefail
bin=$1
case_name=$2
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "FAILED: $*" >&2; exit 1; }
expect_exit() { # expected_code command...
  local expected=$1; shift
  set +e; "$@"; local code=$?; set -e
  [ "$code" -eq "$expected" ] || fail "exit code $code, expected $expected: $*"
}

header='action,id,institution,symbol,side,type,tif,price,qty'

case "$case_name" in
replay_writes_trade_lines)
  printf '%s\nnew,1,alice,ACME,sell,limit,gtc,143.30,10\nnew,2,bob,ACME,buy,market,ioc,,4\n' "$header" > "$work/o.csv"
  "$bin" replay "$work/o.csv" > "$work/out.jsonl" 2> "$work/err.txt"
  grep -q '"event":"trade"' "$work/out.jsonl" || fail "no trade line"
  grep -q '"symbol":"ACME","price":"143.30","qty":4,"buy_institution":"bob","buy_id":"2","sell_institution":"alice","sell_id":"1"' "$work/out.jsonl" || fail "trade fields"
  /usr/bin/python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$work/out.jsonl" || fail "not JSON Lines"
  grep -q "1 trades" "$work/err.txt" || fail "summary on stderr: $(cat "$work/err.txt")"
  ;;
replay_goes_on_after_malformed_line)
  printf '%s\nnew,1,alice,ACME,buy,limit,gtc,abc,10\nnew,2,alice,ACME,buy,limit,gtc,1.00,10\n' "$header" > "$work/o.csv"
  "$bin" replay "$work/o.csv" > "$work/out.jsonl" 2>/dev/null
  grep -q '{"event":"error","line":2,' "$work/out.jsonl" || fail "no error event for line 2"
  grep -q '"id":"2","order_id":1,"exec":"new"' "$work/out.jsonl" || fail "line 3 was not processed"
  ;;
replay_strict_stops_with_exit_1)
  printf '%s\nnew,1,alice,ACME,buy,limit,gtc,abc,10\nnew,2,alice,ACME,buy,limit,gtc,1.00,10\n' "$header" > "$work/o.csv"
  expect_exit 1 "$bin" replay --strict "$work/o.csv" > "$work/out.jsonl" 2>/dev/null
  ! grep -q '"id":"2"' "$work/out.jsonl" || fail "went on after the malformed line"
  ;;
replay_quiet_reports_throughput_and_percentiles)
  "$bin" gen-orders --seed 3 --count 20000 --resting 200 > "$work/o.csv"
  "$bin" replay --quiet "$work/o.csv" > "$work/out.txt" 2> "$work/err.txt"
  [ ! -s "$work/out.txt" ] || fail "--quiet wrote events"
  grep -q "million operations/s" "$work/err.txt" || fail "no throughput"
  grep -q "p99.9" "$work/err.txt" || fail "no percentiles"
  ;;
replay_uses_instruments_file)
  printf 'symbol,tick,lot\nACME,0.05,100\n' > "$work/i.csv"
  printf '%s\nnew,1,alice,ACME,buy,limit,gtc,10.05,100\nnew,2,alice,ACME,buy,limit,gtc,10.01,100\nnew,3,alice,ACME,buy,limit,gtc,10.05,150\nnew,4,alice,OTHER,buy,limit,gtc,1,1\n' "$header" > "$work/o.csv"
  "$bin" replay --instruments "$work/i.csv" "$work/o.csv" > "$work/out.jsonl" 2>/dev/null
  grep -q '"id":"1","order_id":1,"exec":"new"' "$work/out.jsonl" || fail "valid order"
  grep -q '"id":"2".*"reason":"price_not_on_tick"' "$work/out.jsonl" || fail "off tick"
  grep -q '"id":"3".*"reason":"quantity_not_lot_multiple"' "$work/out.jsonl" || fail "lot"
  grep -q '"id":"4".*"reason":"unknown_instrument"' "$work/out.jsonl" || fail "unknown symbol"
  ;;
replay_refuses_bad_usage_with_exit_2)
  expect_exit 2 "$bin" replay 2>/dev/null
  expect_exit 2 "$bin" replay "$work/missing.csv" 2>/dev/null
  printf 'not,the,header\n' > "$work/o.csv"
  expect_exit 2 "$bin" replay "$work/o.csv" 2>/dev/null
  expect_exit 2 "$bin" replay --no-such-flag "$work/o.csv" 2>/dev/null
  expect_exit 2 "$bin" no-such-command 2>/dev/null
  ;;
gen_orders_same_seed_same_file)
  "$bin" gen-orders --seed 11 --count 5000 --symbols 3 --institutions 5 > "$work/a.csv"
  "$bin" gen-orders --seed 11 --count 5000 --symbols 3 --institutions 5 > "$work/b.csv"
  "$bin" gen-orders --seed 12 --count 5000 --symbols 3 --institutions 5 > "$work/c.csv"
  cmp -s "$work/a.csv" "$work/b.csv" || fail "same seed, different files"
  ! cmp -s "$work/a.csv" "$work/c.csv" || fail "different seeds, same file"
  [ "$(wc -l < "$work/a.csv")" -eq 5001 ] || fail "line count"
  head -1 "$work/a.csv" | grep -qx "$header" || fail "header"
  ;;
gen_orders_refuses_bad_settings)
  expect_exit 2 "$bin" gen-orders --symbols 0 2>/dev/null
  expect_exit 2 "$bin" gen-orders --cancel-share 2 2>/dev/null
  expect_exit 2 "$bin" gen-orders --count abc 2>/dev/null
  expect_exit 2 "$bin" gen-orders --tick 0 2>/dev/null
  ;;
sim_runs_and_passes_its_checks)
  "$bin" sim --orders 20000 --instruments 5 --institutions 3 > "$work/out.txt" 2> "$work/err.txt"
  grep -q "checks: passed" "$work/out.txt" || fail "no passed checks: $(cat "$work/out.txt")"
  grep -q "end to end" "$work/out.txt" || fail "no latency table"
  grep -q "EXCHANGE_ORDER_PROCESSOR_QUEUE" "$work/out.txt" || fail "no queue table"
  grep -q "sent by frontends *20000 " "$work/out.txt" || fail "not 20000 operations"
  ;;
sim_json_summary_is_one_object)
  "$bin" sim --orders 5000 --json --no-status > "$work/out.json" 2>/dev/null
  /usr/bin/python3 - "$work/out.json" <<'PY' || fail "JSON summary"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["checks_passed"] is True and s["failures"] == [], s["failures"]
assert s["flow"]["sent"] == 5000, s["flow"]
assert s["flow"]["trades"] > 0
assert "end to end" in s["latency"] and s["latency"]["end to end"]["count"] > 0
assert any(q["queue"] == "EXCHANGE_ORDER_CREATED_QUEUE" for q in s["queues"])
PY
  ;;
sim_same_seed_same_event_file)
  "$bin" sim --orders 5000 --seed 9 --events "$work/a.jsonl" > /dev/null 2>&1
  "$bin" sim --orders 5000 --seed 9 --events "$work/b.jsonl" > /dev/null 2>&1
  "$bin" sim --orders 5000 --seed 10 --events "$work/c.jsonl" > /dev/null 2>&1
  cmp -s "$work/a.jsonl" "$work/b.jsonl" || fail "same seed, different event files"
  ! cmp -s "$work/a.jsonl" "$work/c.jsonl" || fail "different seeds, same event file"
  /usr/bin/python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$work/a.jsonl" || fail "not JSON Lines"
  [ "$(grep -c '"event":"request"' "$work/a.jsonl")" -eq 5000 ] || fail "not one request line per operation"
  grep -q '"event":"report"' "$work/a.jsonl" || fail "no reports"
  grep -q '"event":"quote"' "$work/a.jsonl" || fail "no quotes"
  ;;
sim_flag_overrides_config_file)
  printf '{"seed": 3, "instruments": 4, "institutions": 2, "orders": 3000, "mix": {"cancel": 0.3}}\n' > "$work/s.json"
  "$bin" sim --config "$work/s.json" --institutions 5 --json --no-status > "$work/out.json" 2>/dev/null
  /usr/bin/python3 - "$work/out.json" <<'PY' || fail "config and flags"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["seed"] == 3 and s["instruments"] == 4, s   # from the file
assert s["institutions"] == 5, s                     # the flag wins
assert s["flow"]["sent"] == 3000, s["flow"]
PY
  ;;
sim_export_writes_the_timetables)
  "$bin" sim --orders 3000 --institutions 2 --export "$work/tables" > /dev/null 2>&1
  for f in exchange_orders exchange_trades inst1_quotes inst1_instruments inst2_quotes; do
    [ -s "$work/tables/$f.csv" ] || fail "no $f.csv"
  done
  [ "$(wc -l < "$work/tables/exchange_trades.csv")" -gt 1 ] || fail "no trades exported"
  ;;
sim_refuses_bad_usage_with_exit_2)
  expect_exit 2 "$bin" sim --clock sideways 2>/dev/null
  expect_exit 2 "$bin" sim --threads 2 2>/dev/null   # several threads need the real clock
  expect_exit 2 "$bin" sim --orders 0 2>/dev/null    # no end
  expect_exit 2 "$bin" sim --instruments abc 2>/dev/null
  expect_exit 2 "$bin" sim --config "$work/missing.json" 2>/dev/null
  printf '{"instrumentz": 3}' > "$work/bad.json"
  set +e; "$bin" sim --config "$work/bad.json" 2> "$work/err.txt"; code=$?; set -e
  [ "$code" -eq 2 ] || fail "unknown key: exit $code"
  grep -q 'unknown key `instrumentz`' "$work/err.txt" || fail "error does not name the key: $(cat "$work/err.txt")"
  expect_exit 2 "$bin" sim --events /nonexistent-dir/e.jsonl 2>/dev/null
  ;;
exchange_refuses_bad_usage_with_exit_2)
  # Registered only when the WebSocket part is built: its absence is a failure. (The help is read
  # from a file: `grep -q` leaving a pipe early would fail the pipeline under pipefail.)
  "$bin" help > "$work/help.txt"
  grep -q "^  exchange" "$work/help.txt" || fail "minibroker help lists no exchange command"
  expect_exit 2 "$bin" exchange --listen nonsense 2>/dev/null
  expect_exit 2 "$bin" exchange --listen 127.0.0.1:99999 2>/dev/null
  expect_exit 2 "$bin" exchange --token no-equals-sign 2>/dev/null
  expect_exit 2 "$bin" exchange --no-such-flag 2>/dev/null
  ;;
sim_example_scenario_runs)
  "$bin" sim --config "$source_dir/examples/scenario.json" --orders 20000 --no-status > "$work/out.txt" 2>/dev/null
  grep -q "seed 42" "$work/out.txt" || fail "example scenario not read"
  ;;
*)
  fail "unknown case $case_name"
  ;;
esac
echo "ok: $case_name"
