#!/usr/bin/env bash
# Builds everything (Release, assertions on) and runs every test.
# Installs the Debian packages it needs first. Usage: bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release
cmake --build --preset release
ctest --preset release
