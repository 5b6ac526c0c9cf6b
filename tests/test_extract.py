"""kaa.extract: messy register extracts in, facts and Swedish problems out, nothing identifying kept."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pytest

from kaa import extract, fmt, metrics, schema
from kaa.extract import (
    EXTRACT_COLUMNS,
    PROBLEM_LABELS,
    columns_table,
    summary,
    ExtractResult,
    contains_personnummer,
    read_extract,
    report_lines,
    template_csv,
)
from kaa.extract import register
from kaa.facts import FACT_COLUMNS, KEY_COLUMNS, normalize_facts

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "extracts"
REGISTER_HEADER = "ar;person_id;kon;alder;stadsdel;jobbtorg;nadd;sysselsattning;inskriven;nyinskriven;verksamhet;avslutad;avslutsorsak"
#: With the optional dates, as the template and the documentation have it.
FULL_HEADER = REGISTER_HEADER + ";registrerad_datum;avregistrerad_datum;uppsok_datum;nadd_datum;inskriven_datum;avslut_datum"
NBSP = "\u00a0"


def read(name: str, **kwargs) -> ExtractResult:
    return read_extract((FIXTURES / name).read_bytes(), name, **kwargs)


def read_text(text: str, name: str = "uttag.csv", encoding: str = "utf-8", **kwargs) -> ExtractResult:
    return read_extract(text.encode(encoding), name, **kwargs)


def comparable(facts: pd.DataFrame) -> pd.DataFrame:
    """Facts without the file name in kalla, in a fixed order."""
    return facts.drop(columns="kalla").sort_values(KEY_COLUMNS).reset_index(drop=True)


def problems_of(result: ExtractResult, typ: str, allvarlighet: str | None = None) -> pd.DataFrame:
    p = result.problems
    mask = p["typ"] == typ
    if allvarlighet:
        mask &= p["allvarlighet"] == allvarlighet
    return p[mask]


def where(result: ExtractResult, typ: str) -> list[tuple]:
    """(allvarlighet, rad, kolumn) of every problem of a kind, in order."""
    rows = problems_of(result, typ)
    return [(a, None if pd.isna(r) else int(r), k) for a, r, k in zip(rows["allvarlighet"], rows["rad"], rows["kolumn"])]


@pytest.fixture(scope="module")
def reference() -> ExtractResult:
    return read("referens.csv")


def reference_rows() -> list[list[str]]:
    with open(FIXTURES / "referens.csv", encoding="utf-8", newline="") as f:
        return list(csv.reader(f, delimiter=";"))


def xlsx_bytes(title_rows: bool = True, bad_kon_at: int | None = None) -> bytes:
    """The reference as Excel would keep it: numbers as numbers, ja/nej as TRUE/FALSE, empty cells empty,
    a title above the header and a second sheet that must be ignored."""
    rows = reference_rows()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Uttag"
    if title_rows:
        sheet.append(["KAA-uttag, statistikår 2020–2021"])
        sheet.append([])
    sheet.append([h.capitalize() for h in rows[0]])
    for row in rows[1:]:
        cells: list = [int(row[0]), row[1], row[2], float(row[3]), *row[4:8],
                       row[8] == "ja", row[9] == "ja", row[10], 1 if row[11] == "ja" else 0, row[12]]
        sheet.append([None if c == "" else c for c in cells])
    if bad_kon_at:
        sheet.cell(row=bad_kon_at, column=3, value="Annat")
    other = book.create_sheet("Anteckningar")
    other.append(["Det här bladet ska inte läsas"])
    other.append(["ar", "person_id", "kon"])
    other.append([1999, "X", "?"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- The clean reference and every messy variant give the same facts ------------------------------

def test_reference_reads_cleanly(reference):
    assert reference.kind == "register"
    assert reference.encoding == "utf-8"
    assert reference.delimiter == ";"
    assert reference.rows_read == 13
    assert reference.years == [2020, 2021]
    assert reference.problems.empty and reference.problem_counts == {}
    assert not reference.has_errors
    assert reference.dropped_columns == []
    assert list(reference.problems.columns) == ["allvarlighet", "typ", "rad", "kolumn", "varde", "forvantat",
                                                "meddelande"]
    facts = reference.facts
    assert list(facts.columns) == FACT_COLUMNS
    assert set(facts["kalla"]) == {"Import: referens.csv"}
    assert set(facts["noggrannhet"]) == {"exakt"}
    assert set(facts["source"]) == {""} and set(facts["anmarkning"]) == {""}
    assert facts["ar"].dtype == "int64" and facts["value"].dtype == "float64"


VARIANTS = {
    # file: (encoding, delimiter, dropped columns)
    "utf8_bom_semikolon_crlf.csv": ("utf-8-sig", ";", []),
    "cp1252_semikolon.csv": ("cp1252", ";", ["Anteckning"]),
    "engelska_komma_citat.csv": ("utf-8", ",", ["comment"]),
    "tabb_mellanslag.tsv": ("utf-8", "\t", []),
}


@pytest.mark.parametrize("name", list(VARIANTS))
def test_messy_variant_gives_the_reference_facts(name, reference):
    result = read(name)
    encoding, delimiter, dropped = VARIANTS[name]
    assert not result.has_errors, report_lines(result)
    assert result.problems.empty, report_lines(result)
    assert (result.encoding, result.delimiter, result.dropped_columns) == (encoding, delimiter, dropped)
    assert result.rows_read == 13  # blank trailing lines and Excel's ;;;; rows are not rows
    assert result.years == [2020, 2021]
    pd.testing.assert_frame_equal(comparable(result.facts), comparable(reference.facts))
    assert set(result.facts["kalla"]) == {f"Import: {name}"}


def test_variant_fixtures_really_are_messy():
    """Guard the fixtures themselves: each variant has the quirk it is named for."""
    bom = (FIXTURES / "utf8_bom_semikolon_crlf.csv").read_bytes()
    assert bom.startswith(b"\xef\xbb\xbf") and b"\r\n" in bom and "Kön;Ålder".encode() in bom and b";JA;" in bom
    cp = (FIXTURES / "cp1252_semikolon.csv").read_bytes()
    assert "Södermalm".encode("cp1252") in cp and b"flicka" in cp and b";j;" in cp
    assert cp.endswith(b";;;;\r\n\r\n\r\n")
    with pytest.raises(UnicodeDecodeError):
        cp.decode("utf-8")
    english = (FIXTURES / "engelska_komma_citat.csv").read_text(encoding="utf-8")
    assert english.startswith("year,id,gender,age,district,job_center,reached")
    assert '"ringt, inget svar"' in english and ",true," in english and ",female," in english
    tab = (FIXTURES / "tabb_mellanslag.tsv").read_text(encoding="utf-8")
    assert "\t x \t" not in tab and "\tx\t" in tab and " KVINNA " in tab and tab.endswith("\n\n\n")


def test_xlsx_first_sheet_gives_the_reference_facts(reference):
    result = read_extract(xlsx_bytes(), "uttag.xlsx")
    assert not result.has_errors, report_lines(result)
    assert (result.encoding, result.delimiter, result.rows_read) == ("xlsx", None, 13)
    pd.testing.assert_frame_equal(comparable(result.facts), comparable(reference.facts))
    assert "Ar" in result.preview.columns and "Person_id" not in result.preview.columns


def test_xlsx_problems_carry_the_sheet_row():
    # Title on row 1, empty row 2, header on row 3: the fourth data row is sheet row 7.
    result = read_extract(xlsx_bytes(bad_kon_at=7), "uttag.xlsx")
    assert where(result, "okänd kod") == [("fel", 7, "Kon")]
    assert problems_of(result, "okänd kod")["varde"].tolist() == ["Annat"]


def test_xlsx_without_title_rows():
    result = read_extract(xlsx_bytes(title_rows=False, bad_kon_at=3), "uttag.xlsx")
    assert where(result, "okänd kod") == [("fel", 3, "Kon")]


def test_cp1252_after_a_plain_ascii_start_is_still_read():
    """The encoding is sniffed on the first 64 KB; Swedish letters further down must still work."""
    rows = [f"2020;ID{i:06d};Kvinna;;;;;;nej;nej;;nej;" for i in range(3000)]
    rows.append("2020;ID999999;Man;;Södermalm;;;;nej;nej;;nej;")
    data = "\n".join([REGISTER_HEADER, *rows, ""]).encode("cp1252")
    assert len(data) > 64 * 1024 and data[:64 * 1024].isascii()
    result = read_extract(data, "lang.csv")
    assert not result.has_errors, report_lines(result)
    assert result.encoding == "cp1252"
    assert fact(result.facts, 2020, "Jobbtorg City", "Man", "Hela KAA", "registrerade") == 1


def test_mixed_encodings_are_an_error():
    rows = [f"2020;ID{i:06d};Kvinna;;Södermalm;;;;nej;nej;;nej;" for i in range(3000)]
    data = "\n".join([REGISTER_HEADER, *rows]).encode("utf-8") + "\n2020;X;Man;;Södermalm;;;;nej;nej;;nej;\n".encode("cp1252")
    result = read_extract(data, "blandad.csv")
    assert where(result, "teckenkodning") == [("fel", None, "")]
    assert result.facts.empty


def test_utf16_from_excel_unicode_text():
    data = ("ar\tperson_id\tkon\n2020\tP1\tKvinna\n").encode("utf-16")
    result = read_extract(data, "unicode.txt")
    assert not result.has_errors
    assert (result.encoding, result.delimiter) == ("utf-16", "\t")


# --- Aggregation, checked against a hand computation -------------------------------------------------

# Worked out by hand from tests/fixtures/extracts/referens.csv (see the comments there per person):
# 2020: P01..P08, 2021: P01, P09..P12. Each verksamhet counts the rows with that verksamhet.
_NONE = dict.fromkeys(("nadda_studier", "nadda_arbete", "nadda_utlandsstudier", "nadda_annan", "nadda_ingen",
                       "nadda_okand", "avslut_jobbtorg_vuxen", "avslut_flyttat", "avslut_fyllt20", "avslut_okand",
                       "utan_stadsdel"), 0)
HAND_TOTALS = {
    (2020, "Hela KAA"): dict(_NONE, registrerade=8, sokta=6, nadda=4, ej_nadda=2, nadda_sysselsatta=3,
                             nadda_studier=1, nadda_arbete=1, nadda_utlandsstudier=1, nadda_ingen=1, inskrivna=6,
                             nyinskrivna=3, avslutade=4, avslut_studier=1, avslut_arbete=1, avslut_annan=1,
                             avslut_fyllt20=1, utan_stadsdel=2),  # P04 (a jobbtorg, no district) and P05
    (2020, "Jobbtorg"): dict(_NONE, registrerade=2, sokta=1, nadda=1, ej_nadda=0, nadda_sysselsatta=1,
                             nadda_studier=1, inskrivna=2, nyinskrivna=2, avslutade=1, avslut_studier=1,
                             avslut_arbete=0, avslut_annan=0),
    (2020, "Aim"): dict(_NONE, registrerade=3, sokta=3, nadda=2, ej_nadda=1, nadda_sysselsatta=1,
                        nadda_utlandsstudier=1, nadda_ingen=1, inskrivna=3, nyinskrivna=1, avslutade=2,
                        avslut_studier=0, avslut_arbete=1, avslut_annan=0, avslut_fyllt20=1),
    (2020, "Skolslussen"): dict(_NONE, registrerade=1, sokta=1, nadda=0, ej_nadda=1, nadda_sysselsatta=0,
                                inskrivna=1, nyinskrivna=0, avslutade=1, avslut_studier=0, avslut_arbete=0,
                                avslut_annan=1),
    (2021, "Hela KAA"): dict(_NONE, registrerade=5, sokta=4, nadda=3, ej_nadda=1, nadda_sysselsatta=2,
                             nadda_studier=1, nadda_annan=1, nadda_okand=1, inskrivna=3, nyinskrivna=2,
                             avslutade=3, avslut_studier=1, avslut_arbete=0, avslut_annan=1, avslut_jobbtorg_vuxen=1,
                             utan_stadsdel=1),  # P12
    (2021, "Jobbtorg"): dict(_NONE, registrerade=1, sokta=1, nadda=0, ej_nadda=1, nadda_sysselsatta=0,
                             inskrivna=1, nyinskrivna=1, avslutade=1, avslut_studier=0, avslut_arbete=0,
                             avslut_annan=0, avslut_jobbtorg_vuxen=1),
    (2021, "Aim"): dict(_NONE, registrerade=2, sokta=2, nadda=2, ej_nadda=0, nadda_sysselsatta=2,
                        nadda_studier=1, nadda_annan=1, inskrivna=2, nyinskrivna=1, avslutade=2, avslut_studier=1,
                        avslut_arbete=0, avslut_annan=1),
    (2021, "Skolslussen"): dict(_NONE, registrerade=0, sokta=0, nadda=0, ej_nadda=0, nadda_sysselsatta=0,
                                inskrivna=0, nyinskrivna=0, avslutade=0, avslut_studier=0, avslut_arbete=0,
                                avslut_annan=0),
}
# jobbtorg from the column, else from stadsdel, else Saknar stadsdel.
HAND_GROUPS = {
    2020: {("Jobbtorg Kista", "Kvinna"), ("Jobbtorg Kista", "Man"), ("Jobbtorg City", "Kvinna"),
           ("Jobbtorg Globen", "Man"), ("Saknar stadsdel", "Kvinna"), ("Jobbtorg Skärholmen", "Man"),
           ("Jobbtorg Globen", "Kvinna")},
    2021: {("Jobbtorg Kista", "Kvinna"), ("Jobbtorg Vällingby", "Man"), ("Jobbtorg City", "Kvinna"),
           ("Jobbtorg Kista", "Man"), ("Saknar stadsdel", "Kvinna")},
}


def _is(column: pd.Series, value) -> pd.Series:
    return column.isna() if value is None else column == value


def fact(facts, ar, jobbtorg, kon, verksamhet, measure) -> float:
    hit = facts[(facts["ar"] == ar) & _is(facts["jobbtorg"], jobbtorg) & _is(facts["kon"], kon)
                & facts["stadsdel"].isna() & facts["alder"].isna()
                & (facts["verksamhet"] == verksamhet) & (facts["measure"] == measure)]
    assert len(hit) == 1, (ar, jobbtorg, kon, verksamhet, measure, len(hit))
    return float(hit["value"].iloc[0])


def by_jobbtorg_kon(facts: pd.DataFrame) -> pd.DataFrame:
    """The figures that are not per stadsdel or age."""
    return facts[facts["stadsdel"].isna() & facts["alder"].isna()]


def test_totals_match_the_hand_computation(reference):
    facts = by_jobbtorg_kon(reference.facts)
    # A measure's city total: its stated total where it has one (kept per kön and for the city), else the sum of
    # its jobbtorg × kön cells. A unit (verksamhet) keeps only the enrolment measures.
    stated = facts[facts["jobbtorg"].isna() & facts["kon"].isna()]
    cells = facts[facts["jobbtorg"].notna() & facts["kon"].notna()]
    totals = pd.concat([stated, cells[~cells.set_index(["ar", "verksamhet", "measure"]).index.isin(
        stated.set_index(["ar", "verksamhet", "measure"]).index)]]).groupby(["ar", "verksamhet", "measure"])["value"].sum()
    for (year, verksamhet), expected in HAND_TOTALS.items():
        for measure, value in expected.items():
            if verksamhet == "Hela KAA" or measure in schema.UNIT_MEASURES:
                assert totals[(year, verksamhet, measure)] == value, (year, verksamhet, measure)
            else:
                assert (year, verksamhet, measure) not in totals.index


def test_every_group_with_rows_gets_every_measure_zeros_included(reference):
    facts = by_jobbtorg_kon(reference.facts)
    cells = facts[facts["jobbtorg"].notna() & facts["kon"].notna()]
    for year, groups in HAND_GROUPS.items():
        assert set(map(tuple, cells.loc[cells["ar"] == year, ["jobbtorg", "kon"]].drop_duplicates().values)) == groups
    # Hela KAA: groups × (11 + the two unknowns + utan_stadsdel); the other 8 new measures per kön (2 a year) and for
    # the city;
    # each of the three units: groups × its 6 enrolment measures.
    assert len(facts) == (7 + 5) * 14 + 2 * (2 + 1) * 8 + (7 + 5) * 6 * 3
    assert set(facts["verksamhet"]) == {"Hela KAA", "Jobbtorg", "Aim", "Skolslussen"}
    assert set(facts["measure"]) == set(HAND_TOTALS[(2020, "Hela KAA")])
    units = facts[facts["verksamhet"] != "Hela KAA"]
    assert set(units["measure"]) == set(schema.UNIT_MEASURES)
    assert units["kon"].notna().all() and units["jobbtorg"].notna().all()
    per_kon = facts[facts["measure"].isin(register.PER_KON_MEASURES)]
    assert set(per_kon["verksamhet"]) == {"Hela KAA"} and per_kon["jobbtorg"].isna().all()
    broken_down = facts[~facts["measure"].isin(register.PER_KON_MEASURES)]
    assert broken_down["kon"].notna().all() and broken_down["jobbtorg"].notna().all()


# Per stadsdel and age, by hand (registrerade, sokta, nadda, ej_nadda); no one in a district or age is 0 there.
HAND_AREAS = {
    (2020, "stadsdel"): {"Rinkeby-Kista": (1, 1, 1, 0), "Spånga-Tensta": (1, 1, 0, 1), "Södermalm": (1, 1, 1, 0),
                         "Skärholmen": (1, 1, 0, 1), "Hägersten-Älvsjö": (1, 1, 1, 0), "Farsta": (1, 0, 0, 0),
                         "Saknar stadsdel": (2, 1, 1, 0)},
    (2020, "alder"): {"16": (1, 1, 1, 0), "17": (3, 2, 1, 1), "18": (2, 1, 0, 1), "19": (2, 2, 2, 0)},
    (2021, "stadsdel"): {"Rinkeby-Kista": (1, 1, 1, 0), "Bromma": (1, 1, 1, 0), "Östermalm": (1, 1, 0, 1),
                         "Kungsholmen": (1, 1, 1, 0), "Saknar stadsdel": (1, 0, 0, 0)},
    (2021, "alder"): {"16": (1, 1, 1, 0), "17": (1, 1, 0, 1), "18": (2, 2, 2, 0), "19": (1, 0, 0, 0)},
}


def test_districts_and_ages_match_the_hand_computation(reference):
    facts = reference.facts
    for (year, dimension), expected in HAND_AREAS.items():
        other = "alder" if dimension == "stadsdel" else "stadsdel"
        margins = facts[(facts["ar"] == year) & facts[dimension].notna() & facts[other].isna()
                        & facts["jobbtorg"].isna() & facts["kon"].isna()]
        aim = margins[margins["verksamhet"] == "Aim"]
        margins = margins[margins["verksamhet"] == "Hela KAA"]
        assert set(margins["measure"]) == set(schema.AREA_MEASURES)
        assert set(aim["measure"]) == ({"inskrivna"} if dimension == "stadsdel" else set())
        got = margins.pivot(index=dimension, columns="measure", values="value")[list(schema.AREA_MEASURES)]
        assert {place: tuple(int(v) for v in row) for place, row in zip(got.index, got.to_numpy())} == expected
    # Aim per stadsdel: P02 (Spånga-Tensta), P03 (Södermalm), P07 (Hägersten-Älvsjö); P01 (Rinkeby-Kista), P11.
    aim = facts[(facts["verksamhet"] == "Aim") & facts["stadsdel"].notna() & facts["jobbtorg"].isna()]
    assert {(y, s) for y, s, v in zip(aim["ar"], aim["stadsdel"], aim["value"]) if v} == {
        (2020, "Spånga-Tensta"), (2020, "Södermalm"), (2020, "Hägersten-Älvsjö"), (2021, "Rinkeby-Kista"),
        (2021, "Kungsholmen")}
    assert set(aim["value"]) == {0, 1}
    # The cells behind them, kept for the protection: P11 lives in Kungsholmen but is Jobbtorg Kista's (the column
    # wins), a man of 18.
    cell = facts[(facts["ar"] == 2021) & (facts["stadsdel"] == "Kungsholmen") & facts["jobbtorg"].notna()]
    assert set(zip(cell["jobbtorg"], cell["kon"])) == {("Jobbtorg Kista", "Man")}
    age = facts[(facts["ar"] == 2021) & (facts["alder"] == "18") & (facts["jobbtorg"] == "Jobbtorg Kista")]
    assert age.set_index("measure")["value"].to_dict() == {"registrerade": 1, "sokta": 1, "nadda": 1, "ej_nadda": 0}


def test_single_groups_match_the_hand_computation(reference):
    f = reference.facts
    # P06 (Skärholmen) and P07 (Hägersten-Älvsjö) are both Jobbtorg Skärholmen, Man, 2020.
    skarholmen = {m: fact(f, 2020, "Jobbtorg Skärholmen", "Man", "Hela KAA", m) for m in HAND_TOTALS[(2020, "Aim")]
                  if m not in _NONE}
    assert skarholmen == dict(registrerade=2, sokta=2, nadda=1, ej_nadda=1, nadda_sysselsatta=1, inskrivna=2,
                              nyinskrivna=0, avslutade=2, avslut_studier=0, avslut_arbete=0, avslut_annan=1)
    # The other occupations and reasons per kön (both of Skärholmen's are men).
    assert fact(f, 2020, None, "Man", "Hela KAA", "nadda_utlandsstudier") == 1
    assert fact(f, 2020, None, "Man", "Hela KAA", "avslut_fyllt20") == 1
    assert fact(f, 2020, None, "Kvinna", "Hela KAA", "nadda_ingen") == 1  # P03
    assert fact(f, 2020, "Jobbtorg Skärholmen", "Man", "Aim", "inskrivna") == 1  # P07 only
    # P05 has neither stadsdel nor jobbtorg.
    assert fact(f, 2020, "Saknar stadsdel", "Kvinna", "Hela KAA", "registrerade") == 1
    assert fact(f, 2020, "Saknar stadsdel", "Kvinna", "Hela KAA", "sokta") == 0
    # P11 lives in Kungsholmen (City) but the jobbtorg column says Kista: the column wins.
    assert fact(f, 2021, "Jobbtorg Kista", "Man", "Hela KAA", "avslut_studier") == 1
    # A group without any Aim person still gets Aim rows, all 0.
    assert fact(f, 2020, "Saknar stadsdel", "Kvinna", "Aim", "inskrivna") == 0


def test_facts_fit_the_facts_frame_and_roll_up(reference):
    again = normalize_facts(reference.facts.astype({"ar": str, "value": str}))
    pd.testing.assert_frame_equal(again.reset_index(drop=True), reference.facts.reset_index(drop=True),
                                  check_dtype=False)
    long = metrics.rollup(reference.facts, ["ar"])
    andel = long[(long["ar"] == 2020) & (long["measure"] == "andel_nadda")]["value"].iloc[0]
    assert andel == pytest.approx(4 / 6)
    by_jobbtorg = metrics.rollup(reference.facts, ["jobbtorg"], metrics.Selection(years=(2021,)))
    vallingby = by_jobbtorg[(by_jobbtorg["jobbtorg"] == "Jobbtorg Vällingby") & (by_jobbtorg["measure"] == "registrerade")]
    assert vallingby["value"].tolist() == [1.0]


def test_many_rows_match_an_independent_pandas_computation():
    """Large enough for several pyarrow blocks; checked against plain pandas on the same rows."""
    rng = np.random.default_rng(7)
    n = 60_000
    frame = pd.DataFrame({
        "ar": rng.choice(["2019", "2020", "2021"], n),
        "person_id": [f"DEMO-{i:06d}" for i in range(n)],
        "kon": rng.choice(["Kvinna", "Man", "k", "M"], n),
        "stadsdel": rng.choice(["Farsta", "Bromma", "Rinkeby-Kista", "Södermalm", ""], n),
        "alder": rng.choice(["15", "16", "19", "20", ""], n),
        "nadd": rng.choice(["ja", "nej", ""], n),
        "inskriven": rng.choice(["ja", "nej"], n),
    })
    frame["avslutad"] = np.where(frame["inskriven"] == "ja", rng.choice(["ja", "nej"], n), "nej")
    frame["verksamhet"] = np.where(frame["inskriven"] == "ja", rng.choice(["Aim", "Jobbtorg", "Skolslussen", ""], n), "")
    occupations = ["studier", "arbete", "utlandsstudier", "annan", "ingen", "okänd"]
    frame["sysselsattning"] = np.where(frame["nadd"] == "ja", rng.choice(occupations + [""], n), "")
    reasons = ["studier", "arbete", "annan sysselsättning", "vidare till jobbtorg 20–29", "flyttat", "fyllt 20", "okänd"]
    frame["avslutsorsak"] = np.where(frame["avslutad"] == "ja", rng.choice(reasons + [""], n), "")
    data = frame.to_csv(sep=";", index=False).encode("cp1252")
    result = read_extract(data, "stor.csv")
    assert not result.has_errors, report_lines(result)
    assert result.rows_read == n

    jobbtorg_of = {"Farsta": "Jobbtorg Globen", "Bromma": "Jobbtorg Vällingby", "Rinkeby-Kista": "Jobbtorg Kista",
                   "Södermalm": "Jobbtorg City", "": "Saknar stadsdel"}
    expected = pd.DataFrame({
        "ar": frame["ar"].astype(int),
        "jobbtorg": frame["stadsdel"].map(jobbtorg_of),
        "kon": frame["kon"].str[0].str.upper().map({"K": "Kvinna", "M": "Man"}),
        "registrerade": 1,
        "sokta": frame["nadd"].isin(["ja", "nej"]).astype(int),
        "nadda": (frame["nadd"] == "ja").astype(int),
        "inskrivna": (frame["inskriven"] == "ja").astype(int),
        "avslutade": (frame["avslutad"] == "ja").astype(int),
        "nadda_sysselsatta": frame["sysselsattning"].isin(occupations[:4]).astype(int),
        **{name: (frame["sysselsattning"] == occupation).astype(int) for name, occupation in zip(
            ("nadda_studier", "nadda_arbete", "nadda_utlandsstudier", "nadda_annan", "nadda_ingen", "nadda_okand"),
            occupations)},
        **{name: (frame["avslutsorsak"] == reason).astype(int) for name, reason in zip(
            ("avslut_studier", "avslut_arbete", "avslut_annan", "avslut_jobbtorg_vuxen", "avslut_flyttat",
             "avslut_fyllt20", "avslut_okand"), reasons)},
        "utan_stadsdel": (frame["stadsdel"] == "").astype(int),
        "verksamhet": frame["verksamhet"],
    })
    measures = [c for c in expected.columns if c not in ("ar", "jobbtorg", "kon", "verksamhet")]
    per_kon = list(register.PER_KON_MEASURES)
    fine = [m for m in measures if m not in per_kon]
    unit_measures = [m for m in measures if m in schema.UNIT_MEASURES]
    layout = [("Hela KAA", expected, ["ar", "jobbtorg", "kon"], fine),
              ("Hela KAA", expected, ["ar", "kon"], per_kon), ("Hela KAA", expected, ["ar"], per_kon)]
    layout += [(unit, expected[expected["verksamhet"] == unit], ["ar", "jobbtorg", "kon"], unit_measures)
               for unit in ("Jobbtorg", "Aim", "Skolslussen")]
    facts = by_jobbtorg_kon(result.facts)
    for verksamhet, rows, keys, wanted in layout:
        mine = facts[facts["verksamhet"] == verksamhet]
        at = mine[mine[[c for c in ("jobbtorg", "kon") if c in keys]].notna().all(axis=1)
                  & mine[[c for c in ("jobbtorg", "kon") if c not in keys]].isna().all(axis=1)]
        sums = rows.groupby(keys)[wanted].sum()
        got = at[at["measure"].isin(wanted)].pivot_table(index=keys, columns="measure", values="value", aggfunc="sum")
        got = got[sums.columns].loc[sums.index]
        np.testing.assert_array_equal(got.to_numpy(), sums.to_numpy(), err_msg=f"{verksamhet} {keys}")
        assert len(at[at["measure"].isin(wanted)]) == sums.size  # nothing else kept at that level
    assert "nyinskrivna" not in set(result.facts["measure"])  # no nyinskriven column
    # Per stadsdel and per age, for the whole KAA.
    expected["stadsdel"] = frame["stadsdel"].replace("", "Saknar stadsdel")
    expected["alder"] = frame["alder"].replace("", "Saknar ålder")
    expected["ej_nadda"] = (frame["nadd"] == "nej").astype(int)
    for dimension, other in (("stadsdel", "alder"), ("alder", "stadsdel")):
        sums = expected.groupby(["ar", dimension])[list(schema.AREA_MEASURES)].sum()
        at = result.facts[result.facts[dimension].notna() & result.facts[other].isna() & result.facts["kon"].isna()
                          & (result.facts["verksamhet"] == "Hela KAA")]
        got = at.pivot_table(index=["ar", dimension], columns="measure", values="value", aggfunc="sum")
        np.testing.assert_array_equal(got[sums.columns].loc[sums.index].to_numpy(), sums.to_numpy(), err_msg=dimension)
        assert len(at) == sums.size
    in_aim = expected[(expected["verksamhet"] == "Aim") & (expected["inskrivna"] == 1)].groupby(["ar", "stadsdel"]).size()
    aim = result.facts[(result.facts["verksamhet"] == "Aim") & result.facts["stadsdel"].notna()
                       & result.facts["kon"].isna()].set_index(["ar", "stadsdel"])["value"]
    assert aim[aim > 0].sort_index().to_dict() == in_aim.sort_index().to_dict()


# --- Optional columns ------------------------------------------------------------------------------------

def test_absent_optional_columns_make_their_measures_absent_not_zero():
    result = read_text("ar;person_id;kon;nadd\n2020;P1;Kvinna;ja\n2020;P2;Man;\n")
    assert not result.has_errors
    assert set(result.facts["measure"]) == {"registrerade", "sokta", "nadda", "ej_nadda"}
    assert set(result.facts["verksamhet"]) == {"Hela KAA"}  # no verksamhet column: no Aim facts
    assert set(result.facts["jobbtorg"]) == {"Saknar stadsdel"}
    warning = problems_of(result, "saknad kolumn", "varning")
    assert len(warning) == 1
    assert warning["kolumn"].iloc[0] == "inskriven, avslutad, avslutsorsak"
    assert "inte 0" in warning["meddelande"].iloc[0]


def test_sysselsattning_and_nyinskriven_only_when_present():
    with_them = read_text("ar;person_id;kon;nadd;sysselsattning;inskriven;nyinskriven;avslutad;avslutsorsak\n"
                          "2020;P1;Kvinna;ja;studier;ja;ja;nej;\n")
    assert {"nadda_sysselsatta", "nyinskrivna"} <= set(with_them.facts["measure"])
    without = read_text("ar;person_id;kon;nadd;inskriven;avslutad;avslutsorsak\n2020;P1;Kvinna;ja;ja;nej;\n")
    assert not without.problems["allvarlighet"].eq("fel").any()
    assert {"nadda_sysselsatta", "nyinskrivna"}.isdisjoint(set(without.facts["measure"]))
    assert "sokta" in set(without.facts["measure"])


def test_stadsdel_map_can_be_given():
    custom = pd.DataFrame({"stadsdel": ["Farsta"], "jobbtorg": ["Jobbtorg City"], "anmarkning": [""]})
    result = read_text("ar;person_id;kon;stadsdel\n2020;P1;Kvinna;farsta\n2020;P2;Man;Bromma\n",
                       stadsdel_map=custom)
    assert where(result, "okänd kod") == [("fel", 3, "stadsdel")]
    result = read_text("ar;person_id;kon;stadsdel\n2020;P1;Kvinna;FARSTA\n", stadsdel_map=custom)
    assert set(result.facts["jobbtorg"]) == {"Jobbtorg City"}


def test_stadsdel_spelled_without_aao_and_jobbtorg_aliases():
    result = read_text("ar;person_id;kon;stadsdel;jobbtorg\n"
                       "2020;P1;Kvinna;Hagersten-Alvsjo;\n"
                       "2020;P2;Man;;Jobbtorg Unga Kista\n"
                       "2020;P3;Man;;vallingby\n")
    assert not result.has_errors, report_lines(result)
    assert set(result.facts["jobbtorg"]) == {"Jobbtorg Skärholmen", "Jobbtorg Kista", "Jobbtorg Vällingby"}


# --- Errors and warnings ---------------------------------------------------------------------------------

ERRORS = {
    # fixture: [(typ, allvarlighet, rad, kolumn), ...] — every problem the file must give
    "fel_saknade_kolumner.csv": [("saknad kolumn", "fel", None, "person_id"),
                                 ("saknad kolumn", "fel", None, "kon")],
    "fel_okanda_koder.csv": [("okänd kod", "fel", 2, "kon"), ("okänd kod", "fel", 3, "stadsdel"),
                             ("okänd kod", "fel", 4, "nadd"), ("okänd kod", "fel", 5, "jobbtorg"),
                             ("okänd kod", "fel", 5, "sysselsattning"), ("okänd kod", "fel", 5, "verksamhet"),
                             ("okänd kod", "fel", 5, "avslutsorsak"), ("okänd kod", "fel", 7, "inskriven"),
                             ("ogiltig ålder", "fel", 6, "alder")],
    "fel_ar.csv": [("år utanför intervallet", "fel", 2, "ar"), ("år utanför intervallet", "fel", 3, "ar"),
                   ("ogiltigt år", "fel", 4, "ar"), ("tomt värde", "fel", 5, "ar"),
                   ("tomt värde", "fel", 6, "kon"), ("tomt värde", "fel", 6, "person_id")],
    "fel_kombinationer.csv": [("omöjlig kombination", "fel", 2, "nyinskriven"),
                              ("omöjlig kombination", "fel", 3, "avslutad"),
                              ("omöjlig kombination", "fel", 4, "avslutsorsak"),
                              ("omöjlig kombination", "fel", 5, "avslutsorsak")],
    "fel_dubbletter.csv": [("motstridig dubblett", "fel", 6, "person_id"), ("dubblett", "varning", 3, "person_id")],
    "fel_tom.csv": [("tom fil", "fel", None, "")],
    "fel_bara_rubrik.csv": [("tom fil", "fel", None, "")],
    "fel_pdf_omdopt.csv": [("inte en tabell", "fel", None, "")],
    "fel_binar.csv": [("inte en tabell", "fel", None, "")],
    "fel_teckenkodning.csv": [("teckenkodning", "fel", None, "")],
    "fel_antal_falt.csv": [("fel antal fält", "fel", 4, ""), ("okänd kod", "fel", 8, "kon")],
    "radnummer.csv": [("okänd kod", "fel", 6, "kon")],
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_each_error_kind_names_row_and_column(name):
    result = read(name)
    expected = ERRORS[name]
    got = [(t, a, None if pd.isna(r) else int(r), k)
           for t, a, r, k in zip(result.problems["typ"], result.problems["allvarlighet"], result.problems["rad"],
                                 result.problems["kolumn"])
           if t != "saknad kolumn" or a == "fel"]
    assert sorted(got, key=str) == sorted(expected, key=str), report_lines(result)
    assert result.has_errors
    assert result.facts.empty and list(result.facts.columns) == FACT_COLUMNS
    for message, rad in zip(result.problems["meddelande"], result.problems["rad"]):
        assert message and message[0].isupper()
        if not pd.isna(rad):
            assert f"Rad {rad}" in message  # where
    assert report_lines(result)[-1].startswith("Filen kan inte importeras")


def test_unknown_code_problem_says_value_and_expectation():
    result = read("fel_okanda_koder.csv")
    kon = result.problems[result.problems["kolumn"] == "kon"].iloc[0]
    assert kon["varde"] == "Annat"
    assert "Kvinna" in kon["forvantat"] and "Man" in kon["forvantat"]
    assert kon["meddelande"].startswith("Rad 2, kolumn ”kon”: ”Annat”")
    stadsdel = result.problems[result.problems["kolumn"] == "stadsdel"].iloc[0]
    assert "Rinkeby-Kista" in stadsdel["meddelande"] and "stadsdel_jobbtorg.csv" not in stadsdel["meddelande"]


def test_identical_duplicate_is_a_warning_counted_once():
    result = read("dubblett_identisk.csv")
    assert not result.has_errors
    assert where(result, "dubblett") == [("varning", 3, "person_id")]
    assert "rad 2" in problems_of(result, "dubblett")["meddelande"].iloc[0]
    facts = by_jobbtorg_kon(result.facts)
    registrerade = facts[(facts["measure"] == "registrerade") & (facts["verksamhet"] == "Hela KAA")]
    assert registrerade["value"].sum() == 2
    assert report_lines(result)[-1].startswith("Filen kan importeras")


def test_conflicting_duplicate_names_the_differing_column():
    message = problems_of(read("fel_dubbletter.csv"), "motstridig dubblett")["meddelande"].iloc[0]
    assert "rad 4" in message and "”nadd”" in message


def test_duplicate_header_is_an_error():
    result = read_text("år;year;person_id;kon\n2020;2020;P1;K\n")
    assert where(result, "dubbel kolumn") == [("fel", 1, "year")]


def test_tidy_format_reports_row_and_column():
    result = read("tidy_fel.csv")
    assert result.kind == "tidy"
    got = sorted((t, int(r), k) for t, r, k in zip(result.problems["typ"], result.problems["rad"],
                                                  result.problems["kolumn"]))
    assert got == sorted([("okänt mått", 2, "mått"), ("ogiltigt värde", 3, "värde"), ("okänd kod", 4, "kön"),
                          ("år utanför intervallet", 5, "år"), ("motstridig dubblett", 7, "mått")])
    assert result.facts.empty


def test_tidy_counts_pass_through():
    result = read("tidy_kontakter.csv")
    assert result.kind == "tidy" and not result.has_errors, report_lines(result)
    facts = result.facts
    assert list(facts.columns) == FACT_COLUMNS
    brev = facts[facts["measure"] == "kontakt_brev"].iloc[0]
    assert brev["value"] == 1200 and brev["kalla"] == "Import: tidy_kontakter.csv, Uppsöksloggen"
    assert pd.isna(brev["jobbtorg"]) and pd.isna(brev["kon"]) and brev["verksamhet"] == "Hela KAA"
    assert facts.loc[facts["measure"] == "andel_studier", "value"].iloc[0] == 0.5
    assert set(schema.KONTAKT_MEASURES) & set(facts["measure"]) == {"kontakt_brev", "kontakt_sms", "kontakt_telefon"}
    assert result.years == [2021]


def test_title_lines_and_excel_sep_line_before_the_header():
    result = read_text("sep=;\nKAA-uttag 2020\n\n" + REGISTER_HEADER + "\n"
                       "2020;P1;Kvinna;;;;;;nej;nej;;nej;\n2020;P2;Annat;;;;;;nej;nej;;nej;\n")
    assert result.delimiter == ";"
    assert where(result, "okänd kod") == [("fel", 6, "kon")]  # header on row 4


def test_headerless_file_gets_one_clear_error_and_masks_its_first_row():
    result = read_text("2020;19900101-1239;Kvinna\n2020;121212-1212;Man\n")
    missing = problems_of(result, "saknad kolumn")
    assert len(missing) == 1 and "sakna rubrikrad" in missing["meddelande"].iloc[0]
    assert "1239" not in repr(result.preview.columns.tolist()) + repr(result.dropped_columns)
    assert "rubrikraden" in problems_of(result, "personnummer")["meddelande"].iloc[0]


def test_personnummer_in_file_name_and_tidy_free_text_is_never_stored():
    result = read_text("ar,measure,value,anmarkning\n2021,kontakt_brev,3,gällde 19900101-1239\n",
                       name="uttag 19900101-1239.csv")
    assert not result.has_errors
    stored = repr(result.facts.to_dict())
    assert "1239" not in stored and "•••" in stored
    assert result.facts["kalla"].iloc[0] == "Import: uttag •••.csv"
    assert "1239" not in "\n".join(report_lines(result))


def test_tidy_identical_duplicate_is_a_warning():
    result = read_text("ar,measure,value\n2021,kontakt_brev,3\n2021,kontakt_brev,3\n2021,kontakt_sms,4\n")
    assert where(result, "dubblett") == [("varning", 3, "measure")]
    assert not result.has_errors and len(result.facts) == 2


# --- Never raises ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [
    b"", b"\xef\xbb\xbf", b"   \r\n\r\n  ", b"x", b"ar;person_id;kon\r\n", b"PK\x03\x04not a workbook",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel", b"\x89PNG\r\n\x1a\n", "ar;person_id;kon\n2020;\"P1;K\n".encode(),
    bytes(range(1, 32)) * 50, b"\x00" * 100,
])
def test_bad_input_never_raises(data):
    result = read_extract(data, "konstig.csv")
    assert result.has_errors
    assert result.facts.empty
    assert report_lines(result)


def test_random_bytes_never_raise():
    rng = np.random.default_rng(3)
    for size in (1, 10, 1000, 70_000):
        result = read_extract(rng.integers(0, 256, size, dtype=np.uint8).tobytes(), "slump.csv")
        assert isinstance(result, ExtractResult)
        assert report_lines(result)


def test_xlsx_name_on_a_text_file_is_not_a_table():
    result = read_extract(b"ar;person_id;kon\n2020;P1;K\n", "uttag.xlsx")
    assert where(result, "inte en tabell") == [("fel", None, "")]


def test_a_failing_progress_callback_does_not_stop_the_check(reference):
    def progress(text, fraction):
        raise RuntimeError("progress bar is gone")

    result = read("referens.csv", progress=progress)
    assert result.problems.empty
    pd.testing.assert_frame_equal(result.facts, reference.facts)


def test_an_unexpected_failure_becomes_a_problem_without_its_text(monkeypatch):
    from kaa.extract import pipeline

    def broken(*args, **kwargs):
        raise ValueError("19900101-1239 HEMLIG")

    monkeypatch.setattr(pipeline, "_register_facts", broken)
    result = read("referens.csv")
    assert where(result, "internt fel") == [("fel", None, "")]
    assert "ValueError" in result.problems["meddelande"].iloc[0]
    assert "HEMLIG" not in repr(result.problems.to_dict()) and "1239" not in repr(result.problems.to_dict())
    assert result.facts.empty


# --- Personnummer ----------------------------------------------------------------------------------------

PERSONNUMMER = ["19900101-1239", "199001011239", "9001011239", "121212-1212", "1212121212",
                "20010263-4565", "010263-4565", "0102634565", "8507098765", "850709-8765"]


def test_personnummer_warning_and_nothing_leaks():
    result = read("personnummer.csv")
    warning = problems_of(result, "personnummer")
    assert len(warning) == 1 and warning["allvarlighet"].iloc[0] == "varning"
    assert warning["kolumn"].iloc[0] == "person_id, anteckning"
    message = warning["meddelande"].iloc[0]
    assert "”person_id” (2 värden)" in message and "”anteckning” (2 värden)" in message
    assert result.problems.iloc[0]["typ"] == "personnummer"  # prominent: first
    assert report_lines(result)[1].startswith("VARNING – ")
    assert not result.has_errors  # a warning, not an error

    assert "person_id" not in result.preview.columns
    assert "anteckning" not in result.preview.columns  # columns the import does not use are never previewed
    texts = [repr(result.problems.to_dict()), result.problems.to_string(), repr(result.preview.to_dict()),
             result.preview.to_string(), repr(result.facts.to_dict()), "\n".join(report_lines(result)),
             repr(result.problem_counts), repr(result.dropped_columns)]
    for text in texts:
        digits = re.sub(r"\D", "", text)
        for number in PERSONNUMMER + ["9001011234"]:
            assert number not in text
            assert re.sub(r"\D", "", number) not in digits or len(re.sub(r"\D", "", number)) < 10


def test_personnummer_in_a_bad_value_is_masked():
    result = read_text(REGISTER_HEADER + "\n2020;P1;19900101-1239;;;;;;nej;nej;;nej;\n")
    bad = problems_of(result, "okänd kod")
    assert bad["varde"].tolist() == ["•••"]
    assert "1239" not in bad["meddelande"].iloc[0]
    assert len(problems_of(result, "personnummer")) == 1


def test_person_id_never_in_problems():
    result = read_text(REGISTER_HEADER + "\n2020;HEMLIG-ID-77;Kvinna;;;;ja;;nej;nej;;nej;\n"
                                         "2020;HEMLIG-ID-77;Kvinna;;;;nej;;nej;nej;;nej;\n"
                                         "2020;HEMLIG-ID-88;Kvinna;;;;ja;;nej;nej;;nej;\n"
                                         "2020;HEMLIG-ID-88;Kvinna;;;;ja;;nej;nej;;nej;\n")
    assert where(result, "motstridig dubblett") == [("fel", 3, "person_id")]
    assert where(result, "dubblett") == [("varning", 5, "person_id")]
    assert "HEMLIG" not in repr(result.problems.to_dict()) + "\n".join(report_lines(result))
    assert "HEMLIG" not in repr(result.preview.to_dict())


def test_contains_personnummer():
    for number in PERSONNUMMER + ["19121212+1212", "ringde 121212-1212 igår"]:
        assert contains_personnummer(number), number
    for other in ["900101-1234", "DEMO-0001", "1234567890", "2020", "199013011239", "20200101", "",
                  "12345678901234"]:
        assert not contains_personnummer(other), other


def test_nothing_written_to_disk(monkeypatch, kaa_data_dir):
    def forbidden(*args, **kwargs):
        raise AssertionError("no temp files")

    for name in ("mkstemp", "mkdtemp", "NamedTemporaryFile", "TemporaryFile", "SpooledTemporaryFile"):
        monkeypatch.setattr(tempfile, name, forbidden)
    for name in ("personnummer.csv", "referens.csv", "fel_dubbletter.csv"):
        result = read(name)
        assert problems_of(result, "internt fel").empty
    result = read_extract(xlsx_bytes(), "uttag.xlsx")
    assert problems_of(result, "internt fel").empty
    assert list(kaa_data_dir.iterdir()) == []


# --- Capping and the report ----------------------------------------------------------------------------

def bad_kon_file(n: int, extra: str = "") -> ExtractResult:
    rows = [f"2020;P{i};Annat;;;;;;nej;nej;;nej;" for i in range(n)]
    return read_text("\n".join([REGISTER_HEADER, *rows, *([extra] if extra else [])]) + "\n")


def test_problems_are_capped_per_kind_and_counted_in_full():
    result = bad_kon_file(30)
    assert len(problems_of(result, "okänd kod")) == 20
    assert result.problem_counts[("fel", "okänd kod")] == 30
    assert problems_of(result, "okänd kod")["rad"].tolist() == list(range(2, 22))
    lines = report_lines(result)
    assert "    … och 10 rader till" in lines
    assert any(line.strip() == "Okänd kod (30):" for line in lines)


def test_report_uses_swedish_thousands():
    result = bad_kon_file(1300)
    assert f"    … och 1{NBSP}280 rader till" in report_lines(result)
    assert fmt.count(1280) == f"1{NBSP}280"
    assert f"1{NBSP}300" in report_lines(result)[0]


def test_cap_leaves_room_for_every_column():
    result = bad_kon_file(25, extra="2020;Q1;Kvinna;;;;kanske;;nej;nej;;nej;")
    kinds = problems_of(result, "okänd kod")
    assert len(kinds) == 20 and "nadd" in set(kinds["kolumn"])
    assert result.problem_counts[("fel", "okänd kod")] == 26


def test_report_lines_for_a_clean_file(reference):
    lines = report_lines(reference)
    assert lines[0] == "referens.csv (registeruttag, UTF-8, semikolon): 13 datarader, år 2020–2021."
    assert lines[-1] == "Filen kan importeras."


def test_report_lists_dropped_columns():
    lines = report_lines(read("cp1252_semikolon.csv"))
    assert "Kolumner som inte används: Anteckning." in lines
    assert "Windows-1252" in lines[0]


def test_progress_phases():
    calls = []
    read("referens.csv", progress=lambda text, fraction: calls.append((text, fraction)))
    texts = [t for t, _ in calls]
    assert [t.split()[0] for t in texts] == ["Läser", "Kontrollerar", "Summerar", "Klar"]
    fractions = [f for _, f in calls]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0


def test_preview_shows_first_rows_without_person_id():
    result = bad_kon_file(30)
    assert len(result.preview) == 20
    assert "person_id" not in result.preview.columns
    assert result.preview["kon"].iloc[0] == "Annat"
    english = read("engelska_komma_citat.csv").preview
    assert "id" not in english.columns and "comment" not in english.columns  # only the columns it uses
    assert english["district"].iloc[0] == "Rinkeby-Kista"


# --- Template and documentation ----------------------------------------------------------------------------

def test_template_is_a_valid_extract():
    data = template_csv()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == FULL_HEADER and len(lines) == 4
    assert [line.split(";")[1] for line in lines[1:]] == ["DEMO-0001", "DEMO-0002", "DEMO-0003"]
    result = read_extract(data, "mall.csv")
    # Its only remark: it is example data, which would replace real figures if imported.
    assert result.problem_counts == {("varning", "exempeldata"): 1}, report_lines(result)
    assert result.rows_read == 3 and result.encoding == "utf-8-sig"
    assert set(result.facts["verksamhet"]) == {"Hela KAA", "Jobbtorg", "Aim", "Skolslussen"}


def test_one_real_id_among_demo_ids_is_no_longer_example_data():
    rows = template_csv().decode("utf-8-sig").replace("DEMO-0002", "K-88213")
    assert "exempeldata" not in {typ for _, typ in read_extract(rows.encode(), "uttag.csv").problem_counts}


def test_the_report_is_a_nested_markdown_list_that_shows_values_as_written():
    lines = ["- x.csv: 1 rad", "  Okänd kod (2):", "    Rad 5: ”*_x_*” eller ”:smile:”\noch $1 & 2"]
    assert extract.report_markdown(lines).splitlines() == [
        "- \\- x\\.csv\\: 1 rad",  # a file name starting with "-" is no nested list
        "  - Okänd kod \\(2\\)\\:",
        "    - Rad 5\\: ”\\*\\_x\\_\\*” eller ”\\:\u200bsmile\\:” och \\$1 \\& 2"]  # no icon, one line


def test_extract_columns_document_the_format():
    names = [c.name for c in EXTRACT_COLUMNS]
    assert names == FULL_HEADER.split(";")
    assert [c.name for c in EXTRACT_COLUMNS if c.required] == ["ar", "person_id", "kon"]
    for column in EXTRACT_COLUMNS:
        assert column.meaning and column.allowed
    table = pd.DataFrame(EXTRACT_COLUMNS)
    assert list(table.columns[:4]) == ["name", "required", "meaning", "allowed"]
    swedish = columns_table()
    assert swedish["Kolumn"].tolist() == names
    assert swedish.loc[swedish["Kolumn"] == "kon", "Krävs"].item() == "ja"
    assert "kön" in swedish.loc[swedish["Kolumn"] == "kon", "Andra rubriker som godtas"].item()


def test_summary_and_problem_labels(reference):
    assert summary(reference) == report_lines(reference)[0]
    assert set(PROBLEM_LABELS) == set(reference.problems.columns)


@pytest.mark.parametrize("mapping, listed", [
    (pd.DataFrame({"stadsdel": ["Bromma", "Kista", None], "jobbtorg": ["Jobbtorg Vällingby", "Jobbtorg Mars", "x"]}),
     "är inget av stadsdelsområdena Bromma."),  # only what the map really accepts; a blank row is skipped
    (pd.DataFrame({"namn": ["Bromma"]}), "är inget känt stadsdelsområde."),  # a map without the column
])
def test_an_unknown_district_names_the_districts_the_map_accepts(mapping, listed):
    data = "ar;person_id;kon;stadsdel\n2020;A1;K;Narnia\n".encode()
    result = read_extract(data, "uttag.csv", stadsdel_map=mapping)
    message = result.problems.loc[result.problems["kolumn"] == "stadsdel", "meddelande"].iloc[0]
    assert message.startswith("Rad 2, kolumn ”stadsdel”: ”Narnia” " + listed)


# --- Personnummer in every spelling ---------------------------------------------------------------------

SPACED = ["040704 5558", "20050312 2384", "050312 - 2384", "040704\u00a05558"]


@pytest.mark.parametrize("number", SPACED + ["050312-2384", "200503122384", "0407045558", "050312+2384"])
def test_personnummer_in_person_id_in_every_spelling(number):
    result = read_text(REGISTER_HEADER + f"\n2020;{number};Kvinna;;;;;;nej;nej;;nej;\n2020;P2;Man;;;;;;nej;nej;;nej;\n")
    warning = problems_of(result, "personnummer")
    assert len(warning) == 1 and "”person_id” (1 värde)" in warning["meddelande"].iloc[0], report_lines(result)
    digits = re.sub(r"\D", "", number)[-10:]
    everything = repr(result.problems.to_dict()) + repr(result.preview.to_dict()) + "\n".join(report_lines(result))
    assert digits[:6] not in re.sub(r"\D", "", everything)


def test_space_separated_personnummer_in_coded_and_unused_columns():
    result = read_text(REGISTER_HEADER + ";anteckning\n"
                       "2020;P1;040704 5558;;;;;;nej;nej;;nej;;ringde 20050312 2384\n"
                       "2020;P2;Man;;;;;;nej;nej;;nej;;040704 5558\n")
    message = problems_of(result, "personnummer")["meddelande"].iloc[0]
    assert "”kon” (1 värde)" in message and "”anteckning” (2 värden)" in message
    assert problems_of(result, "okänd kod")["varde"].tolist() == ["•••"]
    assert "5558" not in repr(result.problems.to_dict()) + "\n".join(report_lines(result))


def test_a_million_space_separated_personnummer_are_counted():
    numbers = [f"0503{d:02d} {s:04d}" for d, s in zip(np.arange(1_000_000) % 28 + 1, np.arange(1_000_000) % 10_000)]
    from kaa import personnummer
    column = pa_chunked(numbers)
    valid = sum(personnummer.contains(n) for n in numbers[:20_000])
    assert 1_500 < valid < 2_500  # one in ten has the right check digit
    assert personnummer.count_cells(column) == sum(personnummer.contains(n) for n in numbers)


def pa_chunked(values):
    import pyarrow as pa
    return pa.chunked_array([pa.array(values[: len(values) // 2]), pa.array(values[len(values) // 2:])])


# --- Tidy free text and the file name -------------------------------------------------------------------

def test_personnummer_in_tidy_free_text_is_masked_with_a_warning_per_row():
    result = read_text("ar,measure,value,kalla,anmarkning\n"
                       "2021,kontakt_brev,3,Uttag 040704 5558,\n"
                       "2021,kontakt_sms,4,Uppsöksloggen,gällde 20050312-2384 och 050312 2384\n"
                       "2021,kontakt_telefon,5,Uppsöksloggen,ingen\n"
                       "2021,kontakt_hembesok,1,,050312-2385\n",  # no valid check digit: masked all the same
                       name="uttag 040704 5558.csv")
    assert not result.has_errors, report_lines(result)
    assert where(result, "personnummer") == [("varning", 2, "kalla"), ("varning", 3, "anmarkning"),
                                              ("varning", 5, "anmarkning")]
    assert result.filename == "uttag •••.csv"
    facts = result.facts.set_index("measure")
    assert facts.loc["kontakt_brev", "kalla"] == "Import: uttag •••.csv, Uttag •••"
    assert facts.loc["kontakt_sms", "anmarkning"] == "gällde ••• och •••"
    assert facts.loc["kontakt_telefon", "anmarkning"] == "ingen"
    assert facts.loc["kontakt_hembesok", "anmarkning"] == "•••"
    lines = report_lines(result)
    assert lines[0].startswith("uttag •••.csv") and lines[1].startswith("VARNING – Rad 2, kolumn ”kalla”")
    assert lines[2].startswith("VARNING – Rad 3") and lines[3].startswith("VARNING – Rad 5")  # in row order
    for text in (repr(result.facts.to_dict()), repr(result.problems.to_dict()), "\n".join(lines),
                 repr(result.preview.to_dict()), result.filename):
        assert not re.search(r"5558|2384|2385", text), text


def test_tidy_free_text_is_cleaned_before_it_is_stored():
    result = read_text("ar,measure,value,kalla,anmarkning\n"
                       "2021,kontakt_brev,3,\"Upp\u200bsöks\u202eloggen\",\"två\r\nrader\"\n")
    facts = result.facts
    assert facts["kalla"].iloc[0] == "Import: uttag.csv, Uppsöksloggen"
    assert facts["anmarkning"].iloc[0] == "två rader"
    assert problems_of(result, "personnummer").empty


@pytest.mark.parametrize("name, shown", [
    ("uttag 040704 5558.csv", "uttag •••.csv"), ("uttag_200503122384.csv", "uttag_•••.csv"),
    ("050312-2384.xlsx.csv", "•••.xlsx.csv"), ("uttag 20050312 2384 (2).csv", "uttag ••• (2).csv"),
    ("uttag\u202e050312-2384.csv", "uttag•••.csv"), ("kaa\n2021.csv", "kaa 2021.csv"),
    ("uttag 2021.csv", "uttag 2021.csv"),
])
def test_the_file_name_is_masked_in_every_spelling(name, shown):
    result = read_text("ar,measure,value\n2021,kontakt_brev,3\n", name=name)
    assert result.filename == shown
    assert result.facts["kalla"].iloc[0] == f"Import: {shown}"
    assert report_lines(result)[0].startswith(shown)


def test_a_long_file_name_is_cut():
    result = read_text("ar,measure,value\n2021,kontakt_brev,3\n", name="x" * 1000 + ".csv")
    assert len(result.filename) == extract.MAX_FILENAME and result.filename.endswith("…")


# --- Line endings ---------------------------------------------------------------------------------------

ROWS = ["2020;P1;Kvinna;;;;;;nej;nej;;nej;", "2020;P2;Man;;;;;;nej;nej;;nej;", "2020;P3;Annat;;;;;;nej;nej;;nej;",
        "2020;P4;Man;;;;;;nej;nej;;nej;"]


@pytest.mark.parametrize("ends", [
    ["\r"] * 5, ["\r\n", "\n", "\r", "\r\n", "\n"], ["\n", "\r", "\r", "\n", "\r"], ["\r\n"] * 5,
])
def test_cr_and_mixed_line_endings_are_read_with_the_right_row_numbers(ends):
    text = "".join(line + end for line, end in zip([REGISTER_HEADER, *ROWS], ends))
    result = read_text(text)
    assert problems_of(result, "internt fel").empty, report_lines(result)
    assert result.rows_read == 4 and result.delimiter == ";"
    assert where(result, "okänd kod") == [("fel", 4, "kon")]


def test_cr_only_file_with_title_rows_blank_lines_and_a_short_row():
    text = "\r".join(["KAA-uttag 2020", "", REGISTER_HEADER, ROWS[0], "", ROWS[1], "2020;P9;Man", ROWS[2], ""])
    result = read_text(text)
    assert where(result, "fel antal fält") == [("fel", 7, "")]
    assert where(result, "okänd kod") == [("fel", 8, "kon")]


@pytest.mark.parametrize("inside", ["\r", "\r\n", "\n", "\r\r\n"])
def test_a_line_break_inside_quotes_stays_in_its_row(inside):
    header = REGISTER_HEADER + ";anteckning"
    rows = [ROWS[0] + f';"ringt{inside}igen"', ROWS[1] + ";", ROWS[2] + ";", ROWS[3] + f';"a{inside}b{inside}c"']
    for end in ("\r", "\n", "\r\n"):
        result = read_text(end.join([header, *rows]) + end)
        assert problems_of(result, "internt fel").empty, report_lines(result)
        assert result.rows_read == 4
        assert where(result, "okänd kod") == [("fel", 4, "kon")], (repr(inside), repr(end))


def test_a_quoted_line_break_in_the_header_area():
    result = read_text('"KAA-uttag\r2020";\r' + REGISTER_HEADER + "\r" + "\r".join(ROWS) + "\r")
    assert problems_of(result, "internt fel").empty, report_lines(result)
    assert result.rows_read == 4


def test_a_large_cr_only_file_keeps_its_row_numbers():
    """Larger than pyarrow's blocks, so it is parsed in parallel; the bad rows keep their numbers."""
    rows = [f"2020;ID{i:07d};{'Annat' if i in (5, 150_001) else 'Kvinna'};;;;;;nej;nej;;nej;" for i in range(200_000)]
    rows[99_999] = "2020;kort"
    data = ("\r".join([REGISTER_HEADER, *rows]) + "\r").encode("cp1252")
    assert len(data) > 4 * 1024 * 1024
    result = read_extract(data, "mac.csv")
    assert result.rows_read == 200_000
    assert where(result, "okänd kod") == [("fel", 7, "kon"), ("fel", 150_003, "kon")]
    assert where(result, "fel antal fält") == [("fel", 100_001, "")]


