"""Small-cell protection, done once on the facts so that every view agrees.

The method is cell suppression as τ-Argus does it: counts from 1 to min_cell-1 are the
primary cells; secondary cells are chosen by optimisation so that a reader who knows
everything the dashboard and the CLI publish cannot narrow any of them, and the result
carries its own proof.

What a reader is assumed to know (the attacker of the audit in tests/disclosure_audit.py):

- every figure shown, in every grouping and filter, and that it is the sum of its
  jobbtorg × kön cells (or of the finest breakdown the source has),
- what the symbols mean: `<5` is a count from 1 to 4, `..` is a hidden count that can be
  anything from 0 up (also 1–4), and that counts are whole numbers, 0 or more,
- sokta = nadda + ej_nadda, and the relations between measures in the README:
  nadda_sysselsatta ≤ nadda, sokta ≤ registrerade, inskrivna ≤ registrerade, utan_stadsdel ≤ registrerade
  (and, per jobbtorg × kön, utan_stadsdel = registrerade in Saknar stadsdel), nyinskrivna ≤ inskrivna,
  avslutade ≤ inskrivna,
  nadda_sysselsatta = nadda_studier + nadda_arbete + nadda_utlandsstudier + nadda_annan,
  nadda_sysselsatta + nadda_ingen + nadda_okand ≤ nadda,
  avslut_studier + avslut_arbete + avslut_annan ≤ avslutade, and all seven exit reasons together ≤ avslutade,
- each verksamhet (Jobbtorg, Aim, Skolslussen), and the three together, ≤ the whole KAA, in every cell.

Figures kept coarser than jobbtorg × kön (the reader knows their cells exist and keep every
relation above):

- nadda_okand, avslut_okand and utan_stadsdel (schema.LATENT_CELL_MEASURES) are published per jobbtorg and
  per kön, Skolslussen and Jobbtorg (schema.CITY_UNITS) for the whole city only. Their finer
  figures are in the model as figures hidden from the start and never published, so every
  witness gives them values that keep the relations.
- The other occupations and exit reasons (register.PER_KON_MEASURES) are published per kön
  only. Any per-kön values that keep the relations per kön can be spread over the cells: the
  four occupations fill nadda_sysselsatta's cells exactly (a transportation problem whose
  supplies and demands balance always has a whole-numbered solution), nadda_ingen fits in
  what nadda_okand leaves of nadda − nadda_sysselsatta, and the three other reasons in what
  avslut_okand leaves of avslutade − the three reasons the cells show. So the per-kön model
  is exact: the cells tell a reader nothing more.
- schema.AREA_MEASURES are published per year and stadsdelsområde and per year and age. Their
  jobbtorg × kön × stadsdel and jobbtorg × kön × ålder cells are latent as above (each layer sums to
  the jobbtorg × kön cell and to the published figure per stadsdel or age, and keeps the relations
  between the four measures). A reader knows more: that both layers are margins of the people's
  jobbtorg × kön × stadsdel × ålder cells. That adds nothing: for each jobbtorg × kön and each kind of
  person (not sought, reached, sought and not reached) the two layers give a stadsdel margin and an age
  margin with the same sum, and such a table always has a whole-numbered filling (a transportation
  problem whose supplies and demands balance). Only the combinations that hold someone are variables;
  the rest are 0 in the model, which only makes it stricter than a reader. Aim's inskrivna
  (schema.AIM_AREA_MEASURES) are published per stadsdel too, with their jobbtorg × kön × stadsdel cells
  latent, each at most the registered in it. That is exact as well: nothing ties enrolment to age or to
  being reached, so within a jobbtorg × kön × stadsdel cell any of its people can be the ones in Aim, and
  what is said of Aim per jobbtorg × kön holds whichever they are.

- The months (kaa.extract.periods) are published for the whole city only. Each month's figure of a flow is a
  measure of its own in the model (`nadda@2021-03`), with its jobbtorg × kön cells latent; their jobbtorg and kön
  margins are left out, as the cells' relations imply everything of them. A reader knows, at every cell and the
  city: the months of a flow add up to its year; by each month, those who left the register, uppsök (reached, or
  left unreached) or support had entered it (before the year: the year's figure less its new, or in the months
  so far); those who entered uppsök or enrolment by then had entered the register; and per month the cohort
  reached is at most the cohort, the unreached who left at most all who left, and the three exit reasons at most
  all exits. Half-years and the year so far are sums of months (kaa.periods), so they say nothing more.

The guarantee: for every primary cell, every value from 1 to min_cell-1 is possible given
all of that (an integer solution of all those relations exists with the cell at that
value), and every hidden figure has at least two possible values.

How: each year is one linear model (its facts as variables, the relations as rows; years
share no relation). The primaries are taken one at a time; for each value it still lacks,
a linear program finds the cheapest change of the figures that moves it there while
every relation keeps holding: hidden figures move for free, shown ones cost their
weight and become secondary (`..`) if they move, and a `<5` bound may be broken at a cost,
which turns that `<5` into `..`. Each solution is kept as a witness, an integer point
that satisfies everything a reader knows (the LP's vertex is integral on these tables;
when it is not, the same problem is solved as an integer program), so the guarantee
holds by construction: hiding more later only widens what a reader must allow.

Because the margins are part of the protected facts, every view the dashboard or the CLI
can ask for (a total, a breakdown, a filtered sum) is answered from the same protected
figures: a sum that contains a hidden figure is itself hidden (`..`), unless anyone can
work it out from shown ones (metrics.rollup shows it then).

The report's printed figures are public: they are never small at the default threshold,
and they are moved (hidden) only as a last resort.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import MutableMapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kaa import config, schema
from kaa.published import SOURCE_ID

MASKED = "maskad"
SECONDARY = ".."
_BREAKDOWNS = (schema.JOBBTORG, schema.KON)
_ALL_BREAKDOWNS = schema.BREAKDOWNS
#: A figure's level: which breakdowns it is split by, one bit each (jobbtorg 1, kön 2, stadsdel 4, ålder 8).
_AREA_BITS = 4 | 8
_KEYS = [schema.AR, schema.VERKSAMHET, "measure"]
#: Figures that add up exactly; approximate ones ("minst", "ungefär") are in no relation.
_EXACT = (schema.EXAKT, "härledd")
#: whole = parts, in every cell and margin.
EQUALS = (("sokta", ("nadda", "ej_nadda")),
          ("nadda_sysselsatta", schema.NADDA_SYSSELSATTA))
#: sum(parts) ≤ whole, in every cell and margin (the README's relations between measures).
AT_MOST = (
    (("nadda_sysselsatta",), "nadda"),
    (("nadda_sysselsatta", "nadda_ingen", "nadda_okand"), "nadda"),
    (("nadda_sysselsatta", "nadda_okand"), "nadda"),  # per jobbtorg × kön, where nadda_ingen is not kept
    (("sokta",), "registrerade"),
    (("inskrivna",), "registrerade"),
    (("utan_stadsdel",), "registrerade"),
    (("nyinskrivna",), "inskrivna"),
    (("avslutade",), "inskrivna"),
    (("avslut_studier", "avslut_arbete", "avslut_annan"), "avslutade"),
    (schema.AVSLUT_ORSAKER, "avslutade"),
    (("avslut_studier", "avslut_arbete", "avslut_annan", "avslut_okand"), "avslutade"),  # likewise
    # What the dates add (kaa.extract.periods): the new are some of all, the reached of the new some of both.
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
#: A month's figure is modelled as its own measure, `nadda@2021-03` (kaa.periods publishes the city's; its
#: jobbtorg × kön cells are latent).
_AT = "@"
#: Who had entered a state by month m: before the year (the year's figure less its new) and in the months up to m.
_STATES = {  # state: (new per month, the year's figure it is part of)
    "registrerad": ("nya_i_registret", "registrerade"),
    "sokt": ("nya_under_uppsok", "sokta"),
    "inskriven": ("nya_inskrivna", "inskrivna"),
}
#: (those who left the state by m, the state): at most those who entered it by m.
_LEAVING = ((("avregistrerade",), "registrerad"), (("nadda", "ej_nadda_avregistrerade"), "sokt"),
            (("avslutade",), "inskriven"))
#: (inner, outer): by every month, whoever entered the inner state had entered the outer one.
_WITHIN = (("sokt", "registrerad"), ("inskriven", "registrerad"))
#: Per month: parts at most the whole.
_MONTH_AT_MOST = ((("nya_nadda",), "nya_under_uppsok"), (("ej_nadda_avregistrerade",), "avregistrerade"),
                  (("avslut_studier", "avslut_arbete", "avslut_annan"), "avslutade"))
SUMMED_NOTE = "Summerad ur källans delar."

# Weights: what hiding a shown figure costs, per unit it has to move. Totals are read most,
# then margins; the report's printed figures are public anyway and are moved only as a last resort.
_WEIGHT = {0: 3.0, 1: 1.5, 2: 1.5, 3: 1.0, 4: 1.5, 8: 1.5}  # by level (a latent cell is hidden: 1.0)
_PUBLISHED_WEIGHT = 1000.0
#: A month's figure is read less than the year's: hiding it costs this share of what a year's figure would.
_MONTH_WEIGHT = 0.5
#: Breaking a `<5` bound (the figure is then shown as `..`), per unit.
_LABEL_WEIGHT = 0.4
#: Moving a figure that is hidden already: nearly free, so solutions stay small.
_HIDDEN_WEIGHT = 1e-3


#: A small program solved again and again from the last basis: no presolve, the dual simplex, one thread.
_HIGHS_OPTIONS = {"output_flag": False, "presolve": "off", "solver": "simplex", "threads": 1}
#: For the rare fractional vertex: any good whole-numbered solution will do.
_MIP_OPTIONS = {"output_flag": False, "threads": 1, "mip_rel_gap": 0.5, "time_limit": 5.0}


def _whole(values: np.ndarray) -> bool:
    return bool(np.abs(values - np.round(values)).max(initial=0.0) <= 1e-7)


def primary_label(min_cell: int) -> str:
    return f"<{min_cell}"


def is_label(text) -> bool:
    """Whether a text is a hidden figure's symbol: `<5` (any threshold) or `..`."""
    return isinstance(text, str) and (text == SECONDARY or (text[:1] == "<" and text[1:].isdigit()))


