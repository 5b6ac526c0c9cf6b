"""An outside audit of small-cell protection: everything published, solved for the hidden figures.

The audit knows only what a reader of the dashboard and the CLI knows, and nothing of
kaa/masking.py:

- every figure `metrics.table` publishes (the CLI's `python -m kaa table`, and the pages,
  which lay out the same frames), for every grouping, for Hela KAA and each verksamhet, for every
  jobbtorg and kön filter it is asked to try, with shares and changes from the year before,
- that a shown count is the sum of its jobbtorg × kön cells (for registrerade, sokta, nadda and ej_nadda,
  which are also published per stadsdel and per age, and for Aim's inskrivna, also published per stadsdel: of
  its jobbtorg × kön × stadsdel × ålder cells, the people themselves, counted from the file by this module),
  that counts are whole numbers
  of 0 or more, and what the symbols mean (`legend_for`, as the README and the pages say),
- sokta = nadda + ej_nadda, the README's relations between measures, and each verksamhet (and the
  three together) ≤ the whole KAA, in every cell.

An extract with dates publishes more (kaa.periods, for the whole city and KAA only): every month, Skolverket's
half-year and year of the flows and of the states (registrerade, sokta, inskrivna), the year so far up to every
month end the extracts reach (beside the same span a year earlier), and the shares shown with them; and, through
`metrics.table` as every other count, the year's new (nya_i_registret, nya_under_uppsok, nya_nadda, nya_inskrivna),
who left (avregistrerade, ej_nadda_avregistrerade) and who was reached within 30 and 90 days. The audit writes each
period figure itself, from what the figures are (kaa.periods' docstring), over the true jobbtorg × kön × month
cells of each flow (counted from the file's dates here, `date_cells`), and a reader knows at every jobbtorg × kön
cell: the months of a flow add up to its year; by every month no one has left the register, uppsök or support
without having entered it, and no one entered uppsök or support without being registered; per month the new
reached are some of the new under uppsök, the unreached who left some of all who left, and the three exit
reasons some of all exits; the README's relations of the yearly date measures to the other counts.

From that it builds one integer program over the cells of the audited years and asks,
with HiGHS (highspy, and scipy's linprog and milp):

- for every primary small count (a hidden cell, margin or total whose true value is 1 to
  min_cell-1): is every value from 1 to min_cell-1 possible? (integer feasibility, each value)
- for every hidden figure, sums over a filter included: can it take at least two values?
- as the outside audit did, the linear-programming range (min and max) of every hidden figure.

The true figures (the analyst view, `min_cell=0`) must satisfy every constraint first;
otherwise the audit itself is wrong.

Every integer solution found is kept and read for all figures at once, so most questions are
answered by solutions found for others. Solutions are sought as the least move of the figures from
the truth, a linear program kept warm in HiGHS whose vertices are mostly whole-numbered (a vertex that
is, meeting every constraint, is a solution like any other): first towards many open questions at
once, then for each question still open a program of its own, whose infeasibility proves that no
integer solution exists either; only where its vertex is fractional does an integer program decide.

Run outside the tests on a fresh synthetic extract:

    python -m tests.disclosure_audit --rows 1000 --seed 7
    python -m tests.disclosure_audit --rows 1000 --seed 7 --masking /tmp/old_masking.py --legend old
    python -m tests.disclosure_audit --rows 600 --seed 3 --dates --filters none
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import itertools
import math
import multiprocessing
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from kaa import demo, extract, masking, metrics, periods, schema
from kaa.metrics import Selection

JOBBTORG = schema.JOBBTORG_NAMES
KON = schema.KON_VALUES
ALL_CELLS = frozenset(itertools.product(JOBBTORG, KON))
INF = math.inf



def legend_for(min_cell: int = 5) -> dict:
    """What the symbols mean, as the README and the pages say: (lowest, highest) a hidden count can be."""
    return {f"<{min_cell}": (1, min_cell - 1), "..": (0, INF)}


def old_legend_for(min_cell: int = 5) -> dict:
    """What they meant before issue 9: `..` was "not 1–4", i.e. 0 or at least 5. That was true of the
    cells, margins and totals only (a filtered sum shown as `..` could be 1–4), so the audit reads it
    so: on other figures `..` is any count."""
    return {f"<{min_cell}": (1, min_cell - 1), "..": "not small"}


LEGEND = legend_for()

OCCUPIED = ("nadda_studier", "nadda_arbete", "nadda_utlandsstudier", "nadda_annan")
REASONS = ("avslut_studier", "avslut_arbete", "avslut_annan", "avslut_jobbtorg_vuxen", "avslut_flyttat",
           "avslut_fyllt20", "avslut_okand")
SUMS = (("sokta", ("nadda", "ej_nadda")), ("nadda_sysselsatta", OCCUPIED))
AT_MOST = (
    (("nadda_sysselsatta",), "nadda"),
    (OCCUPIED + ("nadda_ingen", "nadda_okand"), "nadda"),
    (("sokta",), "registrerade"),
    (("inskrivna",), "registrerade"),
    (("utan_stadsdel",), "registrerade"),
    (("nyinskrivna",), "inskrivna"),
    (("avslutade",), "inskrivna"),
    (REASONS, "avslutade"),
    # The README's relations of what the dates count: the new and those who left are some of all, the new reached
    # some of the new under uppsök and of all reached, within 30 days some of within 90, and those some of the new
    # reached; the unreached who left the register some of the unreached and of all who left.
    (("nya_i_registret",), "registrerade"),
    (("avregistrerade",), "registrerade"),
    (("nya_under_uppsok",), "sokta"),
    (("nya_nadda",), "nya_under_uppsok"),
    (("nya_nadda",), "nadda"),
    (("nadda_inom_30_dagar",), "nadda_inom_90_dagar"),
    (("nadda_inom_90_dagar",), "nya_nadda"),
    (("nya_inskrivna",), "inskrivna"),
    (("ej_nadda_avregistrerade",), "ej_nadda"),
    (("ej_nadda_avregistrerade",), "avregistrerade"),
)
#: The yearly counts of an extract with dates (kaa.extract.periods), per jobbtorg × kön of the whole KAA.
DATED = ("nya_i_registret", "avregistrerade", "nya_under_uppsok", "ej_nadda_avregistrerade", "nya_nadda",
         "nya_inskrivna", "nadda_inom_30_dagar", "nadda_inom_90_dagar")
#: The counts a register extract has (kontakt_* are the report's only).
COUNTS = ("registrerade", "sokta", "nadda", "ej_nadda", "nadda_sysselsatta", *OCCUPIED, "nadda_ingen",
          "nadda_okand", "inskrivna", "nyinskrivna", "avslutade", *REASONS, "utan_stadsdel", *DATED)
#: What is counted per month of the statistics year (December before it is month 0): each a flow whose months add
#: up to the year's count of the same name.
FLOWS = ("nya_i_registret", "avregistrerade", "nya_under_uppsok", "nadda", "ej_nadda_avregistrerade", "nya_nadda",
         "nya_inskrivna", "avslutade", "avslut_studier", "avslut_arbete", "avslut_annan")
MONTHS = 12
#: The states a period counts each young person in once: (the year's count, its new per month, who leave it).
STATES = {
    "registrerade": ("nya_i_registret", ("avregistrerade",)),
    "sokta": ("nya_under_uppsok", ("nadda", "ej_nadda_avregistrerade")),
    "inskrivna": ("nya_inskrivna", ("avslutade",)),
}
#: (inner, outer): by every month, whoever had entered the inner state had entered the outer one.
STATE_WITHIN = (("sokta", "registrerade"), ("inskrivna", "registrerade"))
#: Per month: the parts at most the whole.
MONTH_AT_MOST = ((("nya_nadda",), "nya_under_uppsok"), (("ej_nadda_avregistrerade",), "avregistrerade"),
                 (("avslut_studier", "avslut_arbete", "avslut_annan"), "avslutade"))
PERIOD = "period"  # a Figure's place for a figure of kaa.periods: ("period", its parts)
#: How many figures one program moves towards their targets at once (`Audit.run`).
TOGETHER = 100
TOGETHER_LEAST = 25  # halved no further than this, when a vertex is fractional
UNITS = ("Jobbtorg", "Aim", "Skolslussen")  # each, and all three together, at most the whole KAA


# --- What is published ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One published count: the cells it sums (within `place`, a stadsdel or an age, if any), and its value or
    its symbol."""

    year: int
    verksamhet: str
    measure: str
    cells: frozenset
    label: str
    value: float
    place: tuple = ()  # ("stadsdel", "Bromma"), ("alder", "17"), ("period", parts) or () for every place and age

    @property
    def key(self) -> tuple:
        return self.year, self.verksamhet, self.measure, self.cells, self.place

    @property
    def is_fact_shaped(self) -> bool:
        """A cell, a jobbtorg's or a kön's margin or the total: what protection labels itself. Of the periods, the
        city's figure of one month of a flow (the rest are worked out from those and the years)."""
        if self.place[:1] == (PERIOD,):
            parts = self.place[1]
            return len(parts) == 1 and parts[0][1] == parts[0][2] and self.measure in FLOWS
        c = self.cells
        if len(c) == 1 or c == ALL_CELLS:
            return True
        js, ks = {j for j, _ in c}, {k for _, k in c}
        return (len(js) == 1 and ks == set(KON)) or (len(ks) == 1 and js == set(JOBBTORG))


