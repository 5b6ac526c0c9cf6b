"""Read an analyst's register extract (CSV or XLSX), check it and sum it to facts.

An extract has one row per young person and statistics year (the *register*
kind, see `EXTRACT_COLUMNS`), or it is already counted in the tidy format of the
published figures (`ar, jobbtorg, kon, verksamhet, measure, value`, the *tidy*
kind). `read_extract` turns the bytes of an uploaded file into an
`ExtractResult`: the facts (only aggregated counts), every problem found with
its row as numbered in the file, a preview and what was detected about the file.

It never raises on bad input and never writes anything anywhere. Row-level data,
person_id and personal identity numbers only live in memory while the file is
read; they never appear in the problems, the preview, the facts or an exception.

How the rows are numbered: as in the file, header = row 1 (or the row the header
is on, when title rows precede it). A quoted value that spans several physical
lines counts as one row, as when the file is opened in Excel. Blank lines and
lines with nothing but delimiters or spaces are skipped without a remark, but
keep their number, so the rows after them keep the numbers the file shows.
Trailing blank lines are ignored.

Reading is columnar and built for large files (a million rows): the CSV is
parsed by pyarrow (multithreaded, every column as text), encoding and delimiter
are sniffed on the first 64 KB only, coded columns are checked on their
distinct values, and unused columns are dropped as soon as they have been
scanned for personal identity numbers. No Python loop runs over the rows.

Work is bounded (kaa.limits): the file's size and a CSV's lines are checked before it is parsed, and
an Excel workbook's parts, sheet rows and cells before its sheet is expanded (kaa.xlsx, which reads
values with python-calamine and reports formulas without saved values). A file past a limit gets one
Swedish error saying which limit, the file's figure and what to do; so does one that takes more CPU
time than `time_limit`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import io
import itertools
import operator
import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from kaa import characters, demo, fmt, personnummer, schema
from kaa.facts import FACT_COLUMNS, FactsError, invalid_values, normalize_facts
from kaa import limits, xlsx
from kaa.arrow import from_numpy, to_numpy
from kaa.lazy import pandas as pd  # imported at first use: reading a register CSV never needs it

STADSDEL_CSV = Path(__file__).resolve().parent.parent / "data" / "stadsdel_jobbtorg.csv"

FEL = "fel"
VARNING = "varning"
REGISTER = "register"
TIDY = "tidy"

PROBLEM_COLUMNS = ["allvarlighet", "typ", "rad", "kolumn", "varde", "forvantat", "meddelande"]
#: Problems kept per (allvarlighet, typ); problem_counts has the full numbers.
MAX_PER_TYP = 20
PREVIEW_ROWS = 20
SAMPLE_BYTES = 64 * 1024
MASK = personnummer.MASK
FIRST_YEAR = 2000

PNR_TYP = "personnummer"
_TYP_LABELS = {  # the kinds of problem, as headings in the report
    PNR_TYP: "Personnummer i filen",
}


def _last_year() -> int:
    return _dt.date.today().year + 1


# --- The format ----------------------------------------------------------------


@dataclass(frozen=True)
class ExtractColumn:
    """One column of the extract format, for the documentation table and the template."""

    name: str
    required: bool
    meaning: str
    allowed: str
    aliases: tuple[str, ...] = ()


EXTRACT_COLUMNS = (
    ExtractColumn("ar", True, "Statistikår (1 december året före till 30 november)",
                  "2000 … nästa kalenderår", ("år", "årtal", "statistikår", "year")),
    ExtractColumn("person_id", True, "Pseudonymt id för ungdomen (aldrig personnummer)",
                  "text, inte tom", ("id", "person", "löpnummer", "pseudonym", "individ_id", "pid")),
    ExtractColumn("kon", True, "Kön", "Kvinna, Man (även K/M, flicka/pojke)",
                  ("kön", "gender", "sex")),
    ExtractColumn("alder", False, "Ålder", "15–20", ("ålder", "age")),
    ExtractColumn("stadsdel", False, "Stadsdelsområde",
                  "ett av Stockholms 13 stadsdelsområden, t.ex. Rinkeby-Kista",
                  ("stadsdelsområde", "stadsdelsnämnd", "district")),
    ExtractColumn("jobbtorg", False,
                  "Jobbtorg; saknas det tas det fram ur stadsdel, saknas båda blir det Saknar stadsdel",
                  ", ".join(schema.JOBBTORG_NAMES), ("job_center", "jobcenter")),
    ExtractColumn("nadd", False, "Utfall av uppsöket",
                  "ja = nådd, nej = sökt men inte nådd, tomt = inte under uppsök", ("nådd", "reached")),
    ExtractColumn("sysselsattning", False, "Sysselsättning när ungdomen nåddes",
                  "studier, arbete, utlandsstudier, annan, ingen, okänd", ("sysselsättning", "occupation")),
    ExtractColumn("inskriven", False, "Fick stöd eller en åtgärd under året", "ja/nej (även j/n, 1/0, x/tomt)",
                  ("enrolled",)),
    ExtractColumn("nyinskriven", False, "Skrevs in för första gången under året", "ja/nej (även j/n, 1/0, x/tomt)",
                  ("newly_enrolled",)),
    ExtractColumn("verksamhet", False, "Verksamhet som gav stödet", "Jobbtorg, Aim, Skolslussen",
                  ("unit", "enhet")),
    ExtractColumn("avslutad", False, "Stödet avslutades under året", "ja/nej (även j/n, 1/0, x/tomt)",
                  ("exited", "ended")),
    ExtractColumn("avslutsorsak", False, "Vart ungdomen gick när stödet avslutades (om avslutad)",
                  "studier, arbete, annan sysselsättning, vidare till jobbtorg 20–29, flyttat, fyllt 20, okänd",
                  ("orsak", "exit_reason", "reason")),
)
REGISTER_NAMES = tuple(c.name for c in EXTRACT_COLUMNS)
REQUIRED = tuple(c.name for c in EXTRACT_COLUMNS if c.required)
#: Not required, but without them their measures are missing: worth a warning.
EXPECTED = ("nadd", "inskriven", "avslutad", "avslutsorsak")

TIDY_NAMES = (schema.AR, schema.JOBBTORG, schema.KON, schema.VERKSAMHET,
              "measure", "value", "noggrannhet", "kalla", "anmarkning")
TIDY_REQUIRED = (schema.AR, "measure", "value")

_BOOL_HELP = "ja eller nej (även j/n, 1/0, true/false, x/tomt)"
_ALLOWED = {
    "kon": "Kvinna eller Man (även K/M, kvinna/man, flicka/pojke)",
    "nadd": "ja, nej eller tomt (tomt = inte under uppsök); även j/n, 1/0, true/false, x",
    "sysselsattning": "studier, arbete, utlandsstudier, annan, ingen, okänd eller tomt",
    "inskriven": _BOOL_HELP,
    "nyinskriven": _BOOL_HELP,
    "avslutad": _BOOL_HELP,
    "verksamhet": "Jobbtorg, Aim, Skolslussen eller tomt",
    "avslutsorsak": ("studier, arbete, annan sysselsättning, vidare till jobbtorg 20–29, flyttat, "
                     "fyllt 20, okänd eller tomt"),
    "stadsdel": "ett av Stockholms stadsdelsområden, eller tomt",
    "jobbtorg": ", ".join(schema.JOBBTORG_NAMES) + " eller tomt",
    "alder": "en ålder mellan 15 och 20, eller tomt",
}


# --- Spellings -------------------------------------------------------------------

_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u", "á": "a", "à": "a",
                       "–": "-", "—": "-", "‐": "-", "‑": "-", "\u00a0": " "})


def _fold(text: str) -> str:
    """Lower case, no å/ä/ö, plain hyphens, single spaces, no surrounding quotes. Compatibility forms
    (full-width Ｍ …) are their plain letters and invisible format characters are dropped
    (`characters.normalized`); `_report_variants` warns about values read that way."""
    text = characters.normalized(str(text)).lower().translate(_FOLD)
    return " ".join(text.strip().strip("\"'").split()).rstrip(".")


def _fold_header(name: str) -> str:
    text = re.sub(r"\(.*?\)", " ", _fold(name))
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


_HEADER_ALIASES: dict[str, str] = {}
for _col in EXTRACT_COLUMNS:
    for _alias in (_col.name, *_col.aliases):
        _HEADER_ALIASES[_fold_header(_alias)] = _col.name
_HEADER_ALIASES.update({_fold_header(k): v for k, v in {
    "statistics_year": "ar", "stat_ar": "ar", "aar": "ar",
    "personid": "person_id", "person_nr": "person_id", "personnummer": "person_id", "personnr": "person_id",
    "pnr": "person_id", "lopnr": "person_id", "lnr": "person_id", "pseudo_id": "person_id",
    "individ": "person_id", "id_nummer": "person_id",
    "alder_ar": "alder", "stadsdelsomrade_sdo": "stadsdel", "sdo": "stadsdel", "sdn": "stadsdel",
    "city_district": "stadsdel", "job_centre": "jobbtorg", "jobbtorg_namn": "jobbtorg",
    "nadda": "nadd", "nadd_ja_nej": "nadd", "syss": "sysselsattning", "activity": "sysselsattning",
    "inskrivna": "inskriven", "nyinskrivna": "nyinskriven", "new_enrolment": "nyinskriven",
    "new_enrollment": "nyinskriven", "avslutade": "avslutad", "avslut": "avslutad",
    "avslut_orsak": "avslutsorsak",
    # the tidy count format
    "measure": "measure", "matt": "measure", "indicator": "measure",
    "value": "value", "varde": "value", "antal": "value", "count": "value",
    "noggrannhet": "noggrannhet", "accuracy": "noggrannhet",
    "kalla": "kalla", "anmarkning": "anmarkning",
}.items()})


def canonical_column(name: str) -> str | None:
    """The format's name for a header as written in a file; None if it is not one of ours."""
    return _HEADER_ALIASES.get(_fold_header(name))


# Codes. Negative values are not codes: EMPTY for an empty cell, BAD for an unknown value.
EMPTY = -1
BAD = -2
OUT_OF_RANGE = -3

_TRUE = {"ja", "j", "yes", "y", "1", "1.0", "true", "sant", "sann", "x"}
_FALSE = {"nej", "n", "no", "0", "0.0", "false", "falskt", "falsk"}

KON_CODES = {**dict.fromkeys(("kvinna", "k", "kv", "flicka", "f", "female", "woman", "girl", "tjej",
                              "kvinnor", "flickor"), 0),
             **dict.fromkeys(("man", "m", "pojke", "p", "male", "boy", "kille", "pojkar"), 1)}
NADD_JA, NADD_NEJ = 1, 2
NADD_CODES = {**dict.fromkeys(_TRUE | {"nadd", "nadda"}, NADD_JA),
              **dict.fromkeys(_FALSE | {"ej nadd", "inte nadd", "ej_nadd", "ej nadda"}, NADD_NEJ)}
BOOL_CODES = {**dict.fromkeys(_TRUE, 1), **dict.fromkeys(_FALSE, 0), "": 0}
SYSSELSATTNING = ("studier", "arbete", "utlandsstudier", "annan", "ingen", "okänd")
SYSS_CODES = {
    **dict.fromkeys(("studier", "studerar", "studie", "studies", "study", "education"), 0),
    **dict.fromkeys(("arbete", "arbetar", "jobb", "work", "employment", "employed"), 1),
    **dict.fromkeys(("utlandsstudier", "studier utomlands", "studerar utomlands", "studies abroad"), 2),
    **dict.fromkeys(("annan", "annan sysselsattning", "other"), 3),
    **dict.fromkeys(("ingen", "ingen sysselsattning", "none"), 4),
    **dict.fromkeys(("okand", "okant", "vet ej", "unknown"), 5),
}
SYSSELSATT = (0, 1, 2, 3)  # studier, arbete, utlandsstudier, annan
VERKSAMHETER = ("Jobbtorg", "Aim", "Skolslussen")
VERKSAMHET_CODES = {**dict.fromkeys(("jobbtorg", "jobbtorg unga", "kaa", "jobbtorg ung"), 0),
                    "aim": 1, "skolslussen": 2}
AIM_CODE = 1
AVSLUTSORSAKER = ("studier", "arbete", "annan sysselsättning", "vidare till jobbtorg 20–29",
                  "flyttat", "fyllt 20", "okänd")
AVSLUT_CODES = {
    **dict.fromkeys(("studier", "studies", "studerar"), 0),
    **dict.fromkeys(("arbete", "work", "arbetar", "jobb"), 1),
    **dict.fromkeys(("annan sysselsattning", "annan", "other"), 2),
    **dict.fromkeys(("vidare till jobbtorg 20-29", "jobbtorg 20-29", "vidare till jobbtorg",
                     "till jobbtorg 20-29"), 3),
    **dict.fromkeys(("flyttat", "flytt", "moved"), 4),
    **dict.fromkeys(("fyllt 20", "fyllt 20 ar", "20 ar"), 5),
    **dict.fromkeys(("okand", "okant", "unknown"), 6),
}
_JOBBTORG_INDEX = {name: i for i, name in enumerate(schema.JOBBTORG_NAMES)}
SAKNAR_INDEX = _JOBBTORG_INDEX[schema.SAKNAR_STADSDEL]
_JOBBTORG_FOLDED = {_fold(name): i for i, name in enumerate(schema.JOBBTORG_NAMES)}
_JOBBTORG_FOLDED.update({_fold(name.removeprefix("Jobbtorg ")): i
                         for i, name in enumerate(schema.JOBBTORG_NAMES) if name.startswith("Jobbtorg ")})


