#!/usr/bin/env bash
# Regenerates the committed sample reports the README and docs/ quote:
#
#   reports/                 the built-in workload: `cargo run --release -- compare`
#   reports/heap-per-record.svg   the README's picture, cut out of reports/index.html
#   reports/trades/          examples/trades.rs through the harness (your own record)
#
# Each report records the machine and date it was measured on; the docs name them beside
# every figure they quote, and `cargo test --test docs` fails when a quoted figure is no
# longer in the report it cites (update the quotes after regenerating).
#
# Usage: scripts/regenerate-samples.sh [--trades-records N]   (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."

trades_records=1000000
if [ "${1:-}" = "--trades-records" ]; then
  trades_records=$2
  shift 2
fi

echo "== layoutlab compare (reports/)" >&2
cargo run --release -- compare

echo "== the README's figure" >&2
scripts/sample-figure.py reports/index.html reports/heap-per-record.svg

echo "== examples/trades.rs at $trades_records records (reports/trades/)" >&2
cargo run --release --example trades -- --bench --records "$trades_records" --out reports/trades
