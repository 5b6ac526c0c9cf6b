"""The whole import flow of issue 3, end to end: CLI, round trip, privacy, errors, the Ladda upp page.

Every test gets its own empty KAA_DATA_DIR (tests/conftest.py). The CLI is run as an
analyst would run it: `python -m kaa` in a subprocess from the repository root.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import sqlite3
import pytest
from streamlit.testing.v1 import AppTest

from kaa import config, demo, extract, metrics, reasons, schema, store
from kaa.extract import read_extract, report_lines, template_csv
from kaa.facts import KEY_COLUMNS

from .test_personnummer import luhn  # the check digit, computed on YYMMDDNNN

REPO_ROOT = Path(__file__).resolve().parent.parent
STADSDEL_CSV = REPO_ROOT / "data" / "stadsdel_jobbtorg.csv"
NBSP = "\u00a0"

COUNT_MEASURES = [
    "registrerade", "sokta", "nadda", "ej_nadda", "nadda_sysselsatta", "inskrivna", "nyinskrivna",
    "avslutade", "avslut_studier", "avslut_arbete", "avslut_annan",
]
SYSSELSATT = {"studier", "arbete", "utlandsstudier", "annan"}


# --- Helpers ----------------------------------------------------------------------------------------


@pytest.fixture
def kaa(kaa_data_dir):
    """Run `python -m kaa ARGS` against this test's store; stdin is not a TTY (no prompts)."""
    def _run(*args: str) -> subprocess.CompletedProcess:
        env = dict(os.environ, KAA_DATA_DIR=str(kaa_data_dir), PYTHONIOENCODING="utf-8")
        result = subprocess.run([sys.executable, "-m", "kaa", *map(str, args)], cwd=REPO_ROOT, env=env,
                                capture_output=True, text=True, encoding="utf-8", timeout=180,
                                stdin=subprocess.DEVNULL)
        assert "Traceback" not in result.stderr, result.stderr
        assert "Traceback" not in result.stdout, result.stdout
        return result
    return _run


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)
    return result.stdout


def parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def swedish_count(n: int) -> str:
    """8452 → '8 452' with a non-breaking space, computed independently of kaa.fmt."""
    return f"{int(n):,}".replace(",", NBSP)


def read_csv_rows(path_or_bytes, encoding: str = "cp1252", sep: str = ";") -> pd.DataFrame:
    """The extract as plain pandas text columns, empty cells as ''."""
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    frame = pd.read_csv(source, sep=sep, encoding=encoding, dtype=str, keep_default_na=False)
    frame["ar"] = frame["ar"].astype(int)
    return frame


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under the directory (hidden ones too), by relative path, with its bytes."""
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def store_text(directory: Path) -> tuple[bytes, str]:
    """All bytes of every file under the store, and a full SQL dump of its SQLite database,
    so no encoding of a value in the file can hide it from the scan."""
    raw = b""
    decoded = []
    for path in sorted(directory.rglob("*")):
        decoded.append(str(path.relative_to(directory)))
        if not path.is_file():
            continue
        raw += path.read_bytes() + b"\n"
        if path.name == config.SQLITE_NAME:
            with sqlite3.connect(path) as connection:
                decoded.extend(connection.iterdump())
    return raw, "\n".join(decoded)


def demo_bytes(rows: int, years, seed: int = 0, encoding: str = "cp1252") -> bytes:
    buffer = io.BytesIO()
    demo.write(demo.generate(rows, years, seed=seed), buffer, encoding=encoding)
    return buffer.getvalue()


def expected_counts(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Each count measure per group, computed with plain pandas straight from the extract's rows."""
    mapping = pd.read_csv(STADSDEL_CSV, dtype=str, keep_default_na=False, encoding="utf-8")
    to_jobbtorg = dict(zip(mapping["stadsdel"], mapping["jobbtorg"]))
    jobbtorg = frame["jobbtorg"].where(frame["jobbtorg"] != "", frame["stadsdel"].map(to_jobbtorg))
    jobbtorg = jobbtorg.where(jobbtorg.notna() & (jobbtorg != ""), schema.SAKNAR_STADSDEL)
    rows = pd.DataFrame({
        "ar": frame["ar"],
        "jobbtorg": jobbtorg,
        "kon": frame["kon"],
        "person_id": frame["person_id"],
        "sokta": frame["nadd"].isin(["ja", "nej"]),
        "nadda": frame["nadd"] == "ja",
        "ej_nadda": frame["nadd"] == "nej",
        "nadda_sysselsatta": (frame["nadd"] == "ja") & frame["sysselsattning"].isin(SYSSELSATT),
        "inskrivna": frame["inskriven"] == "ja",
        "nyinskrivna": frame["nyinskriven"] == "ja",
        "avslutade": frame["avslutad"] == "ja",
        "avslut_studier": frame["avslutsorsak"] == "studier",
        "avslut_arbete": frame["avslutsorsak"] == "arbete",
        "avslut_annan": frame["avslutsorsak"] == "annan sysselsättning",
    })
    grouped = rows.groupby(by)
    out = grouped[COUNT_MEASURES[1:]].sum().astype(int)
    out.insert(0, "registrerade", grouped["person_id"].nunique().astype(int))
    return out