def _code_from(table: dict[str, int], allow_empty: int | None = EMPTY) -> Callable[[str], int]:
    def lookup(raw: str) -> int:
        key = _fold(raw)
        if key == "" and allow_empty is not None:
            return table.get("", allow_empty)
        return table.get(key, BAD)
    return lookup


def _jobbtorg_code(raw: str) -> int:
    if _fold(raw) == "":
        return EMPTY
    name = schema.normalize_jobbtorg(raw.strip().strip("\"'"))
    if name is not None:
        return _JOBBTORG_INDEX[name]
    return _JOBBTORG_FOLDED.get(_fold(raw), BAD)


def _year_code(raw: str) -> int:
    text = _fold(raw).replace(" ", "")
    if text == "":
        return EMPTY
    match = re.fullmatch(r"(\d{4})(?:[.,]0+)?", text)
    if not match:
        return BAD
    year = int(match.group(1))
    return year if FIRST_YEAR <= year <= _last_year() else OUT_OF_RANGE


def _age_code(raw: str) -> int:
    text = _fold(raw)
    if text == "":
        return EMPTY
    match = re.fullmatch(r"(\d{1,3})(?:[.,]0+)?", text)
    if not match:
        return BAD
    return int(match.group(1)) if 15 <= int(match.group(1)) <= 20 else BAD


def _stadsdel_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", _fold(name))


def load_stadsdel_map(path: Path = STADSDEL_CSV) -> pd.DataFrame:
    """The editable district → jobbtorg mapping (`stadsdel, jobbtorg, anmarkning`)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _stadsdel_pairs(path: Path = STADSDEL_CSV) -> list[tuple[str | None, str | None]]:
    """The mapping file's (stadsdel, jobbtorg) pairs, read as `load_stadsdel_map` reads it but without
    pandas (a field missing from a short row is None, as pandas' NaN)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not {"stadsdel", "jobbtorg"} <= set(reader.fieldnames or ()):
            return []
        return [(row["stadsdel"], row["jobbtorg"]) for row in reader]


def _stadsdel_lookup(stadsdel_map: pd.DataFrame | None) -> tuple[Callable[[str], int], list[str]]:
    """District → jobbtorg code, and the district names it accepts (for messages); None: the default map."""
    table: dict[str, int] = {}
    names: list[str] = []
    missing: Callable[[object], bool] = lambda value: value is None  # noqa: E731
    if stadsdel_map is None:
        pairs = _stadsdel_pairs()
    elif {"stadsdel", "jobbtorg"} <= set(stadsdel_map.columns):
        pairs, missing = list(zip(stadsdel_map["stadsdel"], stadsdel_map["jobbtorg"])), pd.isna
    else:
        pairs = []
    for stadsdel, jobbtorg in pairs:
        name = schema.normalize_jobbtorg(str(jobbtorg))
        if name is not None and not missing(stadsdel) and str(stadsdel).strip():
            table[_stadsdel_key(stadsdel)] = _JOBBTORG_INDEX[name]
            names.append(str(stadsdel).strip())

    def lookup(raw: str) -> int:
        key = _stadsdel_key(raw)
        return EMPTY if key == "" else table.get(key, BAD)
    return lookup, names


# --- Personal identity numbers -----------------------------------------------------
# Finding, counting and masking them is kaa.personnummer's concern; these names are kept for callers.

contains_personnummer = personnummer.contains
_count_personnummer = personnummer.count_cells
_personnummer_flags = personnummer.cell_flags
#: The longest file name kept (masked and cleaned) in the result, the facts' kalla and the reports.
MAX_FILENAME = 255
#: Free text of tidy files (kalla, anmarkning) is cleaned and cut to this length before it is stored.
MAX_FREE_TEXT = 1000


def _mask(text) -> str:
    """A value to show: all of it replaced by ••• if anything in it is shaped like a personnummer."""
    text = "" if text is None else str(text)
    return MASK if personnummer.looks_like(text) else text


def _parallel(function: Callable, items: list) -> list:
    """Map over columns in threads: pyarrow's kernels release the GIL."""
    workers = min(pa.cpu_count(), len(items))
    if workers <= 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(function, items))


# --- Problems ----------------------------------------------------------------------


class _Problems:
    """Collects problems; keeps at most MAX_PER_TYP examples per kind, counts them all."""

    def __init__(self) -> None:
        self.counts: Counter = Counter()
        self._examples: dict[tuple[str, str], dict[str, list[dict]]] = {}

    def add(self, allvarlighet: str, typ: str, meddelande: str, *, kolumn: str = "", rad=None,
            varde: str = "", forvantat: str = "") -> None:
        key = (allvarlighet, typ)
        self.counts[key] += 1
        per_column = self._examples.setdefault(key, {}).setdefault(kolumn, [])
        if len(per_column) < MAX_PER_TYP:
            per_column.append({"allvarlighet": allvarlighet, "typ": typ, "rad": rad, "kolumn": _mask(kolumn),
                               "varde": _mask(varde), "forvantat": forvantat, "meddelande": meddelande})

    def add_rows(self, allvarlighet: str, typ: str, kolumn: str, positions: np.ndarray,
                 rownums: np.ndarray, value_of: Callable[[int], str], forvantat: str,
                 message: Callable[[int, str], str]) -> None:
        """Problems on many rows at once: counts all, builds messages for the first few only."""
        if len(positions) == 0:
            return
        key = (allvarlighet, typ)
        self.counts[key] += len(positions) - min(len(positions), MAX_PER_TYP)
        for position in positions[:MAX_PER_TYP]:
            rad = int(rownums[position])
            value = _mask(value_of(int(position)))
            self.add(allvarlighet, typ, message(rad, value), kolumn=kolumn, rad=rad, varde=value,
                     forvantat=forvantat)

    @property
    def has_errors(self) -> bool:
        return any(key[0] == FEL for key in self.counts)

    def frame(self) -> pd.DataFrame:
        return _problems_frame(self.rows())

    def rows(self) -> list[dict]:
        """The problems kept, as the rows of the problems frame (plain dicts)."""
        keys = sorted(self._examples, key=lambda k: (k[1] != PNR_TYP, k[0] != FEL))
        rows: list[dict] = []
        for key in keys:
            lists = list(self._examples[key].values())
            chosen: list[dict] = []
            depth = 0
            while len(chosen) < MAX_PER_TYP and any(depth < len(x) for x in lists):
                chosen.extend(x[depth] for x in lists if depth < len(x))
                depth += 1
            chosen = chosen[:MAX_PER_TYP]
            chosen.sort(key=lambda r: (r["rad"] is None, r["rad"] or 0))
            rows.extend(chosen)
        return rows


def _problems_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
    frame["rad"] = pd.array([r["rad"] for r in rows], dtype="Int64")
    for column in PROBLEM_COLUMNS:
        if column != "rad":
            frame[column] = frame[column].fillna("").astype(str)
    return frame


def _where(rad, kolumn: str) -> str:
    return f"Rad {rad}, kolumn ”{kolumn}”" if rad is not None else f"Kolumn ”{kolumn}”"


# --- The result ------------------------------------------------------------------


class _Pending:
    """A frame not built yet: `make(*args)` builds it (a module-level function, so a result still pickles)."""

    __slots__ = ("make", "args")

    def __init__(self, make: Callable[..., pd.DataFrame], *args) -> None:
        self.make, self.args = make, args

    def __getstate__(self):
        return self.make, self.args

    def __setstate__(self, state) -> None:
        self.make, self.args = state


class _Frame:
    """An ExtractResult frame, built with pandas the first time it is asked for.

    Reading, checking and summing a register CSV needs no pandas; the command line's import stores the
    facts and prints the report from plain values (`fact_columns`, `problem_rows`) and never builds the
    frames. Setting a frame (a DataFrame or a _Pending) works as with a plain attribute.
    """

    def __init__(self, name: str) -> None:
        self.slot = "_" + name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        value = obj.__dict__[self.slot]
        if isinstance(value, _Pending):
            value = obj.__dict__[self.slot] = value.make(*value.args)
        return value

    def __set__(self, obj, value) -> None:
        obj.__dict__[self.slot] = value


@dataclass
class ExtractResult:
    """Everything read_extract found out about one file. Only `facts` may be stored.

    `facts`, `problems` and `preview` are pandas frames, built at first use (see `_Frame`).
    """

    facts: pd.DataFrame
    problems: pd.DataFrame
    problem_counts: dict[tuple[str, str], int]
    rows_read: int
    years: list[int]
    preview: pd.DataFrame
    dropped_columns: list[str]
    encoding: str
    delimiter: str | None
    kind: str
    filename: str = ""

    @property
    def has_errors(self) -> bool:
        return any(row["allvarlighet"] == FEL for row in self.problem_rows())

    def problem_rows(self) -> list[dict]:
        """The problems as plain rows, in the frame's order (`rad` an int or None); no pandas unless the
        frame has been built or set already."""
        value = self.__dict__["_problems"]
        if isinstance(value, _Pending) and value.make is _problems_frame:
            return value.args[0]
        frame = self.problems
        return [{**row, "rad": None if pd.isna(row["rad"]) else int(row["rad"])}
                for row in frame.to_dict("records")] if len(frame) else []

    def fact_columns(self) -> dict[str, list]:
        """The facts as plain columns (lists, a missing value None), without building the frame."""
        value = self.__dict__["_facts"]
        if isinstance(value, _Pending) and value.make is _facts_frame:
            columns = value.args[0]
            n = len(columns["value"])
            return {c: columns[c].tolist() if isinstance(columns[c], np.ndarray) else [columns[c]] * n
                    for c in FACT_COLUMNS}
        if isinstance(value, _Pending) and value.make is empty_facts:
            return {c: [] for c in FACT_COLUMNS}
        frame = self.facts
        return {c: frame[c].astype(object).where(frame[c].notna(), None).tolist() for c in frame.columns}


for _name in ("facts", "problems", "preview"):
    setattr(ExtractResult, _name, _Frame(_name))


def _empty_frame() -> pd.DataFrame:
    return pd.DataFrame()


def empty_facts() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="str") for c in FACT_COLUMNS})
    frame[schema.AR] = frame[schema.AR].astype("int64")
    frame["value"] = frame["value"].astype("float64")
    return frame


# --- Reading the bytes ---------------------------------------------------------------


@dataclass
class _Raw:
    names: list[str]                   # header as in the file, stripped
    columns: list[pa.ChunkedArray]     # every column as text, no nulls
    rownums: np.ndarray                # the file's row number of every data row
    encoding: str
    delimiter: str | None
    invalid_rows: int = 0              # rows with the wrong number of fields (already reported)
    header_row: int = 1


class _Stop(Exception):
    """The file cannot be read at all; the problem has been recorded."""


_MAGIC = (
    (b"%PDF", "Filen är en PDF, inte en tabell."),
    (b"\xd0\xcf\x11\xe0", "Filen är en gammal Excel-fil (.xls) eller en lösenordsskyddad arbetsbok."),
    (b"\x89PNG", "Filen är en bild, inte en tabell."),
    (b"\xff\xd8\xff", "Filen är en bild, inte en tabell."),
    (b"GIF8", "Filen är en bild, inte en tabell."),
    (b"\x1f\x8b", "Filen är komprimerad (gzip), inte en tabell."),
    (b"{\\rtf", "Filen är ett RTF-dokument, inte en tabell."),
)
_NOT_A_TABLE_FIX = ("Öppna uttaget i Excel och välj Spara som → CSV UTF-8 (kommaavgränsad) eller "
                    "Excel-arbetsbok (.xlsx), och ladda upp den filen.")


def _not_a_table(problems: _Problems, what: str, typ: str = "inte en tabell") -> _Stop:
    problems.add(FEL, typ, f"{what} {_NOT_A_TABLE_FIX}",
                 forvantat="en tabell som CSV (UTF-8 eller Windows-1252) eller .xlsx")
    return _Stop()


def _empty_file(problems: _Problems, what: str = "Filen är tom.") -> _Stop:
    problems.add(FEL, "tom fil", f"{what} Ladda upp ett uttag med en rubrikrad och minst en datarad.",
                 forvantat="en rubrikrad och minst en datarad")
    return _Stop()


def _header_score(fields: list[str]) -> int:
    return len({canonical_column(f) for f in fields} - {None})


def _choose_header(lines: list[tuple[int, str]]) -> tuple[int, str, list[str]]:
    """Pick the header line and delimiter: the line (of the first ten) with most known column names."""
    best = None
    for order, (index, line) in enumerate(lines[:10]):
        for priority, delimiter in enumerate((";", "\t", ",")):
            fields = _fields(line, delimiter)
            score = _header_score(fields)
            rank = (score, -order, -priority)
            if score and (best is None or rank > best[0]):
                best = (rank, index, delimiter, fields)
    if best is not None:
        return best[1], best[2], best[3]
    index, line = lines[0]
    counts = [(len(_fields(line, d)), -p, d) for p, d in enumerate((";", "\t", ","))]
    delimiter = max(counts)[2]
    return index, delimiter, _fields(line, delimiter)


_LINE_END = re.compile(r"\r\n|\r|\n")              # as pyarrow reads them: Windows, Unix and old Mac
_LINE_END_BYTES = re.compile(rb"\r\n|\r|\n")
_BAD_BYTE_ERRORS = "kaa-bad-byte"
_BAD_BYTE_BASE = 0x10FF00  # a byte b that is not UTF-8 becomes U+10FF00 + b (private use, never in a file)
_BAD_BYTE_PATTERN = "[\\x{10FF80}-\\x{10FFFF}]"
_FEW_BAD_BYTES = 4          # fewer odd bytes than this, and no UTF-8, in the sample: the whole file decides


def _mark_bad_bytes(error: UnicodeDecodeError) -> tuple[str, int]:
    return "".join(chr(_BAD_BYTE_BASE + b) for b in error.object[error.start:error.end]), error.end


