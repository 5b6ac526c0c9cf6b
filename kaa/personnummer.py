"""Swedish personal identity numbers (personnummer and samordningsnummer): find, count and mask them.

A number is a date YYMMDD (or YYYYMMDD with the century 18, 19 or 20), an optional separator and four
digits NNNC, where C is a check digit (Luhn over YYMMDDNNN). A samordningsnummer has 60 added to the day.
Every spelling counts: `050312-2384`, `050312+2384`, `040704 5558`, `0407045558`, `200503122384`,
`20050312-2384`, `20050312 2384`. The separator may be a hyphen, a plus, a dash or minus sign, up to
three spaces (any kind, a line break included) or both, e.g. `050312 - 2384`; digits may be any Unicode
decimal digits (full-width `０５０３…` too), and invisible characters (zero-width spaces, direction marks)
between them do not hide a number. A number must not be part of a longer run of digits.

- `contains(text)`: does the text hold a valid number (plausible date and correct check digit)?
- `looks_like(text)` / `mask(text)`: anything shaped like a number, with a plausible date, check digit or
  not, is found / replaced by `MASK`. Use `mask` on everything that is shown or stored.
- `clean_text(text, max_length)`: text from a file (a source or file name, a note) made safe to show
  and store: numbers masked, control, direction and invisible characters removed, whitespace collapsed,
  at most `max_length` characters.
- `count_cells(column)` / `cell_flags(values)`: the same test as `contains`, vectorised over pyarrow
  text columns (a million cells in well under a second).

Pure functions; nothing is logged or kept.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kaa.arrow import from_numpy, to_numpy

MASK = "•••"

# Character classes, written once and used by both regex engines (Python's re and pyarrow's RE2 accept
# the same literal characters, ranges and the escaped hyphen).
_SPACES = " \t\r\n\u00a0\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_INVISIBLES = "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_DASHES = "\\-+\u2010-\u2015\u2212\ufe63\uff0b\uff0d"
_CENTURIES = ("18", "19", "20")


def _separator(spaces: str) -> str:
    return f"[{spaces}]{{0,3}}[{_DASHES}]?[{spaces}]{{0,3}}"


# Python: any decimal digit, each possibly followed by invisible characters. Groups: date, serial.
_DIGIT = rf"\d[{_INVISIBLES}]*"
_PATTERN = re.compile(rf"(?<!\d)((?:{_DIGIT}){{6}}(?:(?:{_DIGIT}){{2}})?)"
                      rf"{_separator(_SPACES + _INVISIBLES)}((?:{_DIGIT}){{4}})(?!\d)")

# pyarrow (RE2). ANY finds candidate cells: a superset of what `contains` accepts (same shape, no check
# digit, no date). FULL is the fast path: the whole cell is one number in plain ASCII digits.
_ARROW_DIGIT = rf"\p{{Nd}}[{_INVISIBLES}]*"
ARROW_ANY = (rf"(?:^|\P{{Nd}})(?:{_ARROW_DIGIT}){{6}}(?:(?:{_ARROW_DIGIT}){{2}})?"
             rf"{_separator(_SPACES + _INVISIBLES)}(?:{_ARROW_DIGIT}){{4}}(?:\P{{Nd}}|$)")
ARROW_FULL = (rf"^[{_SPACES}]*(?:(?:{'|'.join(_CENTURIES)})[0-9]{{6}}|[0-9]{{6}})"
              rf"{_separator(_SPACES)}[0-9]{{4}}[{_SPACES}]*$")
_MIN_LENGTH = 10  # no number is shorter (in characters, and so in bytes)
_MIN_DIGITS = 10  # nor has fewer digits (six or eight for the date, four after it)


# --- One text -----------------------------------------------------------------------------------


def _ascii_digits(text: str) -> str:
    return "".join(str(unicodedata.decimal(ch)) for ch in text if ch.isdecimal())


def _ten(match: re.Match) -> str | None:
    """YYMMDDNNNC of a match, or None if its century is not one a person can have."""
    date, serial = _ascii_digits(match.group(1)), _ascii_digits(match.group(2))
    if len(date) == 8:
        if date[:2] not in _CENTURIES:
            return None
        date = date[2:]
    return date + serial


def plausible_date(ten: str) -> bool:
    """Month 1–12 and day 1–31, or 61–91 for a samordningsnummer (YYMMDDNNNC, ASCII digits)."""
    month, day = int(ten[2:4]), int(ten[4:6])
    return 1 <= month <= 12 and (1 <= day <= 31 or 61 <= day <= 91)


def check_digit_ok(ten: str) -> bool:
    """The Luhn check digit of YYMMDDNNN equals C."""
    total = 0
    for i, ch in enumerate(ten[:9]):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10 == int(ten[9])


def _shaped(match: re.Match) -> bool:
    ten = _ten(match)
    return ten is not None and plausible_date(ten)


def _valid(match: re.Match) -> bool:
    ten = _ten(match)
    return ten is not None and plausible_date(ten) and check_digit_ok(ten)


def _text(text) -> str:
    return "" if text is None else str(text)


def contains(text) -> bool:
    """True if the text holds a valid personnummer or samordningsnummer (date and check digit)."""
    return any(_valid(m) for m in _PATTERN.finditer(_text(text)))


def looks_like(text) -> bool:
    """True if the text holds anything shaped like a number with a plausible date, check digit or not."""
    return any(_shaped(m) for m in _PATTERN.finditer(_text(text)))


def mask(text) -> str:
    """The text with everything `looks_like` finds replaced by •••; the rest as it was."""
    return _PATTERN.sub(lambda m: MASK if _shaped(m) else m.group(0), _text(text))


# --- Text made safe to show and store -------------------------------------------------------------


_REMOVED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}  # control, format (invisible, direction), surrogates …
_SPACE_CATEGORIES = {"Zs", "Zl", "Zp"}


def _clean_char(ch: str) -> str:
    if ch.isspace() or unicodedata.category(ch) in _SPACE_CATEGORIES:
        return " "
    return "" if unicodedata.category(ch) in _REMOVED_CATEGORIES else ch


def strip_invisible(text) -> str:
    """Control, format (zero-width, bidirectional) and unassigned characters removed; whitespace
    (tabs and line breaks too) as single spaces, none at the ends. NFC-normalised."""
    text = unicodedata.normalize("NFC", _text(text))
    if text.isascii() and text.isprintable():
        return " ".join(text.split())
    return " ".join("".join(_clean_char(ch) for ch in text).split())


def clean_text(text, max_length: int) -> str:
    """Text from a file made safe to show and store, at most `max_length` characters.

    Invisible and control characters go first, so they can neither hide a number nor disguise the text
    (a right-to-left override, U+202E, shows `uttag<U+202E>vsc.exe` as `uttagexe.csv`). Then whitespace
    is collapsed, numbers are masked, and the text is cut, ending in … when it was longer.
    """
    text = mask(strip_invisible(text))
    if max_length <= 0:
        return ""
    if len(text) <= max_length:
        return text
    return text[:max_length - 1].rstrip() + "…"


# --- Columns (pyarrow) ----------------------------------------------------------------------------


def _last_ten_digits(values: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """The last ten ASCII digits of each value, as an (n, 10) array of 0–9; every value must hold at least
    ten (as those ARROW_FULL matches do: 10 or 12 digits and separators). Read straight from the buffers."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if pa.types.is_large_string(values.type):
        values = values.cast(pa.string())
    offsets = np.frombuffer(values.buffers()[1], dtype=np.int32)[values.offset: values.offset + len(values) + 1]
    raw = np.frombuffer(values.buffers()[2], dtype=np.uint8)[offsets[0]: offsets[-1]]
    is_digit = (raw >= 48) & (raw <= 57)
    per_value = np.add.reduceat(is_digit.astype(np.int32), offsets[:-1] - offsets[0])
    digits = raw[is_digit].astype(np.int16) - 48
    ends = np.cumsum(per_value)
    return digits[ends[:, None] - 10 + np.arange(10)]


