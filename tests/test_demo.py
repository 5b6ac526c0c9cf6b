"""kaa.demo: synthetic register extracts (generate, write, parse_years)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from kaa import cli, demo, schema
from kaa.extract.dates import date_code

REPO_ROOT = Path(__file__).resolve().parent.parent
COLUMNS_WITHOUT_DATES = [
    "ar", "person_id", "kon", "alder", "stadsdel", "jobbtorg", "nadd", "sysselsattning",
    "inskriven", "nyinskriven", "verksamhet", "avslutad", "avslutsorsak",
]
DATE_COLUMNS = ["registrerad_datum", "avregistrerad_datum", "uppsok_datum", "nadd_datum", "inskriven_datum",
                "avslut_datum"]
EXPECTED_COLUMNS = COLUMNS_WITHOUT_DATES + DATE_COLUMNS
ROWS = 20_000
YEARS = list(range(2016, 2026))
TOLERANCE = 0.03  # percentage points, as a fraction


def _frame(table: pa.Table) -> pd.DataFrame:
    """All columns as text, empty cells as "" (what a CSV round trip gives back)."""
    frame = table.to_pandas()
    return frame.astype(object).where(frame.notna(), "").astype(str)


@pytest.fixture(scope="module")
def table() -> pa.Table:
    return demo.generate(ROWS, YEARS, seed=0, dates=True)


@pytest.fixture(scope="module")
def df(table) -> pd.DataFrame:
    return _frame(table)


@pytest.fixture(scope="module")
def mapping() -> dict[str, str]:
    frame = pd.read_csv(REPO_ROOT / "data" / "stadsdel_jobbtorg.csv", dtype=str)
    return dict(zip(frame["stadsdel"], frame["jobbtorg"]))


# --- generate: shape and determinism -----------------------------------------------


def test_columns_exactly_in_order(table):
    assert table.column_names == EXPECTED_COLUMNS
    assert list(demo.COLUMNS) == EXPECTED_COLUMNS
    assert table.num_rows == ROWS


def test_same_seed_same_table_other_seed_other_table():
    first = demo.generate(3_000, [2019, 2020], seed=7)
    assert first.equals(demo.generate(3_000, [2019, 2020], seed=7))
    assert not first.equals(demo.generate(3_000, [2019, 2020], seed=8))


def test_rows_spread_evenly_over_the_years(df):
    counts = df["ar"].astype(int).value_counts()
    assert sorted(counts.index) == YEARS
    assert set(counts) == {ROWS // len(YEARS)}


def test_uneven_rows_and_more_years_than_rows():
    counts = demo.generate(1_003, range(2016, 2026)).column("ar").to_pandas().value_counts()
    assert counts.sum() == 1_003 and counts.max() - counts.min() == 1
    few = demo.generate(3, [2018, 2019, 2020, 2021, 2022])
    assert few.num_rows == 3
    assert demo.generate(0, [2020], dates=True).column_names == EXPECTED_COLUMNS


def test_years_given_as_a_list_or_range():
    table = demo.generate(100, [2020, 2019])
    assert set(table.column("ar").to_pylist()) == {2019, 2020}
    assert set(demo.generate(100, range(2020, 2021)).column("ar").to_pylist()) == {2020}


@pytest.mark.parametrize("rows, years", [(-1, [2020]), (1.5, [2020]), ("10", [2020]), (10, [])])
def test_generate_rejects_bad_arguments(rows, years):
    with pytest.raises(ValueError):
        demo.generate(rows, years)


# --- generate: constraints ------------------------------------------------------------


def test_ids_are_clearly_synthetic(df):
    assert df["person_id"].str.fullmatch(r"DEMO-\d{7}").all()
    # Nothing that could pass for a personnummer (10 or 12 digits in a row).
    assert not df["person_id"].str.contains(r"\d{10}").any()


def test_no_person_twice_in_a_year(df):
    assert not df.duplicated(["ar", "person_id"]).any()


def test_persons_recur_across_years_with_the_same_gender_and_a_year_older(df):
    per_person = df.groupby("person_id")
    assert (per_person.size() > 1).mean() > 0.2
    assert (per_person["kon"].nunique() == 1).all()
    recurring = df[df.duplicated("person_id", keep=False)].assign(
        ar=lambda f: f["ar"].astype(int), alder=lambda f: f["alder"].astype(int))
    spread = recurring.groupby("person_id").agg(
        ar_min=("ar", "min"), ar_max=("ar", "max"), alder_min=("alder", "min"), alder_max=("alder", "max"))
    assert ((spread["ar_max"] - spread["ar_min"]) == (spread["alder_max"] - spread["alder_min"])).all()


def test_codes_are_the_extract_formats(df, mapping):
    assert set(df["kon"]) == set(schema.KON_VALUES)
    assert df["alder"].astype(int).between(15, 20).all()
    assert set(df["stadsdel"]) - {""} == set(mapping)
    assert set(df["jobbtorg"]) - {""} == set(mapping.values())
    assert set(df["nadd"]) == {"ja", "nej", ""}
    assert set(df["sysselsattning"]) - {""} == {"studier", "arbete", "utlandsstudier", "annan", "ingen", "okänd"}
    assert set(df["inskriven"]) == {"ja", "nej"}
    assert set(df["nyinskriven"]) == set(df["avslutad"]) == {"ja", "nej", ""}
    assert set(df["verksamhet"]) - {""} == {"Jobbtorg", "Aim", "Skolslussen"}
    assert set(df["avslutsorsak"]) - {""} == {
        "studier", "arbete", "annan sysselsättning", "vidare till jobbtorg 20–29",
        "flyttat", "fyllt 20", "okänd"}


def test_jobbtorg_matches_stadsdel_or_is_left_for_the_reader(df, mapping):
    both = df[(df["stadsdel"] != "") & (df["jobbtorg"] != "")]
    assert (both["stadsdel"].map(mapping) == both["jobbtorg"]).all()
    only_stadsdel = (df["stadsdel"] != "") & (df["jobbtorg"] == "")
    only_jobbtorg = (df["stadsdel"] == "") & (df["jobbtorg"] != "")
    neither = (df["stadsdel"] == "") & (df["jobbtorg"] == "")
    assert 0.05 < only_stadsdel.mean() < 0.3
    assert 0 < only_jobbtorg.mean() < 0.05
    assert 0 < neither.mean() < 0.2


def test_conditional_columns_are_empty_exactly_when_they_should_be(df):
    reached = df["nadd"] == "ja"
    enrolled = df["inskriven"] == "ja"
    left = df["avslutad"] == "ja"
    assert ((df["sysselsattning"] != "") == reached).all()
    for column in ("nyinskriven", "verksamhet", "avslutad"):
        assert ((df[column] != "") == enrolled).all(), column
    assert ((df["avslutsorsak"] != "") == left).all()
    assert not (left & ~enrolled).any()


def test_not_first_enrolled_again_the_year_after_being_enrolled(df):
    enrolled = df[df["inskriven"] == "ja"][["ar", "person_id", "nyinskriven"]].assign(ar=lambda f: f["ar"].astype(int))
    before = enrolled.assign(ar=enrolled["ar"] + 1)[["ar", "person_id"]]
    again = enrolled.merge(before, on=["ar", "person_id"])
    assert len(again) > 0
    assert (again["nyinskriven"] == "nej").all()


def _share(mask: pd.Series, base: pd.Series | None = None) -> float:
    return float(mask[base].mean()) if base is not None else float(mask.mean())


def test_proportions_resemble_stockholm_2020(df):
    sought = df["nadd"] != ""
    reached = df["nadd"] == "ja"
    enrolled = df["inskriven"] == "ja"
    left = df["avslutad"] == "ja"
    occupied = df["sysselsattning"].isin(["studier", "arbete", "utlandsstudier", "annan"])
    reason = df["avslutsorsak"]
    expected = {
        "kvinna": (_share(df["kon"] == "Kvinna"), 3903 / 8452),
        "sokta": (_share(sought), 5028 / 8452),
        "nadda av sokta": (_share(reached, sought), 2635 / 5028),
        "sysselsatta av nadda": (_share(occupied, reached), 0.69),
        "inskrivna": (_share(enrolled), 980 / 8452),
        "nyinskrivna av inskrivna": (_share(df["nyinskriven"] == "ja", enrolled), 661 / 980),
        "avslutade av inskrivna": (_share(left, enrolled), 747 / 980),
        "studier av avslutade": (_share(reason == "studier", left), 328 / 747),
        "arbete av avslutade": (_share(reason == "arbete", left), 125 / 747),
        "annan av avslutade": (_share(reason == "annan sysselsättning", left), 0.07),
        "aim av inskrivna": (_share(df["verksamhet"] == "Aim", enrolled), 296 / 980),
    }
    off = {name: (round(got, 3), round(want, 3)) for name, (got, want) in expected.items()
           if abs(got - want) > TOLERANCE}
    assert not off, off


def test_jobbtorg_shares_resemble_the_reports_inskrivna(df, mapping):
    jobbtorg = df["jobbtorg"].where(df["jobbtorg"] != "", df["stadsdel"].map(mapping)).fillna(schema.SAKNAR_STADSDEL)
    shares = jobbtorg.value_counts(normalize=True)
    # Inskrivna per jobbtorg in the report, 2019 and 2020 together (section 7.1).
    report = pd.Series({"Jobbtorg Globen": 490, "Jobbtorg Skärholmen": 332, "Jobbtorg City": 305,
                        "Jobbtorg Vällingby": 270, "Jobbtorg Kista": 389, schema.SAKNAR_STADSDEL: 217})
    report = report / report.sum()
    assert set(shares.index) == set(schema.JOBBTORG_NAMES)
    assert (shares.reindex(report.index) - report).abs().max() < TOLERANCE


def test_large_row_counts_keep_ids_unique_per_year():
    table = demo.generate(200_000, [2020, 2021], seed=3, dates=True)
    frame = table.select(["ar", "person_id"]).to_pandas()
    assert not frame.duplicated().any()
    assert frame["person_id"].str.startswith("DEMO-").all()


# --- generate: dates -------------------------------------------------------------------

EPOCH = dt.date(1970, 1, 1)
STARTS = ("registrerad_datum", "uppsok_datum", "inskriven_datum")  # may lie before the year (or be empty)
EVENTS = ("avregistrerad_datum", "nadd_datum", "avslut_datum")      # lie in the year
#: (earlier, later) pairs of the extract format's order rules.
ORDER = [("registrerad_datum", "uppsok_datum"), ("uppsok_datum", "nadd_datum"), ("registrerad_datum", "nadd_datum"),
         ("registrerad_datum", "inskriven_datum"), ("inskriven_datum", "avslut_datum"),
         ("registrerad_datum", "avslut_datum"),
         *((name, "avregistrerad_datum") for name in DATE_COLUMNS if name != "avregistrerad_datum")]
DATE_YEARS = [[2018, 2019, 2020, 2021, 2022], [2016, 2017, 2020]]  # the second with a gap


def _days(frame: pd.DataFrame) -> pd.DataFrame:
    """The date columns as day numbers (days since 1970-01-01), parsed from their ISO text; empty is -1."""
    out = pd.DataFrame(index=frame.index)
    for column in DATE_COLUMNS:
        text = frame[column]
        given = text != ""
        assert text[given].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all(), column
        days = {value: (dt.date.fromisoformat(value) - EPOCH).days for value in set(text[given])}
        out[column] = text.map(days).fillna(-1).astype(int)
    return out


def _bounds(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Per row the first and the last day of its statistics year (1 December before … 30 November)."""
    years = frame["ar"].astype(int)
    first = {y: (dt.date(y - 1, 12, 1) - EPOCH).days for y in set(years)}
    last = {y: (dt.date(y, 11, 30) - EPOCH).days for y in set(years)}
    return years.map(first), years.map(last)