# --- Bytes that are not UTF-8 ---------------------------------------------------------------------------

def utf8_rows(n: int = 300) -> list[bytes]:
    return [f"2020;P{i};Kvinna;;Södermalm;;;;nej;nej;;nej;".encode() for i in range(n)]


@pytest.mark.parametrize("bad, note", [(b"S\xf6dermalm", "byten 0xF6, i Windows-1252 ett ”ö”"),
                                       (b"S\xffdermalm", "byten 0xFF"), (b"S\xc3dermalm", "byten 0xC3"),
                                       (b"S\x81dermalm", "byten 0x81")])
def test_one_bad_byte_in_a_utf8_file_is_one_error_with_row_and_column(bad, note):
    rows = utf8_rows()
    rows[5] = rows[5].replace("Södermalm".encode(), bad)  # row 7
    result = read_extract(REGISTER_HEADER.encode() + b"\n" + b"\n".join(rows) + b"\n", "uttag.csv")
    problems = result.problems
    assert len(problems) == 1 and problems["typ"].iloc[0] == "teckenkodning", report_lines(result)
    message = problems["meddelande"].iloc[0]
    assert message.startswith("Rad 7, kolumn ”stadsdel”: Värdet ”S\ufffddermalm” har ett tecken som inte är giltig UTF-8")
    assert note in message and "CSV UTF-8" in message
    assert result.facts.empty


