#!/usr/bin/env bash
# Follows the README's "Your own record" word for word in a fresh crate outside this
# repository: `cargo new`, the README's Cargo.toml lines (with the path pointed at this
# checkout) and its two bench files (the second reads examples/readings.jsonl of this
# checkout), then `cargo bench` of each at a small size. Fails if the blocks do
# not build, the run fails, or no report is written.
#
# Usage: scripts/readme-own-record.sh [extra bench args…]   (default: --records 2000 --rounds 2)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The block that follows the marker line `<!-- your-own-record: NAME -->`, without its fences.
block() {
  awk -v name="$1" '
    $0 == "<!-- your-own-record: " name " -->" { found = 1; next }
    found && /^```/ { if (inside) exit; inside = 1; next }
    inside { print }
  ' "$repo/README.md"
}

cd "$work"
cargo new --quiet --lib mycrate
# The README says the checkout sits beside the crate as ../layoutlab.
ln -s "$repo" "$work/layoutlab"
cd mycrate
block Cargo.toml >> Cargo.toml
mkdir -p benches
for bench in trades readings; do
  block "benches/$bench.rs" > "benches/$bench.rs"
  [ -s "benches/$bench.rs" ] || { echo "no benches/$bench.rs block in README.md" >&2; exit 1; }
done

# Share the repository's build of layoutlab and its dependencies.
export CARGO_TARGET_DIR="$repo/target"
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--records 2000 --rounds 2)
for bench in trades readings; do
  cargo bench --quiet --bench "$bench" -- "${args[@]}" | tee "$work/out-$bench.txt"
  report="$CARGO_TARGET_DIR/layoutlab/$bench/REPORT.md"
  test -s "$report" || { echo "no report at $report" >&2; exit 1; }
  grep -q "report: " "$work/out-$bench.txt"
  # Every layout gave the same outputs, the proposal included.
  grep -q "outputs: the same on all" "$work/out-$bench.txt"
  echo "README's benches/$bench.rs: built and ran in a fresh crate; report at $report"
done
# And the quick check cargo test runs on each bench file.
test "$(cargo test --quiet --benches 2>&1 | grep -c "test run (no --bench)")" -eq 2
