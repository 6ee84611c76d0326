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

status=0
for program in build/fuzz/tests/fuzz/minibroker_fuzz_*; do
  name=${program##*/minibroker_fuzz_}
  work=$(mktemp -d)
  echo "fuzz: $name for ${seconds}s"
  # New inputs go to a scratch corpus; the committed seeds stay as they are.
  if ! "$program" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="tests/fuzz/regressions/$name/" "$work" "tests/fuzz/corpus/$name" 2>"$work.log"; then
    tail -n 40 "$work.log"
    echo "fuzz: $name FAILED; the input is in tests/fuzz/regressions/$name/"
    status=1
  else
    grep -E "stat::number_of_executed_units|Done" "$work.log" | tr '\n' ' '
    echo
  fi
  rm -rf "$work" "$work.log"
done
exit $status
