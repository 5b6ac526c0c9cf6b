"""Synthetic KAA register extracts, for demos, tests and benchmarks.

`generate` builds a made-up extract in the import format (one row per young person
and statistics year, see issue 3 and the README); `write` saves it as CSV, by default
as Swedish Excel does (Windows-1252 is one `encoding="cp1252"` away, `;` is the default
delimiter). Nothing here describes a real person: every id looks like `DEMO-0000001`.

The proportions follow Stockholm's published figures for 2020 (Årsrapport 2020,
sections 6–7): about 59 % of the registered were sought, 52 % of the sought were
reached, 69 % of the reached were already occupied, 11.6 % of the registered were
enrolled for support, and so on. Splits that the report does not publish (districts
within a jobbtorg, occupations of the reached, Skolslussen's share, the smaller exit
reasons) are invented and only meant to look plausible.

The optional date columns (kaa.extract.dates) follow the persons and their statuses: a
person who recurs in the next year stays in the register and keeps the registration
date (and the uppsök and enrolment dates that still run), and every row obeys the
rules of the date columns (a start before the year or in it, events in the year, the
order registered ≤ uppsök ≤ reached, registered ≤ enrolled ≤ ended, all ≤ left).

Everything is vectorised with numpy and built as a pyarrow Table, so a million rows
take seconds, and writing streams the CSV in chunks.
"""

from __future__ import annotations

import codecs
import datetime as _dt
import re
from functools import partial
from pathlib import Path
from typing import BinaryIO, Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from kaa import schema
from kaa.extract.codes import (AVSLUTSORSAKER, DATE_NAMES, ID_PREFIX, JA_NEJ, REGISTER_NAMES, SYSSELSATTNING,
                               VERKSAMHETER)

# --- The extract's columns and codes ------------------------------------------

COLUMNS = REGISTER_NAMES
#: The columns without the optional dates (`generate(..., dates=False)`).
COLUMNS_UTAN_DATUM = tuple(name for name in REGISTER_NAMES if name not in DATE_NAMES)
DEFAULT_YEARS = range(2016, 2026)

KON = schema.KON_VALUES  # ("Kvinna", "Man")

#: The five jobbtorg (report order) and their stadsdelsområden, as in
#: data/stadsdel_jobbtorg.csv. The weights within a jobbtorg are invented.
_JOBBTORG_STADSDELAR = {
    "Jobbtorg Globen": (("Enskede-Årsta-Vantör", 0.45), ("Skarpnäck", 0.25), ("Farsta", 0.30)),
    "Jobbtorg Skärholmen": (("Hägersten-Älvsjö", 0.50), ("Skärholmen", 0.50)),
    "Jobbtorg City": (("Kungsholmen", 0.20), ("Norrmalm", 0.15), ("Östermalm", 0.20),
                      ("Södermalm", 0.45)),
    "Jobbtorg Vällingby": (("Hässelby-Vällingby", 0.60), ("Bromma", 0.40)),
    "Jobbtorg Kista": (("Rinkeby-Kista", 0.55), ("Spånga-Tensta", 0.45)),
}
#: Inskrivna per jobbtorg in the report's two tables (7.1, 2019 and 2020 together):
#: Globen 267+223, Skärholmen 168+164, City 162+143, Vällingby 144+126, Kista 224+165,
#: Saknar stadsdel 58+159.
_JOBBTORG_WEIGHTS = {
    "Jobbtorg Globen": 490, "Jobbtorg Skärholmen": 332, "Jobbtorg City": 305,
    "Jobbtorg Vällingby": 270, "Jobbtorg Kista": 389, schema.SAKNAR_STADSDEL: 217,
}
JOBBTORG = tuple(_JOBBTORG_STADSDELAR)
STADSDELAR = tuple(name for parts in _JOBBTORG_STADSDELAR.values() for name, _ in parts)
_STADSDEL_JOBBTORG = np.array(
    [JOBBTORG.index(jt) for jt, parts in _JOBBTORG_STADSDELAR.items() for _ in parts], dtype=np.int8)

