#!/usr/bin/env bash
# Builds the minibroker program (Release) and runs a short demonstration: a random order flow
# generated, replayed through the matching engine with every event shown for a few orders, then
# a million operations timed. Installs the Debian packages it needs first.
# Usage: bash scripts/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target minibroker
bin=build/release/examples/minibroker
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo
echo "== 12 operations of a random order flow (minibroker gen-orders --seed 42 --count 12 --resting 4)"
"$bin" gen-orders --seed 42 --count 12 --resting 4 | tee "$work/small.csv"
echo
echo "== every event they cause (minibroker replay)"
"$bin" replay "$work/small.csv"
echo
echo "== a million operations around 1,000 resting orders, timed (minibroker replay --quiet)"
"$bin" gen-orders --seed 1 --count 1000000 --resting 1000 > "$work/orders.csv"
"$bin" replay --quiet "$work/orders.csv"
