"""How long a whole annual report takes (`python -m kaa rapport`), on the embedded data and with an extract imported.

    python benchmarks/report.py [--rows 1000000] [--repeat 3] [--year 2020]

Measured two ways, each against a baseline measured the same way in the same run:
- whole process: `python -m kaa rapport --year Y --out F.docx` (start-up, store, protection, tables, charts,
  Word), against a baseline process that writes a Word document of the same shape with python-docx (as many
  tables with as many cells, constant text) and draws as many trivial Plotly charts with Kaleido: the work
  no report can avoid;
- in-process: `kaa.report.make` with the store already loaded, against the same baseline in-process.
The ratios compare across machines; the seconds are for this machine. Goal (issue 14): a whole report in
under 5 seconds, as a process, on both data sets. Missing it is reported, not fatal.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GOAL_S = 5.0

BASELINE = """
import io, sys, time
import docx, kaleido, plotly.graph_objects as go
from kaa.report import render
tables, cells, charts = {tables}, {cells}, {charts}
render.warm_up()
document = docx.Document()
for t in range(tables):
    document.add_paragraph(f"Tabell {{t}}", style="Heading 2")
    grid = document.add_table(rows=cells // 6 or 1, cols=6, style="Light List Accent 1")
    for row in grid.rows:
        for cell in row.cells:
            cell.text = "1 234"
for picture in render.chart_images([go.Figure(go.Bar(x=["a", "b", "c"], y=[1, 3, c])) for c in range(charts)]):
    document.add_picture(io.BytesIO(picture))
document.save(io.BytesIO())
"""


def shape(data: bytes) -> tuple[int, int, int]:
    """(tables, cells, pictures) of a .docx, for a baseline of the same shape."""
    import docx

    document = docx.Document(io.BytesIO(data))
    cells = sum(len(row.cells) for table in document.tables for row in table.rows)
    return len(document.tables), cells // max(len(document.tables), 1), len(document.inline_shapes)


def timed(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def process(args: list[str], env: dict) -> None:
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True, capture_output=True)


def measure(label: str, env: dict, year: int, repeat: int) -> dict:
    out = Path(env["KAA_DATA_DIR"]) / "rapport.docx"
    process(["-m", "kaa", "rapport", "--year", str(year), "--out", str(out)], env)  # warm the disk cache
    tables, cells, charts = shape(out.read_bytes())
    baseline = BASELINE.format(tables=tables, cells=cells, charts=charts)
    ours_process = timed(lambda: process(["-m", "kaa", "rapport", "--year", str(year), "--out", str(out)], env),
                         repeat)
    base_process = timed(lambda: process(["-c", baseline], env), repeat)

    os.environ["KAA_DATA_DIR"] = env["KAA_DATA_DIR"]
    from kaa import config, report, store

    facts = store.load_facts()
    ours_inner = timed(lambda: report.make(facts, year, config.min_cell()), repeat)
    base_inner = timed(lambda: exec(compile(baseline, "baseline", "exec"), {}), repeat)
    result = {"data": label, "tables": tables, "pictures": charts, "process_s": ours_process,
              "process_ratio": ours_process / base_process, "inprocess_s": ours_inner,
              "inprocess_ratio": ours_inner / base_inner, "goal_met": ours_process < GOAL_S}
    print(f"{label:<34} process {ours_process:5.2f} s ({result['process_ratio']:.2f}× the baseline {base_process:.2f} s)"
          f"  in-process {ours_inner:5.2f} s ({result['inprocess_ratio']:.2f}× {base_inner:.2f} s)"
          f"  goal < {GOAL_S:.0f} s: {'ok' if result['goal_met'] else 'MISSED'}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--year", type=int, default=2020)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as embedded, tempfile.TemporaryDirectory() as imported:
        measure("inbyggda siffror (årsrapport 2020)", {**os.environ, "KAA_DATA_DIR": embedded}, args.year, args.repeat)
        env = {**os.environ, "KAA_DATA_DIR": imported}
        extract = Path(imported) / "uttag.csv"
        process(["-m", "kaa", "demo", "--rows", str(args.rows), "--years", "2016-2025", "--out", str(extract)], env)
        process(["-m", "kaa", "import", str(extract)], env)
        extract.unlink()
        measure(f"{args.rows:,} rader importerade".replace(",", " "), env, args.year, args.repeat)


if __name__ == "__main__":
    main()