@dataclass
class Published:
    figures: dict = field(default_factory=dict)   # key -> Figure (the first seen; all must agree)
    shares: list = field(default_factory=list)    # (year, verksamhet, numerators, denominator, cells, value, place)
    changes: list = field(default_factory=list)   # (year, previous year, verksamhet, measure, cells, change, place)
    share_changes: list = field(default_factory=list)  # (previous year, verksamhet, spec, cells, share then, place)
    disagreements: list = field(default_factory=list)
    unexplained: list = field(default_factory=list)  # figures shown that the audit cannot write over the cells
    tables: int = 0


def _covered(row: dict, by: list[str], dimension: str, chosen, everything) -> frozenset | tuple:
    shown = row.get(dimension, schema.TOTALT)
    if dimension in by and shown != schema.TOTALT:
        return (shown,)
    if dimension in by or chosen is None:  # Totalt of a breakdown is the whole dimension, as in the report
        return tuple(everything)
    return tuple(chosen)


def default_filters() -> list[tuple]:
    """Jobbtorg filters to try: none, each pair and each all-but-one (sums over a chosen set; a single
    jobbtorg is its margin, which the tables by jobbtorg show already)."""
    pairs = list(itertools.combinations(JOBBTORG, 2))
    all_but_one = [tuple(j for j in JOBBTORG if j != left) for left in JOBBTORG]
    return [None] + pairs + all_but_one


def every_filter() -> list[tuple]:
    return [None] + [c for r in range(1, len(JOBBTORG)) for c in itertools.combinations(JOBBTORG, r)]


def collect(protected: pd.DataFrame, years: list[int], jobbtorg_filters: list | None = None,
            table=metrics.table, min_cell: int = 5, workers: int | None = None,
            periods_too: bool = True) -> Published:
    """Every figure `table` publishes for the audited years, across groupings, filters and verksamheter, and (for
    years with months) every figure of the periods (`period_requests`).

    The tables are independent, so they are made in `workers` forked processes (default: one per core)."""
    jobbtorg_filters = default_filters() if jobbtorg_filters is None else jobbtorg_filters
    kon_filters = [None] + [(k,) for k in KON]
    requests = []
    for verksamhet in schema.VERKSAMHET_VALUES:
        for by in (["ar"], ["kon"], ["jobbtorg"], ["jobbtorg", "kon"]):
            # A jobbtorg filter on a table by jobbtorg only drops rows; its Totalt is the whole.
            jfs = jobbtorg_filters if "jobbtorg" not in by else [None]
            kfs = kon_filters if "kon" not in by else [None]
            requests += [(verksamhet, by, jf, kf) for jf in jfs for kf in kfs]
        # Per stadsdel and per age (published for the whole KAA only; asked with a breakdown or a filter they
        # must show nothing but "–").
        for by in (["stadsdel"], ["alder"], ["stadsdel", "kon"], ["jobbtorg", "alder"]):
            requests += [(verksamhet, by, None, kf) for kf in kon_filters]
    if periods_too and _dated(protected, years):
        requests = period_requests(protected, years, min_cell) + requests
    job = (protected, set(years), table, min_cell)
    workers = workers or os.cpu_count() or 1
    chunks = [requests[i::workers] for i in range(workers)]
    if workers == 1:
        parts = [_collect_part(job, chunks[0])]
    else:
        global _JOB
        _JOB = job  # inherited by the forked workers, never pickled
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            parts = list(pool.map(_collect_chunk, chunks))
    out = Published()
    # The tables first; then the periods, which show every hidden figure as `..` (`_keep`).
    for part, lenient in [(tables, False) for tables, _ in parts] + [(dated, True) for _, dated in parts]:
        for figure in part.figures.values():
            _keep(out, figure, lenient)
        out.shares += part.shares
        out.changes += part.changes
        out.share_changes += part.share_changes
        out.disagreements += part.disagreements
        out.unexplained += part.unexplained
        out.tables += part.tables
    return out


def _keep(out: Published, figure: Figure, lenient: bool = False) -> None:
    """Add a figure seen in a view; the same figure seen again must agree. `lenient`: a period view shows every
    hidden figure as `..` (any count), where the tables may show the same year figure as `<5`; a reader knows both."""
    known = out.figures.setdefault(figure.key, figure)
    if (known.label, known.label or known.value) == (figure.label, figure.label or figure.value):
        return
    if lenient and known.label and figure.label and ".." in (known.label, figure.label):
        out.figures[figure.key] = known if known.label != ".." else figure
        return
    out.disagreements.append((known, figure))


_JOB = None


def _collect_chunk(requests) -> tuple[Published, Published]:
    return _collect_part(_JOB, requests)


def _collect_part(job, requests) -> tuple[Published, Published]:
    """The figures of the tables asked for, and those of the periods asked for."""
    protected, years, table, min_cell = job
    out, dated = Published(), Published()
    for request in requests:
        if request[0] == PERIOD:
            _collect_period(dated, protected, years, *request[1:])
            continue
        verksamhet, by, jf, kf = request
        sel = Selection(jobbtorg=jf, kon=kf, verksamhet=verksamhet, min_cell=min_cell)
        frame, labels = table(protected, by, sel, yoy=True, masks=True)
        out.tables += 1
        _read(out, frame, labels, by, jf, kf, verksamhet, years)
    return out, dated


def _read(out: Published, frame: pd.DataFrame, labels: pd.DataFrame, by, jf, kf, verksamhet, years) -> None:
    records, marks = frame.to_dict("records"), labels.to_dict("records")
    for row, mark in zip(records, marks):
        year = int(row["ar"])
        cells = frozenset(itertools.product(_covered(row, by, "jobbtorg", jf, JOBBTORG),
                                            _covered(row, by, "kon", kf, KON)))
        place = next(((d, row[d]) for d in schema.AREA_DIMENSIONS if d in by and row[d] != schema.TOTALT), ())
        if year not in years:
            continue
        for measure in COUNTS:
            value, label = row.get(measure), mark.get(measure, "")
            if value is None or (pd.isna(value) and not label):
                continue  # missing in the source, not hidden
            figure = Figure(year, verksamhet, measure, cells, label, float(value) if not label else math.nan, place)
            known = out.figures.setdefault(figure.key, figure)
            if (known.label, known.label or known.value) != (figure.label, figure.label or figure.value):
                out.disagreements.append((known, figure))
            change = row.get(measure + metrics.CHANGE_SUFFIX)
            previous = row.get("jamfort_med_ar")
            if change is not None and not pd.isna(change) and not pd.isna(previous):
                out.changes.append((year, int(previous), verksamhet, measure, cells, float(change), place))
        for spec in schema.SHARES:
            value = row.get(spec.name)
            if value is None or pd.isna(value):
                continue
            out.shares.append((year, verksamhet, spec.numerators, spec.denominator, cells, float(value), place))
            change = row.get(spec.name + metrics.CHANGE_SUFFIX)
            previous = row.get("jamfort_med_ar")
            if change is not None and not pd.isna(change) and not pd.isna(previous):
                out.share_changes.append((int(previous), verksamhet, spec, cells, float(value) - float(change), place))


def _dated(protected: pd.DataFrame, years) -> bool:
    if PERIOD not in protected:
        return False
    return bool((protected[PERIOD].notna() & protected[schema.AR].isin(list(years))).any())


def month_label(year: int, month: int) -> str:
    """The calendar month of month `month` of statistics year `year`: `2020-12` for month 0 of 2021."""
    return f"{year - 1 + (11 + month) // 12:04d}-{(11 + month) % 12 + 1:02d}"


def month_of(year: int, day: dt.date) -> int:
    """The month of statistics year `year` a day lies in: 0 for December of the year before … 11 for November."""
    return (day.year - (year - 1)) * 12 + day.month - 12


