#!/usr/bin/env bash
# The WebSocket programs: `minibroker broker` against a `minibroker exchange` started here, and
# `minibroker sim --transport ws`; one case per CTest test.
# Usage: broker_test.sh MINIBROKER_BINARY CASE
set -euo pipefail
bin=$1
case_name=$2
work=$(mktemp -d)
exchange_pid=
cleanup() {
  if [ -n "$exchange_pid" ]; then kill "$exchange_pid" 2>/dev/null || true; wait "$exchange_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "FAILED: $*" >&2; exit 1; }
expect_exit() { # expected_code command...
  local expected=$1; shift
  set +e; "$@"; local code=$?; set -e
  [ "$code" -eq "$expected" ] || fail "exit code $code, expected $expected: $*"
}
# These cases are registered only when the WebSocket part is built: its absence is a failure.
"$bin" broker --help > /dev/null 2>&1 || fail "minibroker broker --help failed: built without the WebSocket part?"

# Starts `minibroker exchange --listen 127.0.0.1:0 ARGS...`; sets port from its first line.
start_exchange() {
  mkfifo "$work/exchange.out"
  "$bin" exchange --listen 127.0.0.1:0 "$@" > "$work/exchange.out" 2> "$work/exchange.err" &
  exchange_pid=$!
  exec 3< "$work/exchange.out"
  local first
  read -r -t 60 first <&3 || fail "the exchange printed nothing: $(cat "$work/exchange.err")"
  case "$first" in
  "listening on 127.0.0.1:"*) port=${first##*:} ;;
  *) fail "first line: $first" ;;
  esac
}
stop_exchange() {
  kill "$exchange_pid"
  wait "$exchange_pid" || fail "the exchange exited with $?"
  exchange_pid=
}

header='action,id,institution,symbol,side,type,tif,price,qty'

case "$case_name" in
broker_order_file_gives_the_trades_of_replay)
  "$bin" gen-orders --seed 5 --count 4000 --symbols 3 --institutions 3 --resting 100 --invalid-share 0.02 > "$work/o.csv"
  start_exchange --symbols SYM01,SYM02,SYM03 --quote-rate 0 --halt-probability 0 \
    --token inst1=one --token inst2=two --token inst3=three
  "$bin" broker --exchange "ws://127.0.0.1:$port" --orders "$work/o.csv" \
    --token inst1=one --token inst2=two --token inst3=three --trades-out "$work/ws.jsonl" --json > "$work/summary.json"
  stop_exchange
  "$bin" replay "$work/o.csv" > "$work/replay.jsonl" 2>/dev/null
  /usr/bin/python3 - "$work/replay.jsonl" "$work/ws.jsonl" "$work/summary.json" <<'PY' || fail "trades differ"
import json, sys
keys = ["symbol", "price", "qty", "buy_institution", "buy_id", "sell_institution", "sell_id", "trade_id"]
replayed = [{k: e[k] for k in keys} for e in map(json.loads, open(sys.argv[1])) if e["event"] == "trade"]
over_ws = [{k: e[k] for k in keys} for e in map(json.loads, open(sys.argv[2]))]
summary = json.load(open(sys.argv[3]))
assert len(replayed) > 100, len(replayed)
for i, (a, b) in enumerate(zip(replayed, over_ws)):
    assert a == b, f"trade {i}: replay {a} websocket {b}"
assert len(replayed) == len(over_ws), (len(replayed), len(over_ws))
assert summary["trades"] == len(replayed), summary
assert summary["answered"] == summary["operations"], summary
assert summary["operations"] + summary["not_sent"] == 4000, summary
PY
  ;;
broker_random_flow_prints_a_summary)
  start_exchange --instruments 4 --quote-rate 20 --halt-probability 0 --token alpha=secret
  "$bin" broker --exchange "ws://127.0.0.1:$port" --institution alpha --token secret --orders 400 \
    --order-rate 4000 --seed 3 --json > "$work/summary.json"
  "$bin" broker --exchange "ws://127.0.0.1:$port" --institution alpha --token secret --orders 50 \
    --order-rate 4000 --seed 4 > "$work/summary.txt"
  stop_exchange
  /usr/bin/python3 - "$work/summary.json" <<'PY' || fail "summary"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["institutions"] == ["alpha"], s
assert s["operations"] == 400 and s["answered"] == 400, s
assert s["reports"] >= 400, s
assert sum(s["orders_by_status"].values()) > 0, s
assert s["answer_latency"]["count"] > 0, s
PY
  grep -q "operations sent *50" "$work/summary.txt" || fail "text summary: $(cat "$work/summary.txt")"
  grep -q "orders by final status" "$work/summary.txt" || fail "no statuses"
  ;;
