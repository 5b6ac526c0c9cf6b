"""`python -m kaa` run as a user would: a subprocess from the repository root."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kaa import schema

REPO_ROOT = Path(__file__).resolve().parent.parent
REPORT_ORDER = [
    "Jobbtorg Globen", "Jobbtorg Skärholmen", "Jobbtorg City", "Jobbtorg Vällingby",
    "Jobbtorg Kista", "Saknar stadsdel", "Totalt",
]


@pytest.fixture
def run(kaa_data_dir):
    def _run(*args: str) -> subprocess.CompletedProcess:
        env = dict(os.environ, KAA_DATA_DIR=str(kaa_data_dir), PYTHONIOENCODING="utf-8")
        return subprocess.run([sys.executable, "-m", "kaa", *args], cwd=REPO_ROOT, env=env,
                              capture_output=True, text=True, encoding="utf-8", timeout=120)
    return _run


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def row_for(rows, **match) -> dict[str, str]:
    hits = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(hits) == 1, (match, len(hits))
    return hits[0]


# --- csv -----------------------------------------------------------------------

@pytest.fixture
def jobbtorg_2020(run):
    text = ok(run("table", "--year", "2020", "--by", "jobbtorg", "--format", "csv"))
    return text, parse_csv(text)


def test_csv_header_and_report_order(jobbtorg_2020):
    text, rows = jobbtorg_2020
    header = next(csv.reader(io.StringIO(text)))
    assert header[:2] == ["ar", "jobbtorg"]
    assert set(schema.MEASURE_NAMES) <= set(header)
    assert [r["jobbtorg"] for r in rows] == REPORT_ORDER
    assert {r["ar"] for r in rows} == {"2020"}


def test_csv_counts_are_integers_as_text(jobbtorg_2020):
    _, rows = jobbtorg_2020
    globen = row_for(rows, jobbtorg="Jobbtorg Globen")
    assert globen["inskrivna"] == "223"
    assert globen["avslutade"] == "168"
    totalt = row_for(rows, jobbtorg="Totalt")
    assert totalt["registrerade"] == "8452"
    assert totalt["avslut_studier"] == "328"
    for row in rows:
        for name in schema.COUNT_NAMES:
            assert row[name] == "" or row[name].isdigit(), (row["jobbtorg"], name, row[name])


def test_csv_shares_are_recomputed_with_four_decimals(jobbtorg_2020):
    _, rows = jobbtorg_2020
    assert row_for(rows, jobbtorg="Jobbtorg Kista")["andel_avslutade"] == "0.7576"
    assert row_for(rows, jobbtorg="Totalt")["andel_studier"] == "0.4391"
    seen = 0
    for row in rows:
        for name in schema.SHARE_NAMES:
            if row[name]:
                whole, _, decimals = row[name].partition(".")
                assert whole in ("0", "1") and len(decimals) >= 4 and decimals.isdigit(), row[name]
                seen += 1
    assert seen >= 4 * len(rows)


def test_csv_missing_figures_are_empty_never_zero(jobbtorg_2020):
    _, rows = jobbtorg_2020
    kista = row_for(rows, jobbtorg="Jobbtorg Kista")
    assert kista["registrerade"] == ""
    assert kista["nadda"] == ""
    assert kista["andel_nadda"] == ""
    assert row_for(rows, jobbtorg="Totalt")["avslut_annan"] == ""
    for row in rows:
        for name in schema.MEASURE_NAMES:
            assert row[name] not in ("0", "0.0", "0.0000", "nan", "NaN", "<NA>"), (row["jobbtorg"], name)


def test_two_years(run):
    rows = parse_csv(ok(run("table", "--year", "2019", "--year", "2020", "--format", "csv")))
    assert [r["ar"] for r in rows] == ["2019", "2020"]
    assert [r["registrerade"] for r in rows] == ["8724", "8452"]
    assert [r["nyinskrivna"] for r in rows] == ["587", "661"]
    assert rows[0]["kontakt_brev"] == ""  # 2019 has no letter count
    assert rows[1]["kontakt_brev"] == "6800"


def test_two_years_by_jobbtorg_keeps_each_years_order(run):
    rows = parse_csv(ok(run("table", "--year", "2019", "--year", "2020", "--by", "jobbtorg", "--format", "csv")))
    assert [(r["ar"], r["jobbtorg"]) for r in rows] == [(y, n) for y in ("2019", "2020") for n in REPORT_ORDER]
    assert row_for(rows, ar="2019", jobbtorg="Jobbtorg Skärholmen")["inskrivna"] == "168"


def test_one_year_only(run):
    rows = parse_csv(ok(run("table", "--year", "2019", "--format", "csv")))
    assert [r["ar"] for r in rows] == ["2019"]


def test_yoy_by_kon(run):
    rows = parse_csv(ok(run("table", "--year", "2019", "--year", "2020", "--by", "kon", "--yoy",
                            "--format", "csv")))
    assert [(r["ar"], r["kon"]) for r in rows] == [
        ("2019", "Kvinna"), ("2019", "Man"), ("2019", "Totalt"),
        ("2020", "Kvinna"), ("2020", "Man"), ("2020", "Totalt"),
    ]
    total = row_for(rows, ar="2020", kon="Totalt")
    assert total["nadda_forandring"] == "-688"
    assert float(total["andel_nadda_forandring"]) == pytest.approx(-0.0208, abs=0.00005)
    assert total["registrerade_forandring"] == "-272"
    assert row_for(rows, ar="2020", kon="Kvinna")["nadda_forandring"] == "-332"
    assert row_for(rows, ar="2020", kon="Kvinna")["registrerade_forandring"] == ""  # no 2019 split
    for row in rows:
        if row["ar"] == "2019":
            assert row["nadda_forandring"] == ""
            assert row["andel_nadda_forandring"] == ""
    assert "jamfort_med_ar" not in rows[0]


def test_yoy_for_a_single_year_compares_with_the_year_before(run):
    rows = parse_csv(ok(run("table", "--year", "2020", "--yoy", "--measures", "nadda,andel_studier",
                            "--format", "csv")))
    assert len(rows) == 1
    assert list(rows[0]) == ["ar", "nadda", "andel_studier", "nadda_forandring", "andel_studier_forandring"]
    assert rows[0]["nadda_forandring"] == "-688"
    assert rows[0]["andel_studier_forandring"] == "-0.0426"


def test_measures_and_verksamhet(run):
    rows = parse_csv(ok(run("table", "--verksamhet", "Aim", "--measures", "inskrivna,avslutade,andel_studier",
                            "--format", "csv")))
    assert list(rows[0]) == ["ar", "inskrivna", "avslutade", "andel_studier"]
    assert [(r["inskrivna"], r["avslutade"], r["andel_studier"]) for r in rows] == [
        ("308", "211", "0.6200"), ("296", "187", "0.5900")]
    lower = parse_csv(ok(run("table", "--verksamhet", "aim", "--measures", "inskrivna", "--format", "csv")))
    assert [r["inskrivna"] for r in lower] == ["308", "296"]


# --- json ------------------------------------------------------------------------

def test_json_is_valid_with_null_for_missing(run):
    records = json.loads(ok(run("table", "--year", "2020", "--by", "jobbtorg", "--format", "json")))
    assert isinstance(records, list) and len(records) == 7
    kista = next(r for r in records if r["jobbtorg"] == "Jobbtorg Kista")
    assert kista["registrerade"] is None
    assert kista["andel_nadda"] is None
    assert kista["inskrivna"] == 165 and isinstance(kista["inskrivna"], int)
    assert kista["andel_avslutade"] == pytest.approx(125 / 165, abs=1e-6)
    assert records[-1]["jobbtorg"] == "Totalt"
    assert records[-1]["registrerade"] == 8452


# --- markdown ----------------------------------------------------------------------

def test_markdown_uses_swedish_formatting(run):
    text = ok(run("table", "--year", "2020"))  # markdown is the default
    assert "8\u00a0452" in text
    assert "43,9\u00a0%" in text
    assert "0.4391" not in text
    assert text.splitlines()[0].startswith("| År |")
    skarholmen = ok(run("table", "--year", "2019", "--by", "jobbtorg", "--format", "markdown"))
    assert "44,5\u00a0%" in skarholmen
    assert "| 2019 | Jobbtorg Skärholmen |" in skarholmen


def test_markdown_missing_is_a_dash_and_changes_are_signed(run):
    text = ok(run("table", "--by", "kon", "--yoy", "--measures", "registrerade,nadda,andel_nadda",
                  "--format", "markdown"))
    lines = text.splitlines()
    kvinna_2019 = next(line for line in lines if line.startswith("| 2019 | Kvinna |"))
    assert "| – |" in kvinna_2019
    totalt_2020 = next(line for line in lines if line.startswith("| 2020 | Totalt |"))
    assert "\u2212688" in totalt_2020
    assert "\u22122,1\u00a0procentenheter" in totalt_2020
    # Why: the report gives registrerade per kön for 2020 only.
    assert lines[-2:] == ["", "Saknas (–): Källan redovisar inte registrerade per kön för 2019."]


def test_markdown_says_why_under_the_table_csv_and_json_stay_data(run):
    args = ("table", "--by", "jobbtorg", "--year", "2020", "--measures", "sokta,kontakt_brev,andel_studier")
    text = ok(run(*args))
    assert text.splitlines()[-1] == "Saknas (–): Källan redovisar inte sökta och brev per jobbtorg för 2020."
    assert ok(run(*args, "--format", "csv")).splitlines()[-1].startswith("2020,Totalt,5028,6800,")
    assert json.loads(ok(run(*args, "--format", "json")))[0]["sokta"] is None


def test_markdown_keeps_the_qualifier_of_approximate_counts_csv_the_number(run):
    args = ("table", "--year", "2020", "--measures", "kontakt_brev,kontakt_hembesok")
    assert "| 2020 | minst 6\u00a0800 | 83 |" in ok(run(*args))
    assert ok(run(*args, "--format", "csv")).splitlines() == ["ar,kontakt_brev,kontakt_hembesok", "2020,6800,83"]


# --- errors -----------------------------------------------------------------------

ERRORS = {
    "unknown year": (["table", "--year", "2018"], "år"),
    "year not a number": (["table", "--year", "tjugo"], "år"),
    "unknown measure": (["table", "--measures", "nadda,nådda"], "mått"),
    "unknown dimension": (["table", "--by", "stadsdelsomrade"], "dimension"),
    "verksamhet is no dimension": (["table", "--by", "verksamhet"], "dimension"),
    "unknown verksamhet": (["table", "--verksamhet", "Gymnasiet"], "verksamhet"),
    "unknown flag": (["table", "--bogus"], "okända argument"),
    "unknown format": (["table", "--format", "xml"], "format"),
    "missing value": (["table", "--year"], "saknas"),
}
ENGLISH = ("error", "usage", "invalid", "unrecognized", "expected", "choose from", "argument(s)", "required")


def assert_swedish_usage_error(result: subprocess.CompletedProcess, word: str) -> None:
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    message = result.stderr.strip()
    assert "\n" not in message, message
    assert message.startswith("fel:"), message
    assert word in message
    for english in ENGLISH:
        assert english not in message.lower(), message


@pytest.mark.parametrize("case", list(ERRORS))
def test_usage_errors_are_one_swedish_line(run, case):
    args, word = ERRORS[case]
    assert_swedish_usage_error(run(*args), word)


def test_unknown_year_lists_the_available_years(run):
    message = run("table", "--year", "2018").stderr
    assert "2019" in message and "2020" in message


def test_unknown_command_is_a_swedish_error(run):
    assert_swedish_usage_error(run("tabell"), "tabell")


# --- help --------------------------------------------------------------------------

@pytest.mark.parametrize("args", [["--help"], ["table", "--help"]], ids=["--help", "table --help"])
def test_help_lists_every_measure(run, args):
    text = ok(run(*args))
    assert "python -m kaa" in text
    missing = [name for name in schema.MEASURE_NAMES if name not in text]
    assert missing == []


def test_table_help_has_one_usage_prefix(run):
    text = ok(run("table", "--help"))
    assert text.count("Användning:") == 1, text.splitlines()[0]
    assert "Användning: python -m kaa table" in text


def test_a_table_by_stadsdel_or_alder_counts_as_the_file_and_says_why_the_rest_is_missing(run, tmp_path):
    from kaa import demo

    path = tmp_path / "uttag.csv"
    with open(path, "wb") as handle:
        demo.write(demo.generate(6000, [2021, 2022], seed=4), handle, encoding="cp1252")
    ok(run("import", str(path)))
    with open(path, encoding="cp1252", newline="") as handle:
        people = [row for row in csv.DictReader(handle, delimiter=";") if row["ar"] == "2022"]
    for dimension, empty in (("stadsdel", schema.SAKNAR_STADSDEL), ("alder", schema.SAKNAR_ALDER)):
        rows = parse_csv(ok(run("table", "--by", dimension, "--year", "2022", "--format", "csv",
                                "--measures", "registrerade,ej_nadda,inskrivna")))
        assert [r[dimension] for r in rows][-1] == schema.TOTALT
        shown = 0
        for row in rows[:-1]:
            mine = [p for p in people if (p[dimension] or empty) == row[dimension]]
            assert row["inskrivna"] == ""  # not published per stadsdel or age
            if not row["registrerade"].isdigit():  # hidden (..) with a small count elsewhere
                continue
            shown += 1
            assert int(row["registrerade"]) == len(mine), row
            if row["ej_nadda"].isdigit():
                assert int(row["ej_nadda"]) == sum(p["nadd"] == "nej" for p in mine), row
        assert shown >= len(rows) - 3
        assert int(rows[-1]["inskrivna"]) == sum(p["inskriven"] == "ja" for p in people)
    # Aim per stadsdel: each shown count is the file's; a hidden one is a symbol, never a number.
    rows = json.loads(ok(run("table", "--by", "stadsdel", "--year", "2022", "--verksamhet", "Aim", "--format", "json",
                             "--measures", "inskrivna,avslutade")))
    rows = rows["rows"] if isinstance(rows, dict) else rows
    shown = 0
    for row in rows[:-1]:
        mine = [p for p in people if (p["stadsdel"] or schema.SAKNAR_STADSDEL) == row["stadsdel"]]
        assert row["avslutade"] is None  # Aim's other figures are not kept per stadsdel
        if isinstance(row["inskrivna"], (int, float)):
            shown += 1
            assert row["inskrivna"] == sum(p["verksamhet"] == "Aim" and p["inskriven"] == "ja" for p in mine), row
    assert shown >= 5
    text = ok(run("table", "--by", "stadsdel,kon", "--year", "2022", "--measures", "registrerade"))
    assert "inte samtidigt per jobbtorg, kön" in text
    text = ok(run("table", "--by", "alder", "--year", "2020", "--measures", "registrerade"))
    assert "Källan redovisar inte registrerade per ålder för 2020." in text  # the report has no ages