def test_bad_bytes_after_the_sample_in_a_utf8_file():
    rows = [f"2020;ID{i:06d};Kvinna;;;;;;nej;nej;;nej;".encode() for i in range(3000)] + utf8_rows(10)
    rows[3005] = rows[3005].replace("Södermalm".encode(), b"S\xf6dermalm")
    data = REGISTER_HEADER.encode() + b"\n" + b"\n".join(rows) + b"\n"
    assert data[:64 * 1024].isascii()
    result = read_extract(data, "uttag.csv")
    assert where(result, "teckenkodning") == [("fel", None, "")]
    assert result.problems["meddelande"].iloc[0].startswith("Rad 3007, kolumn ”stadsdel”:")
    assert len(result.problems) == 1


def test_many_bad_bytes_are_one_error_naming_the_first_places():
    rows = utf8_rows()
    for i in (3, 10, 11, 40, 41, 42, 43):
        rows[i] = rows[i].replace(b"Kvinna", b"Kv\xe4nna")
    data = (REGISTER_HEADER + ";anteckning").encode() + b"\n" + b";\n".join(rows) + b";hemligt \xe5\n"
    result = read_extract(data, "uttag.csv")
    assert len(result.problems) == 1
    message = result.problems["meddelande"].iloc[0]
    assert message.startswith("Filen är UTF-8 men har 8 tecken som inte är giltig UTF-8: rad 5, kolumn ”kon” "
                              "(värdet ”Kv\ufffdnna”, byten 0xE4, i Windows-1252 ett ”ä”); rad 12")
    assert "; och 3 till." in message and "rad 302" not in message


