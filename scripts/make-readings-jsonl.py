#!/usr/bin/env python3
"""Writes examples/readings.jsonl: the device readings the README's second bench file reads.

Deterministic (a fixed hash of the line number), so the file can be made again byte for byte:
    python3 scripts/make-readings-jsonl.py > examples/readings.jsonl
Every field kind of a `Reading` appears: a missing temperature (null), three axes (an array),
a nested position (an object), a burst of samples of varying length (empty included), a few
tags (a list of strings) and a firmware string.
"""
import json

RECORDS = 1000


def mix(i: int) -> int:
    return ((i * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF) >> 17


for i in range(RECORDS):
    h = mix(i)
    tags = [["alarm"], ["ok", "calibrated"], ["ok", "calibrated"]][h % 7] if h % 7 < 3 else ["ok"]
    reading = {
        "device": h % 1000,
        "ts": 1_700_000_000 + i,
        "temp": None if h % 10 == 0 else round(15.0 + (h % 200) / 10.0, 1),
        "accel": [float(h % 7), float(h % 11), 9.8],
        "geo": {"lat": 48.0 + (h % 1000) / 1e4, "lon": 2.0 + (h % 777) / 1e4},
        "samples": [(h + k) % 65536 for k in range(h % 9)],
        "tags": tags,
        "firmware": f"fw-{h % 4}",
    }
    print(json.dumps(reading, separators=(",", ":")))
