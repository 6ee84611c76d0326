#!/usr/bin/env bash
# Every test that docs/bad-input.md names (the backticked names in the last column of its tables)
# is a registered CTest test, so the catalogue cannot drift away from the suite.
# Usage: check_catalogue.sh CATALOGUE.md BUILD_DIR
set -euo pipefail
catalogue=$1
build_dir=$2
registered=$(mktemp)
trap 'rm -f "$registered"' EXIT
ctest --test-dir "$build_dir" -N | sed -n 's/^ *Test *#[0-9]*: //p' > "$registered"
/usr/bin/python3 - "$catalogue" "$registered" <<'PY'
import re, sys
catalogue, registered = sys.argv[1], sys.argv[2]
known = set(line.rstrip("\n") for line in open(registered))
rows = named = 0
missing = []
for line in open(catalogue):
    line = line.strip()
    if not line.startswith("|") or line.startswith("|---"):
        continue
    cells = [c.strip() for c in line.strip("|").split(" | ")]
    if cells[-1] in ("Tests",):
        continue
    rows += 1
    names = re.findall(r"`([^`]+)`", cells[-1])
    if not names:
        missing.append(f"a row without a test: {line[:100]}")
    for name in names:
        named += 1
        if name not in known:
            missing.append(f"no such test: {name}")
if missing:
    print("\n".join(missing))
    sys.exit(1)
print(f"ok: {rows} rows, {named} test names, all registered")
PY