def test_a_bad_byte_in_person_id_or_an_unused_column_is_not_shown():
    rows = [row + b";" for row in utf8_rows()]
    rows[0] = b"2020;HEMLIG-\xf6;Kvinna;;S\xc3\xb6dermalm;;;;nej;nej;;nej;;"
    rows[1] = rows[1] + b"namn: Bj\xf6rn"
    result = read_extract((REGISTER_HEADER + ";anteckning").encode() + b"\n" + b"\n".join(rows) + b"\n", "u.csv")
    message = result.problems["meddelande"].iloc[0]
    assert "rad 2, kolumn ”person_id” (värdet, byten 0xF6" in message
    assert "rad 3, kolumn ”anteckning” (värdet, byten 0xF6" in message
    assert "HEMLIG" not in repr(result.problems.to_dict()) and "Bj" not in repr(result.problems.to_dict())


def test_a_bad_byte_in_the_header_or_in_a_file_with_bom():
    data = codecs_bom() + b"ar;person_id;k\xf6n;stadsdel\n2020;P1;Kvinna;S\xc3\xb6dermalm\n"
    result = read_extract(data, "u.csv")
    assert result.problems["meddelande"].iloc[0].startswith("Rad 1, kolumn ”k\ufffdn”: Rubriken har ett tecken")
    data = codecs_bom() + b"ar;person_id;kon;stadsdel\n2020;P1;Kvinna;S\xf6dermalm\n"
    result = read_extract(data, "u.csv")
    assert result.problems["meddelande"].iloc[0].startswith("Rad 2, kolumn ”stadsdel”: Värdet ”S\ufffddermalm”")