# --- 1. The CLI flow ----------------------------------------------------------------------------------


def test_cli_demo_validate_import_sources_table_deactivate_activate_remove(kaa, kaa_data_dir, tmp_path):
    f = tmp_path / "demo.csv"
    out = ok(kaa("demo", "--rows", "4000", "--years", "2021-2022", "--out", f))
    assert f.exists() and "syntetiska" in out

    # The default is what Swedish Excel writes: Windows-1252 with semicolons.
    rows = read_csv_rows(f, encoding="cp1252", sep=";")
    assert len(rows) == 4000
    assert set(rows["ar"]) == {2021, 2022}
    expected_2022 = expected_counts(rows[rows["ar"] == 2022], ["ar"]).loc[2022]
    assert expected_2022["registrerade"] == rows.loc[rows["ar"] == 2022, "person_id"].nunique()

    validated = kaa("validate", f)
    assert validated.returncode == 0, validated.stdout
    assert "kan importeras" in validated.stdout
    assert not list(kaa_data_dir.iterdir()), "validate must not write to the store"

    imported = kaa("import", f, "--name", "Demo")
    assert imported.returncode == 0, (imported.stdout, imported.stderr)
    assert "Importerad" in imported.stdout

    listing = ok(kaa("sources"))
    demo_lines = [line for line in listing.splitlines() if "| Demo |" in line]
    assert len(demo_lines) == 1, listing
    assert "2021, 2022" in demo_lines[0]
    assert "| aktiv |" in demo_lines[0]

    def table_2022() -> subprocess.CompletedProcess:
        return kaa("table", "--year", "2022", "--format", "csv", "--min-cell", "0")

    table = parse_csv(ok(table_2022()))
    assert len(table) == 1 and table[0]["ar"] == "2022"
    for measure in ("registrerade", "sokta", "nadda", "ej_nadda", "inskrivna", "avslutade", "avslut_studier"):
        assert int(table[0][measure]) == expected_2022[measure], measure
    assert int(table[0]["registrerade"]) == rows.loc[rows["ar"] == 2022, "person_id"].nunique()

    # Importing the same file again is a no-op that says so.
    before = (store.sources(), store.events())
    files_before = snapshot(kaa_data_dir)
    again = kaa("import", f)
    assert again.returncode == 0, (again.stdout, again.stderr)
    assert "finns redan" in again.stdout
    assert (store.sources(), store.events()) == before
    assert snapshot(kaa_data_dir) == files_before
    assert len(before[0]) == 1

    def assert_2022_gone() -> None:
        gone = table_2022()
        if gone.returncode == 2:
            assert "okänt år" in gone.stderr and "2022" in gone.stderr
        else:
            assert gone.returncode == 0, gone.stderr
            assert not [r for r in parse_csv(gone.stdout) if r["ar"] == "2022"]

    # Deactivated: 2022 is gone (the report has no 2022).
    ok(kaa("deactivate", "Demo"))
    assert "| inaktiv |" in ok(kaa("sources"))
    assert_2022_gone()

    # Reactivated: the same figures are back.
    ok(kaa("activate", "Demo"))
    back = parse_csv(ok(table_2022()))
    assert back == table

    # Removed for good, without a prompt (stdin is not a TTY).
    removed = ok(kaa("remove", "Demo"))
    assert "borttagen" in removed
    assert "Inga importerade källor" in ok(kaa("sources"))
    with sqlite3.connect(kaa_data_dir / config.SQLITE_NAME) as connection:
        assert connection.execute("SELECT count(*) FROM facts").fetchone() == (0,)
    assert_2022_gone()


# --- 2. Round trip: a demo extract's aggregates equal an independent pandas computation -----------------


@pytest.fixture(scope="module")
def demo_extract(tmp_path_factory):
    path = tmp_path_factory.mktemp("roundtrip") / "demo_2020_2021.csv"
    demo.write(demo.generate(20000, [2020, 2021], seed=3), path, encoding="cp1252")
    data = path.read_bytes()
    result = read_extract(data, path.name)
    return path, data, result


def test_demo_fixture_exercises_every_jobbtorg_path(demo_extract):
    path, _, _ = demo_extract
    rows = read_csv_rows(path)
    derived = (rows["jobbtorg"] == "") & (rows["stadsdel"] != "")
    neither = (rows["jobbtorg"] == "") & (rows["stadsdel"] == "")
    given = rows["jobbtorg"] != ""
    assert derived.sum() > 100 and neither.sum() > 100 and given.sum() > 100
    assert (rows["verksamhet"] == "Aim").sum() > 50


def test_read_extract_of_demo_is_clean(demo_extract):
    _, _, result = demo_extract
    assert not result.has_errors, report_lines(result)
    assert result.rows_read == 20000
    assert result.years == [2020, 2021]