@pytest.fixture(scope="module", params=DATE_YEARS, ids=["five-years", "with-a-gap"])
def dated(request) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = _frame(demo.generate(6_000, request.param, seed=len(request.param), dates=True))
    return frame, _days(frame)


def test_without_dates_the_other_columns_are_the_same():
    table = demo.generate(3_000, [2019, 2020, 2021], seed=5, dates=True)
    plain = demo.generate(3_000, [2019, 2020, 2021], seed=5, dates=False)
    assert plain.column_names == COLUMNS_WITHOUT_DATES == list(demo.COLUMNS_UTAN_DATUM)
    assert table.select(COLUMNS_WITHOUT_DATES).equals(plain)
    assert demo.generate(0, [2020], dates=False).column_names == COLUMNS_WITHOUT_DATES


def test_every_date_is_read_by_the_importer(df):
    values = {value for column in DATE_COLUMNS for value in df[column] if value}
    assert len(values) > 1_000
    assert all(date_code(value) == (dt.date.fromisoformat(value) - EPOCH).days for value in values)


def test_no_date_after_its_year_and_events_in_it(dated):
    frame, days = dated
    first, last = _bounds(frame)
    for column in DATE_COLUMNS:
        given = days[column] >= 0
        assert given.any(), column
        assert (days[column][given] <= last[given]).all(), column
        if column in EVENTS:
            assert (days[column][given] >= first[given]).all(), column
    for column in STARTS:  # a start may lie before the year, and does for some
        assert (days[column].between(0, first - 1)).any(), column
        assert (days[column] >= first).any(), column