broker_gives_up_on_a_lost_exchange_with_exit_1)
  # Nothing listens on the port: it is bound but not listening, held by a helper for the whole
  # case, so connections to it are refused and no other program can take it meanwhile (as one
  # could a port freed by a stopped exchange). The helper exits when its standard input closes,
  # at the latest with this script.
  coproc holder { /usr/bin/python3 -c 'import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
sys.stdin.read()'; }
  read -r -t 60 port <&"${holder[0]}" || fail "the port holder printed no port"
  set +e
  "$bin" broker --exchange "ws://127.0.0.1:$port" --institution alpha --token secret --orders 10 \
    --give-up-after 0.5 > /dev/null 2> "$work/err.txt"
  code=$?
  set -e
  [ "$code" -eq 1 ] || fail "exit $code, expected 1"
  grep -q "connection to the exchange at ws://127.0.0.1:$port" "$work/err.txt" || fail "message: $(cat "$work/err.txt")"
  ;;
broker_refuses_bad_usage_with_exit_2)
  printf '%s\nnew,1,alice,ACME,buy,limit,gtc,1.00,10\nnew,2,bob,ACME,sell,limit,gtc,1.00,10\n' "$header" > "$work/o.csv"
  ex=ws://127.0.0.1:1
  expect_exit 2 "$bin" broker --token s 2>/dev/null                                  # no --exchange
  expect_exit 2 "$bin" broker --exchange http://127.0.0.1:1 --token s 2>/dev/null    # not ws://
  expect_exit 2 "$bin" broker --exchange ws://127.0.0.1:0 --token s 2>/dev/null      # no port
  expect_exit 2 "$bin" broker --exchange ws://127.0.0.1 --token s 2>/dev/null
  expect_exit 2 "$bin" broker --exchange "$ex" 2>/dev/null                           # random flow, no token
  expect_exit 2 "$bin" broker --exchange "$ex" --token s --orders 0 2>/dev/null      # no end
  expect_exit 2 "$bin" broker --exchange "$ex" --token s --order-rate 0 2>/dev/null
  expect_exit 2 "$bin" broker --exchange "$ex" --token s --no-such-flag 2>/dev/null
  expect_exit 2 "$bin" broker --exchange "$ex" --orders "$work/missing.csv" 2>/dev/null
  expect_exit 2 "$bin" broker --exchange "$ex" --orders "$work/o.csv" --token alice=a 2>/dev/null  # bob has none
  expect_exit 2 "$bin" broker --exchange "$ex" --orders "$work/o.csv" --token alice 2>/dev/null
  expect_exit 2 "$bin" broker --exchange "$ex" --orders "$work/o.csv" --token alice=a --token bob=b \
    --duration 3 2>/dev/null
  set +e; "$bin" broker --exchange "$ex" --orders "$work/o.csv" --token alice=a 2> "$work/err.txt"; set -e
  grep -q "give --token bob=SECRET" "$work/err.txt" || fail "message: $(cat "$work/err.txt")"
  printf 'not,the,header\n' > "$work/bad.csv"
  expect_exit 2 "$bin" broker --exchange "$ex" --orders "$work/bad.csv" --token a=b 2>/dev/null
  ;;
exchange_refuses_bad_instruments_with_exit_2)
  expect_exit 2 "$bin" exchange --symbols 'SYM01,,SYM02' 2>/dev/null
  expect_exit 2 "$bin" exchange --symbols 'SYM 01' 2>/dev/null
  expect_exit 2 "$bin" exchange --instruments-file "$work/missing.csv" 2>/dev/null
  printf 'symbol,tick,lot\nACME,zero,1\n' > "$work/i.csv"
  expect_exit 2 "$bin" exchange --instruments-file "$work/i.csv" 2>/dev/null
  ;;
sim_over_websocket_passes_its_checks)
  "$bin" sim --transport ws --clock real --orders 3000 --order-rate 20000 --instruments 3 --json --no-status \
    > "$work/out.json" 2> "$work/err.txt" || fail "exit $?: $(cat "$work/err.txt")"
  /usr/bin/python3 - "$work/out.json" <<'PY' || fail "summary"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["transport"] == "ws" and s["clock"] == "real", s
assert s["checks_passed"] is True and s["failures"] == [], s["failures"]
assert s["flow"]["sent"] == 3000, s["flow"]
PY
  printf '{"transport": "ws", "clock": "real", "orders": 500}\n' > "$work/s.json"
  "$bin" sim --config "$work/s.json" --no-status > "$work/out.txt" 2>/dev/null
  grep -q "over WebSocket" "$work/out.txt" || fail "the config file's transport: $(head -1 "$work/out.txt")"
  ;;
sim_refuses_bad_transport_with_exit_2)
  set +e; "$bin" sim --transport ws 2> "$work/err.txt"; code=$?; set -e
  [ "$code" -eq 2 ] || fail "virtual clock over ws: exit $code"
  grep -q "transport ws runs on the real clock: add --clock real" "$work/err.txt" || fail "message: $(cat "$work/err.txt")"
  expect_exit 2 "$bin" sim --transport ws --clock real --threads 2 2>/dev/null
  expect_exit 2 "$bin" sim --transport pigeon 2>/dev/null
  printf '{"transport": "carrier"}' > "$work/bad.json"
  set +e; "$bin" sim --config "$work/bad.json" 2> "$work/err.txt"; code=$?; set -e
  [ "$code" -eq 2 ] || fail "bad transport key: exit $code"
  grep -q '`transport` must be "in_process" or "ws"' "$work/err.txt" || fail "message: $(cat "$work/err.txt")"
  ;;
*)
  fail "unknown case $case_name"
  ;;
esac
echo "ok: $case_name"