@pytest.mark.parametrize("verksamhet", [schema.HELA_KAA, schema.AIM])
def test_round_trip_counts_equal_pandas(demo_extract, verksamhet):
    path, _, result = demo_extract
    rows = read_csv_rows(path)
    if verksamhet == schema.AIM:
        rows = rows[rows["verksamhet"] == "Aim"]
    by = ["ar", "jobbtorg", "kon"]
    expected = expected_counts(rows, by)

    got = metrics.table(result.facts, by=by, sel=metrics.Selection(verksamhet=verksamhet, min_cell=0))
    parts = got[(got["jobbtorg"] != schema.TOTALT) & (got["kon"] != schema.TOTALT)].set_index(by)
    # Every group with rows is in the table; groups without rows are true zeros.
    missing_groups = set(expected.index) - set(parts.index)
    assert not missing_groups, sorted(missing_groups)[:5]
    want = expected.reindex(parts.index, fill_value=0)
    # A unit keeps only the enrolment measures; the others are missing for it, never 0.
    kept = [m for m in COUNT_MEASURES if verksamhet == schema.HELA_KAA or m in schema.UNIT_MEASURES]
    for measure in set(COUNT_MEASURES) - set(kept):
        assert got[measure].isna().all(), (verksamhet, measure)
    for measure in kept:
        values = parts[measure]
        assert values.notna().all(), (verksamhet, measure, "missing in the roll-up")
        diff = values.astype(int) != want[measure]
        assert not diff.any(), (verksamhet, measure,
                                pd.DataFrame({"got": values[diff], "want": want[measure][diff]}).head())

    # The Totalt row per year is the whole year.
    totals = got[(got["jobbtorg"] == schema.TOTALT) & (got["kon"] == schema.TOTALT)].set_index("ar")
    per_year = expected_counts(rows, ["ar"])
    assert sorted(totals.index) == [2020, 2021]
    for measure in kept:
        assert totals[measure].astype(int).to_dict() == per_year[measure].to_dict(), (verksamhet, measure)

    # Not in a register extract: missing, never 0.
    for measure in schema.KONTAKT_MEASURES:
        assert got[measure].isna().all(), measure


@pytest.mark.parametrize("verksamhet", schema.CITY_UNITS)
def test_skolslussen_and_jobbtorg_are_counted_for_the_whole_city_only(demo_extract, verksamhet):
    path, _, result = demo_extract
    rows = read_csv_rows(path)
    per_year = expected_counts(rows[rows["verksamhet"] == verksamhet], ["ar"])
    sel = metrics.Selection(verksamhet=verksamhet, min_cell=0)
    got = metrics.table(result.facts, by=["ar"], sel=sel).set_index("ar")
    for measure in schema.UNIT_MEASURES:
        if measure in COUNT_MEASURES:
            assert got[measure].astype(int).to_dict() == per_year[measure].to_dict(), (verksamhet, measure)
    long = metrics.with_totals(result.facts, ["jobbtorg"], sel)
    split = long[(long["jobbtorg"] != schema.TOTALT) & (long["measure"] == "inskrivna")]
    assert split["value"].isna().all() and (split["orsak"] == reasons.CITY_UNIT_ONLY).all()


def test_round_trip_registrerade_is_distinct_persons(demo_extract):
    path, _, result = demo_extract
    rows = read_csv_rows(path)
    got = metrics.table(result.facts, by=["ar"], sel=metrics.Selection(min_cell=0)).set_index("ar")
    for year in (2020, 2021):
        assert int(got.loc[year, "registrerade"]) == rows.loc[rows["ar"] == year, "person_id"].nunique()


# --- 3. Privacy: nothing identifying reaches the disk or the terminal ------------------------------------

class Pnr:
    """A valid personnummer or samordningsnummer (day + 60) in all its spellings."""

    def __init__(self, century: str, yymmdd: str, serial: str):
        self.century, self.yymmdd, self.serial = century, yymmdd, serial
        self.last4 = serial + luhn(yymmdd + serial)
        self.sep = "+" if century == "19" and int(yymmdd[:2]) < 20 else "-"  # 100 years or older: '+'

    @property
    def twelve(self) -> str:
        return self.century + self.yymmdd + self.last4

    @property
    def twelve_dash(self) -> str:
        return f"{self.century}{self.yymmdd}-{self.last4}"

    @property
    def ten(self) -> str:
        return self.yymmdd + self.last4

    @property
    def ten_sep(self) -> str:
        return f"{self.yymmdd}{self.sep}{self.last4}"

    def spellings(self) -> set[str]:
        return {self.twelve, self.twelve_dash, self.ten, self.ten_sep,
                f"{self.yymmdd}-{self.last4}", f"{self.yymmdd}+{self.last4}"}


PNR_12 = Pnr("20", "050115", "238")          # as 200501152383
PNR_DASH = Pnr("20", "060312", "117")        # as 060312-117C
PNR_PLUS = Pnr("19", "090704", "452")        # as 090704+452C (100 years or older)
SAMORDNING = Pnr("20", "070375", "381")      # 15 March 2007 + 60, as 070375-381C
SAMORDNING_12 = Pnr("20", "060869", "224")   # 9 August 2006 + 60, as 20060869224C
NOTE_1 = Pnr("19", "750521", "443")          # in the note column, 12 digits with '-'
NOTE_2 = Pnr("20", "041130", "906")          # in the note column, 10 digits plain
IN_FILENAME = Pnr("20", "061224", "555")     # in the file name only
ALL_PNR = [PNR_12, PNR_DASH, PNR_PLUS, SAMORDNING, SAMORDNING_12, NOTE_1, NOTE_2, IN_FILENAME]
PSEUDONYMS = ["PSEUDO-QZX-004711", "PSEUDO-QZX-008815", "PSEUDO-QZX-009932"]


