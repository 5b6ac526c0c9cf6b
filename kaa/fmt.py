"""Swedish number formatting: `8 452`, `44,5 %`, `−4,3 procentenheter`, `+74`.

One module, used by the CLI's readable output, the pages, tables and charts.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from decimal import ROUND_HALF_UP, Decimal

from kaa import schema

NBSP = "\u00a0"  # keeps "8 452" and "44,5 %" on one line
MINUS = "\u2212"  # typographic minus, as Swedish print uses
MISSING = "–"
#: Plotly's `separators`: decimal comma, non-breaking space between thousands.
PLOTLY_SEPARATORS = "," + NBSP

APPROX_PREFIX = {"minst": "minst ", "ungefär": "≈" + NBSP}


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) in ("<NA>", "nan")


def _group(digits: str) -> str:
    head, rest = digits[: len(digits) % 3 or 3], digits[len(digits) % 3 or 3:]
    return NBSP.join([head] + [rest[i:i + 3] for i in range(0, len(rest), 3)])


def _round(value: float, decimals: int) -> str:
    """Round half away from zero, as Swedish statistics does (2,5 → 3), on the shortest decimal form."""
    quantum = Decimal(1).scaleb(-decimals)
    return str(Decimal(repr(abs(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def _number(value: float, decimals: int) -> str:
    text = _round(value, decimals)
    whole, _, frac = text.partition(".")
    out = _group(whole) + ("," + frac if frac else "")
    return (MINUS + out) if value < 0 and float(text) != 0 else out


def count(value, noggrannhet: str = "") -> str:
    """A count: `8 452`; an approximate published count gets its qualifier (`minst 4 900`)."""
    if _missing(value):
        return MISSING
    return APPROX_PREFIX.get(noggrannhet, "") + _number(float(value), 0)


def percent(value, decimals: int = 1) -> str:
    """A share given as a fraction: 0.4391 → `43,9 %`."""
    if _missing(value):
        return MISSING
    return _number(float(value) * 100, decimals) + NBSP + "%"


def _signed(value: float, decimals: int) -> str:
    text = _number(value, decimals)
    if float(_round(value, decimals)) == 0:
        return "±" + text
    return text if value < 0 else "+" + text


def signed_count(value) -> str:
    """A change in a count: `+74`, `−688`, `±0`."""
    return MISSING if _missing(value) else _signed(float(value), 0)


def signed_percent(value, decimals: int = 1) -> str:
    """A relative change given as a fraction: −0.207 → `−20,7 %`."""
    return MISSING if _missing(value) else _signed(float(value) * 100, decimals) + NBSP + "%"


def points(value, decimals: int = 1) -> str:
    """A change in a share given as a fraction: −0.0426 → `−4,3 procentenheter`."""
    return MISSING if _missing(value) else _signed(float(value) * 100, decimals) + NBSP + "procentenheter"


def share_decimals(val, noggrannhet: str = "") -> int:
    """Decimals a share is shown with: 1, or 0 for one the source publishes as a whole percent.

    So `69 %` is shown as printed, not as `69,0 %`, and does not look more precise than it is.
    """
    whole = noggrannhet == "publicerad andel" and not _missing(val) and round(float(val) * 100, 6) % 1 == 0
    return 0 if whole else 1


def days(val) -> str:
    """A number of days (a median may be a half): `26 dagar`, `26,5 dagar`, `1 dag`."""
    if _missing(val):
        return MISSING
    text = _number(float(val), 0 if float(val) % 1 == 0 else 1)
    return text + NBSP + ("dag" if float(val) == 1 else "dagar")


def value(measure: str, val, noggrannhet: str = "") -> str:
    """Any measure's value, formatted by its kind."""
    if measure in schema.STATISTIC_NAMES:
        return days(val)
    if measure not in schema.SHARE_NAMES:
        return count(val, noggrannhet)
    return percent(val, share_decimals(val, noggrannhet))


def change(measure: str, val) -> str:
    """Any measure's year-over-year change, formatted by its kind."""
    return points(val) if measure in schema.SHARE_NAMES else signed_count(val)


def rounded(val: float, decimals: int) -> float:
    """A number rounded as it is shown (half away from zero): rounded(48.25, 1) == 48.3."""
    return math.copysign(float(_round(val, decimals)), val)


#: How a table cell's number is written (`cell`); numbers are in the unit their column header names.
CELL_FORMATS = {
    "antal": lambda v: count(v),
    "minst": lambda v: count(v, "minst"),
    "ungefär": lambda v: count(v, "ungefär"),
    "heltal": lambda v: str(int(v)),
    "dagar": lambda v: days(v),
    "procent0": lambda v: _number(v, 0) + NBSP + "%",
    "procent1": lambda v: _number(v, 1) + NBSP + "%",
    "+antal": lambda v: _signed(v, 0),
    "+procent": lambda v: _signed(v, 1) + NBSP + "%",
    "+procentenheter": lambda v: _signed(v, 1),
}


def cell(code: str, val) -> str:
    """A table cell as the page shows it: by its code, – when the number is missing, blank without a code.

    A code that is no format is a hidden figure's symbol (`<5`, `..`), shown as it is.
    """
    if not code:
        return ""
    if code not in CELL_FORMATS:
        return code
    return MISSING if _missing(val) else CELL_FORMATS[code](float(val))


def years(values) -> str:
    """A set of years in words, runs joined: [2016, …, 2020, 2023] → `2016–2020, 2023`."""
    ordered = sorted({int(v) for v in values})
    runs: list[list[int]] = []
    for year in ordered:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def plain(text) -> str:
    """Text as Markdown that shows it exactly as written, for anything a user typed or a file held.

    Every ASCII punctuation mark is escaped (no emphasis, links, images, `:red[…]` colours or
    HTML), line breaks become spaces, and `:name:` is broken with an invisible space so Streamlit
    does not turn it into an emoji or icon.
    """
    text = re.sub(r"\s*[\r\n]+\s*", " ", str(text))
    text = re.sub(r":(?=[\w/+-]+:)", ":\u200b", text)
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


MONTH_NAMES = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
               "november", "december")


def parse_date(text: str) -> _dt.date:
    """An ISO date (`2025-03-31`), as a page's query parameter holds it."""
    return _dt.date.fromisoformat(text)


def long_date(day) -> str:
    """`31 mars 2025`, from a date or its ISO text."""
    day = parse_date(day) if isinstance(day, str) else day
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"