codecs.register_error(_BAD_BYTE_ERRORS, _mark_bad_bytes)


def _utf8_evidence(data: bytes | memoryview) -> tuple[int, int]:
    """(valid multibyte UTF-8 sequences, other bytes above 127): does the text look like UTF-8 at all?"""
    a = np.frombuffer(data, dtype=np.uint8)
    high = np.flatnonzero(a >= 0x80)
    if len(high) == 0:
        return 0, 0
    padded = np.concatenate([a[high[0]:], np.zeros(3, dtype=np.uint8)])
    at = high - high[0]
    lead = padded[at]
    follows = [(padded[at + k] & 0xC0) == 0x80 for k in (1, 2, 3)]
    two = (lead >= 0xC2) & (lead <= 0xDF) & follows[0]
    three = (lead >= 0xE0) & (lead <= 0xEF) & follows[0] & follows[1]
    four = (lead >= 0xF0) & (lead <= 0xF4) & follows[0] & follows[1] & follows[2]
    valid = int(two.sum() + three.sum() + four.sum())
    in_valid = int(2 * two.sum() + 3 * three.sum() + 4 * four.sum())
    return valid, max(0, len(high) - in_valid)


def _mostly_utf8(data: bytes | memoryview) -> bool:
    """Bytes that are not all UTF-8: UTF-8 with a few stray bytes (True), or Windows-1252 (False)?"""
    valid, invalid = _utf8_evidence(data)
    return valid > 0 and valid >= invalid


def _is_utf8(sample: bytes, whole: bool) -> bool:
    """The sample is UTF-8 (a character cut off at its end counts as UTF-8 unless it is the whole file)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=whole)
        return True
    except UnicodeDecodeError:
        return False


def _sniff_utf8(data: bytes, start: int, sample: bytes, whole_in_sample: bool) -> tuple[str, bool]:
    """(encoding, stray): a file without BOM is UTF-8, UTF-8 with stray bytes, or Windows-1252."""
    if _is_utf8(sample, whole_in_sample):
        return "utf-8", False
    valid, invalid = _utf8_evidence(sample)
    if valid == 0 and invalid < _FEW_BAD_BYTES and not whole_in_sample:
        return ("utf-8", True) if _mostly_utf8(memoryview(data)[start:]) else ("cp1252", False)
    return ("utf-8", True) if valid > 0 and valid >= invalid else ("cp1252", False)


def _physical_lines(text: str, whole: bool) -> list[tuple[int, str]]:
    """The sample's non-blank lines (CRLF, LF or CR), with their index; a cut-off last line is left out."""
    physical = _LINE_END.split(text)
    if not whole and len(physical) > 1:
        physical = physical[:-1]
    return [(i, line) for i, line in enumerate(physical) if line.strip().strip(";,\t").strip()]


def _after_lines(data: bytes, start: int, count: int) -> int:
    """The byte offset after the first `count` line ends from `start` (the end of the data if fewer)."""
    position = start
    for seen, match in enumerate(_LINE_END_BYTES.finditer(data, start), start=1):
        position = match.end()
        if seen == count:
            return position
    return len(data)


def _fields(line: str, delimiter: str) -> list[str]:
    try:
        return [f.strip() for f in next(csv.reader([line], delimiter=delimiter), [])]
    except csv.Error:
        return [line.strip()]


def _byte_note(byte: int) -> str:
    """What a byte that is not UTF-8 probably is: the Windows-1252 letter, if it is one."""
    try:
        char = bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        char = ""
    shown = f", i Windows-1252 ett ”{char}”" if char.isprintable() and not char.isspace() and char else ""
    return f"byten 0x{byte:02X}{shown}"


_ECHO_BAD_BYTES = (set(REGISTER_NAMES) | set(TIDY_NAMES)) - {"person_id", "kalla", "anmarkning"}
_BAD_BYTE_PLACES = 5  # places named in the error; the rest are counted
_BAD_BYTE_FIX = ("Rätta tecknet (t.ex. i Anteckningar), eller spara om filen som CSV UTF-8 i programmet den "
                 "kommer från, och ladda upp den igen.")


def _shown_bad_bytes(text: str) -> str:
    return re.sub("[\U0010FF80-\U0010FFFF]", "\ufffd", text)


def _first_bad_byte(text: str) -> int:
    return next(ord(ch) - _BAD_BYTE_BASE for ch in text if ord(ch) >= _BAD_BYTE_BASE + 0x80)


def _bad_byte_places(names: list[str], columns: list[pa.ChunkedArray], rownums: np.ndarray,
                     header_row: int) -> tuple[list[tuple[int, int, str, int, str]], int]:
    """The first cells (and headers) holding a byte that is not UTF-8, as (row, column index, column name,
    byte, value to show), in the file's order; and how many there are in all."""
    places = []
    total = 0
    for i, name in enumerate(names):
        if _shown_bad_bytes(name) != name:
            places.append((header_row, i, _shown_bad_bytes(name), _first_bad_byte(name), ""))
            total += 1
    for i, (name, column) in enumerate(zip(names, columns)):
        hits = to_numpy(pc.match_substring_regex(column, _BAD_BYTE_PATTERN))
        positions = np.flatnonzero(hits)
        total += len(positions)
        shown = _shown_bad_bytes(name)
        echo = canonical_column(shown) in _ECHO_BAD_BYTES
        for p in positions[:_BAD_BYTE_PLACES]:
            cell = column[int(p)].as_py()
            places.append((int(rownums[p]), i, shown, _first_bad_byte(cell),
                           _mask(_shown_bad_bytes(cell).strip()) if echo else ""))
    return sorted(places)[:_BAD_BYTE_PLACES], total


def _bad_byte_place(rad: int, header_row: int, name: str, byte: int, value: str) -> str:
    what = "rubriken" if rad == header_row else (f"värdet ”{value}”" if value else "värdet")
    return f"rad {rad}, kolumn ”{name}” ({what}, {_byte_note(byte)})"


def _report_bad_bytes(names: list[str], columns: list[pa.ChunkedArray], rownums: np.ndarray, header_row: int,
                      problems: _Problems) -> bool:
    """One error for a UTF-8 file with bytes that are not UTF-8, naming the first places by row and column.
    False if the header and the data have none (they were in title lines above the header)."""
    places, total = _bad_byte_places(names, columns, rownums, header_row)
    if not total:
        return False
    listed = "; ".join(_bad_byte_place(rad, header_row, name, byte, value) for rad, _, name, byte, value in places)
    more = f"; och {fmt.count(total - len(places))} till" if total > len(places) else ""
    if total == 1:
        rad, _, name, byte, value = places[0]
        what = "Rubriken" if rad == header_row else (f"Värdet ”{value}”" if value else "Värdet")
        message = (f"Rad {rad}, kolumn ”{name}”: {what} har ett tecken som inte är giltig UTF-8 "
                   f"({_byte_note(byte)}), fast resten av filen är UTF-8. {_BAD_BYTE_FIX}")
    else:
        message = (f"Filen är UTF-8 men har {fmt.count(total)} tecken som inte är giltig UTF-8: {listed}{more}. "
                   f"{_BAD_BYTE_FIX.replace('tecknet', 'tecknen')}")
    problems.add(FEL, "teckenkodning", message, forvantat="UTF-8 i hela filen")
    return True


def _encoding_error(problems: _Problems) -> _Stop:
    problems.add(FEL, "teckenkodning",
                 "Filen blandar teckenkodningar eller har tecken som varken är UTF-8 eller "
                 "Windows-1252. Spara om den från Excel som CSV UTF-8 och ladda upp den igen.",
                 forvantat="UTF-8 eller Windows-1252 i hela filen")
    return _Stop()


_SLICE = 1 << 22  # bytes scanned at a time: a mask of a whole file would take as many bytes again


def _has_c1_bytes(data: bytes | memoryview) -> bool:
    """Whether any byte is in 0x80-0x9F (where Windows-1252 has its own characters and Latin-1 controls)."""
    a = np.frombuffer(data, dtype=np.uint8)
    shifted = np.empty(min(len(a), _SLICE), dtype=np.uint8)
    for begin in range(0, len(a), _SLICE):
        part = a[begin:begin + _SLICE]
        moved = shifted[:len(part)]
        np.subtract(part, np.uint8(0x80), out=moved)  # 0x80-0x9F become 0x00-0x1F, every other byte 0x20 or more
        if (moved < 0x20).any():
            return True
    return False


def _count_byte(data: bytes | memoryview, byte: int) -> int:
    """How many times `byte` occurs, counted in numpy a slice at a time (several times faster than bytes.count)."""
    a = np.frombuffer(data, dtype=np.uint8)
    return sum(int(np.count_nonzero(a[begin:begin + _SLICE] == byte)) for begin in range(0, len(a), _SLICE))