def test_the_test_personnummer_are_valid():
    for pnr in ALL_PNR:
        assert extract.contains_personnummer(pnr.twelve), pnr.twelve
        assert extract.contains_personnummer(pnr.ten_sep), pnr.ten_sep
        wrong = pnr.ten[:-1] + str((int(pnr.ten[-1]) + 1) % 10)
        assert not extract.contains_personnummer(wrong), wrong


def personnummer_extract() -> tuple[str, bytes, list[str]]:
    person_ids = [PNR_12.twelve, PNR_DASH.ten_sep, PNR_PLUS.ten_sep, SAMORDNING.ten_sep, SAMORDNING_12.twelve,
                  *PSEUDONYMS]
    assert PNR_PLUS.ten_sep == PNR_PLUS.yymmdd + "+" + PNR_PLUS.last4
    notes = [f"Mamma ringde, pnr {NOTE_1.twelve_dash}", NOTE_2.ten, f"syskon {PNR_12.ten_sep}",
             "", f"samordningsnr {SAMORDNING.twelve}", "", f"{PNR_DASH.twelve} (igen)", ""]
    kon = ["Kvinna", "Man", "Man", "Kvinna", "Man", "Kvinna", "Man", "Kvinna"]
    nadd = ["ja", "nej", "", "ja", "ja", "nej", "", "ja"]
    inskriven = ["ja", "nej", "ja", "nej", "ja", "nej", "nej", "ja"]
    avslutad = ["ja", "nej", "nej", "nej", "ja", "nej", "nej", "nej"]
    lines = ["ar;person_id;kon;stadsdel;nadd;inskriven;avslutad;avslutsorsak;anteckning"]
    for i, pid in enumerate(person_ids):
        orsak = "studier" if avslutad[i] == "ja" else ""
        lines.append(f"2022;{pid};{kon[i]};Farsta;{nadd[i]};{inskriven[i]};{avslutad[i]};{orsak};{notes[i]}")
    filename = f"uttag_{IN_FILENAME.twelve}.csv"
    return filename, ("\r\n".join(lines) + "\r\n").encode("utf-8"), person_ids


def assert_nothing_identifying(text_bytes: bytes, text: str, where: str) -> None:
    folded = text_bytes.decode("utf-8", errors="replace")
    for pnr in ALL_PNR:
        for spelling in pnr.spellings():
            assert spelling.encode() not in text_bytes, (where, spelling)
            assert spelling not in text, (where, spelling)
            assert spelling not in folded, (where, spelling)
    for pid in PSEUDONYMS:
        assert pid.encode() not in text_bytes, (where, pid)
        assert pid not in text, (where, pid)


def test_personnummer_never_reach_the_store_or_the_terminal(kaa, kaa_data_dir, tmp_path):
    filename, data, person_ids = personnummer_extract()
    path = tmp_path / "in" / filename
    path.parent.mkdir()
    path.write_bytes(data)

    # The reader sees every personnummer in person_id, in every spelling.
    result = read_extract(data, filename)
    assert not result.has_errors, report_lines(result)
    assert ("varning", extract.PNR_TYP) in result.problem_counts
    warning = " ".join(result.problems.loc[result.problems["typ"] == extract.PNR_TYP, "meddelande"])
    assert "”person_id” (5 värden)" in warning, warning
    assert "”anteckning” (" in warning, warning

    checked = kaa("validate", path)
    imported = kaa("import", path)  # no --name: the name comes from the file name
    assert checked.returncode == 0, checked.stdout
    assert imported.returncode == 0, (imported.stdout, imported.stderr)
    assert "personnummer" in imported.stdout.lower()
    listing = ok(kaa("sources"))
    table = ok(kaa("table", "--year", "2022", "--by", "kon", "--format", "csv", "--min-cell", "0"))
    assert int(parse_csv(table)[-1]["registrerade"]) == len(person_ids)

    for name, run in (("validate", checked), ("import", imported), ("sources", listing), ("table", table)):
        output = run if isinstance(run, str) else run.stdout + run.stderr
        assert_nothing_identifying(output.encode("utf-8"), output, f"CLI output of {name}")

    assert store.sources(), "the import stored nothing"
    raw, decoded = store_text(kaa_data_dir)
    assert_nothing_identifying(raw, decoded, "store")
    # The original file name is masked in the store too, not merely left out.
    assert store.sources()[0].filnamn.startswith("uttag_")


