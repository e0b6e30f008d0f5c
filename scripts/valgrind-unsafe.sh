#!/usr/bin/env bash
# Runs the tests that cover layoutlab's `unsafe` code under valgrind memcheck.
# There is no nightly toolchain here (no Miri, no sanitizers); memcheck is the check.
# Usage: scripts/valgrind-unsafe.sh [test-file-stem …]   (default: every tests/unsafe_*.rs)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v valgrind >/dev/null; then
  echo "valgrind is not installed; installing it (Debian: valgrind)" >&2
  apt-get update -qq && apt-get install -y -qq valgrind >/dev/null
fi

if [ $# -gt 0 ]; then
  tests=("$@")
else
  tests=()
  for f in tests/unsafe_*.rs; do tests+=("$(basename "$f" .rs)"); done
fi

for t in "${tests[@]}"; do
  exe=$(cargo test --test "$t" --no-run --message-format=json 2>/dev/null \
    | python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["kind"] == ["test"]:
        print(m["executable"])' | tail -n 1)
  echo "== valgrind memcheck: $t ($exe)"
  valgrind --quiet --error-exitcode=99 --leak-check=full --show-possibly-lost=no --errors-for-leak-kinds=definite \
    "$exe" --test-threads=1 -q
done
