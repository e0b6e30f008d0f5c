#!/usr/bin/env python3
"""Cuts the heap-per-record chart out of a report's index.html into an SVG file of its own,
byte for byte, so that the README can show a picture that is provably the report's.

Usage: scripts/sample-figure.py reports/index.html reports/heap-per-record.svg
(`cargo test --test docs` checks that the file is still the chart in the page.)
"""

import sys

TITLE = "Peak heap per record"


def chart(html: str) -> str:
    at = 0
    while True:
        start = html.find("<svg", at)
        if start < 0:
            sys.exit(f"no chart titled {TITLE!r} in the page")
        end = html.index("</svg>", start) + len("</svg>")
        svg = html[start:end]
        if TITLE in svg:
            return svg
        at = end


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    page, out = sys.argv[1], sys.argv[2]
    with open(page, encoding="utf-8") as f:
        svg = chart(f.read())
    with open(out, "w", encoding="utf-8") as f:
        f.write(svg + "\n")


if __name__ == "__main__":
    main()