def test_demo_ids_never_reach_the_store(kaa, kaa_data_dir, tmp_path):
    f = tmp_path / "demo.csv"
    ok(kaa("demo", "--rows", "3000", "--years", "2021-2022", "--seed", "5", "--out", f))
    assert "DEMO-" in f.read_text(encoding="cp1252")
    imported = kaa("import", f, "--name", "Demo")
    assert imported.returncode == 0, imported.stdout
    assert "DEMO-" not in imported.stdout + imported.stderr
    assert store.sources()
    raw, decoded = store_text(kaa_data_dir)
    assert b"DEMO-" not in raw
    assert "DEMO-" not in decoded
    # Nor any concrete id from the file, in case the prefix were stripped.
    rows = read_csv_rows(f)
    for pid in rows["person_id"].head(50):
        assert pid.encode() not in raw and pid not in decoded


# --- 4. A file with errors changes nothing ----------------------------------------------------------------


@pytest.fixture
def populated_store(kaa_data_dir):
    """A store that already has one source, so "unchanged" means more than "still empty"."""
    data = demo_bytes(1000, [2021], seed=11)
    result = read_extract(data, "tidigare.csv")
    assert not result.has_errors
    store.import_extract(result, data, "tidigare.csv", "Tidigare")
    before = snapshot(kaa_data_dir)
    assert config.SQLITE_NAME in before
    return before


BAD_FILES = {
    "okand_kon.csv": (
        "ar;person_id;kon;nadd;inskriven;avslutad\r\n"
        "2022;B1;Kvinna;ja;ja;nej\r\n"
        "2022;B2;Man;nej;nej;nej\r\n"
        "2022;B3;Kvinna;;nej;nej\r\n"
        "2022;B4;Okänt;ja;nej;nej\r\n",           # row 5 (header = row 1)
        ["Rad 5", "”kon”", "”Okänt”"],
    ),
    "saknar_person_id.csv": (
        "År;Kön;Nådd;Inskriven;Avslutad\r\n"
        "2022;Kvinna;ja;ja;nej\r\n"
        "2022;Man;nej;nej;nej\r\n",
        ["”person_id” saknas"],
    ),
    "saknar_kon_och_okand_kod.csv": (
        "year;id;reached;inskriven;avslutad\r\n"
        "2022;C1;ja;ja;nej\r\n"
        "2022;C2;kanske;nej;nej\r\n",
        ["”kon” saknas"],
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_import_with_errors_exits_1_in_swedish_and_leaves_the_store_byte_for_byte(
        kaa, kaa_data_dir, tmp_path, populated_store, name):
    text, expected_phrases = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(text.encode("cp1252"))

    checked = kaa("validate", path)
    assert checked.returncode == 1, checked.stdout
    result = kaa("import", path, "--name", "Trasig")
    assert result.returncode == 1, (result.stdout, result.stderr)
    output = result.stdout + result.stderr
    assert "Fel som stoppar importen" in output
    assert "Inget importerades" in output
    for phrase in expected_phrases:
        assert phrase in output, (phrase, output)

    assert snapshot(kaa_data_dir) == populated_store
    assert [s.name for s in store.sources()] == ["Tidigare"]


def test_unknown_kon_message_names_row_column_value_and_expectation(tmp_path):
    text, _ = BAD_FILES["okand_kon.csv"]
    result = read_extract(text.encode("cp1252"), "okand_kon.csv")
    assert result.has_errors
    assert result.facts.empty
    bad = result.problems[result.problems["allvarlighet"] == "fel"]
    row = bad[bad["kolumn"] == "kon"].iloc[0]
    assert int(row["rad"]) == 5
    assert row["varde"] == "Okänt"
    assert "Kvinna" in row["forvantat"] and "Man" in row["forvantat"]


# --- 5. The Ladda upp page through AppTest -----------------------------------------------------------------


def open_upload_page() -> AppTest:
    at = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/ladda-upp.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == "Ladda upp registeruttag"
    return at


def dataframe_with(at: AppTest, *columns: str, shown: bool = False) -> pd.DataFrame:
    """The one table (grid or static) with these columns: its numbers, or (`shown`) its cells as the page
    writes them."""
    drawn = list(at.dataframe) + list(at.table)
    hits = [d for d in drawn if set(columns) <= set(d.value.columns)]
    assert len(hits) == 1, [list(d.value.columns) for d in drawn]
    if shown:
        return pa.ipc.open_stream(hits[0].proto.arrow_data.styler.display_values).read_all().to_pandas()
    return hits[0].value


def test_ladda_upp_page_imports_and_oversikt_shows_the_new_year():
    data = demo_bytes(4000, [2021, 2022], seed=1)
    rows = read_csv_rows(data)
    registrerade_2022 = rows.loc[rows["ar"] == 2022, "person_id"].nunique()

    at = open_upload_page()
    assert not [b for b in at.button if b.key == "confirm_import"], "no import button before a file"
    at.get("file_uploader")[0].upload("demo_2021_2022.csv", data, "text/csv")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert "Det här ändras" in [s.value for s in at.subheader]

    changes = dataframe_with(at, "År", "Mått", "Före", "Efter", shown=True)
    assert set(changes["År"]) == {"2021", "2022"}
    after = changes[(changes["År"] == "2022") & (changes["Mått"] == "Registrerade")]["Efter"]
    assert list(after) == [swedish_count(registrerade_2022)]
    numbers = dataframe_with(at, "År", "Mått", "Före", "Efter")  # and a number underneath, which sorts as one
    assert numbers.loc[(numbers["År"] == 2022) & (numbers["Mått"] == "Registrerade"), "Efter"].tolist() == [
        registrerade_2022]
    assert store.sources() == [], "nothing is stored before the confirmation"

    # The preview never shows person_id, and no DEMO- id is anywhere on the page.
    for frame in list(at.dataframe) + list(at.table):
        assert "person_id" not in frame.value.columns
        assert not frame.value.astype(str).apply(lambda c: c.str.contains("DEMO-")).any().any()

    at.button(key="confirm_import").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("Importerad" in s.value for s in at.success), [s.value for s in at.success]

    sources = store.sources()
    assert len(sources) == 1
    assert sources[0].ar == (2021, 2022) and sources[0].aktiv
    assert sources[0].rader == 4000

    overview = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=120)
    overview.run()
    assert not overview.exception, [e.message for e in overview.exception]
    options = overview.multiselect(key="ar").options
    assert {"2021", "2022"} <= {str(o) for o in options}, options
    overview.multiselect(key="ar").set_value([2022]).run()
    assert not overview.exception, [e.message for e in overview.exception]
    card = next(m for m in overview.metric if m.label == "Registrerade")
    assert card.value == swedish_count(registrerade_2022)
    assert card.value == "2\u00a0000"


def page_text(at: AppTest) -> str:
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "warning", "success", "info", "error",
                 "text_input"):
        for element in at.get(kind):
            parts += [str(getattr(element, "value", "")), str(getattr(element, "label", ""))]
    parts += [d.value.to_csv() for d in list(at.dataframe) + list(at.table)]
    return "\n".join(parts)


