#!/usr/bin/env bash
# Builds the tests with a sanitizer preset and runs them.
#   asan: every test under AddressSanitizer + UndefinedBehaviorSanitizer
#   tsan: the tests labelled "threads" (more than one thread) under ThreadSanitizer
# Usage: bash scripts/sanitize.sh asan|tsan
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:?usage: sanitize.sh asan|tsan}
bash scripts/install-deps.sh
cmake --preset "$preset"
cmake --build --preset "$preset"
ctest --preset "$preset"