def _read_csv(data: bytes, problems: _Problems) -> _Raw:
    start = 0
    encoding = "utf-8"
    if data.startswith(codecs.BOM_UTF8):
        start, encoding = 3, "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise _not_a_table(problems, "Filen ser ut som UTF-16-text men går inte att läsa.",
                               typ="teckenkodning") from None
        encoding = "utf-16"
    sample = data[start:start + SAMPLE_BYTES]
    whole_in_sample = len(data) - start <= SAMPLE_BYTES
    if b"\x00" in sample:
        raise _not_a_table(problems, "Filen är inte en textfil (den innehåller binära data).")
    controls = sum(sample.count(bytes([b])) for b in range(32) if b not in (9, 10, 12, 13, 26))
    if controls > max(3, len(sample) // 200):
        raise _not_a_table(problems, "Filen är inte en textfil (den innehåller binära data).")

    # stray: UTF-8 with bytes that are not UTF-8 (a Windows-1252 ö pasted in): they are located and reported.
    stray = False
    if encoding == "utf-8":
        encoding, stray = _sniff_utf8(data, start, sample, whole_in_sample)
    elif encoding == "utf-8-sig":
        stray = not _is_utf8(sample, whole_in_sample)
    if encoding == "cp1252":
        try:
            text = sample.decode("cp1252")
        except UnicodeDecodeError:
            problems.add(FEL, "teckenkodning",
                         "Filen går inte att läsa som text: den är varken UTF-8 eller Windows-1252. "
                         "Spara om den från Excel som CSV UTF-8 och ladda upp den igen.",
                         forvantat="UTF-8 eller Windows-1252")
            raise _Stop() from None
    else:
        errors = "replace" if encoding == "utf-16" else _BAD_BYTE_ERRORS
        text = codecs.getincrementaldecoder("utf-8")(errors=errors).decode(sample, final=whole_in_sample)

    lines = _physical_lines(text, whole_in_sample)
    if not lines:
        raise _empty_file(problems)
    header_index, delimiter, names = _choose_header(lines)
    header_row = header_index + 1

    # The data begin after the header line's line end (one or two bytes in every encoding read here).
    body_start = _after_lines(data, start, header_index + 1)
    end = len(data)
    trailing = b" \r\n\x1a" if delimiter == "\t" else b" \t\r\n\x1a"  # never a delimiter: it ends empty fields
    while end > body_start and data[end - 1] in trailing:
        end -= 1
    if end <= body_start:
        raise _empty_file(problems, "Filen har en rubrikrad men inga datarader.")

    column_names = [f"c{i}" for i in range(len(names))]
    ascii_sample = sample.isascii()
    # Only a quoted value can span lines; without a quote character anywhere pyarrow may split the
    # data into blocks at any newline, which is faster.
    quoted = data.find(b'"', body_start, end) >= 0
    body: bytes | memoryview = memoryview(data)[body_start:end]

    def marked(raw: bytes | memoryview) -> bytes:
        return bytes(raw).decode("utf-8", errors=_BAD_BYTE_ERRORS).encode("utf-8")

    latin1: dict[int, bool] = {}

    def decoder(enc: str) -> str:
        """The decoder pyarrow transcodes with (its transcoding runs Python's codec, holding the GIL).

        Windows-1252 and Latin-1 decode every byte outside 0x80-0x9F alike, and Latin-1's decoder is
        several times faster, so a Windows-1252 file without such bytes is decoded as Latin-1.
        """
        if enc in ("utf-8", "utf-8-sig", "utf-16"):
            return "utf8"
        if enc == "cp1252":
            if id(body) not in latin1:
                latin1.clear()
                latin1[id(body)] = not _has_c1_bytes(body)
            return "latin-1" if latin1[id(body)] else enc
        return enc

    def parse(enc: str, threads: bool, on_invalid) -> pa.Table:
        return pacsv.read_csv(
            pa.py_buffer(body),
            read_options=pacsv.ReadOptions(column_names=column_names, use_threads=threads, encoding=decoder(enc)),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True,
                                             newlines_in_values=quoted, ignore_empty_lines=False,
                                             invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in column_names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )

    invalid: list[tuple[int | None, int, bool]] = []

    def on_invalid(row) -> str:
        blank = not row.text.replace(delimiter, "").strip().strip('"').strip()
        invalid.append((row.number, row.actual_columns, blank))
        return "skip"

    def read(enc: str) -> pa.Table:
        return parse(enc, True, on_invalid)

    try:
        if stray:
            body = marked(body)
        try:
            table = read(encoding)
        except pa.ArrowInvalid as exc:
            if "UTF8" not in str(exc) or encoding not in ("utf-8", "utf-8-sig") or stray:
                raise
            invalid.clear()
            # Something further down is not UTF-8. A file that began in plain ASCII may be Windows-1252
            # throughout; otherwise the odd bytes are located.
            if encoding == "utf-8" and ascii_sample and not _mostly_utf8(body):
                encoding = "cp1252"
            else:
                stray, body = True, marked(body)
            table = read(encoding)
    except (UnicodeDecodeError, pa.ArrowInvalid) as exc:
        if isinstance(exc, UnicodeDecodeError) or "UTF8" in str(exc):
            raise _encoding_error(problems) from None
        # never pyarrow's message: it quotes the row, which may hold a personnummer
        problems.add(FEL, "kan inte läsas",
                     "Filen kunde inte tolkas som en tabell, t.ex. för att ett citattecken (\") aldrig "
                     "avslutas. Öppna filen i Excel, spara den som CSV igen och ladda upp den.",
                     forvantat="en tabell med lika många fält på varje rad")
        raise _Stop() from None

    n = table.num_rows
    bad = 0
    if invalid:
        # Rare: find where the skipped rows were (only single-threaded parsing knows).
        invalid.clear()
        table = None  # free the first parse before the second
        table = parse(encoding, False, on_invalid)
        skipped = np.array([number for number, _, _ in invalid], dtype=np.int64)
        records = np.arange(1, table.num_rows + len(skipped) + 1, dtype=np.int64)
        rownums = np.setdiff1d(records, skipped, assume_unique=True) + header_row
        for number, actual, blank in invalid:
            if blank:
                continue
            bad += 1
            rad = number + header_row
            problems.add(FEL, "fel antal fält",
                         f"Rad {rad} har {actual} fält men rubrikraden har {len(names)}. Kontrollera "
                         f"raden: ett värde som innehåller avgränsaren ({_DELIMITER_NAMES[delimiter]}) måste stå "
                         "inom citattecken, och raden får inte ha fler eller färre avgränsare än rubrikraden.",
                         rad=rad, forvantat=f"{len(names)} fält som på rubrikraden")
    else:
        rownums = np.arange(header_row + 1, header_row + 1 + n, dtype=np.int64)
    columns = [table.column(c) for c in column_names]
    if stray and _report_bad_bytes(names, columns, rownums, header_row, problems):
        raise _Stop()  # every value after the odd byte may be misread: nothing more to say about them
    return _Raw(names=names, columns=columns, rownums=rownums,
                encoding=encoding, delimiter=delimiter, invalid_rows=bad, header_row=header_row)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


def _cell_texts(values: Sequence) -> list[str]:
    return [v if v.__class__ is str else _cell_text(v) for v in values]


def _column_text(values: list) -> pa.Array:
    """A piece of a sheet's column as text, as `_cell_text` writes each cell; whole columns of text or of
    whole numbers (the usual case) without a Python loop."""
    try:
        array = pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
        return pa.array(_cell_texts(values), pa.string())
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        return array.cast(pa.string())
    if pa.types.is_floating(array.type) and array.null_count == 0 and len(array) and \
            pc.all(pc.equal(pc.floor(array), array)).as_py() and pc.max(pc.abs(array)).as_py() < 2 ** 53:
        return array.cast(pa.int64()).cast(pa.string())
    return pa.array(_cell_texts(values), pa.string())


_XLSX_BATCH = 65_536


def _read_xlsx(data: bytes, problems: _Problems, progress: Callable[[str, float], None],
               deadline: float | None = None) -> _Raw:
    """The first sheet of a workbook (.xlsx, .xlsm): its limits from the zip directory and one streamed
    scan (kaa.xlsx), then its values from python-calamine. A formula cell without a saved value and an
    error cell are reported where they are, not read as empty."""
    try:
        book = xlsx.open_workbook(data)
        scan = xlsx.scan_sheet(book, deadline=deadline,
                               progress=lambda f: progress("Kontrollerar arbetsboken …", 0.05 * f))
        progress("Läser filen …", 0.05)
        # Rows are counted from 0 as they come; the sheet's numbers follow once the last one is known.
        last_row, first_column, rows = xlsx.iter_rows(data, deadline=deadline)
        number = -1
        head: list[tuple[int, list[str]]] = []
        for number, row in enumerate(rows):
            cells = [t.strip() for t in _cell_texts(row)]
            if any(cells):
                head.append((number, cells))
            if len(head) >= 10:
                break
        if not head:
            raise _empty_file(problems, "Det första bladet i arbetsboken är tomt.")
        scored = [(_header_score(cells), -i, i) for i, (_, cells) in enumerate(head)]
        best = max(scored)
        pick = best[2] if best[0] else 0
        header_row, names = head[pick]
        while names and not names[-1]:
            names.pop()
        width = len(names)
        chunks: list[list[pa.Array]] = [[] for _ in range(width)]
        numbers: list[np.ndarray] = []

        def add(batch: list, start: int | None, explicit: list[int] | None = None) -> None:
            if not batch:
                return
            present = min(width, len(batch[0]))
            for i in range(width):
                chunks[i].append(_column_text(list(map(operator.itemgetter(i), batch))) if i < present else
                                 pa.array([""] * len(batch), pa.string()))
            numbers.append(np.array(explicit, dtype=np.int64) if explicit is not None else
                           np.arange(start, start + len(batch), dtype=np.int64))

        before = [(n, cells) for n, cells in head[pick + 1:]]
        add([cells for _, cells in before], None, [n for n, _ in before])
        start = number + 1
        while True:
            batch = list(itertools.islice(rows, _XLSX_BATCH))
            add(batch, start)
            start += len(batch)
            if deadline is not None and time.process_time() > deadline:
                raise xlsx.TimeUp()
            progress("Läser filen …", 0.05 + 0.25 * min(1.0, start / max(scan.rows, 1)))
            if len(batch) < _XLSX_BATCH:
                break
    except xlsx.Refused as refused:
        problems.add(FEL, refused.typ, refused.meddelande, forvantat=refused.forvantat)
        raise _Stop() from None
    except xlsx.TimeUp:  # the limit the caller gave (0 too: `or` would have put the default in its place)
        seconds = getattr(progress, "seconds", None)
        raise _time_up(problems, workbook=True, seconds=limits.READ_SECONDS if seconds is None else seconds) from None
    except _Stop:
        raise
    except Exception:
        raise _not_a_table(problems, "Filen ser ut som en zip-fil men är ingen Excel-arbetsbok (.xlsx) "
                                     "som går att läsa.") from None
    # The last row python-calamine gives is the sheet's last row with a value, whether its rows
    # start at the sheet's first row or at the first row with a value.
    offset = last_row - start + 1
    header_row += offset
    _report_cells(scan, names, header_row, first_column, problems)
    total = sum(len(n) for n in numbers)
    if not total:
        raise _empty_file(problems, "Det första bladet har en rubrikrad men inga datarader.")
    arrays = [pa.chunked_array(c, pa.string()) for c in chunks]
    return _Raw(names=names, columns=arrays, rownums=np.concatenate(numbers) + offset,
                encoding="xlsx", delimiter=None, header_row=header_row)


_SAVE_VALUES = ("Öppna filen i Excel och spara den där (då räknas formlerna ut och värdena sparas), eller "
                "markera cellerna och välj Kopiera och sedan Klistra in special → Värden (”Kopiera och klistra "
                "in som värden”). Ladda sedan upp filen igen.")


def _report_cells(scan: "xlsx.Scan", names: list[str], header_row: int, first_column: int,
                  problems: _Problems) -> None:
    """Formula cells without a saved value and error cells, in the columns the file's header names
    (or on the header row itself): each with its row, column and cell."""
    def label(column: int | None) -> tuple[str, bool]:
        index = None if column is None else column - first_column
        if index is not None and 0 <= index < len(names) and names[index]:
            return _mask(names[index]), canonical_column(names[index]) is not None
        return (f"kolumn {xlsx.column_letters(column)}" if column else "okänd kolumn"), False

    def place(row: int | None, column: int | None) -> tuple[str, str, bool]:
        name, known = label(column)
        cell = f" (cell {xlsx.column_letters(column)}{row})" if row and column else ""
        relevant = row is None or (row >= header_row and (column is None or known or row == header_row))
        return f"{_where(row, name)}{cell}", name, relevant

    shown = 0
    for row, column in scan.formulas:
        where, name, relevant = place(row, column)
        if relevant:
            shown += 1
            problems.add(FEL, "formel utan värde",
                         f"{where}: cellen har en formel men inget sparat värde, så värdet kan inte läsas (det "
                         f"skulle se ut som en tom cell). {_SAVE_VALUES}",
                         kolumn=name, rad=row, forvantat="ett sparat värde, inte bara en formel")
    if shown == len(scan.formulas) and scan.formula_count > shown:  # the rest, when every example counted
        problems.counts[(FEL, "formel utan värde")] += scan.formula_count - len(scan.formulas)
    shown = 0
    for row, column, error in scan.errors:
        where, name, relevant = place(row, column)
        if relevant:
            shown += 1
            problems.add(FEL, "felvärde i cell",
                         f"{where}: cellen har Excels felvärde {error}, inget värde (en formel som inte gick att "
                         "räkna ut). Rätta formeln eller skriv in värdet, spara och ladda upp filen igen.",
                         kolumn=name, rad=row, varde=error, forvantat="ett värde")
    if shown == len(scan.errors) and scan.error_count > shown:
        problems.counts[(FEL, "felvärde i cell")] += scan.error_count - len(scan.errors)


def _refuse(problems: _Problems, typ: str, message: str, expected: str) -> _Stop:
    problems.add(FEL, typ, message, forvantat=expected)
    return _Stop()


_SPLIT_BY_YEAR = ("Dela upp uttaget i flera filer med hela statistikår i varje och ladda upp dem var för sig (för "
                  "varje år gäller den senast importerade filen, så ett år får inte delas på två filer).")


def time_up_message(workbook: bool, seconds: float = limits.READ_SECONDS) -> str:
    """Why reading stopped at the time limit, and what to do (the same on the page and the command line)."""
    fix = xlsx.SPLIT_OR_CSV if workbook else _SPLIT_BY_YEAR
    return (f"Att läsa och kontrollera filen krävde mer än {_seconds(seconds)} processortid, så läsningen "
            f"avbröts och ingenting importerades. {fix}")


def _seconds(seconds: float) -> str:
    n = max(1, round(seconds))
    return f"{fmt.count(n)} {'sekunds' if n == 1 else 'sekunders'}"


def _time_up(problems: _Problems, workbook: bool, seconds: float = limits.READ_SECONDS) -> _Stop:
    return _refuse(problems, "för lång tid", time_up_message(workbook, seconds),
                   f"en fil som läses med högst {_seconds(seconds)} processortid")


def refused(filename: str, typ: str, message: str, expected: str = "") -> ExtractResult:
    """The result for a file that was not read at all: one error (for a reader that stopped another way,
    e.g. kaa.isolate ending a reading process at the time limit)."""
    problems = _Problems()
    problems.add(FEL, typ, message, forvantat=expected)
    return ExtractResult(facts=_Pending(empty_facts), problems=_Pending(_problems_frame, problems.rows()),
                         problem_counts=dict(problems.counts), rows_read=0, years=[], preview=_Pending(_empty_frame),
                         dropped_columns=[], encoding="",
                         delimiter=None, kind=REGISTER, filename=_mask(filename))


# --- Columns ---------------------------------------------------------------------------


def _factorize(column: pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """Per-row index into the column's distinct values (as small an integer type as fits), and those values."""
    if len(column) == 0:
        return np.zeros(0, dtype=np.int16), pa.array([], pa.string())
    encoded = column.dictionary_encode()
    dictionary = encoded.chunk(encoded.num_chunks - 1).dictionary
    if all(chunk.dictionary.equals(dictionary) for chunk in encoded.chunks):
        index_type = np.int16 if len(dictionary) < 2 ** 15 else np.int32
        indices = np.empty(len(column), dtype=index_type)
        offset = 0
        for chunk in encoded.chunks:
            indices[offset:offset + len(chunk)] = to_numpy(chunk.indices)
            offset += len(chunk)
        return indices, dictionary
    distinct = pc.unique(column)  # pragma: no cover - pyarrow shares one dictionary across chunks
    return to_numpy(pc.index_in(column, value_set=distinct)), distinct


def _small_indices(indices: np.ndarray, distinct: int) -> np.ndarray:
    return indices.astype(np.int16 if distinct < 2 ** 15 else np.int32, copy=False)


# ASCII bytes that pyarrow's utf8_trim_whitespace removes at either end of a value.
_TRIMMED_BYTES = np.zeros(256, dtype=bool)
_TRIMMED_BYTES[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True
_TRIMMED_BYTES[0x80:] = True  # the start or end of a non-ASCII character, maybe a Unicode space


def _factorize_fixed_width(values: pa.Array, *, untrimmed: bool) -> tuple[np.ndarray, pa.Array] | None:
    """The grouping `_factorize` gives, for values that all have the same length in bytes, else None.

    The bytes that vary between rows are read as integers, eight and then four bytes at a time, and
    numbered by sorting (each step keys the previous step's number with the next four bytes; ids such
    as DEMO-0018837 take one step): several times faster than hashing strings. Equal values get equal
    indices, as from `_factorize`, but numbered in the order of their bytes, not of first appearance
    (the callers compare indices only). With `untrimmed`, None also when a value might start or end
    with whitespace (the caller trims and tries again).
    """
    n = len(values)
    if n == 0 or values.null_count or values.type != pa.string():
        return None
    lengths = pc.min_max(pc.binary_length(values)).as_py()
    width = lengths["min"]
    if width != lengths["max"] or not 0 < width <= 64:
        return None
    start = int(np.frombuffer(values.buffers()[1], dtype=np.int32)[values.offset])
    data = np.frombuffer(values.buffers()[2], dtype=np.uint8)[start:start + n * width].reshape(n, width)
    if untrimmed and (_TRIMMED_BYTES[data[:, 0]].any() or _TRIMMED_BYTES[data[:, -1]].any()):
        return None

    whole = data
    # Bytes that are the same in every row (a common prefix such as DEMO-0) say nothing: leave them out.
    # (Each byte position as one contiguous row: reducing along the rows of `data` is several times slower.)
    positions = np.ascontiguousarray(data.T)
    varying = np.flatnonzero(positions.min(axis=1) != positions.max(axis=1))
    varying = varying if len(varying) else np.zeros(1, dtype=np.intp)
    dense = _factorize_dense_digits(positions[varying])
    del positions
    if dense is not None:
        indices, rows = dense
        return _small_indices(indices, len(rows)), _fixed_width_strings(whole, rows)
    if len(varying) < width:
        data, width = data[:, varying], len(varying)

    def word(begin: int, size: int) -> np.ndarray:
        part = np.zeros((n, size), dtype=np.uint8)
        part[:, :min(size, width - begin)] = data[:, begin:begin + size]
        return part.view(np.uint64 if size == 8 else np.uint32).ravel()

    def number(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per row the rank of its key among the distinct keys, and one row of each distinct key."""
        order = np.argsort(keys)
        ordered = keys[order]
        starts = np.empty(n, dtype=bool)
        starts[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
        ranks = np.empty(n, dtype=np.int32)
        ranks[order] = np.cumsum(starts, dtype=np.int32) - 1
        return ranks, order[starts]

    indices, rows = number(word(0, 8))
    for begin in range(8, width, 4):
        indices, rows = number((indices.astype(np.uint64) << np.uint64(32)) | word(begin, 4))
    return _small_indices(indices, len(rows)), _fixed_width_strings(whole, rows)


def _fixed_width_strings(data: np.ndarray, rows: np.ndarray) -> pa.Array:
    """The given rows of a fixed-width byte matrix (whole UTF-8 values) as a string array: the rows
    gathered as single items (a `take` of the strings, or of the matrix's rows, is several times slower)."""
    width = data.shape[1]  # at least 1 (`_factorize_fixed_width`)
    chosen = np.take(data.view(np.dtype((np.void, width))).ravel(), rows).view(np.uint8)
    offsets = np.arange(0, (len(rows) + 1) * width, width, dtype=np.int32)
    return pa.Array.from_buffers(pa.string(), len(rows), [None, pa.py_buffer(offsets), pa.py_buffer(chosen)])


def _factorize_dense_digits(positions: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """`_factorize_fixed_width`'s numbering by counting instead of sorting, when the varying bytes
    (`positions`: one row per byte position, one column per value) are ASCII digits spelling numbers
    below four times the number of values (ids such as DEMO-0018837 numbered from 1): the same grouping,
    numbered in the numbers' order, and one row of each; else None."""
    width, n = positions.shape
    if width > 9:
        return None
    digits = positions - np.uint8(48)
    if (digits > 9).any():
        return None
    keys = np.zeros(n, dtype=np.int32)
    for row in digits:
        keys *= 10
        keys += row
    size = int(keys.max()) + 1
    if size > max(4 * n, 1024):
        return None
    present = np.zeros(size, dtype=bool)
    present[keys] = True
    ranks = np.cumsum(present, dtype=np.int32) - 1
    holder = np.empty(size, dtype=np.int64)
    holder[keys] = np.arange(n, dtype=np.int64)  # one row of each distinct number, any will do
    return ranks[keys], holder[present]


def _factorize_ids(column: pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """person_id factorized, ignoring surrounding spaces (`_factorize` of the trimmed ids).

    Pseudonymous ids usually all have the same length and no spaces around them: then their bytes
    are factorized directly (`_factorize_fixed_width`), without trimming or hashing strings.
    """
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    found = _factorize_fixed_width(array, untrimmed=True)
    if found is not None:
        return found
    trimmed = pc.utf8_trim_whitespace(array)
    found = _factorize_fixed_width(trimmed, untrimmed=False)
    return found if found is not None else _factorize(pa.chunked_array([trimmed], pa.string()))


@dataclass
class _Coded:
    """A coded column: per row an index into its distinct values, per distinct value a code.

    A code is >= 0 for a valid value, else EMPTY, BAD or OUT_OF_RANGE.
    """

    indices: np.ndarray
    table: np.ndarray
    distinct: list[str]

    @property
    def codes(self) -> np.ndarray:
        return self.table[self.indices]

    def codes_at(self, positions: np.ndarray) -> np.ndarray:
        return self.table[self.indices[positions]]

    def content_at(self, positions: np.ndarray) -> np.ndarray:
        """Equal for equal meanings; an invalid value only equals itself."""
        codes = self.codes_at(positions).astype(np.int64)
        return np.where(codes >= 0, codes, -10 - self.indices[positions].astype(np.int64))

    def raw(self, position: int) -> str:
        return self.distinct[self.indices[position]]

    def rows_with(self, code: int) -> np.ndarray:
        """The rows (ascending) whose code is `code`, found through the distinct values: usually none."""
        hits = np.flatnonzero(self.table == code)
        if len(hits) == 0:
            return np.zeros(0, dtype=np.int64)
        if len(hits) == 1:
            return np.flatnonzero(self.indices == hits[0])
        return np.flatnonzero(np.isin(self.indices, hits))

    def mask(self, accept: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """Per row: does `accept` hold for its code (decided once per distinct value)."""
        return accept(self.table)[self.indices]


def _code(column: pa.ChunkedArray, lookup: Callable[[str], int],
          factorized: tuple[np.ndarray, pa.Array] | None = None) -> _Coded:
    indices, dictionary = factorized if factorized is not None else _factorize(column)
    distinct = dictionary.to_pylist()
    table = np.array([lookup(v) for v in distinct], dtype=np.int32)
    if len(table) and table.min() >= -(2 ** 15) and table.max() < 2 ** 15:
        table = table.astype(np.int16)
    return _Coded(indices=indices, table=table, distinct=distinct)


_BLANK = r'^[\s"\x{A0}]*$'


def _blank_rows(columns: list[pa.ChunkedArray],
                factorized: dict[int, tuple[np.ndarray, pa.Array]] | None = None) -> np.ndarray:
    """Rows with nothing in any column (Excel writes `;;;;` for an empty row).

    `factorized`: columns by position as `_factorize` gives them (indices into the exact distinct values);
    the first of them is looked at on its distinct values only, the rest of the columns on what is left.
    """
    n = len(columns[0]) if columns else 0
    candidates = np.arange(n, dtype=np.int64)
    first = next(iter(factorized or {}), None)
    if first is not None and n:
        indices, distinct = factorized[first]
        candidates = np.flatnonzero(to_numpy(pc.match_substring_regex(distinct, _BLANK))[indices])
    for i, column in enumerate(columns):
        if len(candidates) == 0:
            break
        if i == first:
            continue
        part = column if len(candidates) == n else column.take(from_numpy(candidates))
        empty = to_numpy(pc.match_substring_regex(part, _BLANK))
        candidates = candidates[empty]
    mask = np.zeros(n, dtype=bool)
    mask[candidates] = True
    return mask


def _preview(names: list[str], columns: list[pa.ChunkedArray], hidden: set[int]) -> _Pending:
    """The first rows of the used columns, masked; the frame is built when it is shown."""
    seen: Counter = Counter()
    data = {}
    for i, (name, column) in enumerate(zip(names, columns)):
        if i in hidden:
            continue
        label = name or f"kolumn {i + 1}"
        seen[label] += 1
        if seen[label] > 1:
            label = f"{label} ({seen[label]})"
        values = column.slice(0, PREVIEW_ROWS).to_pylist()
        data[label] = [_mask(v.strip()) for v in values]
    return _Pending(_preview_frame, data)


def _preview_frame(data: dict[str, list[str]]) -> pd.DataFrame:
    return pd.DataFrame({label: pd.Series(values, dtype="str") for label, values in data.items()})


# --- Register extracts -------------------------------------------------------------------


def _check_register(columns: dict[str, pa.ChunkedArray], labels: dict[str, str], rownums: np.ndarray,
                    stadsdel_map: pd.DataFrame | None, problems: _Problems,
                    factorized: dict[str, tuple[np.ndarray, pa.Array]] | None = None):
    """Validate every column and combination; return the coded columns and which rows to count.

    Each column is released as soon as it is coded, so only small integer arrays remain. `factorized`
    holds columns already factorized (by the personnummer scan), by name.
    """
    factorized = factorized or {}
    n = len(rownums)
    coded: dict[str, _Coded] = {}

    def report(name: str, typ: str, positions: np.ndarray, what: Callable[[str], str],
               expected: str | None = None) -> None:
        note = characters.note if typ in _VALUE_TYPES else (lambda v: "")
        problems.add_rows(FEL, typ, labels[name], positions, rownums, coded[name].raw,
                          _ALLOWED.get(name, "") if expected is None else expected,
                          lambda rad, v: f"{_where(rad, labels[name])}: {note(v)}{what(v)}")

    def report_empty(name: str, fix: str) -> None:
        problems.add_rows(FEL, "tomt värde", labels[name], coded[name].rows_with(EMPTY), rownums,
                          lambda p: "", "ett värde",
                          lambda rad, v: f"{_where(rad, labels[name])}: värdet saknas. {fix}")

    lookups: dict[str, Callable[[str], int]] = {
        "ar": _year_code,
        "kon": _code_from(KON_CODES),
        "alder": _age_code,
        "jobbtorg": _jobbtorg_code,
        "nadd": _code_from(NADD_CODES, allow_empty=0),
        "sysselsattning": _code_from(SYSS_CODES),
        "inskriven": _code_from(BOOL_CODES),
        "nyinskriven": _code_from(BOOL_CODES),
        "verksamhet": _code_from(VERKSAMHET_CODES),
        "avslutad": _code_from(BOOL_CODES),
        "avslutsorsak": _code_from(AVSLUT_CODES),
    }
    districts: list[str] = []
    if "stadsdel" in columns:
        lookups["stadsdel"], districts = _stadsdel_lookup(stadsdel_map)
    last = _last_year()
    names = [name for name in REGISTER_NAMES if name in columns and name != "person_id"]
    coded.update(zip(names, _parallel(
        lambda name: _code(columns.pop(name), lookups[name], factorized.pop(name, None)), names)))
    for name in names:
        bad = coded[name].rows_with(BAD)
        if name == "ar":
            report_empty(name, "Ange statistikåret, t.ex. 2020.")
            report(name, "ogiltigt år", bad,
                   lambda v: f"”{v}” är inget årtal. Ange statistikåret med fyra siffror, t.ex. 2020.",
                   f"ett årtal mellan {FIRST_YEAR} och {last}")
            report(name, "år utanför intervallet", coded[name].rows_with(OUT_OF_RANGE),
                   lambda v: f"året {v} ligger utanför {FIRST_YEAR}–{last}. Rätta året.",
                   f"ett årtal mellan {FIRST_YEAR} och {last}")
        elif name == "kon":
            report_empty(name, "Ange Kvinna eller Man.")
            report(name, "okänd kod", bad, lambda v: f"”{v}” är inget giltigt värde. Förväntat: {_ALLOWED['kon']}.")
        elif name == "alder":
            report(name, "ogiltig ålder", bad,
                   lambda v: f"”{v}” är ingen ålder mellan 15 och 20. Rätta åldern eller lämna cellen tom.")
        elif name == "stadsdel":
            report(name, "okänd kod", bad,
                   lambda v: (f"”{v}” är inget av stadsdelsområdena {', '.join(districts)}. " if districts else
                              f"”{v}” är inget känt stadsdelsområde. ")
                   + "Rätta stavningen, eller lämna stadsdelen tom och fyll i jobbtorget.")
        else:
            report(name, "okänd kod", bad,
                   lambda v, name=name: f"”{v}” är inget giltigt värde. Förväntat: {_ALLOWED[name]}.")
        del bad
    _report_variants(coded, labels, rownums, problems)

    # Impossible combinations.
    def is_(name: str, value: int) -> np.ndarray | None:
        return coded[name].mask(lambda codes: codes == value) if name in coded else None

    not_inskriven = is_("inskriven", 0)
    given = {name: is_(name, 1) for name in ("nyinskriven", "avslutad")}
    given["avslutsorsak"] = coded["avslutsorsak"].mask(lambda codes: codes >= 0) if "avslutsorsak" in coded else None
    if not_inskriven is not None:
        for name, mask in given.items():
            if mask is None:
                continue
            report(name, "omöjlig kombination", np.flatnonzero(mask & not_inskriven),
                   lambda v, name=name: (f"”{v}” men ungdomen är inte inskriven (”{labels['inskriven']}” är nej). "
                                         f"Sätt inskriven till ja eller rätta ”{labels[name]}”."),
                   f"{labels['inskriven']} = ja")
    if given["avslutsorsak"] is not None and "avslutad" in coded:
        mask = given["avslutsorsak"] & is_("avslutad", 0)
        if not_inskriven is not None:
            mask &= ~not_inskriven  # already reported above
        report("avslutsorsak", "omöjlig kombination", np.flatnonzero(mask),
               lambda v: (f"avslutsorsak ”{v}” men stödet är inte avslutat (”{labels['avslutad']}” är nej). "
                          "Sätt avslutad till ja eller töm avslutsorsaken."),
               f"{labels['avslutad']} = ja")
    del not_inskriven, given

    keep = np.ones(n, dtype=bool)
    if "person_id" in columns:
        person = columns.pop("person_id")
        person_index, distinct = factorized.pop("person_id", None) or _factorize_ids(person)
        del person
        empty_distinct = to_numpy(pc.binary_length(distinct)) == 0
        empty_id = empty_distinct[person_index] if empty_distinct.any() else np.zeros(n, dtype=bool)
        problems.add_rows(FEL, "tomt värde", labels["person_id"], np.flatnonzero(empty_id), rownums,
                          lambda p: "", "ett pseudonymt id", lambda rad, v: (
                              f"{_where(rad, labels['person_id'])}: id saknas. Varje rad måste ha ungdomens "
                              "pseudonyma id."))
        ids = pc.filter(distinct, from_numpy(to_numpy(pc.binary_length(distinct)) > 0))
        if len(ids) and pc.all(pc.starts_with(ids, demo.ID_PREFIX)).as_py():
            problems.add(VARNING, "exempeldata", (
                f"Alla id i ”{labels['person_id']}” är demo-id (de börjar med DEMO): filen ser ut att vara mallen "
                "eller påhittade demodata, inte ett uttag ur registret. Om du importerar den visar alla sidor dess "
                "påhittade siffror för filens år. Importera den bara för att prova, och ta bort källan efteråt."),
                kolumn=labels["person_id"])
        if "ar" in coded:
            keep = _check_duplicates(person_index, len(distinct), coded, labels, rownums, empty_id, problems)
    return coded, keep


def _check_duplicates(person_index: np.ndarray, persons: int, coded: dict[str, _Coded],
                      labels: dict[str, str], rownums: np.ndarray, empty_id: np.ndarray,
                      problems: _Problems) -> np.ndarray:
    """The same person twice in a year: identical rows count once (warning), different ones are errors."""
    n = len(rownums)
    key = coded["ar"].codes.astype(np.int64)
    usable = (key >= 0) & ~empty_id
    key *= persons + 1
    key += person_index
    key[~usable] = -1
    keep = np.ones(n, dtype=bool)
    # Usually no key occurs twice, and when the keys lie close together (a few years of persons numbered
    # 0, 1, 2, ...) marking them in a table of their range says so without sorting.
    present = key[usable]
    if len(present) == 0:
        return keep
    low = int(present.min())
    span = int(present.max()) - low + 1
    if span <= max(16 * n, 1 << 20):
        seen = np.zeros(span, dtype=bool)
        present -= low
        seen[present] = True
        if int(np.count_nonzero(seen)) == len(present):
            return keep
        del seen
    del present
    # The keys that occur more than once: sorting the keys alone is fast (no positions to carry), and
    # the rows with those keys are looked up only when there are any.
    ordered = np.sort(key)
    same_as_next = ordered[1:] == ordered[:-1]
    same_as_next &= ordered[1:] >= 0
    if not same_as_next.any():
        return keep
    where = np.flatnonzero(np.isin(key, ordered[1:][same_as_next]))
    del ordered, same_as_next
    content_names = [name for name in coded if name != "ar"]
    frame = pd.DataFrame({"key": key[where], "position": where})
    for name in content_names:
        frame[name] = coded[name].content_at(where)
    identical = frame.duplicated(subset=["key", *content_names], keep="first").to_numpy()
    same_as = frame.groupby(["key", *content_names])["position"].transform("first").to_numpy()
    copies = frame["position"].to_numpy()[identical]
    keep[copies] = False
    original = dict(zip(copies.tolist(), same_as[identical].tolist()))
    distinct_rows = frame[~identical]
    conflict = distinct_rows["key"].duplicated(keep="first").to_numpy()
    positions = distinct_rows["position"].to_numpy()[conflict]
    first_pos = distinct_rows.groupby("key")["position"].transform("first").to_numpy()[conflict]
    other = dict(zip(positions.tolist(), first_pos.tolist()))
    position_at = {int(rownums[p]): int(p) for p in np.concatenate([copies, positions])}
    label_id = labels.get("person_id", "person_id")
    problems.add_rows(VARNING, "dubblett", label_id, copies, rownums, lambda p: "",
                      "en rad per ungdom och år", lambda rad, v: (
                          f"Rad {rad} är en exakt kopia av rad {int(rownums[original[position_at[rad]]])} "
                          "(samma ungdom och år). Den räknas bara en gång; ta gärna bort den."))

    def differing(position: int) -> str:
        pair = np.array([position, other[position]])
        names = [labels[name] for name in content_names if len(set(coded[name].content_at(pair))) > 1]
        return ", ".join(f"”{x}”" for x in names) or "ett värde"

    problems.add_rows(FEL, "motstridig dubblett", label_id, positions, rownums, lambda p: "",
                      "en rad per ungdom och år", lambda rad, v: (
                          f"Rad {rad}: samma ungdom och år som rad {int(rownums[other[position_at[rad]]])}, men "
                          f"med annat innehåll ({differing(position_at[rad])} skiljer sig). Behåll bara den rad "
                          "som stämmer."))
    return keep


#: Problems about one value that may only look valid: their messages name look-alike characters.
_VALUE_TYPES = ("okänd kod", "ogiltigt år", "ogiltig ålder", "år utanför intervallet")
VARIANT_TYP = "ovanliga tecken"
_FOLDED_SILENTLY = "".join(map(chr, _FOLD))  # dashes and spaces: always read as plain ones, no warning


def _variant_message(label: str) -> Callable[[int, str], str]:
    def message(rad: int, value: str) -> str:
        return (f"{_where(rad, label)}: ”{value}” har "
                f"{characters.described(characters.variants(value, _FOLDED_SILENTLY))} och lästes som "
                f"”{_mask(characters.normalized(value).strip())}”. Kontrollera att det stämmer, och skriv gärna "
                "om värdet med vanliga tecken där uttaget görs.")
    return message


def _report_variants(coded: dict[str, _Coded], labels: dict[str, str], rownums: np.ndarray,
                     problems: _Problems) -> None:
    """A warning on each row whose valid value was read only after normalising its characters (`_fold`)."""
    for name, column in coded.items():
        found = [i for i, (value, code) in enumerate(zip(column.distinct, column.table))
                 if code >= 0 and characters.variants(value, _FOLDED_SILENTLY)]
        if found:
            positions = np.flatnonzero(np.isin(column.indices, found))
            problems.add_rows(VARNING, VARIANT_TYP, labels[name], positions, rownums, column.raw,
                              "vanliga tecken", _variant_message(labels[name]))


def _report_tidy_variants(values: pd.Series, codes: pd.Series, label: str, rownums: np.ndarray,
                          problems: _Problems) -> None:
    """`_report_variants` for one column of a tidy file."""
    distinct = {v: bool(characters.variants(v, _FOLDED_SILENTLY)) for v in pd.unique(values)}
    positions = np.flatnonzero((values.map(distinct) & (codes >= 0)).to_numpy(dtype=bool))
    problems.add_rows(VARNING, VARIANT_TYP, label, positions, rownums, lambda p: values.iat[p],
                      "vanliga tecken", _variant_message(label))


MEASURE_DEPENDS = {
    "registrerade": (),
    "sokta": ("nadd",), "nadda": ("nadd",), "ej_nadda": ("nadd",),
    "nadda_sysselsatta": ("nadd", "sysselsattning"),
    "inskrivna": ("inskriven",), "nyinskrivna": ("nyinskriven",),
    "avslutade": ("avslutad",),
    "avslut_studier": ("avslutsorsak",), "avslut_arbete": ("avslutsorsak",), "avslut_annan": ("avslutsorsak",),
}


def _register_facts(coded: dict[str, _Coded], keep: np.ndarray, kalla: str) -> _Pending:
    """Sum the person rows to facts: one row per (ar, jobbtorg, kön, verksamhet, measure).

    Every (ar, jobbtorg, kön) group with rows gets every measure its columns allow, for
    Hela KAA and (with a verksamhet column) for Aim, zeros included. The columns are plain arrays (a
    few thousand rows); the facts frame is built from them when it is first asked for.

    One pass over the rows: each row gets one number for its group and the states of the columns the
    measures look at (e.g. nadd: empty, ja or nej), and a single bincount counts them all; the
    measures are then sums over the states. What each distinct value means is decided once, on the
    coded columns' tables, not per row.
    """
    n_jobbtorg, n_kon = len(schema.JOBBTORG_NAMES), len(schema.KON_VALUES)
    year_table = coded["ar"].table.astype(np.int64)
    seen = np.bincount(coded["ar"].indices if keep.all() else coded["ar"].indices[keep],
                       minlength=len(year_table)) > 0
    first = int(year_table[seen].min()) if seen.any() else FIRST_YEAR
    last = int(year_table[seen].max()) if seen.any() else FIRST_YEAR - 1
    size = (last - first + 1) * n_jobbtorg * n_kon

    def row_values(column: _Coded, table: np.ndarray) -> np.ndarray:
        return table.astype(np.int32)[column.indices]

    # The group: ((year - first) * n_jobbtorg + jobbtorg) * n_kon + kön; jobbtorg as given, else from
    # stadsdel, else Saknar stadsdel.
    group = row_values(coded["ar"], (year_table - first) * (n_jobbtorg * n_kon))
    given = coded["jobbtorg"].table if "jobbtorg" in coded else None
    derived = coded["stadsdel"].table if "stadsdel" in coded else None
    if given is not None and derived is not None:
        pair = coded["jobbtorg"].indices.astype(np.int32) * len(derived)
        pair += coded["stadsdel"].indices
        both = np.where(given[:, None] >= 0, given[:, None],
                        np.where(derived[None, :] >= 0, derived[None, :], SAKNAR_INDEX)).ravel()
        group += (both.astype(np.int32) * n_kon)[pair]
        del pair
    elif given is not None or derived is not None:
        name, table = ("jobbtorg", given) if given is not None else ("stadsdel", derived)
        group += row_values(coded[name], np.where(table >= 0, table, SAKNAR_INDEX) * n_kon)
    else:
        group += SAKNAR_INDEX * n_kon
    group += row_values(coded["kon"], coded["kon"].table)

    # The states each measure needs, one axis per column (an absent column has one state).
    no = np.zeros(0, dtype=np.int64)
    states = {  # axis: (column, number of states, state of each code)
        "nadd": ("nadd", 3, lambda c: np.where((c == NADD_JA) | (c == NADD_NEJ), c, 0)),
        "syss": ("sysselsattning", 2, lambda c: np.isin(c, SYSSELSATT)),
        "orsak": ("avslutsorsak", 4, lambda c: np.where((c >= 0) & (c <= 2), c + 1, 0)),
        "inskriven": ("inskriven", 2, lambda c: c == 1),
        "nyinskriven": ("nyinskriven", 2, lambda c: c == 1),
        "avslutad": ("avslutad", 2, lambda c: c == 1),
        "aim": ("verksamhet", 2, lambda c: c == AIM_CODE),
    }
    shape = [size]
    cell = group
    for axis, (name, count, state_of) in states.items():
        count = count if name in coded else 1
        shape.append(count)
        cell *= count
        if count > 1:
            cell += row_values(coded[name], state_of(coded[name].table).astype(np.int32))
    del group
    if not keep.all():
        cell = cell[keep]
    counts = np.bincount(cell, minlength=int(np.prod(shape))).reshape(shape)
    del cell
    axes = {axis: i + 1 for i, axis in enumerate(states)}

    def total(of: np.ndarray, **chosen) -> np.ndarray:
        """Sum over every axis but the group, keeping only the chosen states (slices or indices)."""
        index = [slice(None)] * of.ndim
        for axis, states_kept in chosen.items():
            index[axes[axis]] = states_kept if isinstance(states_kept, slice) else slice(states_kept, states_kept + 1)
        return of[tuple(index)].sum(axis=tuple(range(1, of.ndim)))

    measure_states = {
        "registrerade": {}, "sokta": {"nadd": slice(1, 3)}, "nadda": {"nadd": NADD_JA},
        "ej_nadda": {"nadd": NADD_NEJ}, "nadda_sysselsatta": {"nadd": NADD_JA, "syss": 1},
        "inskrivna": {"inskriven": 1}, "nyinskrivna": {"nyinskriven": 1}, "avslutade": {"avslutad": 1},
        "avslut_studier": {"orsak": 1}, "avslut_arbete": {"orsak": 2}, "avslut_annan": {"orsak": 3},
    }
    measures = [m for m in schema.COUNT_NAMES if m in MEASURE_DEPENDS and set(MEASURE_DEPENDS[m]) <= set(coded)]
    units = [(schema.HELA_KAA, {})] + ([(schema.AIM, {"aim": 1})] if "verksamhet" in coded else [])
    by_unit = {unit: np.stack([total(counts, **only, **measure_states[m]) for m in measures], axis=1)
               if measures else np.zeros((size, 0), dtype=np.int64) for unit, only in units}
    del counts
    # The groups with rows: where the first measure of Hela KAA (registrerade) is not 0.
    present = np.flatnonzero(by_unit[schema.HELA_KAA][:, 0] > 0) if measures else no
    # Rows in the order (ar, jobbtorg, kön, verksamhet, measure) of the vocabulary: a group's index
    # grows with (ar, jobbtorg, kön), and the units and measures are laid out in their order.
    rank = {v: i for i, v in enumerate(schema.VERKSAMHET_VALUES)}
    unit_names = sorted(by_unit, key=rank.__getitem__)
    values = np.stack([by_unit[unit][present] for unit in unit_names], axis=1)  # group, unit, measure
    per_group = len(unit_names) * len(measures)
    kon = np.repeat(present % n_kon, per_group)
    jobbtorg_index = np.repeat((present // n_kon) % n_jobbtorg, per_group)
    year = np.repeat(present // (n_kon * n_jobbtorg) + first, per_group)
    return _Pending(_facts_frame, {
        schema.AR: year.astype("int64"),
        schema.JOBBTORG: np.array(schema.JOBBTORG_NAMES, dtype=object)[jobbtorg_index],
        schema.KON: np.array(schema.KON_VALUES, dtype=object)[kon],
        schema.VERKSAMHET: np.tile(np.repeat(np.array(unit_names, dtype=object), len(measures)), len(present)),
        "measure": np.tile(np.array(measures, dtype=object), len(present) * len(unit_names)),
        "value": values.reshape(-1).astype("float64"),
        "noggrannhet": schema.EXAKT, "kalla": kalla, "anmarkning": "", "source": "",
    })


def _facts_frame(columns: dict[str, np.ndarray | str]) -> pd.DataFrame:
    """The facts frame of `_register_facts`'s columns (an array per column, or one text for every row)."""
    out = pd.DataFrame({column: columns[column].astype("int64") if column == schema.AR else
                        columns[column] if column == "value" else pd.array(columns[column], dtype="str")
                        for column in FACT_COLUMNS if isinstance(columns[column], np.ndarray)})
    for column in FACT_COLUMNS:
        if not isinstance(columns[column], np.ndarray):
            out[column] = pd.Series(columns[column], index=out.index, dtype="str")
    return out[FACT_COLUMNS]


# --- Tidy counts -----------------------------------------------------------------------------

#: The tidy format's free-text columns: stored with the facts, so cleaned and masked first.
FREE_TEXT = ("kalla", "anmarkning")


def _free_text(values: pd.Series, label: str, rownums: np.ndarray, problems: _Problems) -> pd.Series:
    """Free text as it may be stored (`personnummer.clean_text`); a warning on each row where
    something shaped like a personnummer was masked (the number itself is never repeated)."""
    distinct = pd.unique(values)
    masked = {v: personnummer.looks_like(personnummer.strip_invisible(v)) for v in distinct}
    positions = np.flatnonzero(values.map(masked).to_numpy(dtype=bool))
    problems.add_rows(VARNING, PNR_TYP, label, positions, rownums, lambda p: "", "inga personnummer",
                      lambda rad, v: (f"{_where(rad, label)}: texten innehåller ett personnummer eller "
                                      "samordningsnummer (eller något som liknar ett). Det har ersatts med "
                                      f"{MASK} i det som sparas och visas. Ta bort numret ur filen innan den "
                                      "delas vidare."))
    return values.map({v: personnummer.clean_text(v, MAX_FREE_TEXT) for v in distinct})


def _tidy(columns: dict[str, pa.ChunkedArray], labels: dict[str, str], rownums: np.ndarray,
          problems: _Problems, kalla: str) -> tuple[pd.DataFrame | None, list[int]]:
    """Check a tidy count file with normalize_facts' rules, reporting per row and column."""
    df = pd.DataFrame({name: column.to_pandas().astype(str).str.strip() for name, column in columns.items()})
    for name in TIDY_NAMES:
        if name not in df:
            df[name] = ""

    def report(mask: pd.Series, name: str, typ: str, expected: str, what: Callable[[str], str]) -> None:
        positions = np.flatnonzero(mask.to_numpy())
        problems.add_rows(FEL, typ, labels.get(name, name), positions, rownums, lambda p: df[name].iat[p],
                          expected, lambda rad, v: f"{_where(rad, labels.get(name, name))}: "
                                                   f"{characters.note(v)}{what(v)}")

    year = df[schema.AR].map(_year_code)
    report(year == EMPTY, schema.AR, "tomt värde", "ett årtal", lambda v: "året saknas. Ange t.ex. 2020.")
    report(year == BAD, schema.AR, "ogiltigt år", "ett årtal, t.ex. 2020",
           lambda v: f"”{v}” är inget årtal. Ange statistikåret med fyra siffror.")
    report(year == OUT_OF_RANGE, schema.AR, "år utanför intervallet", f"{FIRST_YEAR}–{_last_year()}",
           lambda v: f"året {v} ligger utanför {FIRST_YEAR}–{_last_year()}. Rätta året.")
    jobbtorg = df[schema.JOBBTORG].map(_jobbtorg_code)
    report(jobbtorg == BAD, schema.JOBBTORG, "okänd kod", "tomt eller " + ", ".join(schema.JOBBTORG_NAMES),
           lambda v: f"”{v}” är inget jobbtorg. Förväntat: tomt eller ett av {', '.join(schema.JOBBTORG_NAMES)}.")
    kon = df[schema.KON].map(_code_from(KON_CODES))
    report(kon == BAD, schema.KON, "okänd kod", "tomt, Kvinna eller Man",
           lambda v: f"”{v}” är inget kön. Förväntat: tomt, Kvinna eller Man.")
    verksamhet = df[schema.VERKSAMHET].map(
        _code_from({_fold(v): i for i, v in enumerate(schema.VERKSAMHET_VALUES)}))
    report(verksamhet == BAD, schema.VERKSAMHET, "okänd kod", "tomt, " + " eller ".join(schema.VERKSAMHET_VALUES),
           lambda v: f"”{v}” är ingen verksamhet. Förväntat: tomt, Hela KAA eller Aim.")
    measure = df["measure"].str.lower()
    report(~measure.isin(schema.MEASURE_NAMES), "measure", "okänt mått", "ett mått ur begreppslistan, t.ex. nadda",
           lambda v: f"”{v}” är inget mått. Använd ett av {', '.join(schema.MEASURE_NAMES)}.")
    text = df["value"].str.replace(r"[\s\u00a0]", "", regex=True).str.replace(",", ".", regex=False)
    value = pd.to_numeric(text, errors="coerce")
    is_share = measure.isin(schema.SHARE_NAMES)
    bad_value = invalid_values(measure, value)
    report(bad_value & ~is_share, "value", "ogiltigt värde", "ett heltal, 0 eller större",
           lambda v: f"”{v}” är inget antal. Ange ett heltal, 0 eller större.")
    report(bad_value & is_share, "value", "ogiltigt värde", "en andel mellan 0 och 1",
           lambda v: f"”{v}” är ingen andel. Ange en andel mellan 0 och 1, t.ex. 0,44.")
    noggrannhet = df["noggrannhet"].str.lower()
    report(~noggrannhet.isin(("",) + schema.NOGGRANNHET_VALUES), "noggrannhet", "okänd kod",
           "tomt eller " + ", ".join(schema.NOGGRANNHET_VALUES),
           lambda v: f"”{v}” är ingen noggrannhet. Förväntat: tomt eller {', '.join(schema.NOGGRANNHET_VALUES)}.")
    years = sorted(int(y) for y in year[year >= 0].unique())
    for name, codes in ((schema.AR, year), (schema.JOBBTORG, jobbtorg), (schema.KON, kon),
                        (schema.VERKSAMHET, verksamhet)):
        _report_tidy_variants(df[name], codes, labels.get(name, name), rownums, problems)
    free = {name: _free_text(df[name], labels.get(name, name), rownums, problems) for name in FREE_TEXT}

    clean = pd.DataFrame({
        schema.AR: year.astype(str),
        schema.JOBBTORG: jobbtorg.map(lambda c: schema.JOBBTORG_NAMES[c] if c >= 0 else ""),
        schema.KON: kon.map(lambda c: schema.KON_VALUES[c] if c >= 0 else ""),
        schema.VERKSAMHET: verksamhet.map(lambda c: schema.VERKSAMHET_VALUES[c] if c >= 0 else ""),
        "measure": measure,
        "value": text,
        "noggrannhet": noggrannhet,
        # Free text is stored: nothing shaped like a personnummer may go with it.
        "kalla": free["kalla"].map(lambda k: f"{kalla}, {k}" if k else kalla),
        "anmarkning": free["anmarkning"],
        "source": "",
    })
    group = [schema.AR, schema.JOBBTORG, schema.KON, schema.VERKSAMHET, "measure"]
    clean_group = clean.assign(verksamhet=clean[schema.VERKSAMHET].replace("", schema.HELA_KAA),
                               _value=value)
    repeated = clean_group.duplicated(subset=group, keep=False)
    if repeated.any():
        same = clean_group.duplicated(subset=group + ["_value"], keep="first")
        conflict = clean_group.duplicated(subset=group, keep="first") & ~same
        label = labels.get("measure", "measure")
        problems.add_rows(VARNING, "dubblett", label, np.flatnonzero(same.to_numpy()), rownums,
                          lambda p: clean["measure"].iat[p], "en rad per grupp och mått",
                          lambda rad, v: f"Rad {rad}: måttet ”{v}” för samma år och grupp finns redan med samma "
                                         "värde. Det räknas en gång.")
        problems.add_rows(FEL, "motstridig dubblett", label, np.flatnonzero(conflict.to_numpy()), rownums,
                          lambda p: clean["measure"].iat[p], "en rad per grupp och mått",
                          lambda rad, v: f"Rad {rad}: måttet ”{v}” för samma år och grupp finns redan med ett "
                                         "annat värde. Behåll bara den rad som stämmer.")
        clean = clean[~same.to_numpy()]
    if problems.has_errors:
        return None, years
    try:
        facts = normalize_facts(clean.reset_index(drop=True))
    except FactsError:
        problems.add(FEL, "ogiltigt värde", "Filen följer inte formatet för räknade uppgifter. Kontrollera "
                     "kolumnerna ar, jobbtorg, kon, verksamhet, measure och value.")
        return None, years
    return facts, years


# --- The whole file ----------------------------------------------------------------------------


def _guarded(progress: Callable[[str, float], None] | None) -> Callable[[str, float], None]:
    """The caller's progress callback; its failures must not stop the check (Streamlit's rerun
    and stop signals are BaseExceptions and pass through)."""
    def report(text: str, fraction: float) -> None:
        if progress is not None:
            try:
                progress(text, fraction)
            except Exception:
                pass
    return report


class _Progress:
    """The caller's progress callback, which also stops the reading once the deadline has passed."""

    def __init__(self, report: Callable[[str, float], None], deadline: float | None, problems: _Problems,
                 data: bytes, seconds: float | None) -> None:
        self.report, self.deadline, self.problems = report, deadline, problems
        self.workbook = bytes(data[:4] if data else b"") == b"PK\x03\x04"
        self.seconds = seconds

    def __call__(self, text: str, fraction: float) -> None:
        self.report(text, fraction)
        if self.deadline is not None and time.process_time() > self.deadline:
            raise _time_up(self.problems, self.workbook, self.seconds)


def read_extract(data: bytes, filename: str, *, progress: Callable[[str, float], None] | None = None,
                 stadsdel_map: pd.DataFrame | None = None,
                 time_limit: float | None = limits.READ_SECONDS) -> ExtractResult:
    """Read, check and sum an extract (CSV, or an Excel workbook .xlsx/.xlsm). Never raises on bad input.

    On errors (allvarlighet "fel") the facts frame is empty: errors block the import. A file past one
    of kaa.limits is refused before it is expanded. `progress(text, fraction)` is called as each phase
    starts; after `time_limit` seconds of CPU time (None: no limit; CPU, so that a busy machine does not
    refuse a file) the reading stops at the next phase or piece of a workbook. In-process and pure:
    kaa.isolate runs it in a child process for the dashboard.
    """
    problems = _Problems()
    progress = _Progress(_guarded(progress), None if time_limit is None else time.process_time() + time_limit,
                         problems, data, time_limit)
    result = ExtractResult(facts=_Pending(empty_facts), problems=_Pending(_problems_frame, []),
                           problem_counts={}, rows_read=0, years=[], preview=_Pending(_empty_frame),
                           dropped_columns=[], encoding="", delimiter=None, kind=REGISTER,
                           filename=personnummer.clean_text(str(filename), MAX_FILENAME))
    try:
        _read_into(result, bytes(data or b""), str(filename), progress, stadsdel_map, problems,
                   deadline=progress.deadline)
    except _Stop:
        pass
    except Exception as exc:  # never a stack trace, never an exception's text (it may quote a row)
        problems.add(FEL, "internt fel",
                     f"Filen kunde inte läsas på grund av ett oväntat fel ({type(exc).__name__}). "
                     "Kontrollera att det är ett KAA-uttag som CSV eller .xlsx och försök igen; "
                     "hör av dig till den som förvaltar instrumentpanelen om felet kvarstår.")
    result.problems = _Pending(_problems_frame, problems.rows())
    result.problem_counts = dict(problems.counts)
    if problems.has_errors:
        result.facts = _Pending(empty_facts)
    progress.report("Klar", 1.0)
    return result


def _check_size(data: bytes, problems: _Problems) -> None:
    """The limits a file must keep before anything is parsed (kaa.limits); a CSV's rows are its lines."""
    workbook = data.startswith(b"PK\x03\x04")
    if len(data) > limits.MAX_FILE_BYTES:
        size = fmt.count(max(1, round(len(data) / limits.MB)))
        raise _refuse(problems, "för stor fil",
                      f"Filen är {size} MB, men högst {fmt.count(limits.MAX_FILE_MB)} MB kan läsas in. "
                      + (xlsx.SPLIT_OR_CSV if workbook else _SPLIT_BY_YEAR),
                      f"högst {fmt.count(limits.MAX_FILE_MB)} MB")
    if not workbook:
        # LF, CRLF or (old Mac) CR alone; most files have no CR at all, and finding that out is a fast scan
        breaks = max(_count_byte(data, 10), _count_byte(data, 13) if b"\r" in data else 0)
        lines = breaks + (0 if data.endswith((b"\n", b"\r")) else 1)
        if lines > limits.MAX_CSV_ROWS:
            raise _refuse(problems, "för stor fil",
                          f"Filen har {fmt.count(lines)} rader, men högst {fmt.count(limits.MAX_CSV_ROWS)} rader "
                          f"kan läsas in på en gång. {_SPLIT_BY_YEAR}",
                          f"högst {fmt.count(limits.MAX_CSV_ROWS)} rader")


def _read_into(result: ExtractResult, data: bytes, filename: str, progress: Callable[[str, float], None],
               stadsdel_map: pd.DataFrame | None, problems: _Problems, *, deadline: float | None = None) -> None:
    progress("Läser filen …", 0.0)
    if len(data) <= SAMPLE_BYTES and not data.strip(b" \t\r\n\x1a" + codecs.BOM_UTF8):
        raise _empty_file(problems)
    name = filename.lower()
    _check_size(data, problems)
    if data.startswith(b"PK\x03\x04"):
        # .xlsx and .xlsm alike: only the cells are read, a macro never runs.
        raw = _read_xlsx(data, problems, progress, deadline)
        result.encoding = "xlsx"
        if problems.has_errors:  # formulas without values: read as empty they would give false errors
            result.rows_read = len(raw.rownums)
            raise _Stop()
    else:
        for magic, what in _MAGIC:
            if data.startswith(magic):
                raise _not_a_table(problems, what)
        if name.endswith((".xlsx", ".xlsm")):
            raise _not_a_table(problems, f"Filen heter .{name.rsplit('.', 1)[1]} men är ingen Excel-arbetsbok.")
        raw = _read_csv(data, problems)
    del data
    result.encoding, result.delimiter = raw.encoding, raw.delimiter
    progress("Kontrollerar värdena …", 0.35)

    # Header names are shown everywhere: a headerless file has data (maybe a personnummer) in them.
    header_pnr = sum(contains_personnummer(n) for n in raw.names)
    raw.names = [_mask(personnummer.strip_invisible(n)) for n in raw.names]

    # Which column is which.
    canonical = [canonical_column(n) if n else None for n in raw.names]
    kind = TIDY if ({"measure", "value"} <= set(canonical) and "person_id" not in canonical) else REGISTER
    result.kind = kind
    wanted = REGISTER_NAMES if kind == REGISTER else TIDY_NAMES
    columns: dict[str, pa.ChunkedArray] = {}
    labels: dict[str, str] = {}
    position_of: dict[str, int] = {}
    dropped: list[str] = []
    for i, (header, canon) in enumerate(zip(raw.names, canonical)):
        if canon in wanted and canon not in position_of:
            position_of[canon] = i
            labels[canon] = header
        elif canon in wanted:
            problems.add(FEL, "dubbel kolumn",
                         f"Kolumnerna ”{labels[canon]}” och ”{header}” betyder båda {canon}. "
                         "Ta bort den ena och ladda upp filen igen.",
                         kolumn=header, rad=raw.header_row, varde=header, forvantat=f"en kolumn {canon}")
        elif header or to_numpy(pc.binary_length(pc.utf8_trim_whitespace(raw.columns[i]))).any():
            dropped.append(header or f"kolumn {i + 1} (utan namn)")
    result.dropped_columns = dropped

    # Personal identity numbers, in every column, before anything is dropped. The register's columns
    # are factorized here, once and in parallel: the scan then looks at the coded columns' distinct
    # values only (person_id's are all different: its cells are scanned).
    coded_at = {i for canon, i in position_of.items() if kind == REGISTER and canon != "person_id"}
    ids_at = position_of.get("person_id") if kind == REGISTER else None
    # A tidy file's free text is reported row by row when it is masked (_tidy).
    free_text_at = {i for canon, i in position_of.items() if kind == TIDY and canon in FREE_TEXT}

    def scan(i: int) -> tuple[int, tuple[np.ndarray, pa.Array] | None]:
        factorized = _factorize(raw.columns[i]) if i in coded_at else None
        count = 0 if i in free_text_at else _count_personnummer(raw.columns[i], factorized)
        return count, (_factorize_ids(raw.columns[i]) if i == ids_at else factorized)

    scanned = _parallel(scan, list(range(len(raw.columns))))
    counts = [count for count, _ in scanned]
    factorized_at = {i: f for i, (_, f) in enumerate(scanned) if f is not None}
    del scanned
    pa.default_memory_pool().release_unused()  # the hash tables of the factorizing: back to the system
    found = [(header or "utan namn", count) for header, count in zip(raw.names, counts) if count]
    if header_pnr:
        found.append(("rubrikraden", header_pnr))
    if found:
        where = ", ".join(f"”{h}” ({fmt.count(c)} {'värde' if c == 1 else 'värden'})" for h, c in found)
        problems.add(VARNING, PNR_TYP,
                     f"Filen innehåller personnummer eller samordningsnummer i {where}. De sparas aldrig "
                     "och visas inte, men de ska inte finnas i ett uttag: använd pseudonyma id i person_id "
                     "och ta bort personnumren ur filen innan den delas vidare.",
                     kolumn=", ".join(h for h, _ in found), forvantat="inga personnummer")

    # Blank rows (Excel's `;;;;`) are skipped; the others keep their numbers.
    blank = _blank_rows(raw.columns, {i: f for i, f in factorized_at.items() if i in coded_at})
    rownums = raw.rownums
    if blank.any():
        keep_mask = from_numpy(~blank)
        raw.columns = [pc.filter(c, keep_mask) for c in raw.columns]
        factorized_at = {i: (indices[~blank], dictionary) for i, (indices, dictionary) in factorized_at.items()}
        rownums = rownums[~blank]
    result.rows_read = len(rownums) + raw.invalid_rows
    # The preview shows only the columns the import uses (never person_id): an extra column may hold
    # names, addresses or notes about a young person, and nobody needs to see those here.
    used = set(position_of.values()) - ({position_of["person_id"]} if "person_id" in position_of else set())
    result.preview = _preview(raw.names, raw.columns, set(range(len(raw.names))) - used)
    for canon, i in position_of.items():
        columns[canon] = raw.columns[i]
    raw.columns = []  # the unused columns go now
    if result.rows_read == 0:
        raise _empty_file(problems, "Filen har en rubrikrad men inga datarader.")

    required = REQUIRED if kind == REGISTER else TIDY_REQUIRED
    missing = [c for c in required if c not in columns]
    headerless = bool(missing) and not any(canonical)
    if headerless:
        problems.add(FEL, "saknad kolumn",
                     "Filen verkar sakna rubrikrad: ingen kolumn har ett känt namn. Första raden ska innehålla "
                     "kolumnnamnen, minst ar, person_id och kon (ladda ner mallen för att se formatet).",
                     kolumn=", ".join(missing), rad=raw.header_row, forvantat="en rubrikrad med kolumnnamn")
        missing = []
    for name in missing:
        extra = (" Ett uttag ur registret har en rad per ungdom och år med minst kolumnerna ar, person_id och kon; "
                 "räknade uppgifter har kolumnerna ar, measure och value.")
        problems.add(FEL, "saknad kolumn", f"Kolumnen ”{name}” saknas i rubrikraden.{extra} Lägg till kolumnen "
                     "(eller rätta dess namn) och ladda upp filen igen.", kolumn=name,
                     forvantat=f"en kolumn som heter {name}")
    if headerless:
        return
    kalla = f"Import: {personnummer.clean_text(filename, MAX_FILENAME)}"
    if kind == TIDY:
        if missing:
            return
        facts, result.years = _tidy(columns, labels, rownums, problems, kalla)
        if facts is not None and not problems.has_errors:
            progress("Summerar …", 0.8)
            result.facts = facts
        return
    absent = [name for name in EXPECTED if name not in columns]
    if absent and not missing:
        measures = [schema.MEASURES[m].label.lower() for m, deps in MEASURE_DEPENDS.items()
                    if set(deps) & set(absent)]
        names = ", ".join(f"”{name}”" for name in absent)
        problems.add(VARNING, "saknad kolumn",
                     f"{'Kolumnen' if len(absent) == 1 else 'Kolumnerna'} {names} saknas, så "
                     f"{', '.join(measures)} redovisas inte för de här åren (de blir saknade uppgifter, "
                     "inte 0). Lägg till kolumnerna om uppgifterna finns.",
                     kolumn=", ".join(absent), forvantat="kolumnerna " + ", ".join(EXPECTED))
    factorized = {canon: factorized_at.pop(i) for canon, i in position_of.items() if i in factorized_at}
    coded, keep = _check_register(columns, labels, rownums, stadsdel_map, problems, factorized)
    del factorized
    columns.clear()
    pa.default_memory_pool().release_unused()
    if "ar" in coded:
        result.years = sorted(int(y) for y in np.unique(coded["ar"].table) if y >= FIRST_YEAR)
    if problems.has_errors:
        return
    progress("Summerar …", 0.8)
    result.facts = _register_facts(coded, keep, kalla)


# --- Reports and the template --------------------------------------------------------------------

_DELIMITER_NAMES = {";": "semikolon", ",": "komma", "\t": "tabb"}
_ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 med BOM", "cp1252": "Windows-1252",
                   "utf-16": "UTF-16", "xlsx": "Excel"}


def _heading(typ: str) -> str:
    return _TYP_LABELS.get(typ, typ[:1].upper() + typ[1:])


def report_lines(result: ExtractResult) -> list[str]:
    """The check as Swedish lines: what was read, each problem grouped by kind (capped), the verdict."""
    lines = []
    described = [x for x in (
        "räknade uppgifter" if result.kind == TIDY else "registeruttag",
        _ENCODING_NAMES.get(result.encoding, result.encoding),
        _DELIMITER_NAMES.get(result.delimiter or "", ""),
    ) if x]
    years = ""
    if result.years:
        first, last = result.years[0], result.years[-1]
        years = f", år {first}" if first == last else f", år {first}–{last}"
    name = result.filename or "Filen"
    if not result.encoding:  # not read as a table at all
        lines.append(f"{name}: inga rader kunde läsas.")
    else:
        lines.append(f"{name} ({', '.join(described)}): {fmt.count(result.rows_read)} "
                     f"{'datarad' if result.rows_read == 1 else 'datarader'}{years}.")
    problems = result.problem_rows()
    counts = result.problem_counts
    for allvarlighet, title in ((FEL, "Fel som stoppar importen"), (VARNING, "Varningar")):
        keys = list(dict.fromkeys((p["allvarlighet"], p["typ"]) for p in problems if p["allvarlighet"] == allvarlighet))
        pnr = [k for k in keys if k[1] == PNR_TYP]
        for key in pnr:  # prominently, before everything else, in the problems' order
            texts = [p["meddelande"] for p in problems if (p["allvarlighet"], p["typ"]) == key]
            lines[1:1] = [f"VARNING – {text}" for text in texts]
        keys = [k for k in keys if k[1] != PNR_TYP]
        if not keys:
            continue
        total = sum(counts.get(k, 0) for k in keys)
        lines.append(f"{title} ({fmt.count(total)}):")
        for key in keys:
            shown = [p for p in problems if (p["allvarlighet"], p["typ"]) == key]
            lines.append(f"  {_heading(key[1])} ({fmt.count(counts.get(key, len(shown)))}):")
            lines.extend(f"    {p['meddelande']}" for p in shown)
            rest = counts.get(key, len(shown)) - len(shown)
            if rest > 0:
                unit = (" rad" if rest == 1 else " rader") if any(p["rad"] is not None for p in shown) else ""
                lines.append(f"    … och {fmt.count(rest)}{unit} till")
    if result.dropped_columns:
        lines.append("Kolumner som inte används: " + ", ".join(result.dropped_columns) + ".")
    if result.has_errors:
        lines.append("Filen kan inte importeras: rätta felen ovan och försök igen.")
    else:
        lines.append("Filen kan importeras" + (" (varningarna stoppar inte importen)." if len(problems) else "."))
    return lines


def report_markdown(lines: Sequence[str]) -> str:
    """`report_lines` as a nested Markdown list: each two spaces of indent is one level deeper."""
    return "\n".join("  " * ((len(line) - len(line.lstrip(" "))) // 2) + "- " + fmt.plain(line.strip())
                      for line in lines)


def problems_for_display(problems: pd.DataFrame) -> pd.DataFrame:
    """The problem table with Swedish headings; a problem with the whole file has no row number (empty)."""
    return problems.rename(columns=PROBLEM_LABELS)


#: Swedish headings for the problems frame, for tables on the page.
PROBLEM_LABELS = {
    "allvarlighet": "Allvarlighet", "typ": "Typ", "rad": "Rad", "kolumn": "Kolumn", "varde": "Värde",
    "forvantat": "Förväntat", "meddelande": "Meddelande",
}


def columns_table() -> pd.DataFrame:
    """EXTRACT_COLUMNS as a Swedish documentation table (the upload page and the README)."""
    return pd.DataFrame({
        "Kolumn": [c.name for c in EXTRACT_COLUMNS],
        "Krävs": ["ja" if c.required else "nej" for c in EXTRACT_COLUMNS],
        "Betydelse": [c.meaning for c in EXTRACT_COLUMNS],
        "Värden": [c.allowed for c in EXTRACT_COLUMNS],
        "Andra rubriker som godtas": [", ".join(c.aliases) for c in EXTRACT_COLUMNS],
    })


def summary(result: ExtractResult) -> str:
    """One line on what was read: file, kind, encoding, delimiter, rows and years."""
    return report_lines(result)[0]


TEMPLATE_ROWS = (
    ("2020", "DEMO-0001", "Kvinna", "17", "Rinkeby-Kista", "Jobbtorg Kista", "ja", "studier", "ja", "ja",
     "Jobbtorg", "ja", "studier"),
    ("2020", "DEMO-0002", "Man", "18", "Skärholmen", "", "nej", "", "ja", "nej", "Aim", "nej", ""),
    ("2020", "DEMO-0003", "Kvinna", "16", "Södermalm", "", "", "", "nej", "nej", "", "nej", ""),
)


def template_csv() -> bytes:
    """A template to fill in: the header and three synthetic rows; UTF-8 with BOM and `;`, as Swedish Excel wants."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(REGISTER_NAMES)
    writer.writerows(TEMPLATE_ROWS)
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


__all__ = [
    "EXTRACT_COLUMNS", "ExtractColumn", "ExtractResult", "read_extract", "report_lines", "template_csv",
    "columns_table", "summary", "PROBLEM_LABELS",
    "load_stadsdel_map", "contains_personnummer", "canonical_column", "FEL", "VARNING", "REGISTER", "TIDY",
    "refused", "time_up_message",
]
