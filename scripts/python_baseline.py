#!/usr/bin/env python3
"""The same pipeline (SPEC section 3) in Python, with three record layouts, for reference.

layoutlab's question started in Python, where the usual answer is "a dict per record costs
about 390 bytes, a class instance about 175, a __slots__ instance about 130". This script
measures exactly that on layoutlab's own workload and pipeline, so the Rust layouts can be
read beside the Python ones:

  dict    one dict per record
  class   one instance of a plain class per record (attributes in a per-instance dict)
  slots   one instance of a class with __slots__ per record

For each layout it runs ingest -> filter -> normalize -> rolling -> aggregate twice: once
timed (nothing traced), once under tracemalloc for the peak and the number of live blocks.
`--pass timed` or `--pass traced` runs only one of the two (layoutlab runs the timed pass
alone, and the traced one, which takes most of the time and times nothing, beside its
other counting work).
The arithmetic is the same as layoutlab's, in the same order (including the ring buffer's
exact re-sum when it wraps), so `kept` and `checksum` come out bit-identical to Rust's.

Usage:
  layoutlab generate --records 200000 > w.csv
  scripts/python_baseline.py w.csv [--window 16]        # JSON on stdout
  layoutlab generate --records 200000 | scripts/python_baseline.py -

Only the standard library is used.
"""

import argparse
import csv
import gc
import json
import platform
import sys
import time
import tracemalloc

RANGES = {
    "C": (-40.0, 125.0),
    "%": (0.0, 100.0),
    "hPa": (300.0, 1100.0),
    "lux": (0.0, 100000.0),
    "ppm": (0.0, 5000.0),
}

FIELDS = ("sensor_id", "timestamp", "value", "unit", "normalized", "rolling_avg")


class PlainReading:
    def __init__(self, sensor_id, timestamp, value, unit):
        self.sensor_id = sensor_id
        self.timestamp = timestamp
        self.value = value
        self.unit = unit
        self.normalized = 0.0
        self.rolling_avg = 0.0


class SlotsReading:
    __slots__ = FIELDS

    def __init__(self, sensor_id, timestamp, value, unit):
        self.sensor_id = sensor_id
        self.timestamp = timestamp
        self.value = value
        self.unit = unit
        self.normalized = 0.0
        self.rolling_avg = 0.0


def make_dict(sensor_id, timestamp, value, unit):
    return {
        "sensor_id": sensor_id,
        "timestamp": timestamp,
        "value": value,
        "unit": unit,
        "normalized": 0.0,
        "rolling_avg": 0.0,
    }


class Ring:
    """The last `window` values and their running sum, re-summed exactly on wrap."""

    __slots__ = ("values", "window", "next", "sum")

    def __init__(self, window):
        self.values = []
        self.window = window
        self.next = 0
        self.sum = 0.0

    def push(self, value):
        values = self.values
        if len(values) < self.window:
            values.append(value)
            self.sum += value
        else:
            evicted = values[self.next]
            values[self.next] = value
            self.sum = (self.sum - evicted) + value
            self.next += 1
            if self.next == self.window:
                self.next = 0
                total = 0.0
                for v in values:
                    total += v
                self.sum = total
        return self.sum / len(values)


def ingest(path, make):
    """Streams the CSV (already validated by layoutlab's generator) into records."""
    handle = sys.stdin if path == "-" else open(path, newline="", encoding="utf-8")
    try:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header != ["sensor_id", "timestamp", "value", "unit"]:
            raise SystemExit(f"{path}: line 1: expected the header sensor_id,timestamp,value,unit")
        return [make(row[0], float(row[1]), float(row[2]), row[3]) for row in reader]
    finally:
        if handle is not sys.stdin:
            handle.close()


def attr_stages(window):
    """Stages for records with attributes (class and __slots__)."""

    def filter_(records):
        records[:] = [
            r for r in records if RANGES[r.unit][0] <= r.value <= RANGES[r.unit][1]
        ]

    def normalize(records):
        for r in records:
            lo, hi = RANGES[r.unit]
            r.normalized = (r.value - lo) / (hi - lo)

    def rolling(records):
        rings = {}
        for r in records:
            ring = rings.get(r.sensor_id)
            if ring is None:
                ring = rings[r.sensor_id] = Ring(window)
            r.rolling_avg = ring.push(r.value)

    def aggregate(records):
        return aggregate_rows(
            (r.sensor_id, r.unit, r.value, r.normalized, r.rolling_avg) for r in records
        )

    return filter_, normalize, rolling, aggregate


