"""How long importing a national-scale register extract takes, and how much memory: ours against DuckDB and pandas.

    python benchmarks/import_scale.py [--sizes 100000,300000,1000000] [--repeat 3] [--json results.json]

For each size the file is written by the project's own generator, exactly as
`python -m kaa demo --rows N --years 2016-2025` does (Windows-1252, `;`), into a temporary
directory that is deleted afterwards. Four competitors then run on that same file, each in
a fresh subprocess, round-robin, --repeat times; the table shows the median:

  ours     read_extract + store.import_extract into a temporary KAA_DATA_DIR (read, validate in
           full, aggregate, store) - what `python -m kaa import` does.
  duckdb   DuckDB in memory doing the same work: read_csv into a table, empty required values,
           year range, the duplicate-person check (same ar + person_id twice), the distinct-code
           check of every coded column, and the GROUP BY (ar, jobbtorg, kon) with jobbtorg
           derived from stadsdel, for Hela KAA and Aim. DuckDB reads only UTF-8, UTF-16 and
           Latin-1 without its `encodings` extension (not installable here), and Latin-1 rejects
           the file (byte 0x96 is `–` in Windows-1252), so the file is transcoded to UTF-8 in
           Python and handed to read_csv through /dev/shm (tmpfs: memory, not disk), or through a
           named pipe where there is no /dev/shm (DuckDB then parses in one thread). The
           transcoding is DuckDB's time and is shown.
  pandas   the same checks and groupby written straightforwardly: pd.read_csv(encoding="cp1252",
           sep=";", dtype=str), isna, to_numeric, duplicated, unique, map, groupby().sum().
  pyarrow  a bare pyarrow.csv.read_csv of the file (ReadOptions(encoding="cp1252")): the floor.

Seconds (wall) and CPU seconds (user + system, all threads: a check on a busy machine) are measured
inside the child, from after its imports to the end of its work. Peak RSS is
the child's own high-water mark, VmHWM from /proc/self/status at its end (so it includes the
interpreter and the imported libraries; the RSS after imports is listed below each table).
DuckDB's results and pandas' results must equal ours, every (ar, jobbtorg, kon, verksamhet, measure)
count, or the script stops. Milliseconds are for this machine only; the ratios compare across machines.

Privacy: the only row-level file is the synthetic input (deleted at the end). DuckDB runs as
`:memory:` with temp_directory = '' (no spilling to disk); the children print aggregates only.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMPETITORS = ("ours", "duckdb", "pandas", "pyarrow")
LABELS = {"ours": "**Ours** (read_extract + import_extract)", "duckdb": "DuckDB (read_csv, checks, GROUP BY)",
          "pandas": "pandas, straightforward", "pyarrow": "bare pyarrow.csv.read_csv (floor)"}
RSS_GOAL_MB = 600
YEARS = "2016-2025"
LAST_YEAR = time.localtime().tm_year + 1

# The extract's codes as the generator writes them (a straightforward check compares exact spellings).
JA_NEJ = ("ja", "nej")
SYSSELSATTNING = ("studier", "arbete", "utlandsstudier", "annan", "ingen", "okänd")
AVSLUTSORSAK = ("studier", "arbete", "annan sysselsättning", "vidare till jobbtorg 20–29", "flyttat",
                "fyllt 20", "okänd")
SAKNAR = "Saknar stadsdel"
# measure -> the conditions (column, accepted values) that must all hold; registrerade counts every row.
MEASURES = {
    "registrerade": [], "sokta": [("nadd", JA_NEJ)], "nadda": [("nadd", ("ja",))],
    "ej_nadda": [("nadd", ("nej",))],
    "nadda_sysselsatta": [("nadd", ("ja",)), ("sysselsattning", SYSSELSATTNING[:4])],
    "inskrivna": [("inskriven", ("ja",))], "nyinskrivna": [("nyinskriven", ("ja",))],
    "avslutade": [("avslutad", ("ja",))], "avslut_studier": [("avslutsorsak", ("studier",))],
    "avslut_arbete": [("avslutsorsak", ("arbete",))], "avslut_annan": [("avslutsorsak", ("annan sysselsättning",))],
}
HEADLINE = ("registrerade", "nadda", "inskrivna", "avslutade")


def num(n: float) -> str:
    return f"{n:,.0f}".replace(",", " ")


def stadsdel_map() -> dict[str, str]:
    with open(ROOT / "data" / "stadsdel_jobbtorg.csv", encoding="utf-8", newline="") as handle:
        return {row["stadsdel"]: row["jobbtorg"] for row in csv.DictReader(handle)}


def code_lists(mapping: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """Every coded column and its valid values; an empty cell is valid everywhere but in kon."""
    return {"kon": ("Kvinna", "Man"), "alder": tuple(str(a) for a in range(15, 21)),
            "stadsdel": tuple(mapping), "jobbtorg": (*dict.fromkeys(mapping.values()), SAKNAR),
            "nadd": JA_NEJ, "sysselsattning": SYSSELSATTNING, "inskriven": JA_NEJ, "nyinskriven": JA_NEJ,
            "verksamhet": ("Jobbtorg", "Aim", "Skolslussen"), "avslutad": JA_NEJ, "avslutsorsak": AVSLUTSORSAK}


# --- The competitors (each runs in its own subprocess; heavy imports happen inside) ----------------------

def run_ours(path: Path) -> dict:
    from kaa import store
    from kaa.extract import read_extract

    data = path.read_bytes()
    result = read_extract(data, path.name)
    assert not result.has_errors, result.problem_counts
    store.import_extract(result, data, path.name, "benchmark")
    facts = result.facts
    cells = {f"{a}|{j}|{k}|{v}|{m}": int(x) for a, j, k, v, m, x in zip(
        facts["ar"], facts["jobbtorg"], facts["kon"], facts["verksamhet"], facts["measure"], facts["value"]) if x}
    return {"cells": cells, "problems": 0}


def run_duckdb(path: Path) -> dict:
    import duckdb

    con = duckdb.connect(":memory:", config={"temp_directory": ""})  # in memory, never spills to disk
    start = time.perf_counter()
    utf8 = path.read_bytes().decode("cp1252").encode("utf-8")
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):  # tmpfs, i.e. memory: DuckDB reads it in parallel
        source = shm / f"kaa-import-bench-{os.getpid()}.csv"
        source.write_bytes(utf8)
        via = "/dev/shm"
    else:  # a FIFO: memory only too, but DuckDB reads a pipe in one thread
        source = path.with_name(f"duckdb-{os.getpid()}.pipe")
        os.mkfifo(source)
        threading.Thread(target=source.write_bytes, args=(utf8,), daemon=True).start()
        via = "a named pipe (one thread)"
    transcoded = time.perf_counter() - start
    try:
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{source}', delim=';', header=true, "
                    "quote='\"', all_varchar=true)")
    finally:
        source.unlink()
    del utf8
    mapping = stadsdel_map()
    problems = con.execute(
        "SELECT count(*) FILTER (WHERE ar IS NULL OR person_id IS NULL OR kon IS NULL) + "
        f"count(*) FILTER (WHERE coalesce(TRY_CAST(ar AS INTEGER) NOT BETWEEN 2000 AND {LAST_YEAR}, true)) "
        "FROM t").fetchone()[0]
    problems += con.execute("SELECT count(*) FROM (SELECT ar, person_id FROM t GROUP BY ar, person_id "
                            "HAVING count(*) > 1)").fetchone()[0]
    codes = code_lists(mapping)
    distinct = con.execute(" UNION ALL ".join(f"(SELECT DISTINCT '{c}', {c} FROM t)" for c in codes)).fetchall()
    problems += sum(1 for c, v in distinct if (v is None and c == "kon") or (v is not None and v not in codes[c]))
    con.execute("CREATE TABLE m (stadsdel VARCHAR, jobbtorg VARCHAR)")
    con.executemany("INSERT INTO m VALUES (?, ?)", list(mapping.items()))

    def cond(conditions, aim: bool) -> str:
        parts = [f"{c} IN ({', '.join(repr(v) for v in values)})" for c, values in conditions]
        return " AND ".join(parts + ["verksamhet = 'Aim'"] * aim) or "true"

    units = (("Hela KAA", False), ("Aim", True))
    aggregates = ", ".join(f"count(*) FILTER (WHERE {cond(conds, aim)})" for _, aim in units for conds in MEASURES.values())
    rows = con.execute(f"SELECT CAST(t.ar AS INTEGER), coalesce(t.jobbtorg, m.jobbtorg, '{SAKNAR}'), t.kon, "
                       f"{aggregates} FROM t LEFT JOIN m ON t.stadsdel = m.stadsdel GROUP BY ALL").fetchall()
    names = [(unit, m) for unit, _ in units for m in MEASURES]
    cells = {f"{a}|{j}|{k}|{unit}|{m}": x for a, j, k, *counts in rows for (unit, m), x in zip(names, counts) if x}
    return {"cells": cells, "problems": int(problems), "transcode_seconds": transcoded, "via": via}


def run_pandas(path: Path) -> dict:
    import pandas as pd

    df = pd.read_csv(path, encoding="cp1252", sep=";", dtype=str)
    mapping = stadsdel_map()
    problems = int(df[["ar", "person_id", "kon"]].isna().sum().sum())
    year = pd.to_numeric(df["ar"], errors="coerce")
    problems += int((~year.between(2000, LAST_YEAR)).sum())
    problems += int(df.duplicated(["ar", "person_id"]).sum())
    for column, valid in code_lists(mapping).items():
        problems += len(set(df[column].dropna().unique()) - set(valid)) + (column == "kon") * int(df[column].isna().sum())
    jobbtorg = df["jobbtorg"].fillna(df["stadsdel"].map(mapping)).fillna(SAKNAR)
    flags = pd.DataFrame({m: pd.Series(True, index=df.index) for m in MEASURES})
    for measure, conditions in MEASURES.items():
        for column, values in conditions:
            flags[measure] &= df[column].isin(values)
    keys = [year.rename("ar"), jobbtorg.rename("jobbtorg"), df["kon"]]
    aim = df["verksamhet"] == "Aim"
    cells = {}
    for unit, rows in (("Hela KAA", slice(None)), ("Aim", aim)):
        counts = flags[rows].groupby([k[rows] for k in keys]).sum().stack()
        cells.update({f"{int(a)}|{j}|{k}|{unit}|{m}": int(x) for (a, j, k, m), x in counts.items() if x})
    return {"cells": cells, "problems": problems}


def run_pyarrow(path: Path) -> dict:
    import pyarrow.csv as pacsv

    table = pacsv.read_csv(path, read_options=pacsv.ReadOptions(encoding="cp1252"),
                           parse_options=pacsv.ParseOptions(delimiter=";"))
    return {"cells": None, "problems": 0, "rows": table.num_rows}


def cpu_seconds() -> float:
    """User + system time of this process, all its threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def memory_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field} missing from /proc/self/status")