def _parts(kind: str, year: int, label: str) -> tuple | None:
    """What a period is, from its label (the parts of months it spans: (year, first month, last month) each), as the
    README and kaa.periods say: a month; H1 January–June; H2 July–November and the next year's December; the year
    so far from 1 December to a month's end; the whole year (None: the year's own figure)."""
    if kind == periods.MANAD:
        month = dt.date.fromisoformat(label + "-01")
        return ((year, month_of(year, month), month_of(year, month)),)
    if kind == periods.HALVAR:
        return ((year, 1, 6),) if label.endswith("H1") else ((year, 7, 11), (year + 1, 0, 0))
    if kind == periods.HITTILLS:
        first, _, last = label.partition("–")
        assert dt.date.fromisoformat(first) == dt.date(year - 1, 12, 1), label
        return ((year, 0, month_of(year, dt.date.fromisoformat(last))),) if last else ()
    return None


def period_requests(protected: pd.DataFrame, years: list[int], min_cell: int = 5) -> list[tuple]:
    """Everything kaa.periods publishes for the audited years: the months, half-years and years
    (`periods.rollup`), and the year so far to every month end the extracts reach, beside the same span a year
    earlier (`periods.so_far`), for the city and the whole KAA, with the shares computed from them; the pages show
    those (kaa.panels asks with the selection's years and threshold only). And, once each, the periods split by a
    verksamhet, a jobbtorg or a kön, which must show nothing (a figure there is `unexplained`)."""
    sel = Selection(min_cell=min_cell)
    days = periods.month_ends(protected)
    out = [(PERIOD, kind, sel, False) for kind in periods.KINDS]
    out += [(PERIOD, day, sel, False) for day in days if periods.span_of(day)[0] in years]
    splits = [Selection(verksamhet=schema.AIM, min_cell=min_cell),
              Selection(jobbtorg=(JOBBTORG[0],), min_cell=min_cell), Selection(kon=(KON[0],), min_cell=min_cell)]
    out += [(PERIOD, kind, split, True) for kind, split in zip(periods.KINDS, splits)]
    return out + [(PERIOD, days[0], splits[0], True)] if days else out


def _collect_period(out: Published, protected: pd.DataFrame, years: set, what, sel: Selection, split: bool) -> None:
    """One period frame: `what` a kind (periods.rollup) or a day (periods.so_far)."""
    if isinstance(what, dt.date):
        kind, long = periods.HITTILLS, periods.so_far(protected, what, sel)
    else:
        kind, long = what, periods.rollup(protected, what, sel)
    out.tables += 1
    if split:
        said = long[long["value"].notna() | (long[metrics.MASKED] != "")]
        out.unexplained += [f"{sel}: {row}" for row in said.to_dict("records")]
    else:
        _read_period(out, kind, long, years)


_SHARES = {spec.name: spec for spec in schema.SHARES}


def _read_period(out: Published, kind: str, long: pd.DataFrame, years: set) -> None:
    """A period frame's counts as Figures over the cells (place ("period", parts); a year's as the year's own
    figure), its shown shares as share relations."""
    shown = long[long["value"].notna() | (long[metrics.MASKED] != "")]
    for row in shown.to_dict("records"):
        year, measure, label = int(row[schema.AR]), row["measure"], row[metrics.MASKED]
        parts = _parts(kind, year, str(row[PERIOD]))
        if year not in years or (parts and any(y not in years for y, _, _ in parts)):
            continue
        place = () if parts is None else (PERIOD, parts)
        said = f"{kind} {row[PERIOD]} {measure}"
        if measure in _SHARES:
            spec = _SHARES[measure]
            if label:
                continue  # a hidden share says nothing
            if parts is not None and not all(m in FLOWS or m in STATES for m in (*spec.numerators, spec.denominator)):
                out.unexplained.append(f"{said} = {row['value']}: not a sum of months")
                continue
            out.shares.append((year, schema.HELA_KAA, spec.numerators, spec.denominator, ALL_CELLS,
                               float(row["value"]), place))
            continue
        if measure not in COUNTS or (parts is not None and measure not in FLOWS and measure not in STATES):
            out.unexplained.append(f"{said} = {label or row['value']}: not a figure of the cells")
            continue
        if parts == ():
            out.unexplained.append(f"{said} = {label or row['value']}: no month is over")
            continue
        _keep(out, Figure(year, schema.HELA_KAA, measure, ALL_CELLS, label,
                          float(row["value"]) if not label else math.nan, place))


def fine_facts(data: bytes, name: str) -> pd.DataFrame:
    """Every count of an extract per jobbtorg × kön, for every verksamhet: the cells behind what the store keeps
    coarser (kaa.extract.register's PER_KON_MEASURES). No reader sees them; the audit needs them as the true
    figures that its constraints must hold for."""
    from kaa.extract import register

    kept = register.PER_KON_MEASURES
    register.PER_KON_MEASURES = ()
    try:
        result = extract.read_extract(data, name)
    finally:
        register.PER_KON_MEASURES = kept
    facts = result.facts
    counted = date_cells(data)
    if len(counted):  # what the dates count, from the rows here, in place of the importer's
        dated = facts["measure"].isin(DATED) | (facts[PERIOD].notna() if PERIOD in facts else False)
        facts = facts[~dated]
    return pd.concat([facts, person_cells(data), counted], ignore_index=True)


AREA = schema.AREA_MEASURES
AIM = schema.AIM_AREA_MEASURES[0]


def person_cells(data: bytes) -> pd.DataFrame:
    """schema.AREA_MEASURES per jobbtorg × kön × stadsdel × ålder, counted from a demo CSV's rows here, not by the
    importer: the finest cells behind the figures per stadsdel and per age (rows split by all four breakdowns).

    Every cell whose jobbtorg × kön × stadsdel and jobbtorg × kön × ålder both hold someone is there, 0 or not: a
    reader cannot tell which of those combinations are empty."""
    rows = _rows(data)
    rows["stadsdel"] = rows["stadsdel"].replace("", schema.SAKNAR_STADSDEL)
    rows["alder"] = rows["alder"].replace("", schema.SAKNAR_ALDER)
    nadd = rows["nadd"].str.lower()
    rows = rows.assign(registrerade=1, sokta=nadd.isin(("ja", "nej")).astype(int), nadda=(nadd == "ja").astype(int),
                       ej_nadda=(nadd == "nej").astype(int), ar=rows["ar"].astype(int),
                       aim=((rows["verksamhet"].str.lower() == "aim") & (rows["inskriven"].str.lower() == "ja"))
                       .astype(int))
    keys = ["ar", "jobbtorg", "kon", "stadsdel", "alder"]
    counted = rows.groupby(keys)[[*AREA, "aim"]].sum()
    places = rows[["ar", "jobbtorg", "kon", "stadsdel"]].drop_duplicates()
    ages = rows[["ar", "jobbtorg", "kon", "alder"]].drop_duplicates()
    support = places.merge(ages, on=["ar", "jobbtorg", "kon"]).set_index(keys)
    cells = counted.reindex(support.index, fill_value=0).reset_index()
    long = cells.melt(id_vars=keys, value_vars=[*AREA, "aim"], var_name="measure", value_name="value")
    aim = long["measure"] == "aim"
    return long.assign(verksamhet=np.where(aim, schema.AIM, schema.HELA_KAA), measure=long["measure"].where(~aim, AIM),
                       value=long["value"].astype(float), noggrannhet=schema.EXAKT, kalla="", anmarkning="",
                       source="", source_id="")


def month_measure(flow: str, month: int) -> str:
    """A month's cells as a measure of their own: `nadda@03` is nadda in month 3 (March) of the statistics year."""
    return f"{flow}@{month:02d}"