def test_dates_only_where_allowed_and_present_where_required(dated):
    frame, days = dated
    allowed = {"uppsok_datum": frame["nadd"].isin(["ja", "nej"]), "nadd_datum": frame["nadd"] == "ja",
               "inskriven_datum": frame["inskriven"] == "ja", "avslut_datum": frame["avslutad"] == "ja"}
    for column, where in allowed.items():
        assert not ((days[column] >= 0) & ~where).any(), column
    for column in ("nadd_datum", "avslut_datum"):
        assert (days[column][allowed[column]] >= 0).all(), column
    allowed["registrerad_datum"] = frame["ar"] != ""
    for column in STARTS:  # empty (= before the year) for some
        assert (days[column][allowed[column]] == -1).any(), column
    first, _ = _bounds(frame)
    new = frame["nyinskriven"] == "ja"
    assert new.any() and (days["inskriven_datum"][new] >= first[new]).all()


def test_dates_keep_their_order(dated):
    _, days = dated
    for earlier, later in ORDER:
        both = (days[earlier] >= 0) & (days[later] >= 0)
        assert both.any(), (earlier, later)
        assert (days[earlier][both] <= days[later][both]).all(), (earlier, later)


def test_about_half_come_from_before_the_year_the_rest_enter_in_every_month(dated):
    frame, days = dated
    first, _ = _bounds(frame)
    registered = days["registrerad_datum"]
    before = registered < first
    per_year = before.groupby(frame["ar"]).mean()
    assert per_year.between(0.38, 0.5).all(), per_year.to_dict()
    entered = ~before
    months = pd.to_datetime(registered[entered], unit="D").dt.month
    assert months.groupby(frame["ar"][entered]).nunique().eq(12).all()
    autumn = months.isin([8, 9, 10]).mean()
    assert 0.3 < autumn < 0.45  # a quarter of the year, more when school starts
    leaving = (days["avregistrerad_datum"] >= 0).groupby(frame["ar"]).mean()
    assert leaving.between(0.25, 0.35).all(), leaving.to_dict()


