"""The extract's optional dates: how they are read, what may be said with them, and the monthly counts they give.

Rules (the README's extract format says the same to the analyst):

- A date is read in any form Swedish Excel writes one: 2021-03-04 (also with a time, or with /), 20210304,
  4/3/2021, 4.3.2021, 4 mars 2021, or Excel's day number (44259). Day before month: 4/3 is the 4th of March.
- The statistics year Y runs from 1 December Y-1 to 30 November Y; its months are numbered 0 (December) to 11
  (November). No date lies after the end of its row's year.
- A start (registrerad_datum, uppsok_datum, inskriven_datum) may lie before the year: the young person came from
  an earlier year and is counted as already there on 1 December. Empty means the same.
- An event counted in the year (avregistrerad_datum, nadd_datum, avslut_datum) lies in it. nadd_datum is needed for
  everyone reached (nadd = ja) and avslut_datum for every support ended (avslutad = ja), once the column is there;
  avregistrerad_datum empty means still in the register when the year ended.
- A date says something only of whom it can: uppsok_datum only for the sought (nadd ja or nej), nadd_datum only for
  the reached, inskriven_datum only for the enrolled, avslut_datum only for the ended.
- Order: registered ≤ placed under uppsök ≤ reached, registered ≤ enrolled ≤ ended, and every date ≤ the day the
  young person left the register.

Each broken rule is an error naming row, column and how to fix it; a file with dates in only some columns counts
what those columns allow (kaa.extract.register.PERIOD_DEPENDS).
"""

from __future__ import annotations

import datetime as _dt
import re

import numpy as np

from kaa.extract.codes import BAD, EMPTY, NADD_JA, NADD_NEJ, _fold
from kaa.extract.columns import _Coded
from kaa.extract.problems import FEL, MAX_PER_TYP, _Problems, _where

_EPOCH = _dt.date(1970, 1, 1)
_EXCEL_EPOCH = _dt.date(1899, 12, 30)
#: Earlier days are no date in a register that begins in 2000 (and a code must stay 0 or more).
_FIRST_DAY = _dt.date(1990, 1, 1)
#: Excel day numbers accepted as dates: 1954-10-04 to 2119-01-10 (a plain number outside is no date).
_EXCEL_DAYS = (20_000, 80_000)
_MONTHS = {name: i for i, names in enumerate((
    ("januari", "jan"), ("februari", "feb"), ("mars", "mar"), ("april", "apr"), ("maj",), ("juni", "jun"),
    ("juli", "jul"), ("augusti", "aug"), ("september", "sep", "sept"), ("oktober", "okt"),
    ("november", "nov"), ("december", "dec")), 1) for name in names}
_ISO = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DAY_FIRST = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})")
_WORDS = re.compile(r"(\d{1,2}) ([a-z]+) (\d{4})")


def day_number(day: _dt.date) -> int:
    return (day - _EPOCH).days


def date_of(number: int) -> _dt.date:
    return _EPOCH + _dt.timedelta(days=int(number))


def date_code(raw: str) -> int:
    """The day (days since 1970-01-01) a cell names; EMPTY for an empty cell, BAD for one that is no date."""
    text = _fold(raw)
    if text == "":
        return EMPTY
    parts = None
    if match := _ISO.fullmatch(text):
        parts = int(match[1]), int(match[2]), int(match[3])
    elif match := re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text):
        parts = int(match[1]), int(match[2]), int(match[3])
    elif match := _DAY_FIRST.fullmatch(text):
        parts = int(match[3]), int(match[2]), int(match[1])
    elif (match := _WORDS.fullmatch(text)) and match[2] in _MONTHS:
        parts = int(match[3]), _MONTHS[match[2]], int(match[1])
    elif match := re.fullmatch(r"(\d{5})(?:[.,]0+)?", text):
        if _EXCEL_DAYS[0] <= int(match[1]) <= _EXCEL_DAYS[1]:
            return day_number(_EXCEL_EPOCH + _dt.timedelta(days=int(match[1])))
        return BAD
    if parts is None:
        return BAD
    try:
        day = _dt.date(*parts)
    except ValueError:
        return BAD
    return day_number(day) if day >= _FIRST_DAY else BAD


def year_start(year) -> np.ndarray | int:
    """The day number of 1 December before statistics year `year` (scalar or array)."""
    months = np.asarray(year, dtype="int64") * 12 - 1 - 1970 * 12  # December of year - 1, as months since 1970-01
    days = np.asarray(months).astype("datetime64[M]").astype("datetime64[D]").astype("int64")
    return days if np.ndim(year) else int(days)


