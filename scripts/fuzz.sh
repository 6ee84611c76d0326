#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) and runs each for a bounded time, starting
# from its seed corpus in tests/fuzz/corpus/<target>/. A crashing input is written to
# tests/fuzz/regressions/<target>/, where the ordinary test command replays it from then on:
# commit it with the fix.
# Usage: bash scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
bash scripts/install-deps.sh
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

# One target; its report is printed in one piece when it ends (targets run side by side).
fuzz_one() {
  local program=$1 name=${1##*/minibroker_fuzz_} work report
  work=$(mktemp -d)
  # New inputs go to a scratch corpus; the committed seeds stay as they are.
  if "$program" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="tests/fuzz/regressions/$name/" "$work" "tests/fuzz/corpus/$name" 2>"$work.log"; then
    report="fuzz: $name for ${seconds}s: $(grep -E "stat::number_of_executed_units|Done" "$work.log" | tr '\n' ' ' || true)"
    rm -rf "$work" "$work.log"
    echo "$report"
    return 0
  fi
  report="$(tail -n 40 "$work.log")"
  rm -rf "$work" "$work.log"
  printf 'fuzz: %s for %ss\n%s\nfuzz: %s FAILED; the input is in tests/fuzz/regressions/%s/\n' \
    "$name" "$seconds" "$report" "$name" "$name"
  return 1
}

# As many targets at a time as there are cores: each runs one process.
at_once=$(nproc)
status=0
running=0
for program in build/fuzz/tests/fuzz/minibroker_fuzz_*; do
  if [ "$running" -ge "$at_once" ]; then
    wait -n || status=1
    running=$((running - 1))
  fi
  fuzz_one "$program" &
  running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
  wait -n || status=1
  running=$((running - 1))
done
exit $status
