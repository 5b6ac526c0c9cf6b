"""What small-cell protection hides beyond the small counts, and how long it takes.

    python benchmarks/masking.py [--repeat 3] [--sizes demo,national] [--json results.json]

For each synthetic extract (imported into a temporary store, as the dashboard would see it):

- demo: `python -m kaa demo --rows 10000 --years 2016-2025` (the README's example),
- national: 1 000 000 rows over 2016–2025 (national scale),
- small: 1 000 rows over 2021–2022 (one jobbtorg's year),

it counts the count figures the tables can show (cells, margins and totals, Hela KAA and
every verksamhet), the primary small counts (1–4), how many of them show `<5` and how many `..`, and
the secondary cells (hidden beyond the primary ones; zeros among them). The time is the
median of --repeat runs of `masking.protect`, against the baseline of reading the store's
facts (`store.load_facts`) in the same run: the dashboard does both once per store version.
The table is printed in Swedish, as the README shows it.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = {
    "small": (1_000, range(2021, 2023), "1 000 rader 2021–2022"),
    "demo": (10_000, range(2016, 2026), "demo: 10 000 rader 2016–2025"),
    "national": (1_000_000, range(2016, 2026), "1 000 000 rader 2016–2025"),
}


def timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def measure(rows: int, years, repeat: int) -> dict:
    from kaa import demo, extract, masking, schema, store

    buffer = io.BytesIO()
    demo.write(demo.generate(rows, years), buffer, encoding="cp1252")
    data = buffer.getvalue()
    result = extract.read_extract(data, "synthetic.csv")
    store.import_extract(result, data, "synthetic.csv", "Syntetiskt")
    load_s, facts = timed(store.load_facts, repeat)
    protect_s, out = timed(lambda: masking.protect(facts, 5), repeat)
    counts = out[out["measure"].isin(schema.COUNT_NAMES) & out[schema.AR].isin(list(years))]
    label = counts[masking.MASKED]
    small = (counts["value"] >= 1) & (counts["value"] < 5)
    secondary = (label != "") & ~small
    return {"rows": rows, "figures": int(len(counts)), "primaries": int(small.sum()),
            "primaries_lt5": int((small & (label == "<5")).sum()), "primaries_dots": int((small & (label == "..")).sum()),
            "secondary": int(secondary.sum()), "secondary_zeros": int((secondary & (counts["value"] == 0)).sum()),
            "protect_s": protect_s, "load_s": load_s}


def sv(value: float, decimals: int = 0) -> str:
    return f"{value:,.{decimals}f}".replace(",", "\u00a0").replace(".", ",")


def table(results: dict) -> str:
    lines = ["| Uttag | Antal i tabellerna | Små antal (1–4) | varav `<5` / `..` | Dolda utöver de små "
             "(varav 0) | Andel dolda | Tid | × läsa lagret |",
             "|---|--:|--:|--:|--:|--:|--:|--:|"]
    for name, r in results.items():
        hidden = r["primaries"] + r["secondary"]
        lines.append(f"| {SIZES[name][2]} | {sv(r['figures'])} | {sv(r['primaries'])} | "
                     f"{sv(r['primaries_lt5'])} / {sv(r['primaries_dots'])} | {sv(r['secondary'])} "
                     f"({sv(r['secondary_zeros'])}) | {sv(100 * hidden / max(r['figures'], 1), 1)} % | "
                     f"{sv(r['protect_s'], 2)} s | {sv(r['protect_s'] / r['load_s'], 1)} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="small,demo,national", help="comma-separated: " + ", ".join(SIZES))
    parser.add_argument("--json", type=Path, metavar="PATH")
    args = parser.parse_args()
    results = {}
    for name in args.sizes.split(","):
        rows, years, _ = SIZES[name]
        with tempfile.TemporaryDirectory() as directory:
            os.environ["KAA_DATA_DIR"] = directory
            results[name] = measure(rows, years, args.repeat)
        print(f"{name}: {results[name]}", file=sys.stderr)
    print(f"Belastning (load average): {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