#: Starts that may lie before the year (empty: before it); the others are events that lie in it.
STARTS = ("registrerad_datum", "uppsok_datum", "inskriven_datum")
#: (earlier, later): the order dates keep; the later is the one reported.
ORDER = (("registrerad_datum", "uppsok_datum"), ("uppsok_datum", "nadd_datum"),
         ("registrerad_datum", "nadd_datum"), ("registrerad_datum", "inskriven_datum"),
         ("inskriven_datum", "avslut_datum"), ("registrerad_datum", "avslut_datum"),
         *((name, "avregistrerad_datum") for name in ("registrerad_datum", "uppsok_datum", "nadd_datum",
                                                        "inskriven_datum", "avslut_datum")))
_WHAT = {
    "registrerad_datum": "kom in i registret", "avregistrerad_datum": "lämnade registret",
    "uppsok_datum": "placerades under uppsök", "nadd_datum": "nåddes", "inskriven_datum": "skrevs in",
    "avslut_datum": "fick stödet avslutat",
}
#: (date column, status column, the status codes that allow a date, what the status is called, required).
STATUS = (("uppsok_datum", "nadd", (NADD_JA, NADD_NEJ), "nådd är ja eller nej", False),
          ("nadd_datum", "nadd", (NADD_JA,), "nådd är ja", True),
          ("inskriven_datum", "inskriven", (1,), "inskriven är ja", False),
          ("avslut_datum", "avslutad", (1,), "avslutad är ja", True))


def _shown(raw: str) -> str:
    return f"”{raw}”" if raw.strip() else "tom"


def _text(day: int) -> str:
    return date_of(day).isoformat()


def check(coded: dict[str, _Coded], labels: dict[str, str], rownums: np.ndarray, problems: _Problems) -> None:
    """Report every broken rule of the module docstring as an error with its row and column."""
    names = [name for name in _WHAT if name in coded]
    if not names or "ar" not in coded:
        return
    # Per distinct year its first and last day, then per row (32-bit: a million rows, six columns).
    years = coded["ar"].table.astype(np.int64)
    known = years > 0
    first = np.where(known, year_start(np.where(known, years, 2000)), 0).astype(np.int32)
    last = np.where(known, year_start(np.where(known, years + 1, 2001)) - 1, 0).astype(np.int32)
    index = coded["ar"].indices
    year, has_year, start, end = years[index], known[index], first[index], last[index]
    days = {name: coded[name].codes for name in names}

    def add(name: str, typ: str, mask: np.ndarray, expected: str, message) -> None:
        positions = np.flatnonzero(mask)
        at = {int(rownums[p]): int(p) for p in positions[:MAX_PER_TYP]}
        problems.add_rows(FEL, typ, labels[name], positions, rownums, coded[name].raw, expected,
                          lambda rad, v: f"{_where(rad, labels[name])}: {message(at[rad], v)}")

    fine = {}  # a date that is there and within its bounds: only those are compared with each other
    for name in names:
        add(name, "ogiltigt datum", days[name] == BAD, "ett datum",
            lambda p, v: f"”{v}” är inget datum. Skriv det som 2021-03-04 (år-månad-dag).")
        given = (days[name] >= 0) & has_year
        late = given & (days[name] > end)
        early = given & (days[name] < start) & (name not in STARTS)
        fine[name] = given & ~late & ~early
        add(name, "datum utanför året", late | early, "ett datum inom statistikåret",
            lambda p, v: (f"{v} ligger utanför statistikåret {year[p]} ({_text(start[p])}–{_text(end[p])}). "
                          "Rätta datumet, eller året om raden hör till ett annat år."))
    for name, status, allowed, said, required in STATUS:
        if name not in coded or status not in coded:
            continue
        state = coded[status].codes
        ok = np.isin(state, allowed)
        add(name, "omöjlig kombination", (days[name] >= 0) & ~ok & (state != BAD), f"{labels[status]}: {said}",
            lambda p, v, name=name, status=status, said=said: (
                f"ett datum då ungdomen {_WHAT[name]}, men det stämmer bara om {said} "
                f"(”{labels[status]}” är {_shown(coded[status].raw(p))}). Töm datumet eller rätta ”{labels[status]}”."))
        if required:
            add(name, "datum saknas", ok & (days[name] == EMPTY), "ett datum",
                lambda p, v, name=name, said=said: (
                    f"datumet saknas, men {said}. Fyll i dagen då ungdomen {_WHAT[name]}."))
    for earlier, later in ORDER:
        if earlier not in days or later not in days:
            continue
        wrong = fine[earlier] & fine[later] & (days[earlier] > days[later])
        add(later, "omöjlig ordning", wrong, f"tidigast {labels[earlier]}",
            lambda p, v, earlier=earlier, later=later: (
                f"ungdomen {_WHAT[later]} {_text(days[later][p])}, före dagen då hen {_WHAT[earlier]} "
                f"({_text(days[earlier][p])}, kolumn ”{labels[earlier]}”). Rätta något av datumen."))
