#!/usr/bin/env bash
# What the allocator switch costs a timing process. `layoutlab`'s global allocator is a
# switch (system allocator, or dhat in a heap-profiling child; src/measure/heap/alloc.rs);
# a timing process pays one relaxed load and a branch per allocation for it. This builds the
# binary twice — as shipped, and with `--cfg layoutlab_system_alloc` (plain system
# allocator, no switch) — and compares the allocation-heavy layouts (heap_map, boxed) both
# ways: instructions executed, counted by valgrind's cachegrind at 100 000 records (exact and
# immune to other load on the machine), then wall-clock time per stage, interleaved.
# Usage: scripts/allocator-switch-cost.sh [rounds] [records]   (default: 7 rounds, 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-7}
records=${2:-1000000}

cargo build --release --quiet
RUSTFLAGS="--cfg layoutlab_system_alloc" CARGO_TARGET_DIR=target/system-alloc \
  cargo build --release --quiet
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Run both from paths of the same length: the path is copied into the heap at startup, and
# shifting every later block by a few bytes moves heap_map's stages by up to 15 % (measured),
# far more than the switch itself.
mkdir -p "$out/a" "$out/b"
cp target/release/layoutlab "$out/a/layoutlab"
cp target/system-alloc/release/layoutlab "$out/b/layoutlab"
switch=$out/a/layoutlab
plain=$out/b/layoutlab

if command -v valgrind >/dev/null; then
  echo "instructions executed (cachegrind), run --layout L --records 100000 --repeat 1:"
  for layout in heap_map boxed; do
    for variant in switch plain; do
      exe=${!variant}
      refs=$(valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
        "$exe" run --layout "$layout" --records 100000 --repeat 1 --json 2>&1 >/dev/null \
        | sed -n 's/.*I *refs: *//p' | tr -d ,)
      printf '  %-9s %-7s %15s\n' "$layout" "$variant" "$refs"
      eval "refs_$variant=$refs"
    done
    python3 -c "import sys; s, p = int(sys.argv[1]), int(sys.argv[2]); print(f'  {sys.argv[3]:9} switch costs {s - p:+,} instructions ({100 * (s - p) / p:+.2f} %)')" \
      "$refs_switch" "$refs_plain" "$layout"
  done
  echo
fi
for round in $(seq 1 "$rounds"); do
  for variant in switch plain; do
    exe=${!variant}
    "$exe" run --layout heap_map --layout boxed --records "$records" --repeat 3 --json \
      > "$out/$variant-$round.json"
  done
done

python3 - "$out" "$rounds" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
stages = ["ingest", "filter", "normalize", "rolling", "aggregate"]
def per_record(variant, layout, stage):
    xs = []
    for r in range(1, rounds + 1):
        doc = json.load(open(f"{out}/{variant}-{r}.json"))
        res = next(x for x in doc["results"] if x["layout"] == layout)
        xs.append(res["timing_ns"][stage] / res["records"])
    return xs
print(f"median over {rounds} interleaved rounds of the best of 3, ns/record")
print(f"{'layout':9} {'stage':10} {'switch':>8} {'plain':>8} {'diff':>7}")
for layout in ["heap_map", "boxed"]:
    for stage in stages + ["total"]:
        if stage == "total":
            s = [sum(v) for v in zip(*(per_record("switch", layout, st) for st in stages))]
            p = [sum(v) for v in zip(*(per_record("plain", layout, st) for st in stages))]
        else:
            s, p = per_record("switch", layout, stage), per_record("plain", layout, stage)
        ms, mp = statistics.median(s), statistics.median(p)
        print(f"{layout:9} {stage:10} {ms:8.1f} {mp:8.1f} {100 * (ms - mp) / mp:+6.1f}%")
PY
