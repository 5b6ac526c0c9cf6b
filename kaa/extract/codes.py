"""The extract format and its vocabulary: the columns, the spellings each coded column accepts
(folded and aliased), the codes they become, and the stadsdel → jobbtorg map.
"""

from __future__ import annotations

import csv
import datetime as _dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from kaa import characters, config, schema
from kaa.lazy import pandas as pd  # imported at first use: reading a register CSV never needs it

STADSDEL_CSV = config.REPO_DATA / "stadsdel_jobbtorg.csv"
REGISTER = "register"
TIDY = "tidy"
FIRST_YEAR = 2000


def _last_year() -> int:
    return _dt.date.today().year + 1




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
_DATE_FORMS = "ett datum, t.ex. 2021-03-04 (även 4/3/2021, 4.3.2021, 20210304 eller ett Excel-datum)"
#: Optional dates (kaa.extract.dates): with them the import counts months, half-years and how fast the young people
#: are reached. A start may lie before the statistics year (the young person came from an earlier year); an event
#: counted in the year lies in it; no date lies after the year's end.
DATE_COLUMNS = (
    ExtractColumn("registrerad_datum", False, "Dag då ungdomen kom in i registret; tomt = redan före statistikåret",
                  _DATE_FORMS + ", senast årets sista dag", ("registreringsdatum", "registrerad", "startdatum")),
    ExtractColumn("avregistrerad_datum", False, "Dag då ungdomen lämnade registret; tomt = finns kvar",
                  _DATE_FORMS + ", inom statistikåret", ("avregistreringsdatum", "avregistrerad", "slutdatum")),
    ExtractColumn("uppsok_datum", False, "Dag då ungdomen placerades under uppsök; tomt = redan före statistikåret",
                  _DATE_FORMS + ", senast årets sista dag, bara om nådd är ja eller nej",
                  ("uppsöksdatum", "uppsok_start", "uppsöksstart")),
    ExtractColumn("nadd_datum", False, "Dag då ungdomen först nåddes", _DATE_FORMS + ", inom statistikåret; "
                  "krävs om nådd är ja", ("nådd_datum", "datum_nadd", "kontaktdatum")),
    ExtractColumn("inskriven_datum", False, "Dag då ungdomen skrevs in; tomt = redan före statistikåret",
                  _DATE_FORMS + ", senast årets sista dag, bara om inskriven är ja",
                  ("inskrivningsdatum", "inskriven_dag")),
    ExtractColumn("avslut_datum", False, "Dag då stödet avslutades", _DATE_FORMS + ", inom statistikåret; krävs "
                  "om avslutad är ja", ("avslutsdatum", "avslutad_datum")),
)
EXTRACT_COLUMNS += DATE_COLUMNS
DATE_NAMES = tuple(c.name for c in DATE_COLUMNS)
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
    **{c.name: c.allowed for c in DATE_COLUMNS},
}



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
#: The vocabulary as written in an extract: what the importer reads, the demo generator writes and the
#: import benchmark hands DuckDB. Each tuple's order is its codes' (SYSS_CODES, VERKSAMHET_CODES, ...).
JA_NEJ = ("ja", "nej")
ID_PREFIX = "DEMO-"  # synthetic ids (kaa.demo, the template): a file with only these is example data
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



_DELIMITER_NAMES = {";": "semikolon", ",": "komma", "\t": "tabb"}
_ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 med BOM", "cp1252": "Windows-1252",
                   "utf-16": "UTF-16", "xlsx": "Excel"}