def _rows(data: bytes) -> pd.DataFrame:
    """A demo CSV's rows, each with its jobbtorg (from its stadsdel where the column is empty) and year."""
    rows = pd.read_csv(io.BytesIO(data), sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
    districts = pd.read_csv(extract.codes.STADSDEL_CSV, dtype=str, keep_default_na=False)
    served = dict(zip(districts["stadsdel"], districts["jobbtorg"]))
    rows["jobbtorg"] = [j or served.get(s, schema.SAKNAR_STADSDEL) for j, s in zip(rows["jobbtorg"], rows["stadsdel"])]
    return rows


def date_cells(data: bytes) -> pd.DataFrame:
    """What a demo CSV's dates count, per year × jobbtorg × kön of the whole KAA, counted from its rows here, not by
    the importer: each flow per month of the statistics year (period `2021-03`; every month of a cell with rows,
    0 or not) and the year's DATED counts (period None). The plain definitions (kaa/extract/dates.py, the README):

    - the statistics year Y runs from 1 December Y-1 to 30 November Y; a flow counts the rows whose date falls in
      the month; the "new" only dates in the year (an earlier or empty start: there before it),
    - nya_i_registret: registrerad_datum; avregistrerade: avregistrerad_datum; nya_under_uppsok: the sought (nådd ja
      or nej) by uppsok_datum; nadda: the reached by nadd_datum; ej_nadda_avregistrerade: the unreached who left,
      by avregistrerad_datum; nya_nadda: the reached placed under uppsök in the year, by the month of uppsok_datum
      (the cohort); nya_inskrivna: the enrolled by inskriven_datum; avslutade and the reasons studier, arbete and
      annan sysselsättning: the ended by avslut_datum,
    - nadda_inom_30_dagar (90): the new reached with nadd_datum - uppsok_datum at most 30 (90) days.
    """
    rows = _rows(data)
    columns = ("registrerad_datum", "avregistrerad_datum", "uppsok_datum", "nadd_datum", "inskriven_datum",
               "avslut_datum")
    if not set(columns) & set(rows):
        return pd.DataFrame()
    assert set(columns) <= set(rows), "the audit counts the months of an extract with all six date columns"
    year = rows["ar"].astype(int).to_numpy()
    start = pd.to_datetime(pd.DataFrame({"year": year - 1, "month": 12, "day": 1}))

    def day(column: str) -> pd.Series:
        return pd.to_datetime(rows[column].replace("", None), format="%Y-%m-%d")

    def month(days: pd.Series) -> np.ndarray:
        return ((days.dt.year - (year - 1)) * 12 + days.dt.month - 12).to_numpy()

    registered, left, placed = day("registrerad_datum"), day("avregistrerad_datum"), day("uppsok_datum")
    reached_on, enrolled_on, ended_on = day("nadd_datum"), day("inskriven_datum"), day("avslut_datum")
    nadd = rows["nadd"].str.lower()
    reached, unreached = (nadd == "ja").to_numpy(), (nadd == "nej").to_numpy()
    enrolled = (rows["inskriven"].str.lower() == "ja").to_numpy()
    ended = (rows["avslutad"].str.lower() == "ja").to_numpy() & ended_on.notna().to_numpy()
    reason = rows["avslutsorsak"].str.lower().to_numpy()

    def within(days: pd.Series) -> np.ndarray:
        return (days >= start).to_numpy()  # an empty date (NaT) is before the year

    new_reached = reached & within(placed) & reached_on.notna().to_numpy()
    counted = {  # measure: (rows counted, the month that places them)
        "nya_i_registret": (within(registered), month(registered)),
        "avregistrerade": (left.notna().to_numpy(), month(left)),
        "nya_under_uppsok": ((reached | unreached) & within(placed), month(placed)),
        "nadda": (reached & reached_on.notna().to_numpy(), month(reached_on)),
        "ej_nadda_avregistrerade": (unreached & left.notna().to_numpy(), month(left)),
        "nya_nadda": (new_reached, month(placed)),
        "nya_inskrivna": (enrolled & within(enrolled_on), month(enrolled_on)),
        "avslutade": (ended, month(ended_on)),
        "avslut_studier": (ended & (reason == "studier"), month(ended_on)),
        "avslut_arbete": (ended & (reason == "arbete"), month(ended_on)),
        "avslut_annan": (ended & (reason == "annan sysselsättning"), month(ended_on)),
    }
    assert set(counted) == set(FLOWS)
    waited = (reached_on - placed).dt.days.to_numpy()
    yearly = {name: counted[name][0] for name in DATED if name in counted}
    yearly["nadda_inom_30_dagar"] = new_reached & (waited <= 30)
    yearly["nadda_inom_90_dagar"] = new_reached & (waited <= 90)
    keys = pd.DataFrame({"ar": year, "jobbtorg": rows["jobbtorg"], "kon": rows["kon"]})
    groups = keys.drop_duplicates().sort_values(["ar", "jobbtorg", "kon"]).reset_index(drop=True)
    group = keys.merge(groups.reset_index(), on=["ar", "jobbtorg", "kon"], how="left")["index"].to_numpy()
    out = []
    for name, (which, when) in counted.items():
        assert ((when[which] >= 0) & (when[which] < MONTHS)).all(), name  # every date counted lies in its year
        per_month = np.bincount(group[which] * MONTHS + when[which].astype(int), minlength=len(groups) * MONTHS)
        for m in range(MONTHS):
            label = [month_label(year, m) for year in groups["ar"]]
            out.append(groups.assign(period=label, measure=name, value=per_month[m::MONTHS].astype(float)))
    for name, which in yearly.items():
        out.append(groups.assign(period=None, measure=name,
                                 value=np.bincount(group[which], minlength=len(groups)).astype(float)))
    long = pd.concat(out, ignore_index=True)
    return long.assign(verksamhet=schema.HELA_KAA, stadsdel=None, alder=None, noggrannhet=schema.EXAKT, kalla="",
                       anmarkning="", source="", source_id="")


def truth(raw: pd.DataFrame, years: list[int]) -> dict[tuple, float]:
    """The true cells, from the analyst view (min_cell=0) of facts that have them (`fine_facts`)."""
    cells = {}
    for verksamhet in schema.VERKSAMHET_VALUES:
        frame = metrics.table(raw, ["jobbtorg", "kon"], Selection(years=tuple(years), verksamhet=verksamhet,
                                                                  min_cell=0), measures=list(COUNTS))
        frame = frame[(frame["jobbtorg"] != schema.TOTALT) & (frame["kon"] != schema.TOTALT)]
        for row in frame.to_dict("records"):
            for measure in COUNTS:
                if not pd.isna(row[measure]):
                    cells[(int(row["ar"]), verksamhet, measure, row["jobbtorg"], row["kon"])] = float(row[measure])
    # Per stadsdel and age: the people's cells (`person_cells`) in place of the jobbtorg × kön ones.
    cells = {key: value for key, value in cells.items()
             if not ((key[1] == schema.HELA_KAA and key[2] in AREA) or (key[1] == schema.AIM and key[2] == AIM))}
    people = raw[raw["stadsdel"].notna() & raw["alder"].notna() & raw["ar"].isin(years)]
    for row in people.to_dict("records"):
        cells[(int(row["ar"]), row["verksamhet"], row["measure"], row["jobbtorg"], row["kon"], row["stadsdel"],
               row["alder"])] = float(row["value"])
    # The cells no view shows (schema.LATENT_CELL_MEASURES, schema.CITY_UNITS), straight from the facts.
    latent = raw[(raw["measure"].isin(schema.LATENT_CELL_MEASURES) | raw["verksamhet"].isin(schema.CITY_UNITS))
                 & raw["jobbtorg"].notna() & raw["kon"].notna() & raw["ar"].isin(years)]
    for row in latent.to_dict("records"):
        cells[(int(row["ar"]), row["verksamhet"], row["measure"], row["jobbtorg"], row["kon"])] = float(row["value"])
    # The months' jobbtorg × kön cells (`date_cells`), as measures of their own (`month_measure`).
    if PERIOD in raw:
        months = raw[raw[PERIOD].notna() & raw["ar"].isin(years) & raw["jobbtorg"].notna() & raw["kon"].notna()
                     & raw["measure"].isin(FLOWS)]
        for row in months.to_dict("records"):
            year = int(row["ar"])
            month = month_of(year, dt.date.fromisoformat(f"{row[PERIOD]}-01"))
            cells[(year, row["verksamhet"], month_measure(row["measure"], month), row["jobbtorg"], row["kon"])] = \
                float(row["value"])
    return cells


# --- The integer program -------------------------------------------------------------------------


@dataclass
class Finding:
    figure: Figure
    true: float
    possible: list          # integer values found possible (for primaries: of 1..upper)
    lp_range: tuple | None  # the linear program's (min, max), when solved
    why: str


@dataclass
class Report:
    primaries: int
    hidden: int
    secondary: int
    hidden_fact_shaped: int
    narrowed: list          # primaries with a value in 1..upper impossible
    pinned: list            # hidden figures with one possible value
    lp_narrowed: int        # primaries whose LP range does not hold 1..upper (when LP ranges are solved)
    lp_pinned: int          # hidden figures whose LP range is one value
    programs: int
    integer_programs: int
    seconds: float
    at_most_two: int = 0    # primaries pinned to their value or to two possible values
    pinned_dotted: int = 0  # `..` figures recovered exactly
    period_hidden: int = 0  # hidden figures of kaa.periods (months, half-years, the year so far)
    month_primaries: int = 0  # primaries that are a month's city figure of a flow

    def lines(self) -> list[str]:
        return [f"shown as hidden: {self.hidden} figures ({self.hidden_fact_shaped} cells, margins and totals), "
                f"of which {self.primaries} primary small counts and {self.secondary} others",
                f"narrowed primaries (a value 1..upper impossible): {len(self.narrowed)}",
                f"pinned hidden figures (one possible value): {len(self.pinned)}, of them {self.pinned_dotted} `..`",
                f"primaries with at most two possible values: {self.at_most_two} of {self.primaries}",
                f"of the periods: {self.period_hidden} hidden figures, {self.month_primaries} of the primaries months",
                f"by linear programming alone: {self.lp_narrowed} primaries narrowed, {self.lp_pinned} pinned",
                f"programs solved: {self.programs} LP, {self.integer_programs} MILP, {self.seconds:.1f} s"]


class Audit:
    def __init__(self, published: Published, cells: dict[tuple, float], min_cell: int = 5,
                 legend: dict | None = None):
        self.published = published
        self.truth_cells = cells
        self.upper = min_cell - 1
        self.legend = legend or legend_for(min_cell)
        self.index = {key: i for i, key in enumerate(sorted(cells))}
        # A jobbtorg × kön cell's variables: itself, or the people's cells within it (schema.AREA_MEASURES).
        self.finer: dict[tuple, list[tuple[int, tuple]]] = {}
        for key, i in self.index.items():
            self.finer.setdefault(key[:5], []).append((i, key[5:]))
        x = [cells[key] for key in sorted(cells)]
        # A jobbtorg × kön cell made of the people's cells is also a variable of its own, equal to their sum (a row
        # in `_build`): what is said of the whole cell is said with it, which keeps the rows short.
        self.whole: dict[tuple, int] = {}
        for key, members in self.finer.items():
            if members[0][1]:
                self.whole[key] = len(x)
                x.append(sum(x[i] for i, _ in members))
        self.n = len(x)
        self.x = np.array(x)
        self.figures = list(published.figures.values())
        self.hidden = [f for f in self.figures if f.label]
        self.rows, self.lower, self.upper_bounds = [], [], []
        self.binaries = []  # (figure row) for the old legend's "0 or at least 5"
        self._build()
        self.matrix = sp.csr_matrix(self._triplets(), shape=(len(self.rows), self.n_vars))
        self.lo = np.array(self.lower)
        self.hi = np.array(self.upper_bounds)
        self.solutions: list[np.ndarray] = []
        self.programs = self.integer_programs = 0
        self._highs = None

    # Building ------------------------------------------------------------------------------------

    def _terms(self, year, verksamhet, measure, cells, place=()) -> dict[int, float]:
        if place[:1] == (PERIOD,):
            return self._period_terms(verksamhet, measure, cells, place[1])
        if not place:
            found = ((year, verksamhet, measure, j, k) for j, k in cells)
            return {i: 1.0 for key in found for i in ([self.whole[key]] if key in self.whole else
                                                      [i for i, _ in self.finer.get(key, ())])}
        position = schema.AREA_DIMENSIONS.index(place[0])
        return {i: 1.0 for j, k in cells for i, where in self.finer.get((year, verksamhet, measure, j, k), ())
                if not place or where[position] == place[1]}

    def _months(self, year, verksamhet, flow, first, last, cells) -> dict[int, float]:
        """A flow over months first..last of `year`: the sum of its month cells."""
        terms: dict[int, float] = {}
        for month in range(first, last + 1):
            for i in self._terms(year, verksamhet, month_measure(flow, month), cells):
                terms[i] = terms.get(i, 0.0) + 1.0
        return terms

    def _entered(self, year, verksamhet, state, last, cells) -> dict[int, float] | None:
        """Who had entered `state` by the end of month `last` (-1: when the year began): who were in it before the
        year (the year's count less its new), and the new of months 0..last. None if a figure is not there."""
        new, _ = STATES[state]
        whole, fresh = self._terms(year, verksamhet, state, cells), self._terms(year, verksamhet, new, cells)
        if not whole or not fresh:
            return None
        terms = dict(whole)
        for i, c in fresh.items():
            terms[i] = terms.get(i, 0.0) - c
        for i, c in self._months(year, verksamhet, new, 0, last, cells).items():
            terms[i] = terms.get(i, 0.0) + c
        return terms

    def _period_terms(self, verksamhet, measure, cells, parts) -> dict[int, float]:
        """A figure of a period (kaa.periods' docstring): a flow is the sum of its months; a state during months
        first..last is who had entered it by `last` less who had left it before `first`; a later part (H2's
        December, of the next statistics year) adds its flow, or the state's new."""
        (year, first, last), *more = parts
        terms: dict[int, float] = {}

        def add(more_terms: dict[int, float], sign: float = 1.0) -> None:
            for i, c in more_terms.items():
                terms[i] = terms.get(i, 0.0) + sign * c

        if measure in STATES:
            add(self._entered(year, verksamhet, measure, last, cells) or {})
            for leaving in STATES[measure][1]:
                add(self._months(year, verksamhet, leaving, 0, first - 1, cells), -1.0)
        else:
            add(self._months(year, verksamhet, measure, first, last, cells))
        for next_year, next_first, next_last in more:
            flow = STATES[measure][0] if measure in STATES else measure
            add(self._months(next_year, verksamhet, flow, next_first, next_last, cells))
        return {i: c for i, c in terms.items() if c}

    def _add(self, terms: dict[int, float], lower: float, upper: float) -> None:
        self.rows.append(terms)
        self.lower.append(lower)
        self.upper_bounds.append(upper)
        self.what.append(self._why)

    def _build(self) -> None:
        self.n_vars = self.n
        self.what: list[str] = []  # per row, what it says (`explain`)
        self._why = ""
        for key, i in self.whole.items():  # a cell is the sum of the people's cells within it
            self._why = f"{key}: the sum of its people's cells"
            self._add({i: -1.0, **{j: 1.0 for j, _ in self.finer[key]}}, 0.0, 0.0)
        self.vector = {}
        self.figure_row = {}  # a hidden figure's row (its symbol's bounds)
        for f in self.figures:
            terms = self._terms(f.year, f.verksamhet, f.measure, f.cells, f.place)
            self.vector[f.key] = terms
            self._why = f"shown: {describe(f)} = {f.label or f'{f.value:g}'}"
            if not f.label:
                self._add(terms, f.value, f.value)
                continue
            meaning = self.legend[f.label]
            if meaning == "not small" and not f.is_fact_shaped:
                meaning = (0, INF)
            if meaning != "not small":
                self.figure_row[f.key] = len(self.rows)
            if meaning == "not small":  # 0 or at least 5: z <= M b, z >= 5 b, b binary
                b = self.n_vars
                self.n_vars += 1
                self.binaries.append(b)
                self._add({**terms, b: -1e5}, -INF, 0.0)
                self._add({**terms, b: -float(self.upper + 1)}, 0.0, INF)
            else:
                self._add(terms, meaning[0], meaning[1])
        years = set(key[0] for key in self.index)
        for year, verksamhet, numerators, denominator, cells, value, place in self.published.shares:
            self._why = f"share shown: {'+'.join(numerators)} / {denominator} = {value:g} ({year}, {place or 'year'})"
            self._share(year, verksamhet, numerators, denominator, cells, value, place)
        for previous, verksamhet, spec, cells, value, place in self.published.share_changes:
            if previous in years:
                self._why = f"share a year earlier: {spec.name} {previous} = {value:g}"
                self._share(previous, verksamhet, spec.numerators, spec.denominator, cells, value, place)
        for year, previous, verksamhet, measure, cells, change, place in self.published.changes:
            if previous in years:
                self._why = f"change shown: {verksamhet} {measure} {year} - {previous} = {change:g}"
                now = self._terms(year, verksamhet, measure, cells, place)
                then = self._terms(previous, verksamhet, measure, cells, place)
                self._add({**now, **{i: -1.0 for i in then}}, change, change)

        def between(whole: dict | None, parts: list, equal: bool) -> None:
            if whole is not None and None not in parts:
                terms = {i: -1.0 for i in whole}
                for part in parts:
                    terms.update(part)
                self._add(terms, 0.0 if equal else -INF, 0.0)

        for year, verksamhet, (j, k) in itertools.product(sorted(years), schema.VERKSAMHET_VALUES, sorted(ALL_CELLS)):
            def at(m, v=verksamhet):
                return self._terms(year, v, m, [(j, k)]) or None
            self._why = f"{year} {verksamhet} {j} {k}: a relation between measures or verksamheter"
            for whole, parts in SUMS:
                between(at(whole), [at(m) for m in parts], True)
            for parts, whole in AT_MOST:
                between(at(whole), [at(m) for m in parts], False)
            if verksamhet == schema.HELA_KAA:
                for measure in COUNTS:
                    units = [at(measure, unit) for unit in UNITS]
                    for unit in units:
                        between(at(measure), [unit], False)
                    between(at(measure), units, False)
        self._month_relations()
        # Each person is not sought, sought and reached, or sought and not reached; in Aim or not.
        self._why = "the people's cells: sokta = nadda + ej_nadda, sokta and Aim's inskrivna ≤ registrerade"
        for key, i in self.index.items():
            if len(key) == 7 and key[2] == "sokta":
                at = {m: self.index[(*key[:2], m, *key[3:])] for m in AREA}
                self._add({i: -1.0, at["nadda"]: 1.0, at["ej_nadda"]: 1.0}, 0.0, 0.0)
                self._add({i: 1.0, at["registrerade"]: -1.0}, -INF, 0.0)
                self._add({self.index[(key[0], schema.AIM, AIM, *key[3:])]: 1.0, at["registrerade"]: -1.0}, -INF, 0.0)
            # The registered without a district are the people in Saknar stadsdel.
            if len(key) == 5 and key[1] == schema.HELA_KAA and key[2] == "utan_stadsdel":
                self._why = f"{key}: utan_stadsdel = registrerade in Saknar stadsdel"
                place = self._terms(key[0], key[1], "registrerade", [key[3:5]], ("stadsdel", schema.SAKNAR_STADSDEL))
                self._add({i: -1.0, **place}, 0.0, 0.0)

    def _month_relations(self) -> None:
        """What a reader knows of the months, at every jobbtorg × kön cell that has them: the months of a flow add up
        to the year's count; by every month, who left a state (the register; uppsök, by being reached or leaving
        the register unreached; support) had entered it, and who entered uppsök or support had entered the
        register; per month, parts at most their whole. Counts are whole and 0 or more (the variables' bounds)."""
        dated = sorted({(key[0], key[1], key[3], key[4]) for key in self.index if len(key) == 5 and "@" in key[2]})
        for year, verksamhet, j, k in dated:
            cell = [(j, k)]

            def month(flow: str, m: int, year=year, verksamhet=verksamhet, cell=cell) -> dict[int, float]:
                return self._terms(year, verksamhet, month_measure(flow, m), cell)

            def at_most(parts: list[dict], whole: dict | None) -> None:
                if whole is None:
                    return
                terms = {i: -c for i, c in whole.items()}
                for part in parts:
                    for i, c in part.items():
                        terms[i] = terms.get(i, 0.0) + c
                self._add({i: c for i, c in terms.items() if c}, -INF, 0.0)

            for flow in FLOWS:
                self._why = f"{year} {j} {k}: the months of {flow} add up to the year"
                months = [month(flow, m) for m in range(MONTHS)]
                whole = self._terms(year, verksamhet, flow, cell)
                assert whole and all(months), (year, j, k, flow)
                terms = {i: -1.0 for i in whole}
                for part in months:
                    terms.update(part)
                self._add(terms, 0.0, 0.0)
            for last in range(MONTHS):
                self._why = f"{year} {j} {k}: by month {last}, left ≤ entered, within ≤ outer, parts ≤ whole"
                entered = {state: self._entered(year, verksamhet, state, last, cell) for state in STATES}
                for state, (_, leaving) in STATES.items():
                    at_most([self._months(year, verksamhet, flow, 0, last, cell) for flow in leaving], entered[state])
                for inner, outer in STATE_WITHIN:
                    if entered[inner] is not None:
                        at_most([entered[inner]], entered[outer])
                for parts, whole in MONTH_AT_MOST:
                    at_most([month(part, last) for part in parts], month(whole, last))

    def _share(self, year, verksamhet, numerators, denominator, cells, value, place=()) -> None:
        """A shown share: numerator - share · denominator = 0, within the float's own precision."""
        terms: dict[int, float] = {}
        for m in numerators:
            for i, c in self._terms(year, verksamhet, m, cells, place).items():
                terms[i] = terms.get(i, 0.0) + c
        for i, c in self._terms(year, verksamhet, denominator, cells, place).items():
            terms[i] = terms.get(i, 0.0) - value * c
        self._add(terms, -1e-6, 1e-6)

    def _triplets(self):
        data, r, c = [], [], []
        for row, terms in enumerate(self.rows):
            for i, v in terms.items():
                r.append(row)
                c.append(i)
                data.append(v)
        return data, (r, c)

    # Checking ------------------------------------------------------------------------------------

    def true_point(self) -> np.ndarray:
        z = np.zeros(self.n_vars)
        z[:self.n] = self.x
        for row, terms in enumerate(self.rows):  # the binaries of "0 or at least 5": 1 where the figure > 0
            for b in (i for i in terms if i >= self.n):
                z[b] = 1.0 if sum(self.x[i] * v for i, v in terms.items() if i < self.n) > 0 else 0.0
        return z

    def violations(self) -> list[str]:
        """Constraints the true figures break (there must be none), disagreements between views, and
        small counts shown as numbers (a cell, margin or total of 1 to min_cell-1 must be hidden)."""
        z = self.true_point()
        values = self.matrix @ z
        bad = np.flatnonzero((values < self.lo - 1e-6) | (values > self.hi + 1e-6))
        out = [f"row {r}: {values[r]} not in [{self.lo[r]}, {self.hi[r]}]" for r in bad[:20]]
        out += [f"views disagree: {a} vs {b}" for a, b in self.published.disagreements[:20]]
        out += [f"published but not a figure of the cells: {what}" for what in self.published.unexplained[:20]]
        out += [f"small count shown: {f}" for f in self.figures
                if not f.label and f.is_fact_shaped and 1 <= f.value <= self.upper][:20]
        return out

    def value(self, figure: Figure, z: np.ndarray) -> float:
        return sum(z[i] * c for i, c in self.vector[figure.key].items())

    def _vector(self, figure: Figure) -> np.ndarray:
        c = np.zeros(self.n_vars)
        for i, v in self.vector[figure.key].items():
            c[i] = v
        return c

    def _integrality(self) -> np.ndarray:
        return np.ones(self.n_vars)

    def _feasible(self, extra: list[tuple[np.ndarray, float, float]], objective: np.ndarray | None = None):
        """An integer point meeting every constraint and the extra ones, or None."""
        self.integer_programs += 1
        constraints = [LinearConstraint(self.matrix, self.lo, self.hi)]
        for vector, lo, hi in extra:
            constraints.append(LinearConstraint(vector[None, :], lo, hi))
        upper = np.full(self.n_vars, np.inf)
        upper[self.n:] = 1.0
        c = np.zeros(self.n_vars) if objective is None else objective
        result = milp(c, constraints=constraints, integrality=self._integrality(),
                      bounds=Bounds(np.zeros(self.n_vars), upper), options={"time_limit": 60})
        if result.x is None:
            return None
        z = np.round(result.x)
        self.solutions.append(z)
        return z

    def lp_range(self, figure: Figure) -> tuple[float, float]:
        """The linear program's min and max of a figure (the binaries relaxed to [0, 1])."""
        c = self._vector(figure)
        upper = np.full(self.n_vars, np.inf)
        upper[self.n:] = 1.0
        ends = []
        if not hasattr(self, "_lp"):
            eq = self.lo == self.hi
            ub, lb = ~eq & np.isfinite(self.hi), ~eq & np.isfinite(self.lo)
            self._lp = dict(A_ub=sp.vstack([self.matrix[ub], -self.matrix[lb]]).tocsr(),
                            b_ub=np.concatenate([self.hi[ub], -self.lo[lb]]), A_eq=self.matrix[eq],
                            b_eq=self.lo[eq], bounds=np.column_stack([np.zeros(self.n_vars), upper]))
        for sign in (1.0, -1.0):
            self.programs += 1
            result = linprog(sign * c, method="highs", **self._lp)
            if result.status == 3:
                ends.append(sign * INF)
                continue
            assert result.status == 0, result.message
            ends.append(sign * result.fun)
            z = result.x
            if np.abs(z - np.round(z)).max() < 1e-7:
                self.solutions.append(np.round(z))
        return ends[0], ends[1]

    def _hidden_matrix(self) -> sp.csr_matrix:
        """The hidden figures' vectors, a row each (in `self.hidden`'s order)."""
        if not hasattr(self, "_hidden_rows"):
            self._hidden_rows = sp.vstack([sp.csr_matrix(self._vector(f)) for f in self.hidden]).tocsr() \
                if self.hidden else sp.csr_matrix((0, self.n_vars))
        return self._hidden_rows

    def _moves(self):
        """One linear program, kept and solved again from its last basis: the figures as moves from the truth
        (z = truth + up - down, both 0 or more, down at most the truth), whose cost is how far they move; and per
        hidden figure a distance column (its distance from a target, bound by two rows that are free unless a
        target is set). On these tables its vertices are mostly whole-numbered: each is then a solution like any
        other."""
        if self._highs is None:
            import highspy

            truth, matrix, n = self.true_point(), self.matrix, self.n_vars
            at = matrix @ truth
            figures = self._hidden_matrix()
            m, k = matrix.shape[0], figures.shape[0]
            eye = sp.identity(k, format="csr")
            full = sp.vstack([sp.hstack([matrix, -matrix, sp.csr_matrix((m, k))]),
                              sp.hstack([figures, -figures, -eye]),
                              sp.hstack([-figures, figures, -eye])]).tocsc()
            up = np.full(n, np.inf)
            up[self.n:] = 1.0 - truth[self.n:]
            inf = highspy.kHighsInf
            lp = highspy.HighsLp()
            lp.num_col_, lp.num_row_ = 2 * n + k, m + 2 * k
            lp.col_cost_ = np.concatenate([np.ones(2 * n), np.zeros(k)])
            lp.col_lower_ = np.zeros(2 * n + k)
            lp.col_upper_ = np.concatenate([up, truth, np.full(k, inf)])
            self._row_lower = np.concatenate([self.lo - at, np.full(2 * k, -inf)])
            self._row_upper = np.concatenate([self.hi - at, np.full(2 * k, inf)])
            lp.row_lower_, lp.row_upper_ = self._row_lower, self._row_upper
            lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
            lp.a_matrix_.start_ = full.indptr
            lp.a_matrix_.index_ = full.indices
            lp.a_matrix_.value_ = full.data
            highs = highspy.Highs()
            for option, value in {"output_flag": False, "presolve": "off", "solver": "simplex",
                                  "threads": 1}.items():
                highs.setOptionValue(option, value)
            highs.passModel(lp)
            self._highs, self._highspy, self._truth, self._m = highs, highspy, truth, m
        return self._highs

    def _solved(self, shakes: int = 3):
        """("found", z) for a whole-numbered vertex meeting every constraint (kept as a solution), ("none", None)
        if the program has no solution, ("fractional", None) otherwise."""
        highs, n = self._highs, self.n_vars
        found = self._vertex()
        if found[0] != "fractional" or not shakes:
            return found
        # Ties broken otherwise often give a whole-numbered vertex: the moves' costs slightly shaken, a few times.
        columns = np.arange(2 * n, dtype=np.int32)
        rng = np.random.default_rng(self.programs)
        try:
            for _ in range(shakes):
                highs.changeColsCost(2 * n, columns, 1.0 + 0.05 * rng.random(2 * n))
                found = self._vertex()
                if found[0] != "fractional":
                    return found
        finally:
            highs.changeColsCost(2 * n, columns, np.ones(2 * n))
        return found

    def _vertex(self):
        highs, n = self._highs, self.n_vars
        self.programs += 1
        highs.run()
        status = highs.getModelStatus()
        if status == self._highspy.HighsModelStatus.kInfeasible:
            return "none", None
        if status != self._highspy.HighsModelStatus.kOptimal:
            return "fractional", None
        x = np.asarray(highs.getSolution().col_value)
        z = self._truth + x[:n] - x[n:2 * n]
        if np.abs(z - np.round(z)).max() > 1e-6:
            return "fractional", None
        z = np.round(z)
        values = self.matrix @ z
        if ((values < self.lo - 1e-6) | (values > self.hi + 1e-6)).any() or (z < 0).any():
            return "fractional", None
        self.solutions.append(z)
        return "found", z

    def _within(self, index: int, lo: float, hi: float, whole: bool = False):
        """The least move that takes hidden figure `index` into [lo, hi] (`_solved`'s answer; "none" proves that no
        integer point does either). `whole`: as an integer program (the moves whole numbers; a good solution is
        enough), for when the linear program's vertex is fractional; ("fractional", None) then means that it found
        none in its time."""
        highs = self._moves()
        row = self.figure_row.get(self.hidden[index].key)
        if row is None:  # the old legend's "0 or at least 5": the integer program over the figures decides
            return "fractional", None
        at = float((self._hidden_matrix()[index] @ self._truth)[0])
        low, high = max(self._row_lower[row], lo - at), min(self._row_upper[row], hi - at)
        if low > high + 1e-9:
            return "none", None
        highs.changeRowBounds(row, low, high)
        try:
            return self._solved() if not whole else self._whole_moves()
        finally:
            highs.changeRowBounds(row, self._row_lower[row], self._row_upper[row])

    def _whole_moves(self):
        """The kept program as it stands, with whole-numbered moves."""
        highspy, n = self._highspy, self.n_vars
        self.integer_programs += 1
        lp = self._highs.getLp()
        lp.integrality_ = [highspy.HighsVarType.kInteger] * (2 * n) + \
            [highspy.HighsVarType.kContinuous] * (lp.num_col_ - 2 * n)
        mip = highspy.Highs()
        for option, value in {"output_flag": False, "threads": 1, "mip_rel_gap": 0.5, "time_limit": 60.0}.items():
            mip.setOptionValue(option, value)
        mip.passModel(lp)
        mip.run()
        if mip.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
            return "none", None
        solution = mip.getSolution()
        if not solution.value_valid:
            return "fractional", None
        x = np.asarray(solution.col_value)
        z = np.round(self._truth + x[:n] - x[n:2 * n])
        values = self.matrix @ z
        if ((values < self.lo - 1e-6) | (values > self.hi + 1e-6)).any() or (z < 0).any():
            return "fractional", None
        self.solutions.append(z)
        return "found", z

    def _towards(self, indices: np.ndarray, targets: np.ndarray):
        """The least move that takes the hidden figures `indices` as near as it can to their `targets` (a unit of
        distance costs as much as moving 1000 figures a unit)."""
        highs = self._moves()
        n, m, k = self.n_vars, self._m, len(self.hidden)
        gap = targets - self._hidden_matrix()[indices] @ self._truth
        inf = self._highspy.kHighsInf
        for i, g in zip(indices, gap):
            highs.changeRowBounds(m + i, -inf, g)
            highs.changeRowBounds(m + k + i, -inf, -g)
            highs.changeColCost(2 * n + i, 1000.0)
        try:
            return self._solved(shakes=0)
        finally:
            for i in indices:
                highs.changeRowBounds(m + i, -inf, inf)
                highs.changeRowBounds(m + k + i, -inf, inf)
                highs.changeColCost(2 * n + i, 0.0)

    def explain(self, figure: Figure, limit: int = 12) -> list[str]:
        """Why a figure has the range it has: the linear program's least and greatest value of it, each with the
        rows (shown figures, relations) that bound it there, weighted by their dual values (how much the bound
        moves with each row's right-hand side). For a pinned figure: what a reader adds up."""
        self.lp_range(figure)  # builds the program
        out = []
        for sign, side in ((1.0, "at least"), (-1.0, "at most")):
            result = linprog(sign * self._vector(figure), method="highs", **self._lp)
            if result.status != 0:
                out.append(f"{side}: {result.message}")
                continue
            eq = self.lo == self.hi
            ub, lb = ~eq & np.isfinite(self.hi), ~eq & np.isfinite(self.lo)
            rows = np.concatenate([np.flatnonzero(ub), np.flatnonzero(lb), np.flatnonzero(eq)])
            marginals = np.concatenate([result.ineqlin.marginals, result.eqlin.marginals])
            used = np.flatnonzero(np.abs(marginals) > 1e-9)
            used = used[np.argsort(-np.abs(marginals[used]))]
            out.append(f"{side} {sign * result.fun:g}, from {len(used)} rows:")
            out += [f"    {marginals[u]:+.4g} × {self.what[rows[u]]}" for u in used[:limit]]
            if len(used) > limit:
                out.append(f"    … and {len(used) - limit} more")
        return out

    def run(self, lp_ranges: bool = False, only=None) -> Report:
        """Every primary's values 1..upper and every hidden figure's second value, each sought first together
        with the others (least moves towards many targets at once, `_towards`), then one by one (a linear
        program of its own; an integer program where its vertex is fractional). `only(figure)`: the hidden
        figures to ask about (default all; the others stay in the program as what a reader knows)."""
        start = time.perf_counter()
        problems = self.violations()
        assert not problems, problems
        truth_point = self.true_point()
        hidden = self.hidden
        figures = self._hidden_matrix()
        true = figures @ truth_point
        low, high = np.full(len(hidden), INF), np.full(len(hidden), -INF)
        hits = np.zeros((len(hidden), self.upper + 1), dtype=bool)  # hits[f, v]: figure f seen at value v

        def absorb(points: list[np.ndarray]) -> None:
            nonlocal low, high
            if not points or not hidden:
                return
            values = np.round(figures @ np.column_stack(points))
            low, high = np.minimum(low, values.min(axis=1)), np.maximum(high, values.max(axis=1))
            for v in range(1, self.upper + 1):
                hits[:, v] |= (values == v).any(axis=1)

        def solve(extra) -> bool:
            before = len(self.solutions)
            found = self._feasible(extra) is not None
            absorb(self.solutions[before:])
            return found

        self.solutions.append(truth_point)
        absorb(self.solutions)
        lp = {}
        if lp_ranges:
            for f in hidden:
                before = len(self.solutions)
                lp[f.key] = self.lp_range(f)
                absorb(self.solutions[before:])
        asked = np.array([only is None or bool(only(f)) for f in hidden], dtype=bool)
        primary = np.array([f.is_fact_shaped for f in hidden], dtype=bool) & (true >= 1) & (true <= self.upper) & asked

        def together(wanted, done) -> None:
            """Least moves towards several targets at once (`TOGETHER` figures a program), sweep after sweep while
            that finds more; `wanted()` is the (figure, target) pairs still open, one per figure, `done(pair)` whether
            a solution found since has closed it."""
            while True:
                pairs = wanted()
                before = hits.sum() + (low < high).sum()
                parts = [pairs[first:first + TOGETHER] for first in range(0, len(pairs), TOGETHER)]
                while parts:
                    part = [pair for pair in parts.pop(0) if not done(pair)]
                    if part:
                        index, target = np.array(part, dtype=float).T
                        found, z = self._towards(index.astype(int), target)
                        if found == "found":
                            absorb([z])
                        elif len(part) >= 2 * TOGETHER_LEAST:  # a fractional vertex: halves are often whole
                            parts[:0] = [part[:len(part) // 2], part[len(part) // 2:]]
                if not pairs or hits.sum() + (low < high).sum() == before:
                    return

        def open_values():
            out = []
            for index in np.flatnonzero(primary):
                missing = [v for v in range(1, self.upper + 1) if not hits[index, v]]
                if missing:  # the farthest from the truth first
                    out.append((index, max(missing, key=lambda v: (abs(v - true[index]), -v))))
            return out

        def one(index: int, lo: float, hi: float) -> None:
            """A program of its own: the linear one, then (if its vertex is fractional) the integer one."""
            found, z = self._within(index, lo, hi)
            if found == "fractional":
                found, z = self._within(index, lo, hi, whole=True)
            if found == "found":
                absorb([z])
            if found == "fractional":  # the old legend, or no solution in its time: the integer program over z
                solve([(figures[index].toarray()[0], lo, hi)])

        together(open_values, lambda pair: hits[int(pair[0]), int(pair[1])])
        narrowed, pinned = [], []
        for index in np.flatnonzero(primary):
            for v in range(1, self.upper + 1):
                if not hits[index, v]:
                    one(index, v, v)  # a value no solution so far gives: one program of its own
            if not hits[index, 1:].all():
                narrowed.append(Finding(hidden[index], true[index], [v for v in range(1, self.upper + 1)
                                                                     if hits[index, v]], lp.get(hidden[index].key),
                                        "narrowed"))

        def moved(pair) -> bool:
            return low[int(pair[0])] < high[int(pair[0])]

        together(lambda: [(index, true[index] + 1) for index in np.flatnonzero(asked & (low >= high))], moved)
        together(lambda: [(index, true[index] - 1) for index in np.flatnonzero(asked & (low >= high) & (true >= 1))],
                 moved)
        for index in np.flatnonzero(asked):
            if low[index] < high[index]:
                continue
            one(index, -INF, true[index] - 1)
            if low[index] >= high[index]:
                one(index, true[index] + 1, INF)
            if low[index] >= high[index]:
                pinned.append(Finding(hidden[index], true[index], [low[index]], lp.get(hidden[index].key), "pinned"))
        lp_narrowed = sum(1 for index in np.flatnonzero(primary) if hidden[index].key in lp and not (
            lp[hidden[index].key][0] <= 1 + 1e-6 and lp[hidden[index].key][1] >= self.upper - 1e-6))
        lp_pinned = sum(1 for f in hidden if f.key in lp and lp[f.key][1] - lp[f.key][0] < 1e-6)
        fact_shaped = sum(f.is_fact_shaped for f, a in zip(hidden, asked) if a)
        at_most_two = int((hits[primary, 1:].sum(axis=1) <= 2).sum())
        in_period = np.array([f.place[:1] == (PERIOD,) for f in hidden], dtype=bool) & asked
        return Report(int(primary.sum()), int(asked.sum()), fact_shaped - int(primary.sum()), fact_shaped,
                      narrowed, pinned, lp_narrowed, lp_pinned, self.programs, self.integer_programs,
                      time.perf_counter() - start, at_most_two,
                      sum(1 for finding in pinned if finding.figure.label == ".."), int(in_period.sum()),
                      int((primary & in_period).sum()))


# --- A whole audit of one synthetic extract ---------------------------------------------------------


def import_demo(rows: int, years: list[int], seed: int, dates: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A fresh synthetic extract (with the date columns if `dates`) imported into the store this process uses: the
    store's facts, and the extract's true cells (`fine_facts`)."""
    from kaa import store

    buffer = io.BytesIO()
    demo.write(demo.generate(rows, years, seed=seed, dates=dates), buffer, encoding="cp1252")
    data = buffer.getvalue()
    result = extract.read_extract(data, f"demo_{seed}.csv")
    assert not result.has_errors
    store.import_extract(result, data, f"demo_{seed}.csv", f"Demo {seed}")
    return store.load_facts(), fine_facts(data, f"demo_{seed}.csv")


def describe(f: Figure) -> str:
    """A figure as a reader finds it: year, verksamhet, measure and cells, or the period it is of."""
    if f.place[:1] == (PERIOD,):
        spans = " + ".join(f"{y} months {a}–{b} ({month_label(y, a)}–{month_label(y, b)})"
                           for y, a, b in f.place[1])
        return f"{f.verksamhet} {f.measure} over {spans}"
    cells = f"{sorted(f.cells)[:3]}{'…' if len(f.cells) > 3 else ''}"
    return f"{f.year} {f.verksamhet} {f.measure} {cells}{' ' + str(f.place) if f.place else ''}"


def audit(raw: pd.DataFrame, years: list[int], min_cell: int = 5, legend: dict | None = None, protect=None,
          jobbtorg_filters: list | None = None, lp_ranges: bool = False,
          fine: pd.DataFrame | None = None) -> Report:
    protect = protect or masking.protect
    protected = protect(raw, min_cell)
    outside = protected[~protected[schema.AR].isin(years)]
    assert (outside[metrics.MASKED] == "").all(), "hidden figures outside the audited years"
    published = collect(protected, years, jobbtorg_filters, min_cell=min_cell)
    return Audit(published, truth(raw if fine is None else fine, years), min_cell, legend).run(lp_ranges)


def _load_protect(path: str):
    import importlib.util

    spec = importlib.util.spec_from_file_location("other_masking", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.protect


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--years", default="2021-2022")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--masking", help="audit the protect() of another masking module (a file)")
    parser.add_argument("--legend", choices=("new", "old"), default="new")
    parser.add_argument("--all-filters", action="store_true", help="every set of jobbtorg, not a sample")
    parser.add_argument("--filters", choices=("sample", "all", "none"), default="sample",
                        help="jobbtorg filters to try: a sample (default), every set, or none (the whole city only)")
    parser.add_argument("--dates", action="store_true", help="an extract with the date columns (months too)")
    parser.add_argument("--min-cell", type=int, default=5)
    parser.add_argument("--no-lp", action="store_true", help="skip the linear-programming ranges")
    args = parser.parse_args(argv)
    first, _, last = args.years.partition("-")
    years = list(range(int(first), int(last or first) + 1))
    with tempfile.TemporaryDirectory() as directory:
        os.environ["KAA_DATA_DIR"] = directory
        raw, fine = import_demo(args.rows, years, args.seed, dates=args.dates)
        protect = _load_protect(args.masking) if args.masking else None
        filters = "all" if args.all_filters else args.filters
        legend = old_legend_for(args.min_cell) if args.legend == "old" else None
        report = audit(raw, years, min_cell=args.min_cell, legend=legend, protect=protect,
                       jobbtorg_filters={"all": every_filter(), "none": [None], "sample": None}[filters],
                       lp_ranges=not args.no_lp, fine=fine)
    print(f"extract: {args.rows} rows, {args.years}, seed {args.seed}{', dates' if args.dates else ''}; "
          f"legend: {args.legend}")
    for line in report.lines():
        print(line)
    for finding in (report.narrowed + report.pinned)[:15]:
        f = finding.figure
        print(f"  {finding.why}: {describe(f)} shown {f.label}, true {finding.true:g}, possible {finding.possible}, "
              f"LP {finding.lp_range}")
    return 1 if report.narrowed or report.pinned else 0


if __name__ == "__main__":
    sys.exit(main())