# --- Proportions (Årsrapport 2020) ----------------------------------------------

_REGISTRERADE, _SOKTA, _NADDA = 8452, 5028, 2635
_INSKRIVNA, _NYINSKRIVNA, _AVSLUTADE = 980, 661, 747
_AVSLUT_STUDIER, _AVSLUT_ARBETE = 328, 125

P_KVINNA = 3903 / _REGISTRERADE            # 46 %
P_SOKT = _SOKTA / _REGISTRERADE            # 59 % of the registered
P_NADD = _NADDA / _SOKTA                   # 52 % of the sought
P_INSKRIVEN = _INSKRIVNA / _REGISTRERADE   # 11.6 % of the registered
P_NYINSKRIVEN = _NYINSKRIVNA / _INSKRIVNA  # 67 % of the enrolled
P_AVSLUTAD = _AVSLUTADE / _INSKRIVNA       # 76 % of the enrolled
#: The reached are more often enrolled than the rest; the overall rate stays P_INSKRIVEN.
P_INSKRIVEN_NADD = 0.25
P_INSKRIVEN_OVRIGA = (P_INSKRIVEN - P_SOKT * P_NADD * P_INSKRIVEN_NADD) / (1 - P_SOKT * P_NADD)

#: Of the reached, 69 % already studied, worked, studied abroad or had another occupation.
P_SYSSELSATTNING = (0.33, 0.20, 0.09, 0.07, 0.24, 0.07)
#: Verksamhet of the enrolled: Aim 296 of 980 (7.2); Skolslussen's share is invented.
P_VERKSAMHET = (0.58, 296 / _INSKRIVNA, 1 - 0.58 - 296 / _INSKRIVNA)
#: Of the exits: 44 % studier, 17 % arbete, 7 % annan sysselsättning, the rest spread.
_P_AVSLUT_KAND = (_AVSLUT_STUDIER / _AVSLUTADE, _AVSLUT_ARBETE / _AVSLUTADE, 0.07)
P_AVSLUTSORSAK = (*_P_AVSLUT_KAND, 0.12, 0.05, 0.09, 1 - sum(_P_AVSLUT_KAND) - 0.12 - 0.05 - 0.09)

#: Age in a person's first year in the extract (a second year adds one).
ALDER_FORSTA_AR = (16, 17, 18, 19)
P_ALDER = (0.22, 0.24, 0.27, 0.27)
#: Share of a year's persons who were in the extract the year before as well.
P_ATERKOMMANDE = 0.4
#: Rows with a stadsdel whose jobbtorg is left empty, for the reader to derive.
P_JOBBTORG_TOM = 0.20
#: Rows with a jobbtorg whose stadsdel is left empty.
P_STADSDEL_TOM = 0.02

# --- Dates (invented; only meant to look plausible) --------------------------------

#: Share of a year's rows already in the register on 1 December. In a year whose year
#: before is in the extract, exactly the persons who recur from it are (about 40 %).
P_REGISTRERAD_FORE = 0.45
#: Entrants per month of the statistics year (December … November): more when school starts.
P_REGISTRERAD_MANAD = (0.07, 0.08, 0.07, 0.07, 0.07, 0.07, 0.09, 0.06, 0.12, 0.12, 0.11, 0.07)
#: A start before the year (registered, uppsök, enrolled) is left empty this often.
P_DATUM_TOM = 0.15
#: Of the sought and the enrolled (not for the first time) among those already registered
#: before the year, the share whose uppsök or enrolment also began before it.
P_UPPSOK_FORE = 0.5
P_INSKRIVEN_FORE = 0.5
#: Share of a year's rows that leave the register during it.
P_AVREGISTRERAD = 0.30
#: Exit reasons after which the young person leaves the register (studier, vidare till
#: jobbtorg 20–29, flyttat, fyllt 20); they and the 19–20-year-olds leave more often.
_AVSLUT_LAMNAR = (0, 3, 4, 5)
#: Days from being registered to being placed under uppsök (0 for 40 %, else exponential).
P_UPPSOK_SAMMA_DAG, UPPSOK_DAGAR = 0.4, 14.0
#: Days from uppsök to reached: lognormal, median 5 weeks, 95 % within about 5 months (before the
#: year's end and leaving cut it: a median of about 4 weeks is left).
NADD_DAGAR_MEDIAN, NADD_DAGAR_SIGMA = 35.0, 0.9
#: Days from the year's start to uppsök or being reached, for those registered before it: exponential.
UPPSOK_FORE_DAGAR = 45.0
#: Days to being enrolled from being registered during the year, or from the year's start: exponential.
INSKRIVEN_DAGAR, INSKRIVEN_FORE_DAGAR = 45.0, 90.0
#: Days of support until it ends: lognormal, median about 3 months.
STOD_DAGAR_MEDIAN, STOD_DAGAR_SIGMA = 100.0, 0.8
#: Days from an exit that leaves the register to leaving it: exponential.
AVREGISTRERAD_DAGAR = 10.0

