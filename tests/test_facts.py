"""normalize_facts: Swedish errors that point at the row and column of the file; old spellings."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from kaa import schema
from kaa.facts import FACT_COLUMNS, FactsError, normalize_facts
from kaa.published import load_published

HEADER = "ar,jobbtorg,kon,verksamhet,measure,value,noggrannhet,kalla,anmarkning"
GOOD_ROWS = [
    "2020,,,Hela KAA,inskrivna,980,exakt,,",
    "2020,Jobbtorg Kista,,Hela KAA,avslutade,125,exakt,,",
]


def write_csv(tmp_path, lines) -> Path:
    path = tmp_path / "facts.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def errors_for(tmp_path, bad_line: str, position: int = 2) -> str:
    """Put bad_line at 0-based data position `position`; in the file (header = row 1) that is row position + 2."""
    lines = list(GOOD_ROWS)
    lines.insert(position, bad_line)
    path = write_csv(tmp_path, lines)
    with pytest.raises(FactsError) as caught:
        load_published(path)
    return str(caught.value)


# Each case: the bad row, the column the error must name, the value it must quote.
BAD_ROWS = {
    "unknown measure": ("2020,,,Hela KAA,nådda,5,exakt,,", "measure", "nådda"),
    "unknown measure (typo)": ("2020,,,Hela KAA,inskrivn,5,exakt,,", "measure", "inskrivn"),
    "year not a number": ("20x0,,,Hela KAA,inskrivna,5,exakt,,", "ar", "20x0"),
    "year with decimals": ("2020.5,,,Hela KAA,inskrivna,5,exakt,,", "ar", "2020.5"),
    "year empty": (",,,Hela KAA,inskrivna,5,exakt,,", "ar", ""),
    "unknown jobbtorg": ("2020,Jobbtorg Mars,,Hela KAA,inskrivna,5,exakt,,", "jobbtorg", "Jobbtorg Mars"),
    "unknown kon": ("2020,,Annat,Hela KAA,inskrivna,5,exakt,,", "kon", "Annat"),
    "unknown verksamhet": ("2020,,,Skolan,inskrivna,5,exakt,,", "verksamhet", "Skolan"),
    "share above 1": ("2020,,,Hela KAA,andel_studier,1.2,publicerad andel,,", "value", "1.2"),
    "share above 1 with comma": ("2020,,,Hela KAA,andel_studier,\"1,2\",publicerad andel,,", "value", "1,2"),
    "share as percent": ("2020,,,Hela KAA,andel_studier,44,publicerad andel,,", "value", "44"),
    "negative count": ("2020,,,Hela KAA,inskrivna,-3,exakt,,", "value", "-3"),
    "fractional count": ("2020,,,Hela KAA,inskrivna,2.5,exakt,,", "value", "2.5"),
    "empty value": ("2020,,,Hela KAA,inskrivna,,exakt,,", "value", ""),
    "unknown accuracy": ("2020,,,Hela KAA,inskrivna,5,cirka,,", "noggrannhet", "cirka"),
}


@pytest.mark.parametrize("position", [0, 2])
@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_error_names_file_row_and_column_in_swedish(tmp_path, case, position):
    bad_line, column, value = BAD_ROWS[case]
    message = errors_for(tmp_path, bad_line, position)
    file_row = position + 2  # the header is row 1
    assert message.startswith(f"Rad {file_row}, kolumn ”{column}”"), message
    assert f"värdet ”{value}”" in message
    assert "inte giltigt" in message and "Förväntat" in message
    assert "\n" not in message  # one problem, one line
    for english in ("Row", "row ", "column", "invalid", "expected"):
        assert english not in message


def test_every_problem_is_listed_with_its_own_row(tmp_path):
    path = write_csv(tmp_path, [
        GOOD_ROWS[0],
        "2020,,,Hela KAA,foo,5,exakt,,",
        GOOD_ROWS[1],
        "2019,Jobbtorg Mars,,Hela KAA,inskrivna,-1,exakt,,",
    ])
    with pytest.raises(FactsError) as caught:
        load_published(path)
    lines = str(caught.value).splitlines()
    assert len(lines) == 3
    assert any(line.startswith("Rad 3, kolumn ”measure”") for line in lines)
    assert any(line.startswith("Rad 5, kolumn ”jobbtorg”") for line in lines)
    assert any(line.startswith("Rad 5, kolumn ”value”") for line in lines)


def test_expected_values_are_explained(tmp_path):
    message = errors_for(tmp_path, "2020,Jobbtorg Mars,,Hela KAA,inskrivna,5,exakt,,")
    for name in schema.JOBBTORG_NAMES:
        assert name in message
    assert "andel mellan 0 och 1" in errors_for(tmp_path, "2020,,,Hela KAA,andel_arbete,2,exakt,,")
    assert "heltal" in errors_for(tmp_path, "2020,,,Hela KAA,avslutade,-2,exakt,,")


def test_duplicate_rows_name_both_rows(tmp_path):
    path = write_csv(tmp_path, [GOOD_ROWS[0], GOOD_ROWS[1], "2020,,,Hela KAA,inskrivna,981,exakt,,"])
    with pytest.raises(FactsError) as caught:
        load_published(path)
    message = str(caught.value)
    assert "Samma mått förekommer flera gånger" in message
    assert "rader 2, 4" in message


def test_old_and_new_spelling_of_the_same_jobbtorg_are_duplicates(tmp_path):
    path = write_csv(tmp_path, [
        "2019,Jobbtorg Skärholmen ung,,Hela KAA,inskrivna,168,exakt,,",
        "2019,Jobbtorg Skärholmen,,Hela KAA,inskrivna,168,exakt,,",
    ])
    with pytest.raises(FactsError, match="rader 2, 3"):
        load_published(path)


def test_same_measure_for_different_groups_is_not_a_duplicate(tmp_path):
    path = write_csv(tmp_path, [
        "2020,,,Hela KAA,inskrivna,980,exakt,,",
        "2020,,,Aim,inskrivna,296,exakt,,",
        "2020,,Man,Hela KAA,inskrivna,571,exakt,,",
        "2019,,,Hela KAA,inskrivna,1023,exakt,,",
    ])
    assert len(load_published(path)) == 4


def test_missing_required_columns():
    with pytest.raises(FactsError, match="Kolumner saknas: measure"):
        normalize_facts(pd.DataFrame({"ar": ["2020"], "value": ["1"]}))


def test_valid_frame_is_normalised():
    raw = pd.DataFrame({
        "ar": ["2020", " 2019 ", "2020"],
        "jobbtorg": ["", "Jobbtorg unga Kista", ""],
        "kon": ["", "", "Man"],
        "verksamhet": ["", "Hela KAA", "Aim"],
        "measure": ["andel_studier", "inskrivna", "avslutade"],
        "value": ["0,44", "224", "12"],
        "noggrannhet": ["publicerad andel", "", "härledd"],
    })
    out = normalize_facts(raw)
    assert list(out.columns) == FACT_COLUMNS
    assert out["ar"].tolist() == [2020, 2019, 2020]
    assert out["value"].tolist() == [0.44, 224.0, 12.0]
    assert out["verksamhet"].tolist() == ["Hela KAA", "Hela KAA", "Aim"]
    assert out["noggrannhet"].tolist() == ["publicerad andel", "exakt", "härledd"]
    assert out["jobbtorg"].iloc[1] == "Jobbtorg Kista"
    assert pd.isna(out["jobbtorg"].iloc[0]) and pd.isna(out["kon"].iloc[0])  # empty = not broken down
    assert out["kon"].iloc[2] == "Man"


def test_zero_is_a_valid_count_and_share():
    raw = pd.DataFrame({"ar": ["2020", "2020"], "measure": ["inskrivna", "andel_annan"], "value": ["0", "0"]})
    out = normalize_facts(raw)
    assert out["value"].tolist() == [0.0, 0.0]
    assert not math.isnan(out["value"].iloc[0])


# --- Spellings of jobbtorg --------------------------------------------------------

@pytest.mark.parametrize("spelling,current", [
    ("Jobbtorg Skärholmen ung", "Jobbtorg Skärholmen"),
    ("Jobbtorg unga Skärholmen", "Jobbtorg Skärholmen"),
    ("Jobbtorg unga Kista", "Jobbtorg Kista"),
    ("Jobbtorg Kista ung", "Jobbtorg Kista"),
    ("Jobbtorg unga Globen", "Jobbtorg Globen"),
    ("Jobbtorg Globen ung", "Jobbtorg Globen"),
    ("Jobbtorg unga City", "Jobbtorg City"),
    ("Jobbtorg unga Vällingby", "Jobbtorg Vällingby"),
    ("Saknas", "Saknar stadsdel"),
    ("okänd stadsdel", "Saknar stadsdel"),
    ("  jobbtorg   SKÄRHOLMEN  ung ", "Jobbtorg Skärholmen"),  # case and spacing do not matter
    ("jobbtorg kista", "Jobbtorg Kista"),
])
def test_old_spellings_map_to_todays_name(spelling, current):
    assert schema.normalize_jobbtorg(spelling) == current


@pytest.mark.parametrize("name", schema.JOBBTORG_NAMES)
def test_current_names_are_kept(name):
    assert schema.normalize_jobbtorg(name) == name


@pytest.mark.parametrize("name", ["Jobbtorg Mars", "Skärholmen", "Jobbtorg", "Totalt"])
def test_unknown_spelling_is_none(name):
    assert schema.normalize_jobbtorg(name) is None


def test_normalize_facts_maps_old_spellings(tmp_path):
    path = write_csv(tmp_path, [
        "2019,Jobbtorg Skärholmen ung,,Hela KAA,inskrivna,168,exakt,,",
        "2020,jobbtorg unga kista,,Hela KAA,inskrivna,165,exakt,,",
    ])
    facts = load_published(path)
    assert facts["jobbtorg"].tolist() == ["Jobbtorg Skärholmen", "Jobbtorg Kista"]