def test_ladda_upp_page_never_shows_or_stores_personnummer(kaa_data_dir):
    filename, data, _ = personnummer_extract()
    at = open_upload_page()
    at.get("file_uploader")[0].upload(filename, data, "text/csv")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("personnummer" in w.value for w in at.warning), [w.value for w in at.warning]
    shown = page_text(at)
    assert_nothing_identifying(shown.encode("utf-8"), shown, "Ladda upp before import")

    at.button(key="confirm_import").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("Importerad" in s.value for s in at.success), [s.value for s in at.success]
    shown = page_text(at)
    assert_nothing_identifying(shown.encode("utf-8"), shown, "Ladda upp after import")
    assert len(store.sources()) == 1
    raw, decoded = store_text(kaa_data_dir)
    assert_nothing_identifying(raw, decoded, "store after a page import")


def test_ladda_upp_page_warns_before_the_template_replaces_the_reports_figures():
    at = open_upload_page()
    at.get("file_uploader")[0].upload("kaa-mall.csv", template_csv(), "text/csv")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    warnings = [w.value for w in at.warning]
    assert any("Importen ersätter årsrapportens siffror för 2020" in w for w in warnings), warnings
    assert "ser ut att vara mallen" in "\n".join(m.value for m in at.markdown)  # said in the check, too
    rad = dataframe_with(at, "Rad", "Meddelande", shown=True)["Rad"]
    assert list(rad) == ["–"]  # a remark on the whole file has no row number: the grid shows –, never "None"
    assert store.sources() == []


def test_ladda_upp_page_shows_errors_and_offers_no_import():
    text, _ = BAD_FILES["okand_kon.csv"]
    at = open_upload_page()
    at.get("file_uploader")[0].upload("okand_kon.csv", text.encode("cp1252"), "text/csv")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.error, "an error box is expected"
    assert not [b for b in at.button if b.key == "confirm_import"]
    assert "Det här ändras" not in [s.value for s in at.subheader]
    report = "\n".join(m.value for m in at.markdown)
    assert "Rad 5" in report and "”kon”" in report
    assert store.sources() == []


# --- 6. The template ------------------------------------------------------------------------------------


def test_template_imports_without_errors():
    data = template_csv()
    result = read_extract(data, "kaa-mall.csv")
    assert not result.has_errors, report_lines(result)
    assert not (result.problems["allvarlighet"] == "fel").any()
    assert result.rows_read == 3
    assert result.years == [2020]
    facts = result.facts
    assert not facts.empty
    counted = facts[(facts["verksamhet"] == schema.HELA_KAA) & (facts["measure"] == "registrerade")]
    assert counted[counted["stadsdel"].isna() & counted["alder"].isna()]["value"].sum() == 3
    # And once per stadsdel and once per age.
    for dimension in ("stadsdel", "alder"):
        assert counted[counted[dimension].notna() & counted["jobbtorg"].isna()]["value"].sum() == 3
    # Every column of the format is in the template, so every register measure comes out.
    assert set(COUNT_MEASURES) <= set(facts["measure"])