_MIN_AR = 2000
_TOM = -1  # an empty date


# --- Generating -------------------------------------------------------------------


def _pick(u: np.ndarray, probabilities: Iterable[float]) -> np.ndarray:
    """Category codes (int8) for uniform draws `u`, given each category's probability."""
    edges = np.cumsum(np.asarray(tuple(probabilities), dtype=np.float64))[:-1]
    return np.searchsorted(edges, u, side="right").astype(np.int8)


def _dictionary(codes: np.ndarray, values: Iterable[str]) -> pa.DictionaryArray:
    """A dictionary column; code -1 is empty (null)."""
    indices = pa.array(codes, type=pa.int8(), mask=codes < 0)
    return pa.DictionaryArray.from_arrays(indices, pa.array(list(values), type=pa.string()))


def _ids(numbers: np.ndarray) -> pa.Array:
    """`DEMO-0000001`-style strings for positive integers, built as raw Arrow buffers."""
    width = max(7, len(str(int(numbers.max())))) if len(numbers) else 7
    prefix = np.frombuffer(ID_PREFIX.encode("ascii"), dtype=np.uint8)
    size = len(prefix) + width
    chars = np.empty((len(numbers), size), dtype=np.uint8)
    chars[:, : len(prefix)] = prefix
    rest = numbers.astype(np.int64)
    for position in range(size - 1, len(prefix) - 1, -1):
        chars[:, position] = rest % 10 + ord("0")
        rest //= 10
    total = len(numbers) * size
    offset_type, arrow_type = (np.int32, pa.string()) if total < 2**31 else (np.int64, pa.large_string())
    offsets = np.arange(0, total + 1, size, dtype=offset_type)
    return pa.Array.from_buffers(
        arrow_type, len(numbers), [None, pa.py_buffer(offsets), pa.py_buffer(chars.reshape(-1))])