def _valid_whole(values: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Date and check digit of cells that each are exactly one number in ASCII digits (ARROW_FULL)."""
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    d = _last_ten_digits(values)
    month = d[:, 2] * 10 + d[:, 3]
    day = d[:, 4] * 10 + d[:, 5]
    date_ok = (month >= 1) & (month <= 12) & (((day >= 1) & (day <= 31)) | ((day >= 61) & (day <= 91)))
    products = d[:, :9] * np.array([2, 1, 2, 1, 2, 1, 2, 1, 2], dtype=np.int16)
    products = products - 9 * (products > 9)
    check = (10 - products.sum(axis=1) % 10) % 10
    return date_ok & (check == d[:, 9])


def _too_short(values: pa.ChunkedArray | pa.Array) -> bool:
    return len(values) == 0 or (pc.max(pc.binary_length(values)).as_py() or 0) < _MIN_LENGTH


def _too_few_digits(values: pa.ChunkedArray | pa.Array) -> bool:
    """Whether no value can hold a number because none has ten digits: every value plain ASCII (a
    non-ASCII character might be a digit of another script) with fewer than ten 0-9 in it. Counted over
    the bytes in numpy: several times faster than the pattern, for ids such as DEMO-0018837."""
    for chunk in values.chunks if isinstance(values, pa.ChunkedArray) else [values]:
        if chunk.type != pa.string() or chunk.buffers()[2] is None:
            return False
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int32)[chunk.offset:chunk.offset + len(chunk) + 1]
        raw = np.frombuffer(chunk.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]]
        if (raw >= 0x80).any():
            return False
        seen = np.zeros(len(raw) + 1, dtype=np.int32)
        np.cumsum((raw - np.uint8(48)) < 10, dtype=np.int32, out=seen[1:])
        starts = offsets - offsets[0]
        if len(chunk) and int((seen[starts[1:]] - seen[starts[:-1]]).max()) >= _MIN_DIGITS:
            return False
    return True


def count_cells(column: pa.ChunkedArray | pa.Array,
                factorized: tuple[np.ndarray, pa.Array] | None = None) -> int:
    """How many cells of a text column hold a valid number (`contains`).

    Whole-cell numbers are checked in numpy; numbers inside other text per distinct candidate. Given the
    column factorized (per-row indices into its distinct values, and those values), only the distinct
    values are scanned.
    """
    if factorized is not None:
        indices, dictionary = factorized
        flags = cell_flags(dictionary)
        if not flags.any():
            return 0
        return int(np.bincount(indices, minlength=len(dictionary))[flags].sum())
    if _too_short(column) or _too_few_digits(column):
        return 0
    candidates = pc.filter(column, pc.match_substring_regex(column, ARROW_ANY))
    if len(candidates) == 0:
        return 0
    whole = pc.match_substring_regex(candidates, ARROW_FULL)
    found = int(np.count_nonzero(_valid_whole(pc.filter(candidates, whole))))
    in_text = pc.filter(candidates, pc.invert(whole))
    if len(in_text):
        hits = [v for v in pc.unique(in_text).to_pylist() if contains(v)]
        if hits:
            found += int(pc.sum(pc.is_in(in_text, value_set=pa.array(hits, pa.string()))).as_py() or 0)
    return found


def cell_flags(values: pa.Array) -> np.ndarray:
    """For each value (e.g. a column's distinct values): does it hold a valid number (`contains`)."""
    flags = np.zeros(len(values), dtype=bool)
    if _too_short(values):
        return flags
    candidates = np.flatnonzero(to_numpy(pc.match_substring_regex(values, ARROW_ANY)))
    if len(candidates) == 0:
        return flags
    texts = values.take(from_numpy(candidates))
    whole = to_numpy(pc.match_substring_regex(texts, ARROW_FULL))
    flags[candidates[whole]] = _valid_whole(texts.filter(from_numpy(whole)))
    in_text = candidates[~whole]  # a number inside other text: few, checked one by one
    flags[in_text] = [contains(v) for v in values.take(from_numpy(in_text)).to_pylist()]
    return flags


__all__ = ["MASK", "contains", "looks_like", "mask", "clean_text", "strip_invisible", "count_cells",
           "cell_flags", "plausible_date", "check_digit_ok"]