def child(name: str, path: str) -> None:
    if name == "ours":
        import kaa.extract, kaa.store  # noqa: E401,F401  imported before the clock starts, as the others
    elif name == "duckdb":
        import duckdb  # noqa: F401
    elif name == "pandas":
        import pandas  # noqa: F401
    else:
        import pyarrow.csv  # noqa: F401
    rss_start = memory_mb("VmRSS")
    start, cpu = time.perf_counter(), cpu_seconds()
    out = globals()[f"run_{name}"](Path(path))
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    print(json.dumps({**out, "seconds": seconds, "cpu_seconds": cpu, "rss_start_mb": rss_start,
                      "peak_rss_mb": memory_mb("VmHWM")}))


# --- The parent -------------------------------------------------------------------------------------------

def run_child(name: str, path: Path, tmp: Path) -> dict:
    store_dir = Path(tempfile.mkdtemp(prefix="store-", dir=tmp))
    env = dict(os.environ, KAA_DATA_DIR=str(store_dir), PYTHONPATH=str(ROOT))
    try:
        done = subprocess.run([sys.executable, __file__, "--child", name, str(path)], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=900)
    finally:
        shutil.rmtree(store_dir, ignore_errors=True)
    if done.returncode:
        raise RuntimeError(f"{name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def verify(size: int, results: dict) -> str:
    ours = results["ours"][0]["cells"]
    for name in ("duckdb", "pandas"):
        for run in results[name]:
            assert run["problems"] == 0, f"{name} found {run['problems']} problems in a clean file"
            if run["cells"] != ours:
                diff = sorted(k for k in ours.keys() | run["cells"].keys() if ours.get(k) != run["cells"].get(k))
                raise AssertionError(f"{name} differs from ours at {size} rows: "
                                     + "; ".join(f"{k}: ours {ours.get(k)}, {name} {run['cells'].get(k)}" for k in diff[:10]))
    years = sorted({key.split("|")[0] for key in ours})
    totals = {m: [sum(v for k, v in ours.items() if k.split("|")[0] == y and k.endswith(f"|Hela KAA|{m}"))
                  for y in years] for m in HEADLINE}
    return (f"samma resultat: DuckDB and pandas give exactly our {len(ours)} non-zero counts per (ar, jobbtorg, kon, "
            f"verksamhet, measure), so also registrerade/nadda/inskrivna/avslutade per year "
            f"({years[0]}: {', '.join(f'{m} {num(totals[m][0])}' for m in HEADLINE)}; … {years[-1]}: "
            f"{', '.join(f'{m} {num(totals[m][-1])}' for m in HEADLINE)}).")


def summarize(size: int, results: dict) -> dict:
    rows = {}
    for name, runs in results.items():
        seconds = statistics.median(r["seconds"] for r in runs)
        rows[name] = {"seconds": seconds, "runs_s": [r["seconds"] for r in runs], "us_per_row": seconds / size * 1e6,
                      "cpu_seconds": statistics.median(r["cpu_seconds"] for r in runs),
                      "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
                      "rss_start_mb": statistics.median(r["rss_start_mb"] for r in runs)}
        if name == "duckdb":
            rows[name]["transcode_s"] = statistics.median(r["transcode_seconds"] for r in runs)
            rows[name]["via"] = runs[0]["via"]
    return rows


def table(size: int, rows: dict) -> str:
    ours = rows["ours"]["seconds"]
    lines = [f"### {num(size)} rows", "",
             "| Competitor | Seconds | × ours | CPU s | Peak RSS MB | µs per row |", "|---|--:|--:|--:|--:|--:|"]
    for name in COMPETITORS:
        r = rows[name]
        lines.append(f"| {LABELS[name]} | {r['seconds']:.2f} | {r['seconds'] / ours:.2f} | {r['cpu_seconds']:.2f} | "
                     f"{r['peak_rss_mb']:.0f} | {r['us_per_row']:.2f} |")
    lines.append("")
    lines.append("RSS after imports, before the work (MB): " + ", ".join(
        f"{name} {rows[name]['rss_start_mb']:.0f}" for name in COMPETITORS)
        + f". DuckDB's time includes {rows['duckdb']['transcode_s']:.2f} s of cp1252 → UTF-8 transcoding "
        f"(handed over via {rows['duckdb']['via']}).")
    return "\n".join(lines)


def goals(sizes: list[int], summary: dict) -> list[str]:
    big = summary[max(sizes)]
    ours, duck, pandas_, floor = (big[n]["seconds"] for n in COMPETITORS)
    rss = big["ours"]["peak_rss_mb"]
    n = num(max(sizes))
    mark = lambda ok: "yes" if ok else "**NO**"  # noqa: E731
    per_row = " · ".join(num(s) + f": {summary[s]['ours']['us_per_row']:.2f}" for s in sorted(sizes))
    spread = max(summary[s]["ours"]["us_per_row"] for s in sizes) / min(summary[s]["ours"]["us_per_row"] for s in sizes)
    return [f"Goals at {n} rows:",
            f"- Ours no slower than DuckDB: {mark(ours <= duck)} ({ours:.2f} s vs {duck:.2f} s; DuckDB takes "
            f"{duck / ours:.2f}× ours)",
            f"- Ours at least 2× faster than pandas: {mark(pandas_ >= 2 * ours)} (pandas takes {pandas_ / ours:.2f}× ours)",
            f"- Ours as a multiple of a bare pyarrow read (the floor): {ours / floor:.2f}×",
            f"- Peak RSS of ours under {RSS_GOAL_MB} MB: {mark(rss < RSS_GOAL_MB)} ({rss:.0f} MB)",
            f"- Linearity, ours in µs per row: {per_row} (largest / smallest: {spread:.2f})"]


def machine(load_start: float) -> str:
    u = platform.uname()
    return (f"Machine: {os.cpu_count()} CPUs, {platform.processor() or u.machine}, {u.system} {u.release} {u.machine}; "
            f"Python {platform.python_version()}, pyarrow {version('pyarrow')}, duckdb {version('duckdb')}, "
            f"pandas {version('pandas')}; load average {load_start:.2f} at start, {os.getloadavg()[0]:.2f} at end.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,300000,1000000", help="comma-separated row counts")
    parser.add_argument("--repeat", type=int, default=3, help="runs per competitor and size; the median counts")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        sys.stdout.flush()
        # Skip the interpreter's teardown: pyarrow's thread pools now and then abort it ("terminate called
        # without an active exception", apache/arrow#34314) after the work is done and reported.
        os._exit(0)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.repeat < 1 or not sizes or min(sizes) < 1:
        parser.error("--repeat and every size must be at least 1")

    load = os.getloadavg()[0]
    summary, checks = {}, []
    with tempfile.TemporaryDirectory(prefix="kaa-import-bench-") as tmp:
        tmp = Path(tmp)
        for size in sizes:
            path = tmp / f"demo-{size}.csv"
            print(f"{size:>9} rows: generating …", file=sys.stderr)
            subprocess.run([sys.executable, "-m", "kaa", "demo", "--rows", str(size), "--years", YEARS,
                            "--out", str(path)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
            results = {name: [] for name in COMPETITORS}
            for i in range(args.repeat):  # round-robin, so drift on the machine hits every competitor alike
                for name in COMPETITORS:
                    results[name].append(run_child(name, path, tmp))
                    print(f"{size:>9} rows: {name:<8} run {i + 1}/{args.repeat} "
                          f"{results[name][-1]['seconds']:6.2f} s  {results[name][-1]['peak_rss_mb']:5.0f} MB",
                          file=sys.stderr)
            checks.append(verify(size, results))
            summary[size] = summarize(size, results)
            summary[size]["file_mb"] = path.stat().st_size / 1e6
            path.unlink()

    print(f"Import of a synthetic register extract (`python -m kaa demo --rows N --years {YEARS}`, Windows-1252, `;`). "
          f"Median of {args.repeat} runs, each competitor in a fresh subprocess; seconds from after imports to the end "
          "of the work; peak RSS = the child's VmHWM.\n")
    for size in sizes:
        print(table(size, summary[size]) + f" File: {summary[size]['file_mb']:.0f} MB.\n")
    print("\n".join(checks) + "\n")
    print("\n".join(goals(sizes, summary)) + "\n")
    print(machine(load))
    if args.json:
        args.json.write_text(json.dumps({"sizes": sizes, "repeat": args.repeat, "results": summary,
                                         "goals": goals(sizes, summary), "machine": machine(load)},
                                        ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