def codecs_bom() -> bytes:
    return b"\xef\xbb\xbf"


def test_a_windows_1252_file_is_still_windows_1252():
    rows = [f"2020;P{i};Kvinna;;Södermalm;;;;nej;nej;;nej;" for i in range(300)]
    rows[3] = "2020;P3;Kvinna;;Södermalm;;;;nej;nej;;nej;".replace("Kvinna", "K\u00c3\u00b6")  # bytes C3 B6
    result = read_text("\n".join([REGISTER_HEADER, *rows]) + "\n", encoding="cp1252")
    assert result.encoding == "cp1252"
    assert where(result, "okänd kod") == [("fel", 5, "kon")]  # "KÃ¶" as written, not a UTF-8 "Kö"


def test_a_windows_1252_file_with_one_swedish_letter_early_and_utf8_later_is_located():
    rows = [f"2020;ID{i:06d};Kvinna;;;;;;nej;nej;;nej;".encode() for i in range(3000)] + utf8_rows(5)
    rows[2] = b"2020;ID000002;Kvinna;;S\xf6dermalm;;;;nej;nej;;nej;"  # row 4: the only odd byte in the sample
    result = read_extract(REGISTER_HEADER.encode() + b"\n" + b"\n".join(rows) + b"\n", "uttag.csv")
    assert result.problems["meddelande"].iloc[0].startswith("Rad 4, kolumn ”stadsdel”:")