def _rows_per_year(rows: int, n_years: int) -> np.ndarray:
    counts = np.full(n_years, rows // n_years, dtype=np.int64)
    counts[: rows % n_years] += 1
    return counts


def _month_days(months: np.ndarray | int) -> np.ndarray:
    """The day number (days since 1970-01-01) of the first day of months counted since 1970-01."""
    return np.asarray(months, dtype=np.int64).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def _within(low: np.ndarray, high: np.ndarray, gap: np.ndarray, u: np.ndarray) -> np.ndarray:
    """`low + gap` where that is at most `high`, else a day drawn evenly from `low` … `high` (no pile-up on it)."""
    day = low + gap
    over = day > high
    day[over] = low[over] + (u[over] * (high[over] - low[over] + 1)).astype(np.int64)
    return day


def _date_column(days: np.ndarray) -> pa.DictionaryArray:
    """ISO `YYYY-MM-DD` text; -1 is empty (null). A dictionary of every day from the first to the last."""
    given = days >= 0
    first = int(days[given].min()) if given.any() else 0
    last = int(days[given].max()) if given.any() else -1
    dictionary = pa.array(np.arange(first, last + 1, dtype=np.int32), type=pa.date32()).cast(pa.string())
    indices = pa.array(np.where(given, days - first, 0).astype(np.int32), type=pa.int32(), mask=~given)
    return pa.DictionaryArray.from_arrays(indices, dictionary)


def _probabilities(weight: np.ndarray, expected: float) -> np.ndarray:
    """Per row a probability proportional to `weight`, at most 1, that together make `expected` (where they can)."""
    scale, capped = 0.0, np.zeros(len(weight), dtype=bool)
    for _ in range(5):
        free = weight[~capped].sum()
        if not free:
            break
        scale = max(0.0, expected - capped.sum()) / free
        capped = weight * scale >= 1
    return np.minimum(weight * scale, 1.0)


def _exponential(rng: np.random.Generator, mean: float, m: int) -> np.ndarray:
    """`m` whole numbers of days, exponential with `mean`."""
    return rng.exponential(mean, m).astype(np.int64)


def _lognormal(rng: np.random.Generator, median: float, sigma: float, m: int) -> np.ndarray:
    """`m` whole numbers of days, lognormal with `median` and `sigma` (of the log)."""
    return np.floor(rng.lognormal(np.log(median), sigma, m)).astype(np.int64)


def _before(rng: np.random.Generator, start: int, floor: np.ndarray) -> np.ndarray:
    """Per row a day from `floor` to the day before `start`, or (for P_DATUM_TOM of them) empty."""
    days = floor + (rng.random(len(floor)) * (start - floor)).astype(np.int64)
    days[rng.random(len(floor)) < P_DATUM_TOM] = _TOM
    return days


def _dates(rng: np.random.Generator, years: list[int], row_offsets: np.ndarray, previous_row: np.ndarray,
           alder: np.ndarray, nadd: np.ndarray, inskriven: np.ndarray, ny: np.ndarray, avslutad: np.ndarray,
           avslutsorsak: np.ndarray) -> dict[str, np.ndarray]:
    """The six date columns as day numbers (days since 1970-01-01, -1 empty), year by year.

    A row whose person recurs from the year before (`previous_row`) was in the register
    on 1 December and keeps that row's registration date, its uppsök date if it was sought
    but not reached, and its enrolment date if its support went on; the row before does
    not leave the register. Other rows enter during the year, except in a year whose year
    before is not in the extract, where some came from before it. Then the day a row
    leaves (if it does), and its events in order (uppsök, reached, enrolled, ended), each
    between the one before and the day it left (or the year's end).
    """
    n = len(previous_row)
    out = {name: np.full(n, _TOM, dtype=np.int64) for name in DATE_NAMES}
    reg, avreg, uppsok, nadd_dag, insk, avslut = (out[name] for name in (
        "registrerad_datum", "avregistrerad_datum", "uppsok_datum", "nadd_datum", "inskriven_datum", "avslut_datum"))
    recurring = previous_row >= 0
    goes_on = np.zeros(n, dtype=bool)
    goes_on[previous_row[recurring]] = True
    leaves_on_exit = avslutad & np.isin(avslutsorsak, _AVSLUT_LAMNAR)
    month_weights = np.asarray(P_REGISTRERAD_MANAD) / sum(P_REGISTRERAD_MANAD)

    for i, year in enumerate(years):
        lo, hi = int(row_offsets[i]), int(row_offsets[i + 1])
        m = hi - lo
        if not m:
            continue
        s = slice(lo, hi)
        months = _month_days(year * 12 - 1 - 1970 * 12 + np.arange(13))
        start, end = int(months[0]), int(months[12]) - 1
        rec = recurring[s]
        prev = previous_row[s][rec]

        draw = partial(rng.random, m)
        exponential = partial(_exponential, rng, m=m)
        lognormal = partial(_lognormal, rng, m=m)
        before = partial(_before, rng, start)

        # Registered: the recurring were there already; in a year whose year before is not in the
        # extract some others came from before it (back by up to a year per year of age past 15,
        # at least half a year, at most three years); the rest enter during the year.
        p_fore = 0.0
        if i == 0 or years[i - 1] != year - 1:
            n_rec = int(rec.sum())
            p_fore = max(0.0, (P_REGISTRERAD_FORE * m - n_rec) / (m - n_rec)) if m > n_rec else 0.0
        carried = rec | (draw() < p_fore)
        month = _pick(draw(), month_weights)
        r = months[month] + (draw() * (months[month + 1] - months[month])).astype(np.int64)
        back = np.clip((alder[s].astype(np.int64) - 15) * 365, 182, 3 * 365)
        r[carried] = before(start - back)[carried]
        r[rec] = reg[prev]
        r[rec & (draw() < P_DATUM_TOM)] = _TOM
        reg[s] = r
        entrant = r >= start
        first = np.maximum(r, start)                     # the first day the row is in the register this year

        # Left the register: never a row whose person recurs next year; more often after an exit
        # that leaves it and at 19–20. Every other date of the row lies on or before it.
        exits = leaves_on_exit[s]
        weight = np.where(exits, 4.0, 1.0) * np.where(alder[s] >= 19, 2.0, 1.0) * ~goes_on[s]
        leaving = draw() < _probabilities(weight, P_AVREGISTRERAD * m)
        left = first + (draw() * (end - first + 1)).astype(np.int64)
        avreg[s] = np.where(leaving, left, _TOM)
        last = np.where(leaving, left, end)              # the last day a row's events may lie on

        # Placed under uppsök (the sought: nadd ja or nej) and reached (nadd ja). An entrant is placed
        # soon after entering, one already registered early in the year, or before it; one sought but
        # not reached the year before still is. Reached some weeks later (see NADD_DAGAR_*).
        sought, reached = nadd[s] >= 0, nadd[s] == 0
        prev_nadd = np.full(m, -2, dtype=np.int8)
        prev_nadd[rec] = nadd[prev]
        kept = sought & rec & (prev_nadd == 1)
        early = sought & ~rec & ~entrant & (draw() < P_UPPSOK_FORE)
        floor = np.where(r >= 0, r, start - 365)
        lag = np.where(entrant, np.where(draw() < P_UPPSOK_SAMMA_DAG, 0, exponential(UPPSOK_DAGAR)),
                       exponential(UPPSOK_FORE_DAGAR))
        u = np.where(sought, _within(first, last, lag, draw()), _TOM)
        u[early] = before(floor)[early]
        u[kept] = uppsok[prev[kept[rec]]]
        uppsok[s] = u
        in_year = u >= start
        delay = np.where(in_year, lognormal(NADD_DAGAR_MEDIAN, NADD_DAGAR_SIGMA), exponential(UPPSOK_FORE_DAGAR))
        nadd_dag[s] = np.where(reached, _within(np.where(in_year, u, first), last, delay, draw()), _TOM)

        # Enrolled: a support that went on keeps its day; some of the others who had been enrolled
        # before (not nyinskrivna) and were registered before the year were enrolled before it too.
        enrolled = inskriven[s]
        went_on = np.zeros(m, dtype=bool)
        went_on[rec] = inskriven[prev] & ~avslutad[prev]
        went_on &= enrolled
        early = enrolled & ~ny[s] & ~went_on & ~rec & ~entrant & (draw() < P_INSKRIVEN_FORE)
        lag = np.where(entrant, exponential(INSKRIVEN_DAGAR), exponential(INSKRIVEN_FORE_DAGAR))
        e = np.where(enrolled, _within(first, last, lag, draw()), _TOM)
        e[early] = before(floor)[early]
        e[went_on] = insk[prev[went_on[rec]]]
        insk[s] = e

        # Support ended, after some months, or shortly before leaving after an exit that leaves.
        ended = avslutad[s]
        begun = np.maximum(first, e)
        a = _within(begun, last, lognormal(STOD_DAGAR_MEDIAN, STOD_DAGAR_SIGMA), draw())
        soon = leaving & exits
        a[soon] = np.maximum(begun, last - exponential(AVREGISTRERAD_DAGAR))[soon]
        avslut[s] = np.where(ended, a, _TOM)
    return out


def generate(rows: int, years: range | list[int] = DEFAULT_YEARS, seed: int = 0, dates: bool = False) -> pa.Table:
    """A synthetic KAA register extract of `rows` rows spread evenly over `years`.

    One row per person and statistics year; a person may recur in the next year (about
    40 % of a year's persons do) but never twice within a year. Gender, district and
    age follow the person from year to year. The same arguments give the same table.

    With `dates` (the `demo` command's default) the six optional date columns (DATE_NAMES) are filled too, drawn after
    everything else (so the other columns are the same either way); without, the table
    has COLUMNS_UTAN_DATUM only.
    """
    if isinstance(rows, bool) or not isinstance(rows, (int, np.integer)) or rows < 0:
        raise ValueError(f"Antalet rader måste vara ett heltal som är 0 eller större, inte {rows!r}.")
    years = sorted({int(y) for y in years})
    if not years:
        raise ValueError("Ange minst ett år.")
    rows = int(rows)
    rng = np.random.default_rng(seed)
    n_years = len(years)
    counts = _rows_per_year(rows, n_years)
    row_offsets = np.concatenate([[0], np.cumsum(counts)])

    # Persons: year i holds persons start[i] .. start[i] + counts[i] - 1; the first
    # `overlap[i]` of them were also in year i-1 (the last ones of that year).
    overlap = np.zeros(n_years, dtype=np.int64)
    start = np.zeros(n_years, dtype=np.int64)
    for i in range(1, n_years):
        overlap[i] = int(round(P_ATERKOMMANDE * min(counts[i - 1], counts[i])))
        start[i] = start[i - 1] + counts[i - 1] - overlap[i]
    n_persons = int(start[-1] + counts[-1])

    person = np.empty(rows, dtype=np.int64)
    recurring = np.zeros(rows, dtype=bool)
    previous_row = np.full(rows, -1, dtype=np.int64)   # the person's row in the year before
    inverse_before = None
    for i in range(n_years):
        lo, hi = row_offsets[i], row_offsets[i + 1]
        local = rng.permutation(counts[i])              # shuffled, so rows are not in id order
        person[lo:hi] = start[i] + local
        inverse = np.empty(counts[i], dtype=np.int64)
        inverse[local] = np.arange(counts[i])
        if i > 0 and overlap[i]:
            again = local < overlap[i]
            recurring[lo:hi] = again
            local_before = local[again] + (start[i] - start[i - 1])
            previous_row[lo:hi][again] = row_offsets[i - 1] + inverse_before[local_before]
        inverse_before = inverse

    # Per person: gender, district, age in the first year.
    pool_kon = (rng.random(n_persons) >= P_KVINNA).astype(np.int8)
    jobbtorg_names = tuple(_JOBBTORG_WEIGHTS)
    weights = np.array([_JOBBTORG_WEIGHTS[name] for name in jobbtorg_names], dtype=np.float64)
    pool_jobbtorg = _pick(rng.random(n_persons), weights / weights.sum())
    pool_stadsdel = np.full(n_persons, -1, dtype=np.int8)
    u = rng.random(n_persons)
    first = 0
    for code, name in enumerate(JOBBTORG):
        parts = _JOBBTORG_STADSDELAR[name]
        members = pool_jobbtorg == code
        pool_stadsdel[members] = first + _pick(u[members], [w for _, w in parts])
        first += len(parts)
    pool_alder = np.asarray(ALDER_FORSTA_AR, dtype=np.int8)[_pick(rng.random(n_persons), P_ALDER)]
    del pool_jobbtorg, u

    kon = pool_kon[person]
    alder = pool_alder[person] + recurring.astype(np.int8)
    stadsdel = pool_stadsdel[person]
    has_stadsdel = stadsdel >= 0
    jobbtorg = np.where(has_stadsdel, _STADSDEL_JOBBTORG[np.maximum(stadsdel, 0)], -1).astype(np.int8)
    u = rng.random(rows)
    jobbtorg[has_stadsdel & (u < P_JOBBTORG_TOM)] = -1
    stadsdel = stadsdel.copy()
    stadsdel[has_stadsdel & (u >= P_JOBBTORG_TOM) & (u < P_JOBBTORG_TOM + P_STADSDEL_TOM)] = -1
    del pool_kon, pool_alder, pool_stadsdel, has_stadsdel

    # Outreach: sought (nadd ja/nej) or not under outreach (empty).
    sokt = rng.random(rows) < P_SOKT
    nadd_ja = sokt & (rng.random(rows) < P_NADD)
    nadd = np.where(sokt, np.where(nadd_ja, 0, 1), -1).astype(np.int8)
    sysselsattning = np.where(nadd_ja, _pick(rng.random(rows), P_SYSSELSATTNING), -1).astype(np.int8)
    del sokt

    # Support.
    inskriven = rng.random(rows) < np.where(nadd_ja, P_INSKRIVEN_NADD, P_INSKRIVEN_OVRIGA)
    # Enrolled the year before as well: not first enrolled this year. The others are
    # drawn a little more often so that the share of nyinskrivna stays on target.
    was_enrolled = np.zeros(rows, dtype=bool)
    has_previous = previous_row >= 0
    was_enrolled[has_previous] = inskriven[previous_row[has_previous]]
    continuing = inskriven & was_enrolled
    n_inskrivna = int(inskriven.sum())
    n_fresh = n_inskrivna - int(continuing.sum())
    p_ny = min(1.0, P_NYINSKRIVEN * n_inskrivna / n_fresh) if n_fresh else 0.0
    ny = inskriven & ~continuing & (rng.random(rows) < p_ny)
    avslutad = inskriven & (rng.random(rows) < P_AVSLUTAD)
    verksamhet = np.where(inskriven, _pick(rng.random(rows), P_VERKSAMHET), -1).astype(np.int8)
    avslutsorsak = np.where(avslutad, _pick(rng.random(rows), P_AVSLUTSORSAK), -1).astype(np.int8)
    del has_previous, was_enrolled, continuing

    def ja_nej(flag: np.ndarray, where: np.ndarray | None = None) -> pa.DictionaryArray:
        codes = np.where(flag, 0, 1).astype(np.int8)
        if where is not None:
            codes[~where] = -1
        return _dictionary(codes, JA_NEJ)

    columns = {
        "ar": pa.array(np.repeat(np.asarray(years, dtype=np.int16), counts), type=pa.int16()),
        "person_id": _ids(person + 1),
        "kon": _dictionary(kon, KON),
        "alder": pa.array(alder, type=pa.int8()),
        "stadsdel": _dictionary(stadsdel, STADSDELAR),
        "jobbtorg": _dictionary(jobbtorg, JOBBTORG),
        "nadd": _dictionary(nadd, JA_NEJ),
        "sysselsattning": _dictionary(sysselsattning, SYSSELSATTNING),
        "inskriven": ja_nej(inskriven),
        "nyinskriven": ja_nej(ny, inskriven),
        "verksamhet": _dictionary(verksamhet, VERKSAMHETER),
        "avslutad": ja_nej(avslutad, inskriven),
        "avslutsorsak": _dictionary(avslutsorsak, AVSLUTSORSAKER),
    }
    if dates:
        days = _dates(rng, years, row_offsets, previous_row, alder, nadd, inskriven, ny, avslutad, avslutsorsak)
        columns.update((name, _date_column(days[name])) for name in DATE_NAMES)
    metadata = {"kaa": "Syntetiskt KAA-registerutdrag (kaa.demo), inga verkliga personer",
                "seed": str(seed)}
    return pa.table(columns, metadata=metadata)


# --- Writing ----------------------------------------------------------------------

_CHUNK_ROWS = 100_000


def _needs_quoting(table: pa.Table, delimiter: str) -> bool:
    """Whether any value or column name contains the delimiter, a quote or a line break."""
    special = re.compile("[" + re.escape(delimiter) + "\"\r\n]")
    if any(special.search(name) for name in table.column_names):
        return True
    pattern = special.pattern
    for column in table.columns:
        kind = column.type
        if pa.types.is_dictionary(kind):
            values = [chunk.dictionary for chunk in column.chunks]
            kind = kind.value_type
        else:
            values = column.chunks
        if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
            continue
        for array in values:
            if len(array) and pc.any(pc.match_substring_regex(array, pattern)).as_py():
                return True
    return False


def write(table: pa.Table, path, *, encoding: str = "utf-8", delimiter: str = ";",
          eol: str = "\n") -> None:
    """Write `table` as CSV with a header row of its column names.

    `encoding="cp1252"` with the default `delimiter=";"` is what Swedish Excel writes.
    Values are quoted only where they must be (they contain the delimiter, a quote or a
    line break); empty cells are written as nothing. `path` is a file name or a binary
    file object. Large tables are encoded and written in chunks.
    """
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in "\"\r\n":
        raise ValueError(f"Avgränsaren måste vara ett enda tecken (t.ex. ; eller ,), inte {delimiter!r}.")
    try:
        codec = codecs.lookup(encoding)
    except (LookupError, TypeError):
        raise ValueError(f"Okänd teckenkodning: {encoding!r}.") from None
    quoting = "needed" if _needs_quoting(table, delimiter) else "none"

    def options(header: bool) -> pacsv.WriteOptions:
        return pacsv.WriteOptions(include_header=header, batch_size=16_384, delimiter=delimiter,
                                  eol=eol, quoting_style=quoting, quoting_header=quoting)

    if hasattr(path, "write"):
        _write_to(table, path, codec, options)
        return
    target = Path(path)
    try:
        with open(target, "wb") as sink:
            _write_to(table, sink, codec, options)
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def _write_to(table: pa.Table, sink: BinaryIO, codec: codecs.CodecInfo, options) -> None:
    if codec.name == "utf-8":
        pacsv.write_csv(table, sink, options(True))
        return
    encoder = codec.incrementalencoder("strict")
    for start in range(0, max(table.num_rows, 1), _CHUNK_ROWS):
        buffer = pa.BufferOutputStream()
        pacsv.write_csv(table.slice(start, _CHUNK_ROWS), buffer, options(start == 0))
        text = str(buffer.getvalue(), "utf-8")
        del buffer
        try:
            sink.write(encoder.encode(text))
        except UnicodeEncodeError as error:
            bad = error.object[error.start:error.end]
            raise ValueError(
                f"Tecknet {bad!r} kan inte skrivas med teckenkodningen {codec.name}; "
                "välj utf-8 i stället.") from None
    sink.write(encoder.encode("", final=True))


# --- Years ------------------------------------------------------------------------

_YEARS_HELP = "Ange år som ett intervall (2016-2025), en lista (2019,2020) eller båda (2016-2018,2020)."


def parse_years(text: str) -> list[int]:
    """Years from `2016-2025`, `2019,2020` or a mix (`2016-2018,2020`), sorted and unique.

    Years must lie between 2000 and next calendar year, as in the extract format.
    Raises ValueError with a Swedish message on anything else.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"Inga år angivna. {_YEARS_HELP}")
    last = _dt.date.today().year + 1
    years: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        match = re.fullmatch(r"(\d{4})(?:\s*[-–]\s*(\d{4}))?", part)
        if not match:
            raise ValueError(f"Ogiltigt år eller intervall: {part!r} i {text.strip()!r}. {_YEARS_HELP}")
        low = int(match.group(1))
        high = int(match.group(2)) if match.group(2) else low
        if high < low:
            raise ValueError(f"Intervallet {part!r} går baklänges; skriv det minsta året först, t.ex. {high}-{low}.")
        for year in (low, high):
            if not _MIN_AR <= year <= last:
                raise ValueError(f"Året {year} ligger utanför det tillåtna intervallet {_MIN_AR}–{last}.")
        years.update(range(low, high + 1))
    return sorted(years)


__all__ = ["COLUMNS", "DEFAULT_YEARS", "generate", "parse_years", "write"]