def test_the_preview_names_todays_source_per_figure_and_warns_only_when_the_report_is_replaced():
    from kaa import panels
    from kaa.facts import overlay
    from kaa.published import SOURCE_LABEL, load_published

    report = load_published()
    first = read_extract(demo_bytes(2000, [2020], seed=1), "a.csv").facts.assign(source="Import A")
    second = read_extract(demo_bytes(2000, [2020], seed=2), "b.csv").facts
    on_report = panels.import_changes(report, first)
    assert set(on_report["kalla_fore"]) == {SOURCE_LABEL}
    assert panels.replaced_published_years(report, first) == [2020]
    # Import A already replaced the report's 2020 register figures (its contact counts stay): no warning.
    on_import = panels.import_changes(overlay(report, first), second)
    assert set(on_import["kalla_fore"]) == {"Import A"}
    assert panels.replaced_published_years(overlay(report, first), second) == []
    # The notice reads today's sources alone; it names exactly the years whose preview says the report.
    many = read_extract(demo_bytes(2000, [2018, 2019, 2020, 2021], seed=3), "c.csv").facts
    for current in (report, overlay(report, first)):
        preview = panels.import_changes(current, many)
        from_preview = sorted(int(y) for y in preview.loc[preview["kalla_fore"] == SOURCE_LABEL, "ar"].unique())
        assert panels.replaced_published_years(current, many) == from_preview
    assert panels.replaced_published_years(report, many) == [2019, 2020]


def test_the_command_line_gets_the_pages_answer_from_the_store_without_building_todays_facts(kaa_data_dir):
    from kaa import panels

    many = read_extract(demo_bytes(2000, [2018, 2019, 2020, 2021], seed=3), "c.csv")
    years = sorted(set(many.fact_columns()["ar"]))

    def both() -> tuple[list[int], list[int]]:
        return store.replaced_published_years(years), panels.replaced_published_years(store.load_facts(), many.facts)

    assert both() == ([2019, 2020], [2019, 2020])  # no store yet: the report backs both years
    first = read_extract(demo_bytes(2000, [2020], seed=1), "a.csv")
    store.import_extract(first, b"a", "a.csv", "A")
    assert both() == ([2019], [2019])
    store.set_active("A", False)  # an inactive source backs nothing
    assert both() == ([2019, 2020], [2019, 2020])
    store.set_active("A", True)
    tidy = read_extract("ar;verksamhet;measure;value\n2019;Aim;registrerade;10\n".encode(), "aim.csv")
    store.import_extract(tidy, b"t", "aim.csv", "Aim 2019")  # Aim only: the city's 2019 stays the report's
    assert both() == ([2019], [2019])


def test_python_m_kaa_import_never_imports_pandas(kaa_data_dir, tmp_path):
    """The command's register path reads, checks, sums, notices and stores without pandas (0,2 s to import)."""
    path = tmp_path / "uttag.csv"
    path.write_bytes(demo_bytes(3000, [2019, 2020], seed=4))
    script = ("import sys; from kaa.cli import main; code = main(['import', sys.argv[1], '--name', 'Utan pandas']); "
              "print('pandas' in sys.modules, code)")
    env = dict(os.environ, KAA_DATA_DIR=str(kaa_data_dir), PYTHONIOENCODING="utf-8")
    result = subprocess.run([sys.executable, "-c", script, str(path)], cwd=REPO_ROOT, env=env, capture_output=True,
                            text=True, encoding="utf-8", timeout=180)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "False 0", result.stdout
    assert "Importen ersätter årsrapportens siffror för 2019–2020 på alla sidor." in result.stdout
    assert "Importerad som ”Utan pandas”: 2019, 2020." in result.stdout
    # What it stored is what the frame the page builds holds.
    stored = store.load_facts()
    stored = stored[stored["source"].str.contains("Utan pandas")].drop(columns=["source", "source_id"])
    stored = stored.reset_index(drop=True)
    expected = read_extract(path.read_bytes(), "uttag.csv").facts.drop(columns=["source", "source_id"])
    stored, expected = (frame.astype(object).where(frame.notna(), None)
                        .sort_values(KEY_COLUMNS, key=lambda c: c.map(str)).reset_index(drop=True)
                        for frame in (stored, expected))
    pd.testing.assert_frame_equal(stored, expected, check_dtype=False)


def _page_table(page: str, params: dict[str, str], panel: str) -> pd.DataFrame:
    """The Tabell of one panel of a page, opened as a click would open it."""
    at = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    at.session_state[f"tabs-{panel}"] = "Tabell"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return dataframe_with(at, "Mått", "Täljare (antal)")


def _jobbtorg_of(rows: pd.DataFrame) -> pd.Series:
    """Each row's jobbtorg as the README says: the column, else its stadsdel's, else Saknar stadsdel."""
    mapping = pd.read_csv(STADSDEL_CSV, dtype=str, keep_default_na=False, encoding="utf-8")
    jobbtorg = rows["jobbtorg"].where(rows["jobbtorg"] != "", rows["stadsdel"].map(
        dict(zip(mapping["stadsdel"], mapping["jobbtorg"]))))
    return jobbtorg.where(jobbtorg.notna() & (jobbtorg != ""), schema.SAKNAR_STADSDEL)