def test_windows_1252_with_one_swedish_letter_is_still_windows_1252():
    rows = [f"2020;ID{i:06d};Kvinna;;;;;;nej;nej;;nej;" for i in range(3000)]
    rows[2] = "2020;ID000002;Kvinna;;Södermalm;;;;nej;nej;;nej;"
    result = read_text("\n".join([REGISTER_HEADER, *rows]) + "\n", encoding="cp1252")
    assert not result.has_errors, report_lines(result)
    assert result.encoding == "cp1252"


# --- Look-alike characters ------------------------------------------------------------------------------

CYRILLIC_M = "\u041c"


@pytest.mark.parametrize("column, value, lookalike", [
    ("kon", f"{CYRILLIC_M}an", f"”{CYRILLIC_M}” (kyrilliskt versalt M, U+041C), som ser ut som ett latinskt M"),
    ("kon", "Kvinn\u0430", "”\u0430” (kyrilliskt gement a, U+0430), som ser ut som ett latinskt a"),
    ("stadsdel", "S\u00f6d\u0435rmalm", "”\u0435” (kyrilliskt gement e, U+0435)"),
    ("jobbtorg", "Jobbtorg Kist\u03b1", "”\u03b1” (grekiskt gement a, U+03B1)"),
    ("nadd", "j\u0430", "”\u0430” (kyrilliskt gement a"),
    ("inskriven", "n\u0435j", "”\u0435” (kyrilliskt gement e"),
    ("verksamhet", "\u0410im", "”\u0410” (kyrilliskt versalt A, U+0410)"),
    ("avslutsorsak", "\u0430rbete", "”\u0430” (kyrilliskt gement a"),
    ("sysselsattning", "studi\u0435r", "”\u0435” (kyrilliskt gement e"),
    ("alder", "1\u04307", "”\u0430” (kyrilliskt gement a"),
    ("ar", "2\u041e20", "”\u041e” (kyrilliskt versalt O, U+041E), som ser ut som ett latinskt O"),
    ("kon", "Ma\u0336n", "ett kombinerande tecken"),
    ("kon", "Ꮇan", "”Ꮇ” (cherokesiskt M, U+13B7), som ser ut som ett latinskt M"),
])
def test_a_look_alike_character_is_named(column, value, lookalike):
    values = {"ar": "2020", "person_id": "P1", "kon": "Kvinna", "inskriven": "ja", "avslutad": "ja"}
    values[column] = value
    header = list(values)
    result = read_text(";".join(header) + "\n" + ";".join(values.values()) + "\n")
    bad = result.problems[result.problems["kolumn"] == column]
    assert len(bad) == 1 and bad["allvarlighet"].iloc[0] == "fel", report_lines(result)
    message = bad["meddelande"].iloc[0]
    assert message.startswith(f"Rad 2, kolumn ”{column}”: värdet har ”") or "kombinerande" in message
    assert lookalike in message, message


