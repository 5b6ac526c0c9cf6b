"""How long importing a national-scale register extract takes as a user feels it, against DuckDB.

    python benchmarks/import_scale.py [--rows 1000000] [--runs 5] [--postgres | --database-url URL]
                                      [--json results.json]

The file is written by the project's own generator, as `python -m kaa demo --rows N --years 2016-2025`
does (Windows-1252, `;`), into a temporary directory that is deleted afterwards. DuckDB 2.0 reads
Windows-1252 only through its `encodings` extension (not installable here); its built-in `latin-1`
decoder rejects every byte 0x80-0x9F, and the generator writes one of those: the en dash of
"vidare till jobbtorg 20–29" (0x96). So that DuckDB can read the very file we read, with its own
decoder and no transcoding in Python, those en dashes are written as hyphens, which our import reads
as the same code. The file stays Windows-1252 (every Latin-1 byte it holds means the same there).

Two measurements, each as alternating runs (ours, DuckDB, ours, DuckDB, ...) after one warm-up run of
each, so drift on a shared machine hits both alike; the tables show medians and the median of the
pair-by-pair ratios ours / DuckDB:

  whole process  what a user waits for at the shell: `python -m kaa import FILE --name benchmark` (a
                 fresh store each run: a new KAA_DATA_DIR, or a new database on the PostgreSQL server,
                 created and migrated before the clock starts, as the store of a running dashboard is)
                 against `python -c <DuckDB script> FILE`. Wall seconds from spawning to reaping,
                 CPU seconds (user + system) and peak RSS from the kernel's accounting of the reaped
                 child (os.wait4). Interpreter start, imports and teardown are all in it.
  in process     the same work in an instrumented `python -c` child whose clock starts on its first
                 line, before any import: the imports (what `python -m kaa import` loads before it
                 reads the file: kaa.cli and kaa.extract, so pyarrow and numpy, not pandas; DuckDB:
                 duckdb) are timed apart from the work, which for ours is
                 kaa.cli.main(["import", FILE, ...]) itself, with what the command loads on its own
                 way (kaa.store and SQLAlchemy, in a thread while the file is read; kaa.notices):
                 read (pyarrow's parse), check, sum, the notices the command prints before it stores
                 (whether the import replaces the report's figures, file already imported), and
                 store. The time from spawning to the first line (interpreter start) is shown too.

DuckDB's work: read_csv(encoding='latin-1', all_varchar) into an in-memory table, empty required values,
the year range, the duplicate-person check (same ar + person_id twice), the distinct-code check of every
coded column and the GROUP BY (ar, jobbtorg, kon) with jobbtorg derived from stadsdel and its margins, for
every verksamhet, kept as ours keeps them (see SPLIT_UNITS), and the GROUP BY (ar, jobbtorg, kon, stadsdel),
(ar, stadsdel), (ar, jobbtorg, kon, alder) and (ar, alder) of schema.AREA_MEASURES for the whole KAA (and of
Aim's inskrivna, by stadsdel); with the optional dates (the default; --without-dates leaves them out) also the
dates parsed (TRY_CAST), every date rule of kaa.extract.dates counted (invalid, outside the year, against the
statuses, the order), the flows per (ar, jobbtorg, kon, month) and the year's, reach within 30 and 90 days, and
the median days to reach at every level (DATES below). It prints no notices and stores nothing; ours writes its sums to the store (SQLite by default; on PostgreSQL the
server's own CPU time is not in our process's accounting, its wall time is). The in-process results
must be equal, every (ar, jobbtorg, kon, stadsdel, alder, period, verksamhet, measure) figure, or the script stops.
Seconds are for this machine only; the ratios compare across machines.

Bytecode: the project's modules (kaa/) are compiled to __pycache__ before the runs, as Python does on
their first import and pip on install; DuckDB's, in site-packages, are compiled already. Without it,
where PYTHONDONTWRITEBYTECODE is set (as on the machine of the README's figures), every run of ours
would compile kaa's sources again (about 0,04 s).

Privacy: the only row-level file is the synthetic input (deleted at the end). DuckDB runs as
`:memory:` with temp_directory = '' (no spilling to disk); the children print aggregates only.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import csv
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from kaa.extract.codes import AVSLUTSORSAKER, DATE_NAMES, JA_NEJ, SYSSELSATTNING, VERKSAMHETER  # noqa: E402
from kaa.extract.register import PER_KON_MEASURES  # noqa: E402
from kaa.schema import AREA_MEASURES, SAKNAR_ALDER, UNIT_MEASURES  # noqa: E402
RSS_GOAL_MB = 600
RATIO_GOAL = 1.0
YEARS = "2016-2025"
LAST_YEAR = time.localtime().tm_year + 1

# The extract's codes as the generator writes them (DuckDB compares exact spellings).
# (One vocabulary: kaa.extract.codes, as the importer reads it and the generator writes it. The file's en
# dashes are written as hyphens for DuckDB's latin-1, see above.)
AVSLUTSORSAK = tuple(reason.replace("\u2013", "-") for reason in AVSLUTSORSAKER)
SAKNAR = "Saknar stadsdel"
# measure -> the conditions (column, accepted values) that must all hold; registrerade counts every row.
MEASURES = {
    "registrerade": [], "sokta": [("nadd", JA_NEJ)], "nadda": [("nadd", ("ja",))],
    "ej_nadda": [("nadd", ("nej",))],
    "nadda_sysselsatta": [("nadd", ("ja",)), ("sysselsattning", SYSSELSATTNING[:4])],
    "inskrivna": [("inskriven", ("ja",))], "nyinskrivna": [("nyinskriven", ("ja",))],
    **{f"nadda_{name}": [("nadd", ("ja",)), ("sysselsattning", (code,))] for name, code in zip(
        ("studier", "arbete", "utlandsstudier", "annan", "ingen", "okand"), SYSSELSATTNING)},
    "avslutade": [("avslutad", ("ja",))],
    **{name: [("avslutsorsak", (code,))] for name, code in zip(
        ("avslut_studier", "avslut_arbete", "avslut_annan", "avslut_jobbtorg_vuxen", "avslut_flyttat",
         "avslut_fyllt20", "avslut_okand"), AVSLUTSORSAK)},
    "utan_stadsdel": [("t.stadsdel", None)],  # no stadsdelsområde (None: the cell is empty)
}
# How ours keeps them (kaa.extract.register): Hela KAA per jobbtorg × kön, except PER_KON_MEASURES per kön and
# for the city; the units (verksamheter) per jobbtorg × kön, only UNIT_MEASURES.
UNITS = (("Hela KAA", None), ("Jobbtorg", "Jobbtorg"), ("Aim", "Aim"), ("Skolslussen", "Skolslussen"))
HEADLINE = ("registrerade", "nadda", "inskrivna", "avslutade")
# The optional dates (kaa.extract.dates): their rules and what ours counts with them (kaa.extract.periods), as SQL
# over a table d of the dates (DATE), the statuses, the year's first day ys and last day ye.
_SOKT = "nadd IN ('ja', 'nej')"
DATES = {
    "columns": list(DATE_NAMES),
    "events": ["avregistrerad_datum", "nadd_datum", "avslut_datum"],
    "status": [("uppsok_datum", _SOKT), ("nadd_datum", "nadd = 'ja'"), ("inskriven_datum", "inskriven = 'ja'"),
               ("avslut_datum", "avslutad = 'ja'")],
    "required": [("nadd_datum", "nadd = 'ja'"), ("avslut_datum", "avslutad = 'ja'")],
    "order": [("registrerad_datum", "uppsok_datum"), ("uppsok_datum", "nadd_datum"), ("registrerad_datum", "nadd_datum"),
              ("registrerad_datum", "inskriven_datum"), ("inskriven_datum", "avslut_datum"),
              ("registrerad_datum", "avslut_datum"),
              *((c, "avregistrerad_datum") for c in ("registrerad_datum", "uppsok_datum", "nadd_datum",
                                                      "inskriven_datum", "avslut_datum"))],
    "flows": [  # (measure, the date that places it in a month, which rows)
        ("nya_i_registret", "registrerad_datum", "registrerad_datum >= ys"),
        ("avregistrerade", "avregistrerad_datum", "avregistrerad_datum IS NOT NULL"),
        ("nya_under_uppsok", "uppsok_datum", f"{_SOKT} AND uppsok_datum >= ys"),
        ("nadda", "nadd_datum", "nadd = 'ja' AND nadd_datum IS NOT NULL"),
        ("ej_nadda_avregistrerade", "avregistrerad_datum", "nadd = 'nej' AND avregistrerad_datum IS NOT NULL"),
        ("nya_nadda", "uppsok_datum", "nadd = 'ja' AND uppsok_datum >= ys AND nadd_datum IS NOT NULL"),
        ("nya_inskrivna", "inskriven_datum", "inskriven = 'ja' AND inskriven_datum >= ys"),
        ("avslutade", "avslut_datum", "avslutad = 'ja' AND avslut_datum IS NOT NULL"),
        *((name, "avslut_datum", f"avslutad = 'ja' AND avslut_datum IS NOT NULL AND avslutsorsak = '{reason}'")
          for name, reason in zip(("avslut_studier", "avslut_arbete", "avslut_annan"), AVSLUTSORSAK)),
    ],
    # The flows whose year ours counts as a measure of its own (nadda and the exits are the year's as before).
    "yearly": ["nya_i_registret", "avregistrerade", "nya_under_uppsok", "ej_nadda_avregistrerade", "nya_nadda",
               "nya_inskrivna"],
    "within": [30, 90],
}


def num(n: float) -> str:
    return f"{n:,.0f}".replace(",", " ")


def stadsdel_map() -> dict[str, str]:
    with open(ROOT / "data" / "stadsdel_jobbtorg.csv", encoding="utf-8", newline="") as handle:
        return {row["stadsdel"]: row["jobbtorg"] for row in csv.DictReader(handle)}


def duckdb_plan() -> dict:
    """What the DuckDB child checks and counts (handed over as JSON: the spellings, not any work)."""
    mapping = stadsdel_map()
    codes = {"kon": ("Kvinna", "Man"), "alder": tuple(str(a) for a in range(15, 21)),
             "stadsdel": tuple(mapping), "jobbtorg": (*dict.fromkeys(mapping.values()), SAKNAR),
             "nadd": JA_NEJ, "sysselsattning": SYSSELSATTNING, "inskriven": JA_NEJ, "nyinskriven": JA_NEJ,
             "verksamhet": VERKSAMHETER, "avslutad": JA_NEJ, "avslutsorsak": AVSLUTSORSAK}
    return {"mapping": mapping, "codes": codes, "measures": MEASURES, "last_year": LAST_YEAR, "saknar": SAKNAR,
            "units": UNITS, "per_kon_measures": list(PER_KON_MEASURES), "unit_measures": list(UNIT_MEASURES),
            "area_measures": list(AREA_MEASURES), "saknar_alder": SAKNAR_ALDER, "dates": DATES}


# --- The children: each a `python -c` script; the clock starts on its first line ------------------------

DUCKDB_CHILD = r'''
import time
t0, w0 = time.perf_counter(), time.time()
import json, sys
import duckdb
t1 = time.perf_counter()
path, plan = sys.argv[1], json.loads(sys.argv[3])
con = duckdb.connect(":memory:", config={"temp_directory": ""})  # in memory, never spills to disk
con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{path}', delim=';', header=true, quote='\"', "
            "all_varchar=true, encoding='latin-1')")
t2 = time.perf_counter()
problems = con.execute(
    "SELECT count(*) FILTER (WHERE ar IS NULL OR person_id IS NULL OR kon IS NULL) + "
    f"count(*) FILTER (WHERE coalesce(TRY_CAST(ar AS INTEGER) NOT BETWEEN 2000 AND {plan['last_year']}, true)) "
    "FROM t").fetchone()[0]
problems += con.execute("SELECT count(*) FROM (SELECT ar, person_id FROM t GROUP BY ar, person_id "
                        "HAVING count(*) > 1)").fetchone()[0]
codes = plan["codes"]
distinct = con.execute(" UNION ALL ".join(f"(SELECT DISTINCT '{c}', {c} FROM t)" for c in codes)).fetchall()
problems += sum(1 for c, v in distinct if (v is None and c == "kon") or (v is not None and v not in codes[c]))
t3 = time.perf_counter()
con.execute("CREATE TABLE m (stadsdel VARCHAR, jobbtorg VARCHAR)")
con.executemany("INSERT INTO m VALUES (?, ?)", list(plan["mapping"].items()))

def cond(conditions, verksamhet):
    parts = [f"{c} IS NULL" if values is None else f"{c} IN ({', '.join(repr(v) for v in values)})"
             for c, values in conditions]
    return " AND ".join(parts + [f"verksamhet = '{verksamhet}'"] * bool(verksamhet)) or "true"

units = plan["units"]
aggregates = ", ".join(f"count(*) FILTER (WHERE {cond(conds, verksamhet)})" for _, verksamhet in units
                       for conds in plan["measures"].values())
# Cells, the margins per kön, and the city (GROUPING: 0, 2, 3), kept as ours keeps them.
rows = con.execute(f"SELECT CAST(t.ar AS INTEGER) AS a, coalesce(t.jobbtorg, m.jobbtorg, '{plan['saknar']}') AS j, "
                   f"t.kon AS k, GROUPING(j, k), {aggregates} FROM t LEFT JOIN m ON t.stadsdel = m.stadsdel "
                   "GROUP BY GROUPING SETS ((a, j, k), (a, k), (a))").fetchall()
names = [(unit, m) for unit, _ in units for m in plan["measures"]]
per_kon, unit_measures = set(plan["per_kon_measures"]), set(plan["unit_measures"])

def kept(level, unit, m):
    if unit != "Hela KAA":
        return level == 0 and m in unit_measures
    return level >= 2 if m in per_kon else level == 0

cells = {f"{a}|{j}|{k}|None|None|None|{unit}|{m}": x for a, j, k, level, *counts in rows
         for (unit, m), x in zip(names, counts) if x and kept(level, unit, m)}
# Per stadsdel and per age, for the whole KAA: the cells (jobbtorg × kön × place or age) and the margins.
area = plan["area_measures"]
counted = ", ".join(f"count(*) FILTER (WHERE {cond(plan['measures'][m], None)})" for m in area)
counted += f", count(*) FILTER (WHERE {cond(plan['measures']['inskrivna'], 'Aim')})"
rows = con.execute(f"SELECT CAST(t.ar AS INTEGER) AS a, coalesce(t.jobbtorg, m.jobbtorg, '{plan['saknar']}') AS j, "
                   f"t.kon AS k, coalesce(t.stadsdel, '{plan['saknar']}') AS s, "
                   f"coalesce(t.alder, '{plan['saknar_alder']}') AS g, {counted} "
                   "FROM t LEFT JOIN m ON t.stadsdel = m.stadsdel "
                   "GROUP BY GROUPING SETS ((a, j, k, s), (a, s), (a, j, k, g), (a, g))").fetchall()
cells.update({f"{a}|{j}|{k}|{s}|{g}|None|Hela KAA|{name}": x for a, j, k, s, g, *counts in rows
              for name, x in zip(area, counts) if x})
cells.update({f"{a}|{j}|{k}|{s}|None|None|Aim|inskrivna": counts[-1] for a, j, k, s, g, *counts in rows
              if s is not None and counts[-1]})
dated = plan["dates"] if "registrerad_datum" in [c[0] for c in con.execute("DESCRIBE t").fetchall()] else None
if dated:  # the optional dates: parsed, checked against the year, the statuses and each other, then counted
    casts = ", ".join(f"TRY_CAST(t.{c} AS DATE) AS {c}" for c in dated["columns"])
    con.execute(f"CREATE TABLE d AS SELECT CAST(t.ar AS INTEGER) AS a, coalesce(t.jobbtorg, m.jobbtorg, "
                f"'{plan['saknar']}') AS j, t.kon AS k, t.nadd, t.inskriven, t.avslutad, t.avslutsorsak, {casts}, "
                "make_date(CAST(t.ar AS INTEGER) - 1, 12, 1) AS ys, make_date(CAST(t.ar AS INTEGER), 11, 30) AS ye "
                "FROM t LEFT JOIN m ON t.stadsdel = m.stadsdel")
    bad = [f"count(*) FILTER (WHERE t.{c} IS NOT NULL AND TRY_CAST(t.{c} AS DATE) IS NULL)" for c in dated["columns"]]
    problems += sum(con.execute(f"SELECT {', '.join(bad)} FROM t").fetchone())
    rules = [f"{c} > ye" for c in dated["columns"]] + [f"{c} < ys" for c in dated["events"]]
    rules += [f"{c} IS NOT NULL AND NOT ({ok})" for c, ok in dated["status"]]
    rules += [f"{c} IS NULL AND {needed}" for c, needed in dated["required"]]
    rules += [f"{a} > {b}" for a, b in dated["order"]]
    problems += sum(con.execute("SELECT " + ", ".join(f"count(*) FILTER (WHERE {r})" for r in rules)
                                + " FROM d").fetchone())
    events = " UNION ALL ".join(f"SELECT a, j, k, '{name}' AS x, {column} AS w FROM d WHERE {where}"
                                for name, column, where in dated["flows"])
    con.execute(f"CREATE TABLE e AS {events}")
    for a, j, k, x, month, n in con.execute("SELECT a, j, k, x, strftime(w, '%Y-%m'), count(*) FROM e "
                                            "GROUP BY ALL").fetchall():
        cells[f"{a}|{j}|{k}|None|None|{month}|Hela KAA|{x}"] = n
    for a, j, k, x, n in con.execute("SELECT a, j, k, x, count(*) FROM e WHERE x IN ("
                                     + ", ".join(repr(x) for x in dated["yearly"]) + ") GROUP BY ALL").fetchall():
        cells[f"{a}|{j}|{k}|None|None|None|Hela KAA|{x}"] = n
    reached = "nadd = 'ja' AND uppsok_datum >= ys AND nadd_datum IS NOT NULL"
    for a, j, k, *within in con.execute(
            "SELECT a, j, k, " + ", ".join(f"count(*) FILTER (WHERE nadd_datum - uppsok_datum <= {days})"
                                           for days in dated["within"])
            + f" FROM d WHERE {reached} GROUP BY ALL").fetchall():
        for days, n in zip(dated["within"], within):
            if n:
                cells[f"{a}|{j}|{k}|None|None|None|Hela KAA|nadda_inom_{days}_dagar"] = n
    for a, j, k, median in con.execute(f"SELECT a, j, k, median(nadd_datum - uppsok_datum) FROM d WHERE {reached} "
                                       "GROUP BY GROUPING SETS ((a, j, k), (a, j), (a, k), (a))").fetchall():
        if median:
            cells[f"{a}|{j}|{k}|None|None|None|Hela KAA|dagar_till_nadd_median"] = float(median)
t4 = time.perf_counter()
print(json.dumps({"startup": w0 - float(sys.argv[2]), "imports": t1 - t0, "work": t4 - t1,
                  "phases": {"read": t2 - t1, "check": t3 - t2, "sum": t4 - t3},
                  "problems": int(problems), "cells": cells}))
'''

OURS_CHILD = r'''
import time
t0, w0 = time.perf_counter(), time.time()
import contextlib, io, json, sys
import kaa.cli, kaa.extract  # what `python -m kaa import` loads before it reads (the store: meanwhile, below)
from kaa import extract
from kaa.extract import pipeline  # where read_extract looks up its steps
t1 = time.perf_counter()
spent, results = {}, []

def timed(module, name, key):
    inner = getattr(module, name)

    def run(*args, **kwargs):
        start = time.perf_counter()
        try:
            out = inner(*args, **kwargs)
            if key == "extract":
                results.append(out)
            return out
        finally:
            spent[key] = spent.get(key, 0.0) + time.perf_counter() - start
    setattr(module, name, run)

for module, name, key in ((extract, "read_extract", "extract"), (pipeline, "_read_csv", "read"),
                          (pipeline, "_register_facts", "sum")):
    timed(module, name, key)
load_store = kaa.cli._load_store

def timed_store():  # the command loads kaa.store in a thread while it reads; its import_extract is timed
    module = load_store()
    timed(module, "import_extract", "store")
    return module
kaa.cli._load_store = timed_store
with contextlib.redirect_stdout(io.StringIO()) as printed:
    code = kaa.cli.main(["import", sys.argv[1], "--name", "benchmark"])
t2 = time.perf_counter()
assert code == 0 and "Importerad som" in printed.getvalue(), printed.getvalue()[-2000:]
facts = results[0].fact_columns()  # the facts as stored (the pandas frame is never built by the command)
cells = {f"{a}|{j}|{k}|{s}|{g}|{p}|{v}|{m}": x if m == "dagar_till_nadd_median" else int(x)
         for a, j, k, s, g, p, v, m, x in zip(facts["ar"], facts["jobbtorg"], facts["kon"], facts["stadsdel"],
                                               facts["alder"], facts["period"], facts["verksamhet"], facts["measure"],
                                               facts["value"]) if x}
work = t2 - t1
print(json.dumps({"startup": w0 - float(sys.argv[2]), "imports": t1 - t0, "work": work,
                  "phases": {"read": spent["read"], "check": spent["extract"] - spent["read"] - spent["sum"],
                             "sum": spent["sum"], "notices": work - spent["extract"] - spent["store"],
                             "store": spent["store"]},
                  "problems": 0, "cells": cells}))
'''


# --- Running ----------------------------------------------------------------------------------------------

class Store:
    """A fresh, empty store for each run of ours: a new KAA_DATA_DIR, and on PostgreSQL a new database."""

    def __init__(self, tmp: Path, server_url: str | None):
        self.tmp, self.server_url, self.count, self.databases = tmp, server_url, 0, []

    @contextlib.contextmanager
    def fresh(self):
        self.count += 1
        directory = Path(tempfile.mkdtemp(prefix="store-", dir=self.tmp))
        env = {"KAA_DATA_DIR": str(directory)}
        if self.server_url:
            import sqlalchemy as sa

            name = f"kaa_bench_{os.getpid()}_{self.count}"
            admin = sa.create_engine(self.server_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.exec_driver_sql(f"CREATE DATABASE {name}")
            admin.dispose()
            env["KAA_DATABASE_URL"] = self.server_url.rsplit("/", 1)[0] + f"/{name}"
            self.databases.append(name)
        # The store exists already, migrated, as on every machine where the dashboard or an earlier
        # import has run: creating it is a one-off (Alembic's migrations, about 0,2 s) and not timed.
        subprocess.run([sys.executable, "-c", "from kaa.store import db; db.engine_for(write=True)"], cwd=ROOT,
                       env={**{k: v for k, v in os.environ.items() if k not in ("KAA_DATA_DIR", "KAA_DATABASE_URL")},
                            **env}, check=True)
        try:
            yield env
        finally:
            shutil.rmtree(directory, ignore_errors=True)

    def drop_all(self) -> None:
        if not self.server_url or not self.databases:
            return
        import sqlalchemy as sa

        admin = sa.create_engine(self.server_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in self.databases:
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def spawn(command: list[str], extra_env: dict[str, str], out: Path) -> dict:
    """Run a command as a whole process; wall seconds, CPU seconds and peak RSS from the kernel."""
    env = {k: v for k, v in os.environ.items() if k not in ("KAA_DATA_DIR", "KAA_DATABASE_URL")}
    env.update(extra_env)
    with open(out, "wb") as stdout, open(out.with_suffix(".err"), "wb") as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=stdout, stderr=stderr)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    text = out.read_text(encoding="utf-8", errors="replace")
    if process.returncode:
        raise RuntimeError(f"{command[:3]} exited with {process.returncode}:\n{text[-2000:]}\n"
                           f"{out.with_suffix('.err').read_text(errors='replace')[-3000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024, "out": text}


def whole(name: str, path: Path, stores: Store, tmp: Path) -> dict:
    if name == "ours":
        with stores.fresh() as env:
            run = spawn([sys.executable, "-m", "kaa", "import", str(path), "--name", "benchmark"], env, tmp / "out")
        if "Importerad som" not in run["out"]:
            raise RuntimeError(f"ours did not import:\n{run['out'][-2000:]}")
    else:
        run = spawn([sys.executable, "-c", DUCKDB_CHILD, str(path), str(time.time()), json.dumps(duckdb_plan())],
                    {}, tmp / "out")
    del run["out"]
    return run


def in_process(name: str, path: Path, stores: Store, tmp: Path) -> dict:
    script, plan = (OURS_CHILD, "{}") if name == "ours" else (DUCKDB_CHILD, json.dumps(duckdb_plan()))
    with stores.fresh() if name == "ours" else contextlib.nullcontext({}) as env:
        run = spawn([sys.executable, "-c", script, str(path), str(time.time()), plan],
                    env, tmp / "out")
    report = json.loads(run.pop("out").strip().splitlines()[-1])
    return {**run, **report, "total": report["imports"] + report["work"]}


def series(measure, path: Path, stores: Store, tmp: Path, runs: int, label: str) -> dict[str, list[dict]]:
    results: dict[str, list[dict]] = {"ours": [], "duckdb": []}
    for i in range(runs + 1):  # the first pair warms the page cache and the machine up; it is not counted
        for name in results:
            run = measure(name, path, stores, tmp)
            if i:
                results[name].append(run)
            key = "wall" if measure is whole else "total"
            print(f"{label:>13} {'warm-up' if not i else f'run {i}/{runs}':>9} {name:<6} {run[key]:6.2f} s "
                  f"{run['rss_mb']:5.0f} MB", file=sys.stderr)
    return results


def verify(results: dict[str, list[dict]]) -> str:
    ours = results["ours"][0]["cells"]
    for run in results["duckdb"]:
        assert run["problems"] == 0, f"DuckDB found {run['problems']} problems in a clean file"
        if run["cells"] != ours:
            diff = sorted(k for k in ours.keys() | run["cells"].keys() if ours.get(k) != run["cells"].get(k))
            raise AssertionError("DuckDB differs from ours: " + "; ".join(
                f"{k}: ours {ours.get(k)}, DuckDB {run['cells'].get(k)}" for k in diff[:10]))
    years = sorted({key.split("|")[0] for key in ours})
    total = {m: sum(v for k, v in ours.items()
                    if k.startswith(years[-1] + "|") and k.endswith(f"|None|None|None|Hela KAA|{m}")) for m in HEADLINE}
    return (f"Same result: DuckDB gives exactly our {len(ours)} non-zero figures per (ar, jobbtorg, kon, stadsdel, "
            f"alder, period, verksamhet, measure) ({years[-1]}: " + ", ".join(f"{m} {num(total[m])}" for m in HEADLINE) + ").")


def med(runs: list[dict], key: str, sub: str | None = None) -> float:
    return statistics.median(r[key][sub] if sub else r[key] for r in runs)


def ratio(results: dict[str, list[dict]], key: str) -> tuple[float, float, float]:
    pairs = [a[key] / b[key] for a, b in zip(results["ours"], results["duckdb"])]
    return statistics.median(pairs), min(pairs), max(pairs)


def whole_table(results: dict[str, list[dict]]) -> list[str]:
    ours, duck = results["ours"], results["duckdb"]
    r, lo, hi = ratio(results, "wall")
    c = ratio(results, "cpu")[0]
    return ["Whole process, from the shell:", "",
            "| | Wall s | CPU s | Peak RSS MB |", "|---|--:|--:|--:|",
            f"| Ours: python -m kaa import | {med(ours, 'wall'):.2f} | {med(ours, 'cpu'):.2f} | "
            f"{max(x['rss_mb'] for x in ours):.0f} |",
            f"| DuckDB: python -c (read_csv, checks, GROUP BY) | {med(duck, 'wall'):.2f} | {med(duck, 'cpu'):.2f} | "
            f"{max(x['rss_mb'] for x in duck):.0f} |",
            f"| Ours / DuckDB (median of pairs; min-max) | {r:.2f} ({lo:.2f}-{hi:.2f}) | {c:.2f} | |"]


def in_process_table(results: dict[str, list[dict]]) -> list[str]:
    ours, duck = results["ours"], results["duckdb"]
    r, lo, hi = ratio(results, "total")
    w = ratio(results, "work")[0]

    def phases(runs):
        return ", ".join(f"{k} {med(runs, 'phases', k):.2f}" for k in runs[0]["phases"])

    return ["In process, the clock started before the imports (seconds):", "",
            "| | Interpreter start | Imports | Work | Imports + work | Work by phase |", "|---|--:|--:|--:|--:|---|",
            f"| Ours | {med(ours, 'startup'):.2f} | {med(ours, 'imports'):.2f} | {med(ours, 'work'):.2f} | "
            f"{med(ours, 'total'):.2f} | {phases(ours)} |",
            f"| DuckDB | {med(duck, 'startup'):.2f} | {med(duck, 'imports'):.2f} | {med(duck, 'work'):.2f} | "
            f"{med(duck, 'total'):.2f} | {phases(duck)} |",
            f"| Ours / DuckDB (median of pairs) | | {ratio(results, 'imports')[0]:.2f} | {w:.2f} | "
            f"{r:.2f} ({lo:.2f}-{hi:.2f}) | |",
            "", f"Peak RSS in process (MB): ours {max(x['rss_mb'] for x in ours):.0f}, "
                f"DuckDB {max(x['rss_mb'] for x in duck):.0f}."]


def goals(wholes: dict, inside: dict) -> list[str]:
    mark = lambda ok: "yes" if ok else "**NO**"  # noqa: E731
    w, i = ratio(wholes, "wall")[0], ratio(inside, "total")[0]
    rss = max(x["rss_mb"] for runs in (wholes["ours"], inside["ours"]) for x in runs)
    return ["Goals:",
            f"- Whole process no slower than DuckDB (ratio <= {RATIO_GOAL:.1f}): {mark(w <= RATIO_GOAL)} ({w:.2f})",
            f"- In process, imports + work, no slower than DuckDB: {mark(i <= RATIO_GOAL)} ({i:.2f})",
            f"- Peak RSS of ours under {RSS_GOAL_MB} MB: {mark(rss < RSS_GOAL_MB)} ({rss:.0f} MB)"]


def package(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "-"


def machine(load_start: float, backend: str) -> str:
    u = platform.uname()
    model = platform.processor() or u.machine
    with contextlib.suppress(OSError):
        model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
                     model)
    return (f"Machine: {os.cpu_count()} CPUs ({model}), {u.system} {u.release} {u.machine}; Python "
            f"{platform.python_version()}, pandas {package('pandas')}, pyarrow {package('pyarrow')}, numpy "
            f"{package('numpy')}, SQLAlchemy {package('sqlalchemy')}, duckdb {package('duckdb')}; store: {backend}; "
            f"load average {load_start:.2f} at start, {os.getloadavg()[0]:.2f} at end; {dt.date.today().isoformat()}.")


@contextlib.contextmanager
def server(args) -> str | None:
    if args.database_url:
        yield args.database_url
    elif args.postgres:
        sys.path.insert(0, str(ROOT))
        from tests.pgserver import postgres_server

        with postgres_server() as url:
            yield url
    else:
        yield None


def server_version(url: str) -> str:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as connection:
        text = connection.exec_driver_sql("SHOW server_version").scalar()
    engine.dispose()
    return f"PostgreSQL {text.split()[0]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows in the extract (default 1000000)")
    parser.add_argument("--runs", type=int, default=5, help="counted runs of each, per measurement (default 5)")
    parser.add_argument("--postgres", action="store_true",
                        help="store ours on a throwaway PostgreSQL server (tests/pgserver.py) instead of SQLite")
    parser.add_argument("--database-url", metavar="URL",
                        help="store ours on this PostgreSQL server (SQLAlchemy URL); each run creates a database "
                             "kaa_bench_* on it and all of them are dropped at the end")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--without-dates", action="store_true",
                        help="an extract without the optional date columns (the import before months)")
    args = parser.parse_args()
    if args.runs < 1 or args.rows < 1:
        parser.error("--runs and --rows must be at least 1")

    load = os.getloadavg()[0]
    compileall.compile_dir(ROOT / "kaa", quiet=1)  # see "Bytecode" above
    with tempfile.TemporaryDirectory(prefix="kaa-import-bench-") as tmp, server(args) as url:
        tmp = Path(tmp)
        backend = server_version(url) if url else "SQLite (a new KAA_DATA_DIR per run)"
        path = tmp / f"demo-{args.rows}.csv"
        print(f"generating {args.rows} rows …", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "kaa", "demo", "--rows", str(args.rows), "--years", YEARS,
                        "--out", str(path), *(["--utan-datum"] * args.without_dates)], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        data = path.read_bytes()
        dashes = data.count("–".encode("cp1252"))
        path.write_bytes(data.replace("–".encode("cp1252"), b"-"))  # DuckDB's latin-1 rejects 0x80-0x9F
        size_mb = len(data) / 1e6
        del data
        stores = Store(tmp, url)
        try:
            wholes = series(whole, path, stores, tmp, args.runs, "whole process")
            inside = series(in_process, path, stores, tmp, args.runs, "in process")
        finally:
            stores.drop_all()
        check = verify(inside)

    lines = [f"Import of a synthetic register extract: {num(args.rows)} rows "
             f"({'without' if args.without_dates else 'with'} dates, {size_mb:.0f} MB, Windows-1252, `;`, "
             f"{num(dashes)} en dashes written as hyphens), store: {backend}. Median of {args.runs} alternating runs "
             "of each after one warm-up pair.", ""]
    lines += whole_table(wholes) + [""] + in_process_table(inside) + ["", check, ""] + goals(wholes, inside)
    lines += ["", machine(load, backend)]
    print("\n".join(lines))
    if args.json:
        strip = lambda runs: [{k: v for k, v in r.items() if k != "cells"} for r in runs]  # noqa: E731
        args.json.write_text(json.dumps({
            "rows": args.rows, "runs": args.runs, "store": backend,
            "whole_process": {k: strip(v) for k, v in wholes.items()},
            "in_process": {k: strip(v) for k, v in inside.items()},
            "goals": goals(wholes, inside), "machine": machine(load, backend)}, ensure_ascii=False, indent=2),
            encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