def test_time_to_reach_is_a_few_weeks_with_a_long_tail(dated):
    frame, days = dated
    first, _ = _bounds(frame)
    placed_in_year = (days["uppsok_datum"] >= first) & (days["nadd_datum"] >= 0)
    weeks = (days["nadd_datum"] - days["uppsok_datum"])[placed_in_year] / 7
    assert 3 <= weeks.median() <= 6, weeks.median()
    assert weeks.quantile(0.95) > 12


def test_dates_follow_the_person_into_the_next_year(dated):
    frame, days = dated
    both = frame.drop(columns=DATE_COLUMNS).assign(ar=frame["ar"].astype(int)).join(days)
    before = both.assign(ar=both["ar"] + 1)
    pairs = both.merge(before, on=["ar", "person_id"], suffixes=("", "_fore"))
    assert len(pairs) > 100
    assert (pairs["avregistrerad_datum_fore"] == -1).all()  # still in the register when the year ended
    given = pairs["registrerad_datum"] >= 0
    assert (pairs["registrerad_datum"][given] == pairs["registrerad_datum_fore"][given]).all()
    went_on = (pairs["inskriven"] == "ja") & (pairs["inskriven_fore"] == "ja") & (pairs["avslutad_fore"] == "nej")
    assert went_on.any()
    assert (pairs["inskriven_datum"][went_on] == pairs["inskriven_datum_fore"][went_on]).all()