@pytest.mark.parametrize("value, read_as, described", [
    ("\uff2dan", "Man", "”\uff2d” (fullbreddsform av ”M”, U+FF2D)"),
    ("\uff2b", "K", "fullbreddsform av ”K”"),
    ("Ma\u200bn", "Man", "ett osynligt tecken (nollbreddsmellanslag, U+200B)"),
    ("\u200fKvinna", "Kvinna", "höger-till-vänster-markering, U+200F"),
    ("\U0001d40c\U0001d41a\U0001d427", "Man", "matematisk variant av ”M”"),
])
def test_full_width_and_invisible_characters_are_read_with_a_warning(value, read_as, described):
    result = read_text(REGISTER_HEADER + f"\n2020;P1;{value};;;;;;nej;nej;;nej;\n2020;P2;Man;;;;;;nej;nej;;nej;\n")
    assert not result.has_errors, report_lines(result)
    assert where(result, "ovanliga tecken") == [("varning", 2, "kon")]
    message = problems_of(result, "ovanliga tecken")["meddelande"].iloc[0]
    assert described in message and f"lästes som ”{read_as}”" in message
    kon = "Kvinna" if read_as == "K" or "Kvinna" in read_as else "Man"
    assert fact(result.facts, 2020, schema.SAKNAR_STADSDEL, kon, "Hela KAA", "registrerade") == (1 if kon == "Kvinna" else 2)


