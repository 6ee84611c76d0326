#!/usr/bin/env bash
# The README's run command: builds the minibroker program (Release) and runs a short simulation:
# an exchange with 20 instruments, three brokers with their random order flow, on the real clock
# for five seconds (so the latencies of every stage are measured), then its summary and checks.
# Installs the Debian packages it needs first. Usage: bash scripts/run.sh [more sim flags]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target minibroker
exec build/release/examples/minibroker sim --config examples/scenario.json --clock real --duration 5 --orders 0 "$@"