@pytest.mark.parametrize("page, params, panel, dim, column, wanted, codes", [
    ("pages/avslut.py", {"orsak": "Per kön"}, "exits", "kon", "avslutsorsak", ("avslutad", ("ja",)), {
        "Andel till studier": ("studier",), "Andel till arbete": ("arbete",),
        "Andel till annan sysselsättning": ("annan sysselsättning",),
        "Andel vidare till Jobbtorg 20–29": ("vidare till jobbtorg 20–29",), "Andel efter flytt": ("flyttat",),
        "Andel vid 20 år": ("fyllt 20",), "Andel med okänd orsak": ("okänd",)}),
    ("pages/uppsok.py", {"gor": "Per kön"}, "occupied", "kon", "sysselsattning", ("nadd", ("ja",)), {
        "Andel nådda med sysselsättning": ("studier", "arbete", "utlandsstudier", "annan"),
        "Andel nådda som studerade": ("studier",), "Andel nådda som arbetade": ("arbete",),
        "Andel nådda som studerade utomlands": ("utlandsstudier",),
        "Andel nådda med annan sysselsättning": ("annan",), "Andel nådda utan sysselsättning": ("ingen",),
        "Andel nådda med okänd sysselsättning": ("okänd",)}),
    ("pages/datakvalitet.py", {}, "okand-sysselsattning", "jobbtorg", "sysselsattning", ("nadd", ("ja",)),
     {"Andel nådda med okänd sysselsättning": ("okänd",)}),
    ("pages/datakvalitet.py", {}, "okand-orsak", "jobbtorg", "avslutsorsak", ("avslutad", ("ja",)),
     {"Andel med okänd orsak": ("okänd",)}),
    ("pages/datakvalitet.py", {}, "utan-stadsdel", "jobbtorg", "stadsdel", ("kon", ("Kvinna", "Man")),
     {"Andel utan stadsdel": ("",)}),
])
def test_every_exit_reason_and_occupation_is_counted_as_in_the_file(page, params, panel, dim, column, wanted, codes):
    """Imported, then read off the page's table: each shown share's counts equal a count made from the rows."""
    # Per jobbtorg, Stockholm's size (some 8 000 a year): unknowns are a few per cent, so smaller is mostly hidden.
    data = demo_bytes(4000 if dim == "kon" else 16000, [2021, 2022], seed=1)
    rows = read_csv_rows(data)
    rows["jobbtorg"] = _jobbtorg_of(rows)
    store.import_extract(read_extract(data, "demo.csv"), data, "demo.csv", "Demo")
    table = _page_table(page, params, panel)
    heading = {"kon": "Kön", "jobbtorg": "Jobbtorg"}[dim]
    base = rows[rows[wanted[0]].isin(wanted[1])]
    shown = total = 0
    for (year, part), group in list(base.groupby(["ar", dim])) + [((y, "Totalt"), g) for y, g in base.groupby("ar")]:
        for label, accepted in codes.items():
            row = table[(table["År"] == year) & (table[heading] == part) & (table["Mått"] == label)]
            assert len(row) == 1, (year, part, label)
            total += 1
            if "Dold uppgift" in row and row["Dold uppgift"].iloc[0]:  # a hidden small count: not shown
                assert pd.isna(row["Täljare (antal)"].iloc[0])
                continue
            shown += 1
            assert row["Täljare (antal)"].iloc[0] == group[column].isin(accepted).sum(), (year, part, label)
            assert row["Nämnare (antal)"].iloc[0] == len(group), (year, part, label)
    assert shown >= total * 3 // 4  # most are shown


@pytest.mark.parametrize("panel, heading, column, missing", [
    ("stadsdel-ar", "Stadsdelsområde", "stadsdel", schema.SAKNAR_STADSDEL),
    ("alder-nadda", "Ålder", "alder", schema.SAKNAR_ALDER),
])
def test_districts_and_ages_are_counted_as_in_the_file(panel, heading, column, missing):
    """Stadsdelar's reach per stadsdelsområde and per age, read off the page's table: the reached and the sought
    behind each share equal counts made from the rows (an empty cell is Saknar stadsdel, Saknar ålder)."""
    data = demo_bytes(6000, [2021, 2022], seed=3)
    rows = read_csv_rows(data)
    rows[column] = rows[column].replace("", missing)
    store.import_extract(read_extract(data, "demo.csv"), data, "demo.csv", "Demo")
    table = _page_table("pages/stadsdelar.py", {}, panel)
    sought = rows[rows["nadd"].isin(("ja", "nej"))]
    shown = total = 0
    for (year, part), group in list(sought.groupby(["ar", column])) + [((y, "Totalt"), g)
                                                                       for y, g in sought.groupby("ar")]:
        row = table[(table["År"] == year) & (table[heading] == str(part)) & (table["Mått"] == "Andel nådda")]
        assert len(row) == 1, (year, part)
        total += 1
        if "Dold uppgift" in row and row["Dold uppgift"].iloc[0]:
            assert pd.isna(row["Täljare (antal)"].iloc[0])
            continue
        shown += 1
        assert row["Täljare (antal)"].iloc[0] == (group["nadd"] == "ja").sum(), (year, part)
        assert row["Nämnare (antal)"].iloc[0] == len(group), (year, part)
    assert shown >= total * 3 // 4