def test_full_width_districts_and_years_are_read_with_a_warning():
    result = read_text("ar;person_id;kon;stadsdel;nadd\n"
                       "\uff12\uff10\uff12\uff10;P1;Kvinna;\uff33\u00f6dermalm;\uff4a\uff41\n")
    assert not result.has_errors, report_lines(result)
    assert sorted(where(result, "ovanliga tecken")) == [("varning", 2, "ar"), ("varning", 2, "nadd"),
                                                       ("varning", 2, "stadsdel")]
    assert result.years == [2020]
    assert fact(result.facts, 2020, "Jobbtorg City", "Kvinna", "Hela KAA", "nadda") == 1


def test_many_rows_with_a_variant_are_one_warning_kind_capped():
    rows = [f"2020;P{i};\uff2dan;;;;;;nej;nej;;nej;" for i in range(500)]
    result = read_text("\n".join([REGISTER_HEADER, *rows]) + "\n")
    assert result.problem_counts[("varning", "ovanliga tecken")] == 500
    assert len(problems_of(result, "ovanliga tecken")) == extract.MAX_PER_TYP


def test_plain_values_get_no_character_warning(reference):
    assert problems_of(reference, "ovanliga tecken").empty
    result = read_text(REGISTER_HEADER + f"\n2020;P1;Kvinna{NBSP};;Rinkeby\u2013Kista;;;;nej;nej;;nej;\n")
    assert result.problems.empty, report_lines(result)


def test_look_alikes_in_a_tidy_file():
    result = read_text("ar,kon,jobbtorg,measure,value\n"
                       f"2021,{CYRILLIC_M}an,,kontakt_brev,3\n"
                       "2021,\uff2dan,,kontakt_sms,4\n"
                       "2021,,Jobbtorg Kist\u03b1,kontakt_telefon,5\n"
                       "2021,,,k\u043entakt_hembesok,1\n")
    bad = {(int(r), k): m for r, k, m in zip(result.problems["rad"], result.problems["kolumn"],
                                             result.problems["meddelande"])}
    assert "(kyrilliskt versalt M, U+041C)" in bad[(2, "kon")]
    assert "fullbreddsform av ”M”" in bad[(3, "kon")] and "lästes som ”Man”" in bad[(3, "kon")]
    assert "(grekiskt gement a, U+03B1)" in bad[(4, "jobbtorg")]
    assert "(kyrilliskt gement o, U+043E)" in bad[(5, "measure")]
    assert where(result, "ovanliga tecken") == [("varning", 3, "kon")]


def test_a_bad_byte_in_a_title_line_above_the_header_is_harmless():
    data = b"KAA-uttag fr\xe5n systemet \xe4\n" + REGISTER_HEADER.encode() + b"\n" + b"\n".join(utf8_rows(3)) + b"\n"
    result = read_extract(data, "uttag.csv")
    assert not result.has_errors, report_lines(result)
    assert result.rows_read == 3


def test_header_names_are_shown_without_invisible_characters():
    result = read_text("ar;person_id;kon;\u202eanteckning\u200b\n2020;P1;Kvinna;x\n")
    assert result.dropped_columns == ["anteckning"]


@pytest.mark.parametrize("ids", [
    [f"DEMO-{i:07d}" for i in (7, 3, 7, 1, 250, 3)],          # digits, dense: numbered by counting
    [f"{i:05d}" for i in (99999, 5, 99999, 12)],               # digits, sparse: sorted
    ["AB-12", "AB-1X", "AB-12", "ÅB-12", "AB-99"],            # not all digits (and a 2-byte letter)
    ["X-1", "X-1", "X-1"],                                    # nothing varies
    [f"P{i:012d}" for i in (5, 4, 5)],                        # more than nine varying digits
])
def test_ids_of_one_width_are_grouped_as_by_dictionary_encoding(ids):
    from kaa.extract.columns import _factorize, _factorize_ids

    column = pa.chunked_array([pa.array(ids[:2]), pa.array(ids[2:])])
    indices, distinct = _factorize_ids(column)
    reference_indices, reference = _factorize(column)
    assert sorted(distinct.to_pylist()) == sorted(reference.to_pylist())
    assert [distinct[int(i)].as_py() for i in indices] == ids


def test_blank_rows_are_found_from_a_factorized_column_as_from_the_cells():
    from kaa.extract.columns import _blank_rows, _factorize

    columns = [pa.chunked_array([pa.array(["2020", "", " ", "2021", '""', ""])]),
               pa.chunked_array([pa.array(["P1", "", "\u00a0", "", "", "x"])])]
    expected = [False, True, True, False, True, False]
    assert _blank_rows(columns).tolist() == expected
    assert _blank_rows(columns, {0: _factorize(columns[0])}).tolist() == expected
    assert _blank_rows(columns, {1: _factorize(columns[1])}).tolist() == expected


def test_duplicates_are_still_found_when_a_table_of_the_keys_says_there_are_some():
    text = "ar;person_id;kon\n2020;P1;Kvinna\n2020;P2;Man\n2020;P1;Kvinna\n2021;P1;Man\n"
    result = read_extract(text.encode(), "dubbletter.csv")
    assert result.problem_counts.get(("varning", "dubblett")) == 1
    far = "ar;person_id;kon\n2000;P1;Kvinna\n2026;P2;Man\n2000;P1;Kvinna\n"
    assert read_extract(far.encode(), "långt.csv").problem_counts.get(("varning", "dubblett")) == 1


@pytest.mark.parametrize("size", [0, 1, 4_194_303, 4_194_304, 4_194_311])
def test_bytes_are_counted_and_c1_bytes_found_across_the_slices_as_python_does(size):
    from kaa.extract.readers import _count_byte, _has_c1_bytes

    data = (b"ar;kon\r\n2020;\xe5\x96\n" * (size // 16 + 1))[:size]
    for byte in (10, 13, 0x96):
        assert _count_byte(data, byte) == data.count(bytes([byte]))
    assert _has_c1_bytes(data) == any(0x80 <= b <= 0x9F for b in set(data))
    clean = data.replace(b"\x96", b"-")
    assert not _has_c1_bytes(clean) and _has_c1_bytes(clean + b"\x9f")


def test_a_result_answers_which_kinds_of_problem_it_found():
    result = read_text(REGISTER_HEADER + "\n2020;DEMO-1;Kvinna;17;;Jobbtorg Kista;ja;studier;nej;nej;;nej;\n")
    assert result.found(extract.EXEMPELDATA_TYP) and result.found(extract.EXEMPELDATA_TYP, extract.VARNING)
    assert not result.found(extract.EXEMPELDATA_TYP, extract.FEL) and not result.found(extract.PNR_TYP)
    assert result.has_warnings and result.warning_counts()[extract.EXEMPELDATA_TYP] == 1
