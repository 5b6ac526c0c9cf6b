"""Unit tests of kaa.metrics on small hand-made facts frames."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kaa import metrics, reasons, schema
from kaa.facts import normalize_facts
from kaa.metrics import Selection
from kaa.reasons import Reason

GLOBEN, CITY, KISTA = "Jobbtorg Globen", "Jobbtorg City", "Jobbtorg Kista"


def make_facts(rows) -> pd.DataFrame:
    """rows: (ar, jobbtorg, kon, measure, value[, verksamhet]) with "" for "not broken down"."""
    records = []
    for row in rows:
        ar, jobbtorg, kon, measure, value, *rest = row
        records.append({"ar": str(ar), "jobbtorg": jobbtorg, "kon": kon, "measure": measure,
                        "value": str(value), "verksamhet": rest[0] if rest else ""})
    return normalize_facts(pd.DataFrame(records))


def value_of(long: pd.DataFrame, measure: str, **group) -> pd.Series:
    mask = long["measure"] == measure
    for column, val in group.items():
        mask &= long[column] == val
    rows = long[mask]
    assert len(rows) == 1, f"{measure} {group}: {len(rows)} rows"
    return rows.iloc[0]


@pytest.fixture
def extract():
    """Like an extract from the register: every row split by jobbtorg and kön."""
    return make_facts([
        (2020, GLOBEN, "Kvinna", "inskrivna", 10),
        (2020, GLOBEN, "Man", "inskrivna", 5),
        (2020, KISTA, "Kvinna", "inskrivna", 7),
        (2020, KISTA, "Man", "inskrivna", 2),
        (2020, GLOBEN, "Kvinna", "avslutade", 4),
        (2020, KISTA, "Man", "avslutade", 3),
        (2020, KISTA, "Man", "avslut_studier", 1),
    ])


# --- share ---------------------------------------------------------------------

def test_share_scalar():
    assert metrics.share(1, 2) == 0.5
    assert metrics.share(328, 747) == pytest.approx(0.439090, abs=1e-6)
    assert metrics.share("3", "4") == 0.75


def test_share_of_zero_numerator_is_a_true_zero():
    assert metrics.share(0, 5) == 0.0


@pytest.mark.parametrize("numerator,denominator", [
    (1, 0),
    (0, 0),
    (1.0, 0.0),
    (np.int64(1), np.int64(0)),
    (np.float64(1.0), 0),
    (1, float("nan")),
    (float("nan"), 2),
    (1, None),
    (1, -2),
], ids=["int/0", "0/0", "float/0.0", "np.int64/0", "np.float64/0", "1/nan", "nan/2", "1/None", "1/-2"])
def test_share_scalar_without_a_valid_denominator_is_nan(numerator, denominator):
    result = metrics.share(numerator, denominator)
    assert math.isnan(result)


def test_share_series():
    num = pd.Series([1, 2, 3, 0, 5], index=list("abcde"))
    den = pd.Series([2, 0, np.nan, 4, 10], index=list("abcde"))
    result = metrics.share(num, den)
    assert isinstance(result, pd.Series)
    assert list(result.index) == list("abcde")
    assert result["a"] == 0.5
    assert math.isnan(result["b"])  # denominator 0: missing, never 0 and never inf
    assert math.isnan(result["c"])  # denominator missing
    assert result["d"] == 0.0       # numerator 0 with a real denominator: a true 0
    assert result["e"] == 0.5
    assert not np.isinf(result).any()


def test_share_series_with_missing_numerator():
    result = metrics.share(pd.Series([np.nan, 1.0]), pd.Series([4.0, 4.0]))
    assert math.isnan(result.iloc[0])
    assert result.iloc[1] == 0.25


# --- grouping --------------------------------------------------------------------

@pytest.mark.parametrize("by,expected", [
    ([], ["ar"]),
    (["ar"], ["ar"]),
    (["kon"], ["ar", "kon"]),
    (["jobbtorg"], ["ar", "jobbtorg"]),
    (["kon", "jobbtorg"], ["ar", "jobbtorg", "kon"]),
    (("kon", "ar", "jobbtorg"), ["ar", "jobbtorg", "kon"]),
])
def test_grouping_always_includes_ar_in_canonical_order(by, expected):
    assert metrics.grouping(by) == expected


@pytest.mark.parametrize("by", [["verksamhet"], ["stadsdelsområde"], ["kon", "Kön"]])
def test_grouping_rejects_unknown_dimension(by):
    with pytest.raises(ValueError, match="Okänd dimension"):
        metrics.grouping(by)


# --- rollup ----------------------------------------------------------------------

def test_rollup_sums_an_extract_to_the_year(extract):
    long = metrics.rollup(extract, ["ar"])
    assert value_of(long, "inskrivna", ar=2020)["value"] == 24
    assert value_of(long, "avslutade", ar=2020)["value"] == 7
    assert value_of(long, "andel_avslutade", ar=2020)["value"] == pytest.approx(7 / 24)


def test_rollup_sums_an_extract_by_jobbtorg_and_by_kon(extract):
    by_jobbtorg = metrics.rollup(extract, ["jobbtorg"])
    assert value_of(by_jobbtorg, "inskrivna", jobbtorg=GLOBEN)["value"] == 15
    assert value_of(by_jobbtorg, "inskrivna", jobbtorg=KISTA)["value"] == 9
    by_kon = metrics.rollup(extract, ["kon"])
    assert value_of(by_kon, "inskrivna", kon="Kvinna")["value"] == 17
    assert value_of(by_kon, "inskrivna", kon="Man")["value"] == 7
    both = metrics.rollup(extract, ["jobbtorg", "kon"])
    assert value_of(both, "inskrivna", jobbtorg=KISTA, kon="Man")["value"] == 2
    assert value_of(both, "avslutade", jobbtorg=GLOBEN, kon="Kvinna")["value"] == 4


def test_rollup_groups_come_in_report_order(extract):
    long = metrics.rollup(extract, ["jobbtorg"])
    order = list(dict.fromkeys(long["jobbtorg"]))
    assert order == list(schema.JOBBTORG_NAMES)


def test_jobbtorg_without_rows_in_an_existing_breakdown_is_a_true_zero(extract):
    long = metrics.rollup(extract, ["jobbtorg"])
    city = value_of(long, "inskrivna", jobbtorg=CITY)
    assert city["value"] == 0
    assert city["noggrannhet"] == "exakt"
    assert city["orsak"] == ""
    # ... and a share over that 0 is missing with a reason, not 0.
    share = value_of(long, "andel_avslutade", jobbtorg=CITY)
    assert math.isnan(share["value"])
    assert "0" in share["orsak"]


def test_group_without_rows_in_the_finest_breakdown_is_zero(extract):
    long = metrics.rollup(extract, ["jobbtorg", "kon"])
    assert value_of(long, "inskrivna", jobbtorg=CITY, kon="Man")["value"] == 0
    assert value_of(long, "avslutade", jobbtorg=KISTA, kon="Kvinna")["value"] == 0


def test_measure_absent_entirely_is_nan_with_reason(extract):
    long = metrics.rollup(extract, ["ar"])
    row = value_of(long, "registrerade", ar=2020)
    assert math.isnan(row["value"])
    assert "registrerade" in row["orsak"]
    assert "2020" in row["orsak"]
    by_jobbtorg = metrics.rollup(extract, ["jobbtorg"])
    row = value_of(by_jobbtorg, "nadda", jobbtorg=CITY)
    assert math.isnan(row["value"])
    assert row["orsak"] != ""


def test_measure_without_the_asked_breakdown_is_nan_with_reason():
    facts = make_facts([
        (2020, "", "", "registrerade", 100),
        (2020, "", "Kvinna", "inskrivna", 4),
        (2020, "", "Man", "inskrivna", 6),
    ])
    long = metrics.rollup(facts, ["jobbtorg"])
    row = value_of(long, "registrerade", jobbtorg=GLOBEN)
    assert math.isnan(row["value"])
    assert "jobbtorg" in row["orsak"]
    row = value_of(long, "inskrivna", jobbtorg=GLOBEN)
    assert math.isnan(row["value"])  # split by kön only: cannot be split by jobbtorg
    assert value_of(metrics.rollup(facts, ["kon"]), "inskrivna", kon="Man")["value"] == 6


def test_filter_restricts_the_sums(extract):
    only_kista = metrics.rollup(extract, ["ar"], Selection(jobbtorg=(KISTA,)))
    assert value_of(only_kista, "inskrivna", ar=2020)["value"] == 9
    assert value_of(only_kista, "avslutade", ar=2020)["value"] == 3
    two = metrics.rollup(extract, ["kon"], Selection(jobbtorg=(KISTA, CITY)))
    assert value_of(two, "inskrivna", kon="Kvinna")["value"] == 7
    assert value_of(two, "inskrivna", kon="Man")["value"] == 2
    # Filtered to a jobbtorg without rows: a true 0.
    city = metrics.rollup(extract, ["ar"], Selection(jobbtorg=(CITY,)))
    assert value_of(city, "inskrivna", ar=2020)["value"] == 0


def test_filter_on_kon(extract):
    women = metrics.rollup(extract, ["jobbtorg"], Selection(kon=("Kvinna",)))
    assert value_of(women, "inskrivna", jobbtorg=GLOBEN)["value"] == 10
    assert value_of(women, "inskrivna", jobbtorg=KISTA)["value"] == 7


def test_filter_on_a_breakdown_the_source_lacks_is_missing(facts):
    long = metrics.rollup(facts, ["ar"], Selection(jobbtorg=("Jobbtorg Kista",)))
    assert value_of(long, "inskrivna", ar=2020)["value"] == 165
    row = value_of(long, "registrerade", ar=2020)
    assert math.isnan(row["value"])  # never the city total, never 0
    assert row["orsak"] != ""


def test_filter_covering_every_jobbtorg_is_no_filter(extract, facts):
    every = Selection(jobbtorg=schema.JOBBTORG_NAMES)
    assert every.filter_for("jobbtorg") is None
    for frame in (extract, facts):
        pd.testing.assert_frame_equal(metrics.rollup(frame, ["ar"], every), metrics.rollup(frame, ["ar"]))
    # On the published figures, the totals stay usable (8 452 is not lost to a filter).
    long = metrics.rollup(facts, ["ar"], every)
    assert value_of(long, "registrerade", ar=2020)["value"] == 8452


def test_published_total_is_preferred_over_summing_parts():
    facts = make_facts([
        (2020, "", "", "inskrivna", 30),
        (2020, "", "Kvinna", "inskrivna", 10),
        (2020, "", "Man", "inskrivna", 15),
    ])
    assert value_of(metrics.rollup(facts, ["ar"]), "inskrivna", ar=2020)["value"] == 30
    by_kon = metrics.rollup(facts, ["kon"])
    assert value_of(by_kon, "inskrivna", kon="Kvinna")["value"] == 10
    assert value_of(by_kon, "inskrivna", kon="Man")["value"] == 15
    wide = metrics.wide(metrics.with_totals(facts, ["kon"]))
    assert wide.loc[wide["kon"] == schema.TOTALT, "inskrivna"].iloc[0] == 30


def test_parts_are_summed_when_no_total_is_published():
    facts = make_facts([
        (2020, "", "Kvinna", "inskrivna", 10),
        (2020, "", "Man", "inskrivna", 15),
    ])
    assert value_of(metrics.rollup(facts, ["ar"]), "inskrivna", ar=2020)["value"] == 25


def test_accuracy_of_a_sum_of_mixed_accuracies_is_ungefar():
    raw = pd.DataFrame({
        "ar": ["2020", "2020"], "kon": ["Kvinna", "Man"], "measure": ["inskrivna", "inskrivna"],
        "value": ["10", "15"], "noggrannhet": ["exakt", "minst"],
    })
    row = value_of(metrics.rollup(normalize_facts(raw), ["ar"]), "inskrivna", ar=2020)
    assert row["value"] == 25
    assert row["noggrannhet"] == "ungefär"


def test_computed_share_wins_over_a_published_one():
    facts = make_facts([
        (2020, "", "", "avslutade", 100),
        (2020, "", "", "avslut_studier", 40),
        (2020, "", "", "andel_studier", "0.41"),
    ])
    row = value_of(metrics.rollup(facts, ["ar"]), "andel_studier", ar=2020)
    assert row["value"] == pytest.approx(0.40)
    assert row["noggrannhet"] == "exakt"


def test_published_share_is_used_where_counts_are_missing():
    facts = make_facts([(2020, "", "", "avslutade", 100), (2020, "", "", "andel_studier", "0.41")])
    row = value_of(metrics.rollup(facts, ["ar"]), "andel_studier", ar=2020)
    assert row["value"] == pytest.approx(0.41)
    assert row["noggrannhet"] == "publicerad andel"
    # ... but it is not split: per kön it is missing.
    row = value_of(metrics.rollup(facts, ["kon"]), "andel_studier", kon="Man")
    assert math.isnan(row["value"])


def test_verksamhet_selects_its_own_rows():
    facts = make_facts([
        (2020, "", "", "inskrivna", 980),
        (2020, "", "", "inskrivna", 296, "Aim"),
    ])
    assert value_of(metrics.rollup(facts, ["ar"]), "inskrivna", ar=2020)["value"] == 980
    aim = metrics.rollup(facts, ["ar"], Selection(verksamhet="Aim"))
    assert value_of(aim, "inskrivna", ar=2020)["value"] == 296


def test_selected_years(extract):
    facts = pd.concat([extract, make_facts([(2019, GLOBEN, "Man", "inskrivna", 3)])], ignore_index=True)
    long = metrics.rollup(facts, ["ar"], Selection(years=(2019,)))
    assert set(long["ar"]) == {2019}
    assert value_of(long, "inskrivna", ar=2019)["value"] == 3


# --- with_totals -----------------------------------------------------------------

def test_with_totals_adds_totalt_last_per_year(extract):
    facts = pd.concat([extract, make_facts([(2019, GLOBEN, "Man", "inskrivna", 3)])], ignore_index=True)
    wide = metrics.wide(metrics.with_totals(facts, ["jobbtorg"]))
    for year in (2019, 2020):
        names = wide.loc[wide["ar"] == year, "jobbtorg"].tolist()
        assert names == list(schema.JOBBTORG_NAMES) + [schema.TOTALT]
    assert wide["ar"].tolist() == sorted(wide["ar"].tolist())
    totalt_2020 = wide[(wide["ar"] == 2020) & (wide["jobbtorg"] == schema.TOTALT)].iloc[0]
    assert totalt_2020["inskrivna"] == 24
    assert totalt_2020["andel_avslutade"] == pytest.approx(7 / 24)


def test_with_totals_for_kon(extract):
    wide = metrics.wide(metrics.with_totals(extract, ["kon"]))
    assert wide["kon"].tolist() == ["Kvinna", "Man", schema.TOTALT]
    assert wide["inskrivna"].tolist() == [17, 7, 24]


def test_with_totals_without_breakdown_has_no_totalt_row(extract):
    long = metrics.with_totals(extract, ["ar"])
    assert "jobbtorg" not in long.columns
    assert len(metrics.wide(long)) == 1


def test_totalt_respects_the_filter(extract):
    wide = metrics.wide(metrics.with_totals(extract, ["kon"], Selection(jobbtorg=(GLOBEN,), min_cell=0)))
    assert wide["inskrivna"].tolist() == [10, 5, 15]


# --- year_over_year ----------------------------------------------------------------

def test_year_over_year_counts_shares_and_gaps():
    facts = make_facts([
        (2016, "", "", "inskrivna", 100), (2016, "", "", "avslutade", 50),
        (2018, "", "", "inskrivna", 120), (2018, "", "", "avslutade", 90),
        (2019, "", "", "inskrivna", 110), (2019, "", "", "avslutade", 55),
    ])
    table = metrics.year_over_year(metrics.table(facts, measures=["inskrivna", "andel_avslutade"]),
                                   ["inskrivna", "andel_avslutade"])
    rows = table.set_index("ar")
    assert math.isnan(rows.loc[2016, "inskrivna_forandring"])          # first year: nothing to compare
    assert math.isnan(rows.loc[2016, "andel_avslutade_forandring"])
    assert pd.isna(rows.loc[2016, "jamfort_med_ar"])
    assert rows.loc[2018, "inskrivna_forandring"] == 20               # 2017 absent: against 2016
    assert rows.loc[2018, "jamfort_med_ar"] == 2016
    assert rows.loc[2018, "andel_avslutade_forandring"] == pytest.approx(0.75 - 0.50)  # a fraction
    assert rows.loc[2019, "inskrivna_forandring"] == -10
    assert rows.loc[2019, "andel_avslutade_forandring"] == pytest.approx(0.50 - 0.75)
    assert rows.loc[2019, "jamfort_med_ar"] == 2018


def test_year_over_year_compares_a_group_only_with_itself():
    frame = pd.DataFrame({
        "ar": [2020, 2019, 2020, 2019, 2019, 2020],
        "kon": ["Man", "Man", "Kvinna", "Kvinna", schema.TOTALT, schema.TOTALT],
        "nadda": [5.0, 3.0, 10.0, 1.0, 4.0, 15.0],
    })
    out = metrics.year_over_year(frame, ["nadda"])
    assert list(out.index) == list(frame.index)  # rows keep their place
    change = dict(zip(zip(out["ar"], out["kon"]), out["nadda_forandring"]))
    assert change[(2020, "Man")] == 2
    assert change[(2020, "Kvinna")] == 9
    assert change[(2020, schema.TOTALT)] == 11
    assert all(math.isnan(change[(2019, k)]) for k in ("Man", "Kvinna", schema.TOTALT))


def test_year_over_year_is_missing_when_either_year_lacks_the_figure():
    frame = pd.DataFrame({"ar": [2019, 2020], "registrerade": [np.nan, 8452.0]})
    out = metrics.year_over_year(frame, ["registrerade"])
    assert out["registrerade_forandring"].isna().all()


def test_year_over_year_on_published_figures(facts):
    table = metrics.table(facts, ["kon"], yoy=True)
    total_2020 = table[(table["ar"] == 2020) & (table["kon"] == schema.TOTALT)].iloc[0]
    assert total_2020["nadda_forandring"] == -688
    assert total_2020["registrerade_forandring"] == -272
    assert total_2020["andel_nadda_forandring"] == pytest.approx(2635 / 5028 - 3323 / 6099)
    kvinna_2020 = table[(table["ar"] == 2020) & (table["kon"] == "Kvinna")].iloc[0]
    assert kvinna_2020["nadda_forandring"] == 1182 - 1514
    assert math.isnan(kvinna_2020["registrerade_forandring"])  # 2019 has no split by kön
    assert table.loc[table["ar"] == 2019, "nadda_forandring"].isna().all()


def test_table_yoy_for_one_year_still_compares_with_the_year_before(facts):
    table = metrics.table(facts, ["ar"], Selection(years=(2020,)), yoy=True)
    assert table["ar"].tolist() == [2020]
    row = table.iloc[0]
    assert row["jamfort_med_ar"] == 2019
    assert row["nadda_forandring"] == -688
    assert row["andel_studier_forandring"] == pytest.approx(328 / 747 - 368 / 764)
    by_jobbtorg = metrics.table(facts, ["jobbtorg"], Selection(years=(2020,)), yoy=True)
    assert set(by_jobbtorg["ar"]) == {2020}
    kista = by_jobbtorg[by_jobbtorg["jobbtorg"] == "Jobbtorg Kista"].iloc[0]
    assert kista["inskrivna_forandring"] == 165 - 224
    assert kista["andel_studier_forandring"] == pytest.approx(62 / 125 - 100 / 173)


def test_table_without_yoy_has_no_change_columns(facts):
    table = metrics.table(facts, ["ar"], Selection(years=(2020,)))
    assert table["ar"].tolist() == [2020]
    assert not any(c.endswith(metrics.CHANGE_SUFFIX) for c in table.columns)


def test_table_measures_and_unknown_measure(facts):
    table = metrics.table(facts, ["ar"], measures=["nadda", "andel_nadda"])
    assert list(table.columns) == ["ar", "nadda", "andel_nadda"]
    with pytest.raises(ValueError, match="Okänt mått"):
        metrics.table(facts, ["ar"], measures=["nadda", "nådda"])


# --- relative_change ---------------------------------------------------------------

def test_relative_change():
    assert metrics.relative_change(-688, 2635) == pytest.approx(-688 / 3323)
    assert metrics.relative_change(74, 661) == pytest.approx(74 / 587)
    assert metrics.relative_change(0, 10) == 0.0
    assert math.isnan(metrics.relative_change(float("nan"), 3))
    assert math.isnan(metrics.relative_change(5, float("nan")))


def test_relative_change_from_zero_is_nan():
    """A count going from 0 to 5 has no relative change; it must be missing, not an error."""
    assert math.isnan(metrics.relative_change(5, 5))


def test_unknown_choices_lists_only_values_a_filter_does_not_offer():
    options = {"ar": [2019, 2020], "jobbtorg": ["Jobbtorg Kista"], "kon": ("Alla", "Kvinna", "Man")}
    requested = {"ar": ["2030", "2020"], "jobbtorg": ["Jobbtorg Kista"], "kon": ["Flicka"]}
    assert metrics.unknown_choices(requested, options) == {"ar": ["2030"], "kon": ["Flicka"]}
    assert metrics.unknown_choices({"ar": ["2019"], "jobbtorg": []}, options) == {}


def test_totalt_is_the_whole_city_even_when_one_jobbtorg_is_chosen(facts):
    kista = Selection(jobbtorg=("Jobbtorg Kista",))
    long = metrics.with_totals(facts, ["jobbtorg"], kista)
    studier = long[(long["measure"] == "andel_studier") & (long["ar"] == 2020)].set_index("jobbtorg")["value"]
    assert list(studier.index) == ["Jobbtorg Kista", "Totalt"]
    assert round(studier["Jobbtorg Kista"], 4) == 0.496  # 62 of 125
    assert round(studier["Totalt"], 4) == round(328 / 747, 4)  # the city's 43,9 %, not Kista's again


def per(dims, *measures_and_year):
    """A record: these measures are not broken down by `dims` in this year."""
    *measures, year = measures_and_year
    return Reason(reasons.NOT_BROKEN_DOWN, tuple(measures), (year,), tuple(dims))


def absent(measure, year):
    return reasons.missing(measure, year, in_source=False)


def test_missing_reasons_are_said_once_per_breakdown():
    records = [
        per(["kon"], "avslut_studier", "avslutade", 2019),
        per(["kon"], "avslutade", 2020),
        per(["kon"], "avslutade", 2019),
        absent("kontakt_brev", 2019),
        absent("kontakt_sms", 2019),
        Reason(reasons.TEXT, text="Dolt för att skydda små tal."),
    ]
    assert reasons.sentences(records) == [
        "Källan redovisar inte avslutade till studier per kön för 2019.",
        "Källan redovisar inte avslutade per kön för 2019–2020.",
        "Källan har ingen uppgift om brev och sms för 2019.",
        "Dolt för att skydda små tal.",
    ]


def test_merged_reasons_never_say_a_measure_is_missing_in_a_year_it_is_not():
    records = [per(["kon"], "avslutade", 2019), per(["kon"], "inskrivna", 2021), per(["kon"], "nadda", 2019),
               per(["kon"], "sokta", 2019)]
    assert reasons.sentences(records) == [
        "Källan redovisar inte sökta, nådda och avslutade per kön för 2019.",  # in the vocabulary's order
        "Källan redovisar inte inskrivna per kön för 2021.",
    ]


def test_a_share_without_counts_says_why_its_counts_are_missing(facts):
    long = metrics.with_totals(facts, ["kon"], Selection(years=(2020,)))
    row = long[(long["measure"] == "andel_studier") & (long["kon"] == "Kvinna")].iloc[0]
    assert math.isnan(row["value"])
    assert row["orsak"] == "Källan redovisar inte avslutade och avslutade till studier per kön för 2020."
    total = long[(long["measure"] == "andel_studier") & (long["kon"] == "Totalt")].iloc[0]
    assert total["kalla"] == "Beräknad: Avslutade till studier / Avslutade"


def test_a_reason_said_for_a_coarser_breakdown_is_not_said_again():
    records = [
        per(["jobbtorg", "kon"], "nadda", 2020),
        per(["jobbtorg"], "nadda", 2020),
        absent("kontakt_brev", 2019), per(["jobbtorg"], "kontakt_brev", 2019),
        per(["jobbtorg"], "kontakt_brev", 2020),
    ]
    assert reasons.sentences(records) == [
        "Källan redovisar inte nådda och brev per jobbtorg för 2020.",
        "Källan har ingen uppgift om brev för 2019.",
    ]


def test_a_published_share_not_broken_down_says_so_rather_than_blaming_its_counts(facts):
    long = metrics.with_totals(facts, ["kon"], Selection(years=(2020,)))
    kvinna = long[(long["measure"] == "andel_sysselsatta") & (long["kon"] == "Kvinna")].iloc[0]
    assert kvinna["orsak"] == "Källan redovisar inte andel nådda med sysselsättning per kön för 2020."
    assert long[(long["measure"] == "andel_sysselsatta") & (long["kon"] == "Totalt")]["value"].round(2).tolist() == [0.69]


def test_a_figure_published_only_per_a_breakdown_is_said_to_lack_the_whole_city():
    records = [per([], "andel_studier", 2019), absent("andel_studier", 2020)]
    assert reasons.sentences(records) == [
        "Källan redovisar inte andel till studier för hela staden 2019.",
        "Källan har ingen uppgift om andel till studier för 2020.",
    ]


def test_districts_and_ages_are_answered_only_on_their_own_and_say_why(facts):
    rows = [{"ar": "2024", "stadsdel": s, "measure": m, "value": str(v)}
            for s, m, v in (("Bromma", "registrerade", 40), ("Bromma", "nadda", 20), ("Farsta", "registrerade", 30),
                            ("Farsta", "nadda", 9))]
    rows += [{"ar": "2024", "jobbtorg": "Jobbtorg Vällingby", "kon": "Man", "stadsdel": "Bromma",
              "measure": "registrerade", "value": "40"}]  # a cell behind the margin: never an answer
    rows += [{"ar": "2024", "jobbtorg": j, "kon": "Man", "measure": "registrerade", "value": "35"}
             for j in ("Jobbtorg Vällingby", "Jobbtorg Globen")]
    area = normalize_facts(pd.DataFrame(rows))
    by_place = metrics.table(area, ["stadsdel"], Selection(min_cell=0), ["registrerade", "nadda"])
    assert by_place.set_index("stadsdel").loc[["Bromma", "Farsta", "Totalt"], "registrerade"].tolist() == [40, 30, 70]
    long = metrics.rollup(area, ["stadsdel", "kon"], Selection(min_cell=0))
    asked = long[long["measure"] == "registrerade"]
    assert asked["value"].isna().all() and (asked["orsak"] == reasons.AREA_ONLY).all()
    by_age = metrics.rollup(facts, ["alder"], Selection(years=(2020,)))
    said = by_age.loc[by_age["measure"] == "registrerade", "orsak"].unique()
    assert list(said) == ["Källan redovisar inte registrerade per ålder för 2020."]