def dict_stages(window):
    """Stages for dict records."""

    def filter_(records):
        records[:] = [
            r
            for r in records
            if RANGES[r["unit"]][0] <= r["value"] <= RANGES[r["unit"]][1]
        ]

    def normalize(records):
        for r in records:
            lo, hi = RANGES[r["unit"]]
            r["normalized"] = (r["value"] - lo) / (hi - lo)

    def rolling(records):
        rings = {}
        for r in records:
            ring = rings.get(r["sensor_id"])
            if ring is None:
                ring = rings[r["sensor_id"]] = Ring(window)
            r["rolling_avg"] = ring.push(r["value"])

    def aggregate(records):
        return aggregate_rows(
            (r["sensor_id"], r["unit"], r["value"], r["normalized"], r["rolling_avg"])
            for r in records
        )

    return filter_, normalize, rolling, aggregate


def aggregate_rows(rows):
    stats = {}
    kept = 0
    checksum = 0.0
    for sensor_id, unit, value, normalized, rolling in rows:
        s = stats.get(sensor_id)
        if s is None:
            s = stats[sensor_id] = [unit, 0, 0.0, float("inf"), float("-inf"), 0.0, 0.0]
        s[1] += 1
        s[2] += value
        if value < s[3]:
            s[3] = value
        if value > s[4]:
            s[4] = value
        s[5] += normalized
        s[6] = rolling
        kept += 1
        checksum += normalized + rolling
    sensors = [
        {
            "sensor_id": k,
            "unit": s[0],
            "count": s[1],
            "mean": s[2] / s[1],
            "min": s[3],
            "max": s[4],
            "mean_normalized": s[5] / s[1],
            "last_rolling_avg": s[6],
        }
        for k, s in sorted(stats.items(), key=lambda kv: kv[0].encode())
    ]
    return {"kept": kept, "checksum": checksum, "sensors": sensors}


LAYOUTS = {
    "python_dict": (make_dict, dict_stages, "one dict per record"),
    "python_class": (PlainReading, attr_stages, "one plain class instance per record"),
    "python_slots": (SlotsReading, attr_stages, "one __slots__ class instance per record"),
}


def run_once(path, make, stages, window, traced):
    """One pipeline run; returns (times_ns, memory or None, aggregates, records)."""
    filter_, normalize, rolling, aggregate = stages(window)
    gc.collect()
    times = {}
    memory = None
    if traced:
        tracemalloc.start()
    t = time.perf_counter_ns()
    records = ingest(path, make)
    times["ingest"] = time.perf_counter_ns() - t
    n = len(records)
    if traced:
        # The records are all live here; the peak so far is ingest's.
        current, ingest_peak = tracemalloc.get_traced_memory()
        blocks = sum(stat.count for stat in tracemalloc.take_snapshot().statistics("filename"))
        memory = {"after_ingest_bytes": current, "ingest_peak_bytes": ingest_peak,
                  "live_blocks_after_ingest": blocks}
    for name, stage in (("filter", filter_), ("normalize", normalize), ("rolling", rolling)):
        t = time.perf_counter_ns()
        stage(records)
        times[name] = time.perf_counter_ns() - t
    t = time.perf_counter_ns()
    result = aggregate(records)
    times["aggregate"] = time.perf_counter_ns() - t
    if traced:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        memory["peak_bytes"] = peak
        memory["bytes_per_record"] = peak / n if n else 0.0
        memory["live_blocks_per_record"] = (
            memory["live_blocks_after_ingest"] / n if n else 0.0
        )
    del records
    gc.collect()
    return times, memory, result, n


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", help="CSV made by `layoutlab generate`, or - for stdin")
    parser.add_argument("--window", type=int, default=16)
    parser.add_argument("--layout", action="append", choices=sorted(LAYOUTS),
                        help="run only these (default: all)")
    parser.add_argument("--pass", dest="passes", choices=("timed", "traced"),
                        help="run only this pass (default: both); the other's keys are null")
    args = parser.parse_args()
    if args.input == "-":
        # Both passes read the input, so keep stdin in memory once (outside every trace).
        data = sys.stdin.read()
        import tempfile
        tmp = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False)
        tmp.write(data)
        tmp.close()
        del data
        args.input = tmp.name

    results = []
    for name in args.layout or list(LAYOUTS):
        make, stages, summary = LAYOUTS[name]
        times, memory, agg, agg_traced, n = None, None, None, None, 0
        if args.passes in (None, "timed"):
            times, _, agg, n = run_once(args.input, make, stages, args.window, traced=False)
        if args.passes in (None, "traced"):
            _, memory, agg_traced, n = run_once(args.input, make, stages, args.window, traced=True)
        if agg is not None and agg_traced is not None:
            assert agg == agg_traced, "a traced run must compute the same aggregates"
        agg = agg if agg is not None else agg_traced
        results.append({
            "layout": name,
            "summary": summary,
            "records": n,
            "kept": agg["kept"],
            "checksum": agg["checksum"],
            "sensors": agg["sensors"],
            "timing_ns": times,
            "memory": memory,
        })
    json.dump({
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "window": args.window,
        "results": results,
    }, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
