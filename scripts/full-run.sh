#!/usr/bin/env bash
# The full reproducible run: criterion benches (every stage × layout × size), then
# `layoutlab compare` (timings, heap profiles, Python reference), which writes the report
# with criterion's confidence intervals folded in.
#
# Usage: scripts/full-run.sh [--quick] [compare flags…]
#   --quick   criterion's quick mode (a few minutes instead of ~15)
# The report lands in reports/ unless the compare flags say --out DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

bench_args=(--noplot)
if [ "${1:-}" = "--quick" ]; then
  bench_args+=(--quick)
  shift
fi

echo "== cargo bench -- ${bench_args[*]}" >&2
cargo bench -- "${bench_args[@]}"

echo "== layoutlab compare $*" >&2
cargo run --release -- compare --criterion target/criterion "$@"