@pytest.mark.parametrize("flags, columns", [([], EXPECTED_COLUMNS), (["--utan-datum"], COLUMNS_WITHOUT_DATES)])
def test_demo_command_writes_dates_unless_told_not_to(tmp_path, capsys, flags, columns):
    path = tmp_path / "demo.csv"
    assert cli.main(["demo", "--rows", "200", "--years", "2020,2021", *flags, "--out", str(path)]) == 0
    back = pd.read_csv(path, sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
    assert list(back.columns) == columns and len(back) == 200
    assert "Skrev 200 syntetiska rader" in capsys.readouterr().out


# --- write ---------------------------------------------------------------------------


@pytest.mark.parametrize("encoding, delimiter", [("utf-8", ","), ("utf-8", ";"), ("cp1252", ";"), ("utf-8-sig", "\t")])
def test_write_round_trips(tmp_path, table, df, encoding, delimiter):
    sample = table.slice(0, 5_000)
    path = tmp_path / "utdrag.csv"
    demo.write(sample, path, encoding=encoding, delimiter=delimiter)
    back = pd.read_csv(path, sep=delimiter, encoding=encoding, dtype=str, keep_default_na=False)
    assert list(back.columns) == EXPECTED_COLUMNS
    pd.testing.assert_frame_equal(back, df.iloc[:5_000].reset_index(drop=True), check_dtype=False)


def test_cp1252_file_is_what_swedish_excel_writes(tmp_path, table):
    path = tmp_path / "excel.csv"
    demo.write(table.slice(0, 5_000), path, encoding="cp1252", delimiter=";")
    raw = path.read_bytes()
    assert raw.startswith(b"ar;person_id;kon;alder;stadsdel;jobbtorg;nadd;sysselsattning;"
                          b"inskriven;nyinskriven;verksamhet;avslutad;avslutsorsak;registrerad_datum;"
                          b"avregistrerad_datum;uppsok_datum;nadd_datum;inskriven_datum;avslut_datum\n")
    assert "Östermalm".encode("cp1252") in raw and "Hägersten-Älvsjö".encode("cp1252") in raw
    assert "Ö".encode("utf-8") not in raw  # really Windows-1252, not UTF-8
    assert b'"' not in raw  # nothing needed quoting
    back = pd.read_csv(path, sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
    assert {"Östermalm", "Hägersten-Älvsjö", "Enskede-Årsta-Vantör", "Spånga-Tensta"} <= set(back["stadsdel"])
    assert "vidare till jobbtorg 20–29" in set(back["avslutsorsak"])


def test_cp1252_is_written_in_chunks_without_breaking_rows(tmp_path, monkeypatch, table):
    monkeypatch.setattr(demo, "_CHUNK_ROWS", 777)
    path = tmp_path / "chunks.csv"
    demo.write(table.slice(0, 5_000), path, encoding="cp1252")
    back = pd.read_csv(path, sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
    assert len(back) == 5_000 and list(back.columns) == EXPECTED_COLUMNS
    assert path.read_bytes().count(b"ar;person_id") == 1


def test_values_are_quoted_only_when_needed(tmp_path):
    table = pa.table({"stadsdel": ["Östermalm", "a;b", 'sa "x"', None], "n": [1, 2, 3, 4]})
    path = tmp_path / "quoted.csv"
    demo.write(table, path, encoding="cp1252", delimiter=";")
    back = pd.read_csv(path, sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
    assert back["stadsdel"].tolist() == ["Östermalm", "a;b", 'sa "x"', ""]
    plain = tmp_path / "plain.csv"
    demo.write(table, plain, delimiter=",")  # with "," nothing but the quote needs quoting; still readable
    assert pd.read_csv(plain, dtype=str, keep_default_na=False)["stadsdel"].tolist() == back["stadsdel"].tolist()


def test_write_to_a_binary_file_object_and_crlf(table):
    sink = io.BytesIO()
    demo.write(table.slice(0, 10), sink, encoding="cp1252", eol="\r\n")
    lines = sink.getvalue().split(b"\r\n")
    assert len(lines) == 12 and lines[-1] == b""
    assert lines[0].decode("cp1252").split(";") == EXPECTED_COLUMNS


def test_empty_table_writes_the_header(tmp_path):
    path = tmp_path / "tom.csv"
    demo.write(demo.generate(0, [2020], dates=True), path, encoding="cp1252")
    assert path.read_bytes().decode("cp1252").strip() == ";".join(EXPECTED_COLUMNS)


def test_unencodable_value_is_a_swedish_error_and_leaves_no_file(tmp_path):
    path = tmp_path / "fel.csv"
    with pytest.raises(ValueError, match="teckenkodningen"):
        demo.write(pa.table({"x": ["ok", "€ och ☃"]}), path, encoding="latin-1")
    assert not path.exists()


@pytest.mark.parametrize("options", [{"encoding": "klingon"}, {"delimiter": ";;"}, {"delimiter": '"'}])
def test_write_rejects_bad_options(tmp_path, table, options):
    with pytest.raises(ValueError):
        demo.write(table.slice(0, 1), tmp_path / "x.csv", **options)


# --- parse_years -----------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("2016-2025", list(range(2016, 2026))),
    ("2019,2020", [2019, 2020]),
    (" 2020 , 2019 ", [2019, 2020]),
    ("2020", [2020]),
    ("2016-2018,2020", [2016, 2017, 2018, 2020]),
    ("2016–2018", [2016, 2017, 2018]),
    ("2019 - 2020,2020", [2019, 2020]),
])
def test_parse_years(text, expected):
    assert demo.parse_years(text) == expected


@pytest.mark.parametrize("text", [
    "", "  ", "abc", "2025-2016", "1999", "1999-2001", "2016-", "-2016", "2019;2020", "20",
    "2019,,2020", "2016-2018-2020", str(dt.date.today().year + 2),
])
def test_parse_years_rejects_bad_input_in_swedish(text):
    with pytest.raises(ValueError) as error:
        demo.parse_years(text)
    message = str(error.value)
    assert message and any(word in message for word in ("År", "år", "Intervallet", "Inga"))
    assert "Traceback" not in message