def _level(frame: pd.DataFrame) -> np.ndarray:
    return sum(frame[d].notna().to_numpy() * (1 << bit) for bit, d in enumerate(_ALL_BREAKDOWNS)
               if d in frame)


def _popcount(level: np.ndarray) -> np.ndarray:
    return sum((level >> bit) & 1 for bit in range(len(_ALL_BREAKDOWNS)))


# --- Margins -------------------------------------------------------------------------------------


def _margins(counts: pd.DataFrame) -> pd.DataFrame:
    """Add the margins each (year, verksamhet, measure)'s finest breakdown implies but the source does not state."""
    if counts.empty:
        return counts
    level = _level(counts)
    if (level & _AREA_BITS).any():  # the figures per stadsdel and ålder come with their margins
        area = (level & _AREA_BITS) != 0
        return pd.concat([_margins(counts[~area]), counts[area]], ignore_index=True)
    flags = pd.DataFrame({f"_has{lvl}": level == lvl for lvl in range(4)}, index=counts.index)
    flags["_max"] = level
    grouped = pd.concat([counts[_KEYS], flags], axis=1).groupby(_KEYS, sort=False, dropna=False)
    has = grouped[[f"_has{lvl}" for lvl in range(4)] + ["_max"]].transform("max")
    cells = level == has["_max"].to_numpy()
    added = []

    def summed(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        if rows.empty:
            return rows.iloc[0:0]
        out = rows.groupby(_KEYS + keys, sort=False, dropna=False).agg(
            value=("value", "sum"), noggrannhet=("noggrannhet", "first"), kalla=("kalla", "first"),
            source=("source", "first"), source_id=("source_id", "first")).reset_index()
        for column in _ALL_BREAKDOWNS:
            if column not in keys:
                out[column] = None
        out["anmarkning"] = SUMMED_NOTE
        return out[counts.columns]

    finest3 = cells & (level == 3)
    for lvl, keys in ((1, [schema.JOBBTORG]), (2, [schema.KON])):
        added.append(summed(counts[finest3 & ~has[f"_has{lvl}"].to_numpy()], keys))
    # The total, from the finest breakdown, wherever a broken-down group lacks it.
    wants_total = cells & (level > 0) & ~has["_has0"].to_numpy()
    added.append(summed(counts[wants_total], []))
    added = [a for a in added if len(a)]
    if not added:
        return counts.reset_index(drop=True)
    return pd.concat([counts] + added, ignore_index=True)


# --- The linear model of one year ---------------------------------------------------------------


@dataclass
class _Model:
    """One year's facts as variables and every relation a reader knows between them."""

    rows: np.ndarray            # positions in the protected frame
    x: np.ndarray               # true values
    weight: np.ndarray          # cost per unit of moving a shown figure
    equal: sp.csr_matrix        # equal @ z == 0
    at_most: sp.csr_matrix      # at_most @ z <= 0
    related: np.ndarray         # in at least one relation


def _relations(frame: pd.DataFrame) -> tuple[list, list]:
    """(equalities, inequalities) as lists of {position: coefficient}, over the frame's positions.

    Only relations between exact figures that hold for the true values: a reader may know
    them, and the model stays consistent (a source with a slip in it gets no relation there).
    """
    value = frame["value"].to_numpy()
    exact = frame["noggrannhet"].isin(_EXACT).to_numpy()
    level = _level(frame)
    where = {}
    # A margin's missing breakdown as None, whether it came as None or NaN (a frame read back from the store).
    breakdowns = [frame[d].astype(object).where(frame[d].notna(), None) if d in frame
                  else pd.Series(None, index=frame.index, dtype=object) for d in _ALL_BREAKDOWNS]
    for pos, key in enumerate(zip(frame[schema.AR], frame[schema.VERKSAMHET], frame["measure"], *breakdowns)):
        if exact[pos]:
            where[key] = pos
    equal, at_most = [], []

    def add(kind: list, terms: dict[int, float]) -> None:
        total = sum(c * value[p] for p, c in terms.items())
        if (kind is equal and abs(total) < 1e-9) or (kind is at_most and total <= 1e-9):
            kind.append(terms)

    # Sums within a (year, verksamhet, measure): cells to margins, margins to the total.
    by_group: dict[tuple, dict[int, list]] = {}
    # Per stadsdel (ålder): each margin is the sum of its jobbtorg × kön × stadsdel (ålder) cells, and those of a
    # jobbtorg × kön cell sum to it.
    area_sums: dict[tuple, list[int]] = {}
    for (ar, verksamhet, measure, j, k, s, a), pos in where.items():
        if level[pos] < 4:
            by_group.setdefault((ar, verksamhet, measure), {0: [], 1: [], 2: [], 3: []})[level[pos]].append((j, k, pos))
        elif j is not None:
            bit = 4 if s is not None else 8
            area_sums.setdefault((ar, verksamhet, measure, None, None, s, a), []).append(pos)
            area_sums.setdefault((ar, verksamhet, measure, j, k, bit), []).append(pos)
    for key, members in area_sums.items():
        whole = where.get(key if len(key) == 7 else key[:5] + (None, None))
        if whole is not None:
            add(equal, {whole: -1.0, **{pos: 1.0 for pos in members}})
    for group in by_group.values():
        totals = group[0]
        if totals and group[3] and not group[1] and not group[2]:  # a month: its city figure and latent cells
            add(equal, {totals[0][2]: -1.0, **{pos: 1.0 for _, _, pos in group[3]}})
        for lvl in (1, 2):
            if totals and group[lvl]:
                add(equal, {totals[0][2]: -1.0, **{pos: 1.0 for _, _, pos in group[lvl]}})
        if group[3]:
            for lvl, side in ((1, 0), (2, 1)):
                for margin in group[lvl]:
                    members = [pos for *jk, pos in group[3] if jk[side] == margin[side]]
                    add(equal, {margin[2]: -1.0, **{pos: 1.0 for pos in members}})
    # A jobbtorg × kön cell's registered without a district are its registered in Saknar stadsdel (0 if none).
    for (ar, verksamhet, measure, j, k, s, a), pos in where.items():
        if measure == "utan_stadsdel" and j is not None and k is not None and s is None and a is None:
            place = where.get((ar, verksamhet, "registrerade", j, k, schema.SAKNAR_STADSDEL, None))
            add(equal, {pos: 1.0} if place is None else {pos: 1.0, place: -1.0})
    _period_relations(where, add, equal, at_most)
    # Between measures, and between each verksamhet and the whole, at every cell and margin.
    for (ar, verksamhet, measure, *dims), pos in where.items():
        for whole, parts in EQUALS:
            if measure == whole:
                found = [where.get((ar, verksamhet, part, *dims)) for part in parts]
                if None not in found:
                    add(equal, {pos: -1.0, **{p: 1.0 for p in found}})
        for parts, whole in AT_MOST:
            if measure == whole:
                found = [where.get((ar, verksamhet, part, *dims)) for part in parts]
                if None not in found:
                    add(at_most, {pos: -1.0, **{p: 1.0 for p in found}})
        if verksamhet == schema.HELA_KAA and measure == "registrerade" and any(dims[2:]):
            # Per stadsdel, Aim's inskrivna are some of those registered there (the only unit figure split so).
            for part in (where.get((ar, schema.AIM, m, *dims)) for m in schema.AIM_AREA_MEASURES):
                if part is not None:
                    add(at_most, {part: 1.0, pos: -1.0})
        if verksamhet == schema.HELA_KAA:  # each unit, and the units together, are part of the whole
            found = [where.get((ar, part, measure, *dims)) for part in schema.VERKSAMHET_PARTS]
            for part in found:
                if part is not None:
                    add(at_most, {part: 1.0, pos: -1.0})
            if None not in found:
                add(at_most, {pos: -1.0, **{p: 1.0 for p in found}})
    return equal, at_most


def _period_relations(where: dict, add, equal: list, at_most: list) -> None:
    """What a reader knows of the months (module docstring of kaa.periods): at every cell and margin, the months of a
    flow add up to its year, and by each month no one has left a state without having entered it, nor entered a
    state without being in the one it lies in."""
    months: dict[tuple, dict[str, dict[str, int]]] = {}
    for (ar, verksamhet, measure, *dims), pos in where.items():
        if _AT in measure:
            name, month = measure.split(_AT)
            months.setdefault((ar, verksamhet, *dims), {}).setdefault(name, {})[month] = pos
    for (ar, verksamhet, *dims), flows in months.items():
        def year(name: str) -> int | None:
            return where.get((ar, verksamhet, name, *dims))

        order = sorted({month for per in flows.values() for month in per})
        for name, per in flows.items():  # the months add up to the year
            whole = year(name)
            if whole is not None and len(per) == len(order):
                add(equal, {whole: -1.0, **{pos: 1.0 for pos in per.values()}})

        def entered(state: str, last: int) -> dict[int, float] | None:
            """Who had entered `state` by month `last`: before the year, then month by month (or None)."""
            new, total = _STATES[state]
            if new not in flows or year(new) is None or year(total) is None:
                return None
            terms = {year(total): 1.0, year(new): -1.0}
            for month in order[:last + 1]:
                terms[flows[new][month]] = terms.get(flows[new][month], 0.0) + 1.0
            return terms

        def less(big: dict[int, float], small: dict[int, float]) -> dict[int, float]:
            terms = {pos: -c for pos, c in big.items()}
            for pos, c in small.items():
                terms[pos] = terms.get(pos, 0.0) + c
            return {pos: c for pos, c in terms.items() if c}

        for last in range(len(order)):
            for leaving, state in _LEAVING:
                by = entered(state, last)
                if by is None or not all(name in flows for name in leaving):
                    continue
                gone = {flows[name][month]: 1.0 for name in leaving for month in order[:last + 1]}
                add(at_most, less(by, gone))
            for inner, outer in _WITHIN:
                small, big = entered(inner, last), entered(outer, last)
                if small is not None and big is not None:
                    add(at_most, less(big, small))
            for parts, whole in _MONTH_AT_MOST:
                if whole in flows and all(p in flows for p in parts):
                    month = order[last]
                    add(at_most, {flows[whole][month]: -1.0, **{flows[p][month]: 1.0 for p in parts}})


def _matrix(rows: list[dict[int, float]], local: dict[int, int], n: int) -> sp.csr_matrix:
    data, row_index, col_index = [], [], []
    for r, terms in enumerate(rows):
        for pos, coefficient in terms.items():
            row_index.append(r)
            col_index.append(local[pos])
            data.append(coefficient)
    return sp.csr_matrix((data, (row_index, col_index)), shape=(len(rows), n))


def _models(frame: pd.DataFrame) -> list[_Model]:
    equal, at_most = _relations(frame)
    monthly = frame["measure"].str.contains(_AT, regex=False).to_numpy()
    year = frame[schema.AR].to_numpy()
    level = _level(frame)
    published = frame["source_id"].to_numpy() == SOURCE_ID
    models = []
    for ar in np.unique(year):
        positions = np.flatnonzero(year == ar)
        local = {int(p): i for i, p in enumerate(positions)}
        eq = [r for r in equal if next(iter(r)) in local]
        le = [r for r in at_most if next(iter(r)) in local]
        n = len(positions)
        weight = np.array([_WEIGHT.get(lvl, 1.0) for lvl in level[positions]], dtype=float)
        weight[monthly[positions]] *= _MONTH_WEIGHT
        weight[published[positions]] = _PUBLISHED_WEIGHT
        related = np.zeros(n, dtype=bool)
        for terms in eq + le:
            related[[local[p] for p in terms]] = True
        models.append(_Model(positions, frame["value"].to_numpy()[positions].astype(float), weight,
                             _matrix(eq, local, n), _matrix(le, local, n), related))
    return models


# --- Choosing the secondary cells ---------------------------------------------------------------


class _Protection:
    """The hidden figures and `<5` labels of one year, grown until every primary has its witnesses.

    One persistent HiGHS model per year: a solve changes a few bounds and costs and starts from
    the previous basis, so each takes a fraction of a millisecond.

    Columns: up (n), down (n): how far each figure moves; below (k), above (k): how far each of
    the k primaries goes under 1 or over min_cell-1 (breaking its `<5`). Rows: the equalities,
    the inequalities (their slack at the true values), and per primary `down - below <= x - 1`
    and `up - above <= upper - x`, which bind only while it is labelled `<5`.
    """

    def __init__(self, model: _Model, primary: np.ndarray, upper: int, latent: np.ndarray):
        self.model = model
        self.upper = upper
        self.n = n = len(model.x)
        x = model.x
        self.primary = primary
        self.hidden = primary | latent
        self.labelled = primary.copy() if upper > 1 else np.zeros(n, dtype=bool)  # `<5`: 1..upper
        self.seen = [set() for _ in range(n)]
        for i in np.flatnonzero(primary):
            self.seen[i].add(int(x[i]))
        self.programs = 0
        self.integer_programs = 0
        equal, at_most = model.equal, model.at_most
        # Label columns and rows only for the primaries: slot[i] is primary i's place among them.
        owners = np.flatnonzero(primary)
        self.k = k = len(owners)
        self.slot = np.full(n, -1)
        self.slot[owners] = np.arange(k)
        pick = sp.csr_matrix((np.ones(k), (np.arange(k), owners)), shape=(k, n))
        eye = sp.identity(k, format="csr")
        none_kn, none_kk = sp.csr_matrix((k, n)), sp.csr_matrix((k, k))

        def side(matrix):
            rows = matrix.shape[0]
            return sp.hstack([matrix, -matrix, sp.csr_matrix((rows, 2 * k))])

        matrix = sp.vstack([side(equal), side(at_most),
                            sp.hstack([none_kn, pick, -eye, none_kk]),
                            sp.hstack([pick, none_kn, none_kk, -eye])]).tocsc()
        self.first_label_row = equal.shape[0] + at_most.shape[0]
        inf = highspy.kHighsInf
        lp = highspy.HighsLp()
        lp.num_col_ = 2 * n + 2 * k
        lp.num_row_ = matrix.shape[0]
        cost = np.where(self.hidden, _HIDDEN_WEIGHT, model.weight)
        on = self.labelled[owners]
        label_cost = np.where(on, _LABEL_WEIGHT, 0.0)
        lp.col_cost_ = np.concatenate([cost, cost, label_cost, label_cost])
        lp.col_lower_ = np.zeros(lp.num_col_)
        label_cap = np.where(on, inf, 0.0)
        lp.col_upper_ = np.concatenate([np.full(n, inf), x, label_cap, label_cap])
        self.label_bounds = np.concatenate([x[owners] - 1.0, upper - x[owners]])
        lp.row_lower_ = np.concatenate([np.zeros(equal.shape[0]), np.full(at_most.shape[0] + 2 * k, -inf)])
        lp.row_upper_ = np.concatenate([np.zeros(equal.shape[0]), -(at_most @ x),
                                        np.where(np.tile(on, 2), self.label_bounds, inf)])
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = matrix.indptr
        lp.a_matrix_.index_ = matrix.indices
        lp.a_matrix_.value_ = matrix.data
        self.lp = lp
        self.highs = highspy.Highs()
        for option, value in _HIGHS_OPTIONS.items():
            self.highs.setOptionValue(option, value)
        self.highs.passModel(lp)

    def needed(self, i: int) -> list[int]:
        """The values from 1 to upper that no witness has given primary i yet, farthest first."""
        wanted = set(range(1, self.upper + 1)) | ({2} if self.upper == 1 else set())
        x = self.model.x[i]
        return sorted(wanted - self.seen[i], key=lambda v: (-abs(v - x), v))

    def _set_label(self, i: int, on: bool) -> None:
        """Bind figure i by `<5` (on) or not; while protecting, a bound may be broken at a price."""
        inf = highspy.kHighsInf
        n, k, h, q = self.n, self.k, self.highs, self.slot[i]
        for r in (q, k + q):
            h.changeRowBounds(self.first_label_row + r, -inf, self.label_bounds[r] if on else inf)
        for col in (2 * n + q, 2 * n + k + q):
            h.changeColBounds(col, 0.0, inf if on else 0.0)
            h.changeColCost(col, _LABEL_WEIGHT if on else 0.0)

    def _solve(self, i: int, target: int):
        """The cheapest move of the figures that takes figure i to `target` while every relation
        and label holds (breaking a label at a price): (move, broken labels), or None."""
        n, h, x = self.n, self.highs, self.model.x
        shift = target - x[i]
        h.changeColBounds(i, max(shift, 0.0), max(shift, 0.0))
        h.changeColBounds(n + i, max(-shift, 0.0), max(-shift, 0.0))
        if self.labelled[i]:
            self._set_label(i, False)
        self.programs += 1
        h.run()
        ok = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
        solution = np.asarray(h.getSolution().col_value) if ok else None
        propagated = None
        if ok and not _whole(solution):
            solution = self._perturbed(i, target)
            if solution is None:
                solution = self._integer_solve(np.asarray(h.getSolution().col_value))
            if solution is None:
                propagated = self._propagated(i, target)
        h.changeColBounds(i, 0.0, highspy.kHighsInf)
        h.changeColBounds(n + i, 0.0, x[i])
        if self.labelled[i]:
            self._set_label(i, True)
        if propagated is not None:
            return propagated
        if solution is None:
            return None
        solution = np.round(solution)
        move = solution[:n] - solution[n:2 * n]
        broken = np.zeros(n, dtype=bool)
        broken[self.slot >= 0] = (solution[2 * n:2 * n + self.k] > 0) | (solution[2 * n + self.k:] > 0)
        return move, broken

    def _propagated(self, i: int, target: int):
        """A whole-numbered witness built by hand, for when the LP's vertex is fractional: figure i moves to
        `target`, and every relation it breaks is mended by moving one more figure the same way (a whole up
        when its parts rose, a part when a whole must change; already hidden figures first, then the cheapest),
        until every relation holds. Returns (move, broken labels) like `_solve`, or None if that does not
        settle (the integer program is tried then). Every relation is checked before the witness is used."""
        x, n, model = self.model.x, self.n, self.model
        move = np.zeros(n)
        move[i] = target - x[i]
        up = move[i] > 0
        equal, at_most = model.equal.tocsr(), model.at_most.tocsr()
        slack = -(at_most @ x)
        prefer = np.where(self.hidden, 0.0, model.weight)

        def pick(candidates: np.ndarray, need: float) -> int | None:
            if not up:  # a figure may not go below 0
                candidates = candidates[x[candidates] + move[candidates] >= need]
            if len(candidates) == 0:
                return None
            return int(candidates[np.lexsort((-(x[candidates] + move[candidates]), prefer[candidates]))[0]])

        sign = 1.0 if up else -1.0
        for _ in range(4 * n):
            # gap > 0: a row's parts (coefficient +1) are too high for its whole. Wholes are mended first (the
            # move spreads to the margins and totals it belongs to); a part is moved only where a whole has
            # moved and no other row will move a part of it, so no row is mended twice.
            gaps = (equal @ move, at_most @ move - slack)
            wrong = (np.abs(gaps[0]) > 1e-9, gaps[1] > 1e-9)
            found = next(((m, g, rows[0], -1) for m, g, w in zip((equal, at_most), gaps, wrong)
                          if len(rows := np.flatnonzero(w & ((g > 0) == up)))), None)
            found = found or next(((m, g, rows[0], 1) for m, g, w in zip((equal, at_most), gaps, wrong)
                                   if len(rows := np.flatnonzero(w))), None)
            if found is None:
                break
            matrix, gap, r, side = found  # side -1: move the row's whole, +1: one of its parts
            cols = matrix.indices[matrix.indptr[r]:matrix.indptr[r + 1]]
            coef = matrix.data[matrix.indptr[r]:matrix.indptr[r + 1]]
            chosen = pick(cols[coef * side > 0], abs(gap[r]))
            if chosen is None:
                return None
            move[chosen] += sign * abs(gap[r])
        else:
            return None
        if (np.abs(equal @ move) > 1e-9).any() or (at_most @ move > slack + 1e-9).any() or (x + move < -1e-9).any():
            return None
        value = x + move
        broken = self.labelled & ((value < 1) | (value > self.upper))
        return move, broken

    def _cost(self) -> np.ndarray:
        cost = np.where(self.hidden, _HIDDEN_WEIGHT, self.model.weight)
        label = np.where(self.labelled[self.slot >= 0], _LABEL_WEIGHT, 0.0)
        return np.concatenate([cost, cost, label, label])

    def _perturbed(self, i: int, target: int):
        """The LP again with its costs slightly shaken: ties broken differently often give a whole-numbered vertex."""
        h = self.highs
        base = self._cost()
        if self.slot[i] >= 0:
            base[[2 * self.n + self.slot[i], 2 * self.n + self.k + self.slot[i]]] = 0.0
        columns = np.arange(base.size, dtype=np.int32)
        rng = np.random.default_rng(i * 31 + target)
        found = None
        for _ in range(3):
            self.programs += 1
            h.changeColsCost(base.size, columns, base * (1 + 0.05 * rng.random(base.size)))
            h.run()
            if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                break
            solution = np.asarray(h.getSolution().col_value)
            if _whole(solution):
                found = solution
                break
        h.changeColsCost(base.size, columns, base)
        return found

    def _integer_solve(self, relaxed: np.ndarray):
        """The current program with whole-numbered moves, for when the LP's vertex is fractional.

        First only the figures the LP moved may move (a small program), then those and every
        hidden one, then every figure. A good solution is enough."""
        self.integer_programs += 1
        n = self.n
        lp = self.highs.getLp()
        lp.integrality_ = [highspy.HighsVarType.kInteger] * lp.num_col_
        upper = np.asarray(lp.col_upper_)
        moved = (relaxed[:n] > 1e-9) | (relaxed[n:2 * n] > 1e-9)
        attempts = []
        for movable in (moved, moved | self.hidden):
            narrow = upper.copy()
            narrow[:n][~movable] = 0.0
            narrow[n:2 * n][~movable] = 0.0
            attempts.append(narrow)
        for caps in attempts + [upper]:
            lp.col_upper_ = caps
            mip = highspy.Highs()
            for option, value in _MIP_OPTIONS.items():
                mip.setOptionValue(option, value)
            mip.passModel(lp)
            mip.run()
            solution = mip.getSolution()
            if solution.value_valid and mip.getInfo().primal_solution_status == 2:
                return np.asarray(solution.col_value)
        return None

    def protect(self, order: np.ndarray) -> None:
        for i in order:
            for target in self.needed(i):
                if target in self.seen[i]:
                    continue
                found = self._solve(i, target)
                if found is None:  # cannot happen, as every figure may move: hide the whole year to be safe
                    self.hidden |= self.model.x != 0
                    return
                self._apply(*found)

    def _apply(self, move: np.ndarray, broken: np.ndarray) -> None:
        n, h = self.n, self.highs
        for i in np.flatnonzero(broken & self.labelled):
            self.labelled[i] = False
            self._set_label(i, False)
        for i in np.flatnonzero((move != 0) & ~self.hidden):
            self.hidden[i] = True
            h.changeColCost(i, _HIDDEN_WEIGHT)
            h.changeColCost(n + i, _HIDDEN_WEIGHT)
        self._witness(move)

    def _witness(self, move: np.ndarray) -> None:
        """Keep a witness, and every whole-numbered point between it and the truth (the segment is feasible)."""
        x = self.model.x
        steps = int(np.abs(move[self.primary]).max()) if self.primary.any() else 0
        for k in range(1, max(steps, 1) + 1):
            point = move * k / max(steps, 1)
            if not _whole(point):
                continue
            point = np.round(point)
            for j in np.flatnonzero(self.primary & (point != 0)):
                self.seen[j].add(int(x[j] + point[j]))


def _load_solver() -> None:
    """Import HiGHS and scipy.sparse at the first protection, not with the module.

    Together they take about 0,2 s to import (scipy pulls in numpy.f2py), which `python -m kaa import`
    and every other command that never masks would otherwise pay.
    """
    global highspy, sp
    import highspy
    import scipy.sparse as sp


def protect(facts: pd.DataFrame, min_cell: int, remember: MutableMapping[str, bytes] | None = None) -> pd.DataFrame:
    """The facts with every implied margin added and a `maskad` label on each row ("" = shown).

    `remember` keeps each year's labels by what decides them (the year's figures, the threshold and this
    module's and the schema's text), so the same figures are protected once (kaa.store keeps them on disk)."""
    is_count = facts["measure"].isin(schema.COUNT_NAMES)
    counts, other = _as_measures(facts[is_count]), facts[~is_count]
    if min_cell > 1 and len(counts):
        counts = _margins(counts)
    else:  # the latent cells' margins are published whatever the threshold
        coarse = (counts["measure"].isin(schema.LATENT_CELL_MEASURES)
                  | counts[schema.VERKSAMHET].isin(schema.CITY_UNITS) | counts["measure"].str.contains(_AT, regex=False))
        if coarse.any():
            counts = pd.concat([counts[~coarse], _margins(counts[coarse])], ignore_index=True)
    counts = _without_month_margins(counts)
    latent = _latent(counts)
    out = pd.concat([counts, other], ignore_index=True)
    out[MASKED] = ""
    if min_cell <= 1 or counts.empty:
        return _from_measures(_published(out, latent))
    frame = out.iloc[:len(counts)]
    values = frame["value"].to_numpy()
    small = (values >= 1) & (values < min_cell) & ~latent
    hidden = small.copy()
    labelled = small.copy()
    level = _level(frame)
    codes = np.zeros(len(frame), dtype=np.uint8)  # 0 shown, 1 `<5`, 2 `..`
    work, keys = [], {}
    for ar, rows in frame.groupby(schema.AR, sort=False).indices.items():
        key = _year_key(frame.iloc[rows], min_cell) if remember is not None else None
        known = _recall(remember, key, len(rows))
        if known is not None:
            codes[rows] = known
        else:
            keys[int(ar)] = (key, rows)
    if keys:
        _load_solver()
        years = frame[schema.AR].to_numpy()
        work = [(model, small[model.rows] & model.related) for model in _models(frame)
                if int(years[model.rows[0]]) in keys]
        work = [(model, primary) for model, primary in work if primary.any()]

    def one_year(item) -> _Protection:
        model, primary = item
        protection = _Protection(model, primary, min_cell - 1, latent[model.rows])
        candidates = np.flatnonzero(primary)
        # Cells before margins before totals (fewer secondaries that way), the smallest first.
        protection.protect(candidates[np.lexsort((model.x[candidates], -_popcount(level[model.rows][candidates])))])
        return protection

    # Years share no relation; HiGHS releases the GIL, so they are solved side by side.
    with ThreadPoolExecutor(max_workers=min(len(work), os.cpu_count() or 1) or 1) as pool:
        for (model, primary), protection in zip(work, pool.map(one_year, work)):
            hidden[model.rows] |= protection.hidden
            labelled[model.rows] = np.where(primary, protection.labelled, labelled[model.rows])
    for key, rows in keys.values():
        codes[rows] = np.where(labelled[rows] & small[rows], 1, np.where(hidden[rows], 2, 0))
        if remember is not None:
            remember[key] = codes[rows].tobytes()
    labels = np.array(["", primary_label(min_cell), SECONDARY], dtype=object)[codes]
    out.loc[:len(counts) - 1, MASKED] = labels
    return _from_measures(_published(out, latent))


def _without_month_margins(counts: pd.DataFrame) -> pd.DataFrame:
    """A month's figures per jobbtorg and per kön are neither published nor needed: the model holds its city figure
    and its jobbtorg × kön cells, whose relations imply everything of the margins between them."""
    monthly = counts["measure"].str.contains(_AT, regex=False).to_numpy()
    if not monthly.any():
        return counts
    level = _level(counts)
    return counts[~(monthly & ((level == 1) | (level == 2)))].reset_index(drop=True)


def _as_measures(counts: pd.DataFrame) -> pd.DataFrame:
    """The months' figures as measures of their own (`nadda@2021-03`), without the period column."""
    if schema.PERIOD not in counts:
        return counts
    period = counts[schema.PERIOD]
    monthly = period.notna().to_numpy()
    counts = counts.drop(columns=schema.PERIOD)
    if monthly.any():
        counts = counts.copy()
        counts.loc[monthly, "measure"] = counts["measure"][monthly] + _AT + period[monthly].astype(str)
    return counts


def _from_measures(out: pd.DataFrame) -> pd.DataFrame:
    """`_as_measures` undone: the period column back (None for a figure of the whole year)."""
    parts = out["measure"].str.split(_AT, n=1, regex=False)
    monthly = parts.str.len().to_numpy() == 2
    period = out[schema.PERIOD] if schema.PERIOD in out else pd.Series(None, index=out.index, dtype=object)
    out[schema.PERIOD] = period.astype(object).where(period.notna(), None)
    if monthly.any():
        out.loc[monthly, schema.PERIOD] = parts[monthly].str[1]
        out.loc[monthly, "measure"] = parts[monthly].str[0]
    first = [c for c in out.columns if c != schema.PERIOD]
    at = first.index(schema.ALDER) + 1 if schema.ALDER in first else len(first)
    return out[first[:at] + [schema.PERIOD] + first[at:]]


_SOURCE_DIGEST = None


def _year_key(rows: pd.DataFrame, min_cell: int) -> str:
    """What decides a year's labels: its figures in order (with what the model reads of them), the threshold,
    and the text of this module and the schema (the relations and measures)."""
    global _SOURCE_DIGEST
    if _SOURCE_DIGEST is None:
        _SOURCE_DIGEST = hashlib.sha256(Path(__file__).read_bytes() + Path(schema.__file__).read_bytes()).digest()
    columns = [schema.AR, schema.VERKSAMHET, "measure", *_ALL_BREAKDOWNS, "value", "noggrannhet"]
    kept = rows[columns].assign(_published=rows["source_id"] == SOURCE_ID)
    for column in _ALL_BREAKDOWNS:
        kept[column] = kept[column].astype(object).where(kept[column].notna(), "")
    digest = hashlib.sha256(_SOURCE_DIGEST + str(min_cell).encode())
    digest.update(pd.util.hash_pandas_object(kept, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def _recall(remember: MutableMapping[str, bytes] | None, key: str | None, rows: int) -> np.ndarray | None:
    if remember is None:
        return None
    try:
        known = remember.get(key)
    except (OSError, ValueError):
        return None
    if known is None or len(known) != rows:
        return None
    codes = np.frombuffer(known, dtype=np.uint8)
    return codes if codes.max(initial=0) <= 2 else None


def _latent(counts: pd.DataFrame) -> np.ndarray:
    """The jobbtorg × kön cells of schema.LATENT_CELL_MEASURES, the city units' finer figures and the cells behind
    the figures per stadsdel and age: in the model (a reader knows they exist and what relations they keep),
    hidden from the start, never published."""
    level = _level(counts)
    monthly = counts["measure"].str.contains(_AT, regex=False).to_numpy()
    return ((counts["measure"].isin(schema.LATENT_CELL_MEASURES).to_numpy() & (level == 3))
            | (monthly & (level != 0))
            | (counts[schema.VERKSAMHET].isin(schema.CITY_UNITS).to_numpy() & (level > 0))
            | (((level & _AREA_BITS) != 0) & ((level & 3) != 0)))


def _published(out: pd.DataFrame, latent: np.ndarray) -> pd.DataFrame:
    if not latent.any():
        return out
    keep = np.concatenate([~latent, np.ones(len(out) - len(latent), dtype=bool)])
    return out[keep].reset_index(drop=True)


def _small(min_cell: int) -> str:
    return f"1–{min_cell - 1}" if min_cell > 2 else "1"


def _between(min_cell: int) -> str:
    return f"mellan 1 och {min_cell - 1}" if min_cell > 2 else "på 1"


def reason(label: str, min_cell: int) -> str:
    """Why one count is hidden, said the same for every figure with the same symbol."""
    if label == primary_label(min_cell):
        return f"Färre än {min_cell} personer ({_small(min_cell)}): döljs för att skydda enskilda ungdomar."
    return (f"Dold uppgift (..): kan vara vilket antal som helst från 0 och uppåt, också {_small(min_cell)}. "
            f"Den döljs så att inget antal {_between(min_cell)} kan räknas fram ur det som visas.")


def share_reason(min_cell: int) -> str:
    """Why a share is hidden: a count behind it is."""
    return "Dold andel (..): räknas ur en dold uppgift och skulle annars avslöja den."


def legend(labels, min_cell: int | None = None) -> list[str]:
    """What the symbols among `labels` mean, a sentence each, for the note under a table or chart."""
    present = {label for label in labels if label}
    if min_cell is None:
        shown = [int(label[1:]) for label in present if label.startswith("<") and label[1:].isdigit()]
        min_cell = shown[0] if shown else _config_min_cell()
    out = []
    if primary_label(min_cell) in present:
        out.append(f"{primary_label(min_cell)} betyder {_small(min_cell)} personer.")
    if SECONDARY in present:
        out.append(f"{SECONDARY} är en dold uppgift: ett antal som kan vara vad som helst från 0 och uppåt (också "
                   f"{_small(min_cell)}), eller en andel som räknas ur ett sådant. Den döljs så att inget antal "
                   f"{_between(min_cell)} kan räknas fram ur det som visas, i någon tabell eller något urval.")
    return out


def _config_min_cell() -> int:
    return config.min_cell()
