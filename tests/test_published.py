"""The published figures reproduce the report (Årsrapport 2020) exactly.

Every expected number below is typed from /work/shared/sources/kaa-arsrapport-2020.md,
never read from data/publicerat.csv, and is checked through metrics.table / rollup,
i.e. as the dashboard and the CLI show it.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kaa import metrics, panels, published, schema
from kaa.metrics import Selection

HELA = schema.HELA_KAA
AIM = schema.AIM
TOTALT = schema.TOTALT

# --- The report, typed in ------------------------------------------------------

# 6.2 (table, 2020) and 6.2 text / section 2 (totals).
REGISTRERADE = {
    (2019, None): 8724,
    (2020, "Kvinna"): 3903,
    (2020, "Man"): 4549,
    (2020, None): 8452,
}

# 6.3: "Antal ungdomar som omfattades av uppsök, nådda och ej nådda", by kön.
# Rows of the printed tables: Ej nådd, Nådd, Totalsumma (= sökta); columns Kvinna, Man, Totalsumma.
UPPSOK = {
    2019: {
        "ej_nadda": (1190, 1586, 2776),
        "nadda": (1514, 1809, 3323),
        "sokta": (2704, 3395, 6099),
    },
    2020: {
        "ej_nadda": (1102, 1291, 2393),
        "nadda": (1182, 1453, 2635),
        "sokta": (2284, 2744, 5028),
    },
}

# 7.1: "Haft åtgärd inom KAA inkl Skolslussen" (Kvinna, Man, Totalsumma).
INSKRIVNA_KON = {2019: (418, 605, 1023), 2020: (409, 571, 980)}

# 7.1: "Resultat fördelat över jobbtorgen", exactly as printed (names too).
# Columns: Inskrivna, Avslutade, Andel avslutade %, Antal till studier, Andel till studier %,
# Antal till arbete, Andel till arbete %, Antal till studier/arbete, Andel till studier/arbete %.
JOBBTORG_TABLES = {
    2019: [
        ("Jobbtorg Globen", 267, 187, 70, 77, 41, 44, 23, 121, 65),
        ("Jobbtorg Skärholmen ung", 168, 119, 71, 53, 44, 24, 20, 77, 65),
        ("Jobbtorg City", 162, 129, 80, 69, 53, 24, 19, 93, 72),
        ("Jobbtorg Vällingby", 144, 104, 72, 51, 49, 23, 22, 74, 71),
        ("Jobbtorg Kista", 224, 173, 77, 100, 58, 25, 14, 125, 72),
        ("Saknar stadsdel", 58, 52, 90, 18, 35, 8, 15, 26, 50),
        ("Totalt", 1023, 764, 75, 368, 48, 148, 19, 516, 67),
    ],
    2020: [
        ("Jobbtorg Globen", 223, 168, 75, 67, 40, 25, 15, 92, 55),
        ("Jobbtorg Skärholmen", 164, 114, 69.5, 43, 38, 25, 22, 68, 60),
        ("Jobbtorg City", 143, 101, 70.6, 50, 49.5, 23, 23, 73, 72),
        ("Jobbtorg Vällingby", 126, 101, 80, 42, 41.5, 16, 16, 58, 57),
        ("Jobbtorg Kista", 165, 125, 75.5, 62, 49.5, 17, 13.5, 79, 63),
        ("Saknar stadsdel", 159, 138, 86.7, 64, 46, 19, 14, 83, 60),
        ("Totalt", 980, 747, 76, 328, 44, 125, 16.5, 453, 60),
    ],
}
#: The report's older spelling, and the name the project uses today.
CURRENT_NAME = {"Jobbtorg Skärholmen ung": "Jobbtorg Skärholmen"}

# Section 2 / 7.1 text.
NYINSKRIVNA = {2019: 587, 2020: 661}

# 4.1: contact attempts, with how the report qualifies them.
KONTAKT = {
    (2020, "kontakt_brev"): (6800, "minst"),       # "över 6800 brev"
    (2020, "kontakt_mejl"): (1600, "ungefär"),     # "närmare 1600 mail"
    (2020, "kontakt_sms"): (3850, "minst"),        # "över 3850 sms"
    (2020, "kontakt_telefon"): (4900, "minst"),    # "minst 4900 telefonsamtal"
    (2020, "kontakt_knackakort"): (202, "exakt"),
    (2019, "kontakt_knackakort"): (400, "exakt"),
    (2020, "kontakt_hembesok"): (83, "exakt"),
    (2019, "kontakt_hembesok"): (216, "exakt"),
}

# 7.2 Aim: 296 inskrivna 2020, "12 personer färre än föregående år"; 189 nya, "förändring på 5
# personer" (lower than 2019); 187 utskrivna jämfört med 211 under 2019.
AIM_COUNTS = {
    (2019, "inskrivna"): (296 + 12, "härledd"),
    (2020, "inskrivna"): (296, "exakt"),
    (2019, "nyinskrivna"): (189 + 5, "härledd"),
    (2020, "nyinskrivna"): (189, "exakt"),
    (2019, "avslutade"): (211, "exakt"),
    (2020, "avslutade"): (187, "exakt"),
}

# Shares the report prints without the counts behind them.
PUBLISHED_SHARES = {
    (HELA, 2019, "andel_sysselsatta"): 0.75,  # 6.4: "69 % från 75 % 2019"
    (HELA, 2020, "andel_sysselsatta"): 0.69,
    (AIM, 2019, "andel_studier"): 0.62,       # 7.2: "från 62% 2019 till 59% 2020"
    (AIM, 2020, "andel_studier"): 0.59,
    (AIM, 2019, "andel_arbete"): 0.20,        # "från 20% till 19%"
    (AIM, 2020, "andel_arbete"): 0.19,
    (AIM, 2019, "andel_annan"): 0.08,         # "från 8% till 7%"
    (AIM, 2020, "andel_annan"): 0.07,
}

COUNT_COLUMNS = ("inskrivna", "avslutade", "avslut_studier", "avslut_arbete")
SHARE_COLUMNS = {  # printed column index -> measure
    3: "andel_avslutade",
    5: "andel_studier",
    7: "andel_arbete",
    9: "andel_studier_arbete",
}

#: Printed percentages the report truncated instead of rounding (see data/anmarkningar.csv).
TRUNCATED = {
    (2019, "Jobbtorg Globen", "andel_arbete"),          # 44/187  = 23,53 %, printed 23
    (2019, "Jobbtorg Skärholmen", "andel_studier"),     # 53/119  = 44,54 %, printed 44
    (2019, TOTALT, "andel_studier_arbete"),             # 516/764 = 67,54 %, printed 67
    (2020, TOTALT, "andel_studier_arbete"),             # 453/747 = 60,64 %, printed 60
}


def expected_facts() -> dict[tuple, float]:
    """Every figure the report prints for 2019–2020, keyed (ar, verksamhet, jobbtorg, kon, measure)."""
    out: dict[tuple, float] = {}
    for (year, kon), value in REGISTRERADE.items():
        out[(year, HELA, None, kon, "registrerade")] = value
    for year, measures in UPPSOK.items():
        for measure, (kvinna, man, total) in measures.items():
            out[(year, HELA, None, "Kvinna", measure)] = kvinna
            out[(year, HELA, None, "Man", measure)] = man
            out[(year, HELA, None, None, measure)] = total
    for year, (kvinna, man, total) in INSKRIVNA_KON.items():
        out[(year, HELA, None, "Kvinna", "inskrivna")] = kvinna
        out[(year, HELA, None, "Man", "inskrivna")] = man
        out[(year, HELA, None, None, "inskrivna")] = total
    for year, rows in JOBBTORG_TABLES.items():
        for row in rows:
            name = CURRENT_NAME.get(row[0], row[0])
            jobbtorg = None if name == TOTALT else name
            for measure, value in zip(COUNT_COLUMNS, (row[1], row[2], row[4], row[6])):
                out[(year, HELA, jobbtorg, None, measure)] = value
    for year, value in NYINSKRIVNA.items():
        out[(year, HELA, None, None, "nyinskrivna")] = value
    for (year, measure), (value, _) in KONTAKT.items():
        out[(year, HELA, None, None, measure)] = value
    for (year, measure), (value, _) in AIM_COUNTS.items():
        out[(year, AIM, None, None, measure)] = value
    for (verksamhet, year, measure), value in PUBLISHED_SHARES.items():
        out[(year, verksamhet, None, None, measure)] = value
    return out


# --- Helpers -------------------------------------------------------------------

@pytest.fixture(scope="module")
def tables():
    """metrics.table per (grouping, verksamhet) over the published figures, built once per module.

    Tests only read these frames; a copy is handed out so that no test can change another's.
    """
    source = published.load_published()
    cache: dict[tuple, pd.DataFrame] = {}

    def get(by: str, verksamhet: str = HELA) -> pd.DataFrame:
        key = (by, verksamhet)
        if key not in cache:
            cache[key] = metrics.table(source, [by], Selection(verksamhet=verksamhet))
        return cache[key].copy()

    return get


def cell(table: pd.DataFrame, year: int, measure: str, **group) -> float:
    mask = table["ar"] == year
    for column, value in group.items():
        mask &= table[column] == value
    hits = table.loc[mask, measure]
    assert len(hits) == 1, f"expected one row for {year} {group} in the table, got {len(hits)}"
    return hits.iloc[0]


def lookup(tables, year, verksamhet, jobbtorg, kon, measure) -> float:
    if jobbtorg is not None:
        return cell(tables("jobbtorg", verksamhet), year, measure, jobbtorg=jobbtorg)
    if kon is not None:
        return cell(tables("kon", verksamhet), year, measure, kon=kon)
    return cell(tables("ar", verksamhet), year, measure)


def _key_id(key) -> str:
    year, verksamhet, jobbtorg, kon, measure = key
    return "-".join(str(p) for p in (year, verksamhet, jobbtorg or "", kon or "", measure) if p != "")


# --- (a) every printed figure is there, with its exact value ------------------

@pytest.mark.parametrize("key", sorted(expected_facts(), key=str), ids=_key_id)
def test_printed_figure_is_shown_exactly(tables, key):
    year, verksamhet, jobbtorg, kon, measure = key
    expected = expected_facts()[key]
    assert lookup(tables, year, verksamhet, jobbtorg, kon, measure) == pytest.approx(expected, abs=1e-12)


def test_published_file_holds_exactly_the_printed_figures(facts):
    """Both ways: no printed figure is left out and nothing unprinted is stored."""
    stored = {
        (int(r["ar"]), r["verksamhet"], r["jobbtorg"] if isinstance(r["jobbtorg"], str) else None,
         r["kon"] if isinstance(r["kon"], str) else None, r["measure"]): r["value"]
        for r in facts.to_dict("records")
    }
    expected = expected_facts()
    assert set(stored) == set(expected)
    differing = {k: (stored[k], expected[k]) for k in expected if stored[k] != pytest.approx(expected[k])}
    assert differing == {}


def test_headline_counts(tables):
    by_ar = tables("ar")
    assert cell(by_ar, 2020, "registrerade") == 8452
    assert cell(by_ar, 2019, "registrerade") == 8724
    assert cell(by_ar, 2020, "sokta") == 5028
    assert cell(by_ar, 2020, "nadda") == 2635
    assert cell(by_ar, 2020, "inskrivna") == 980
    assert cell(by_ar, 2019, "inskrivna") == 1023
    assert cell(by_ar, 2020, "nyinskrivna") == 661
    assert cell(by_ar, 2019, "nyinskrivna") == 587
    assert cell(by_ar, 2020, "avslutade") == 747
    assert cell(by_ar, 2020, "avslut_studier") == 328
    assert cell(by_ar, 2020, "avslut_arbete") == 125


def test_registrerade_by_kon_2020(tables):
    by_kon = tables("kon")
    assert cell(by_kon, 2020, "registrerade", kon="Kvinna") == 3903
    assert cell(by_kon, 2020, "registrerade", kon="Man") == 4549
    assert cell(by_kon, 2020, "registrerade", kon=TOTALT) == 8452
    assert cell(by_kon, 2019, "registrerade", kon=TOTALT) == 8724


@pytest.mark.parametrize("year", [2019, 2020])
def test_jobbtorg_table_rows_in_report_order(tables, year):
    table = tables("jobbtorg")
    names = table.loc[table["ar"] == year, "jobbtorg"].tolist()
    assert names == [CURRENT_NAME.get(r[0], r[0]) for r in JOBBTORG_TABLES[year]]


def test_old_skarholmen_spelling_appears_under_todays_name(facts, tables):
    assert "Jobbtorg Skärholmen ung" not in set(facts["jobbtorg"].dropna())
    table = tables("jobbtorg")
    assert "Jobbtorg Skärholmen ung" not in set(table["jobbtorg"])
    assert cell(table, 2019, "inskrivna", jobbtorg="Jobbtorg Skärholmen") == 168
    assert cell(table, 2019, "avslut_studier", jobbtorg="Jobbtorg Skärholmen") == 53


@pytest.mark.parametrize("key", sorted(KONTAKT), ids=lambda k: f"{k[0]}-{k[1]}")
def test_kontakt_counts_keep_their_qualifier(facts, key):
    year, measure = key
    value, noggrannhet = KONTAKT[key]
    long = metrics.rollup(facts, ["ar"])
    row = long[(long["ar"] == year) & (long["measure"] == measure)]
    assert len(row) == 1
    assert row["value"].iloc[0] == value
    assert row["noggrannhet"].iloc[0] == noggrannhet


@pytest.mark.parametrize("key", sorted(AIM_COUNTS), ids=lambda k: f"{k[0]}-{k[1]}")
def test_aim_counts_and_derived_marking(facts, key):
    year, measure = key
    value, noggrannhet = AIM_COUNTS[key]
    long = metrics.rollup(facts, ["ar"], Selection(verksamhet=AIM))
    row = long[(long["ar"] == year) & (long["measure"] == measure)]
    assert row["value"].iloc[0] == value
    assert row["noggrannhet"].iloc[0] == noggrannhet


def test_aim_is_a_part_of_hela_kaa_not_added_to_it(tables):
    """Aim's figures stay under Aim; Hela KAA's totals are the report's, not Hela + Aim."""
    assert cell(tables("ar", AIM), 2020, "inskrivna") == 296
    assert cell(tables("ar", HELA), 2020, "inskrivna") == 980


def test_changes_stated_in_the_text(facts):
    """Differences the report states in words match the year-over-year change."""
    table = metrics.table(facts, yoy=True, sel=Selection(years=(2020,)))
    row = table.iloc[0]
    assert row["ar"] == 2020
    assert row["sokta_forandring"] == -1071          # section 2: "en minskning med 1071"
    assert row["nadda_forandring"] == -688           # section 2: "en minskning med 688"
    assert row["registrerade_forandring"] == 8452 - 8724
    assert row["inskrivna_forandring"] == 980 - 1023
    assert row["nyinskrivna_forandring"] == 661 - 587
    assert row["avslutade_forandring"] == 747 - 764
    assert row["avslut_studier_forandring"] == -40   # 7.1: "en minskning med 40 personer"
    assert row["avslut_arbete_forandring"] == -23    # 7.1: "en sänkning med 23 personer"
    aim = metrics.table(facts, yoy=True, sel=Selection(years=(2020,), verksamhet=AIM)).iloc[0]
    assert aim["inskrivna_forandring"] == -12        # 7.2: "12 personer färre"
    assert aim["nyinskrivna_forandring"] == -5       # 7.2: "en förändring på 5 personer"


# --- (b) parts add up to totals --------------------------------------------------

@pytest.mark.parametrize("dimension", ["kon", "jobbtorg"])
def test_parts_sum_to_totalt(tables, dimension):
    table = tables(dimension)
    checked = 0
    for year in (2019, 2020):
        rows = table[table["ar"] == year]
        parts = rows[rows[dimension] != TOTALT]
        total = rows[rows[dimension] == TOTALT]
        assert len(total) == 1
        for measure in schema.COUNT_NAMES:
            if parts[measure].notna().all():
                assert parts[measure].sum() == total[measure].iloc[0], (year, measure)
                checked += 1
            else:  # a breakdown is either there for every part or missing for all
                assert parts[measure].isna().all(), (year, measure)
    assert checked >= {"kon": 8, "jobbtorg": 8}[dimension]


@pytest.mark.parametrize("year", [2019, 2020])
@pytest.mark.parametrize("kon", ["Kvinna", "Man", TOTALT])
def test_nadda_plus_ej_nadda_is_sokta(tables, year, kon):
    table = tables("kon")
    nadda = cell(table, year, "nadda", kon=kon)
    ej_nadda = cell(table, year, "ej_nadda", kon=kon)
    assert nadda + ej_nadda == cell(table, year, "sokta", kon=kon)


@pytest.mark.parametrize("year", [2019, 2020])
def test_kon_totals_match_the_printed_totalsumma(tables, year):
    table = tables("kon")
    for measure, (kvinna, man, total) in UPPSOK[year].items():
        assert kvinna + man == total
        assert cell(table, year, measure, kon=TOTALT) == total
    kvinna, man, total = INSKRIVNA_KON[year]
    assert kvinna + man == total
    assert cell(table, year, "inskrivna", kon=TOTALT) == total


@pytest.mark.parametrize(
    "year,row", [(y, r) for y, rows in JOBBTORG_TABLES.items() for r in rows],
    ids=[f"{y}-{r[0]}" for y, rows in JOBBTORG_TABLES.items() for r in rows])
def test_antal_till_studier_arbete_is_studier_plus_arbete(tables, year, row):
    name = CURRENT_NAME.get(row[0], row[0])
    table = tables("jobbtorg")
    studier = cell(table, year, "avslut_studier", jobbtorg=name)
    arbete = cell(table, year, "avslut_arbete", jobbtorg=name)
    avslutade = cell(table, year, "avslutade", jobbtorg=name)
    printed = row[8]
    assert studier + arbete == printed
    assert round(cell(table, year, "andel_studier_arbete", jobbtorg=name) * avslutade) == printed


# --- (c) every printed percentage is reproduced from the counts -----------------

def _share_cells():
    for year, rows in JOBBTORG_TABLES.items():
        for row in rows:
            name = CURRENT_NAME.get(row[0], row[0])
            for index, measure in SHARE_COLUMNS.items():
                yield year, name, measure, row[index]


SHARE_CELLS = list(_share_cells())


def _recomputed(tables, year, name, measure) -> float:
    return cell(tables("jobbtorg"), year, measure, jobbtorg=name) * 100


@pytest.mark.parametrize("year,name,measure,printed", SHARE_CELLS,
                         ids=[f"{y}-{n}-{m}" for y, n, m, _ in SHARE_CELLS])
def test_printed_percentage_is_reproduced(tables, year, name, measure, printed):
    recomputed = _recomputed(tables, year, name, measure)
    if (year, name, measure) in TRUNCATED:
        assert math.floor(recomputed) == printed
        assert abs(recomputed - printed) < 1
    else:
        assert abs(recomputed - printed) < 0.5, f"{recomputed:.2f} % vs printed {printed} %"


def test_truncated_cells_are_exactly_the_documented_four(tables):
    off = {(y, n, m) for y, n, m, printed in SHARE_CELLS
           if abs(_recomputed(tables, y, n, m) - printed) >= 0.5}
    assert off == TRUNCATED
    assert len(SHARE_CELLS) == 2 * 7 * 4


def test_truncated_values_are_as_documented(tables):
    assert _recomputed(tables, 2019, "Jobbtorg Globen", "andel_arbete") == pytest.approx(100 * 44 / 187)
    assert _recomputed(tables, 2019, "Jobbtorg Skärholmen", "andel_studier") == pytest.approx(100 * 53 / 119)
    assert _recomputed(tables, 2019, TOTALT, "andel_studier_arbete") == pytest.approx(100 * 516 / 764)
    assert _recomputed(tables, 2020, TOTALT, "andel_studier_arbete") == pytest.approx(100 * 453 / 747)


def test_kista_2020_andel_avslutade_is_recomputed_not_copied(tables):
    value = cell(tables("jobbtorg"), 2020, "andel_avslutade", jobbtorg="Jobbtorg Kista")
    assert round(value, 4) == 0.7576  # 125 / 165, the report prints 75,5 %
    assert value == pytest.approx(125 / 165)
    assert round(value, 3) != 0.755


@pytest.mark.parametrize("year,measure,printed", [
    (2020, "andel_studier", 44),  # section 2: "44% till studier"
    (2020, "andel_arbete", 17),   # section 2: "17% (125 ungdomar) till arbete"
    (2019, "andel_studier", 48),  # section 2: "(48% respektive 19%)"
    (2019, "andel_arbete", 19),
    (2020, "andel_avslutade", 76),  # 7.1: "i snitt 76 %"
])
def test_percentages_in_the_text(tables, year, measure, printed):
    assert abs(cell(tables("ar"), year, measure) * 100 - printed) < 0.5


def test_computed_shares_are_marked_as_computed(facts):
    long = metrics.rollup(facts, ["ar"])
    row = long[(long["ar"] == 2020) & (long["measure"] == "andel_studier")].iloc[0]
    assert row["value"] == pytest.approx(328 / 747)
    assert row["noggrannhet"] == "exakt"
    assert row["kalla"].startswith("Beräknad")


# --- (d) shares the report publishes without counts ------------------------------

@pytest.mark.parametrize("key", sorted(PUBLISHED_SHARES), ids=lambda k: f"{k[0]}-{k[1]}-{k[2]}")
def test_published_only_shares(facts, key):
    verksamhet, year, measure = key
    long = metrics.rollup(facts, ["ar"], Selection(verksamhet=verksamhet))
    row = long[(long["ar"] == year) & (long["measure"] == measure)]
    assert len(row) == 1
    assert row["value"].iloc[0] == pytest.approx(PUBLISHED_SHARES[key])
    assert row["noggrannhet"].iloc[0] == "publicerad andel"
    assert row["orsak"].iloc[0] == ""


def test_published_shares_are_not_combined_into_new_ones(facts):
    """Aim's 62 % + 20 % is not turned into an andel_studier_arbete without counts."""
    long = metrics.rollup(facts, ["ar"], Selection(verksamhet=AIM))
    row = long[(long["ar"] == 2019) & (long["measure"] == "andel_studier_arbete")].iloc[0]
    assert math.isnan(row["value"])
    assert row["orsak"] != ""


# --- (e) breakdowns the report lacks are missing, never 0 ------------------------

@pytest.mark.parametrize("by,year,group,measure", [
    ("kon", 2019, {"kon": "Kvinna"}, "registrerade"),
    ("kon", 2019, {"kon": "Man"}, "registrerade"),
    ("jobbtorg", 2020, {"jobbtorg": "Jobbtorg Kista"}, "nadda"),
    ("jobbtorg", 2019, {"jobbtorg": "Jobbtorg Globen"}, "nadda"),
    ("jobbtorg", 2020, {"jobbtorg": "Saknar stadsdel"}, "sokta"),
    ("jobbtorg", 2020, {"jobbtorg": "Jobbtorg City"}, "registrerade"),
    ("kon", 2020, {"kon": "Kvinna"}, "avslutade"),
    ("kon", 2019, {"kon": "Man"}, "avslut_studier"),
    ("ar", 2019, {}, "kontakt_brev"),
    ("ar", 2019, {}, "kontakt_telefon"),
    ("ar", 2020, {}, "avslut_annan"),
], ids=lambda v: str(v) if not isinstance(v, dict) else "-".join(v.values()) or "total")
def test_missing_breakdowns_are_nan_with_reason(facts, by, year, group, measure):
    long = metrics.rollup(facts, [by])
    mask = (long["ar"] == year) & (long["measure"] == measure)
    for column, value in group.items():
        mask &= long[column] == value
    row = long[mask]
    assert len(row) == 1
    assert math.isnan(row["value"].iloc[0])
    assert row["orsak"].iloc[0].strip() != ""
    wide = metrics.table(facts, [by])
    wmask = wide["ar"] == year
    for column, value in group.items():
        wmask &= wide[column] == value
    assert wide.loc[wmask, measure].isna().all()


def test_missing_reasons_name_the_breakdown(facts):
    long = metrics.rollup(facts, ["kon"])
    orsak = long[(long["ar"] == 2019) & (long["kon"] == "Kvinna") & (long["measure"] == "registrerade")]
    assert "kön" in orsak["orsak"].iloc[0]
    long = metrics.rollup(facts, ["ar"])
    orsak = long[(long["ar"] == 2019) & (long["measure"] == "kontakt_brev")]["orsak"].iloc[0]
    assert "2019" in orsak


def test_no_published_count_is_zero(facts):
    for by in ("ar", "kon", "jobbtorg"):
        long = metrics.rollup(facts, [by])
        counts = long[long["measure"].isin(schema.COUNT_NAMES)]
        assert not (counts["value"] == 0).any(), by


# --- (f) targets and notes ----------------------------------------------------

def test_target_andel_studier(facts):
    targets = published.load_targets()
    assert published.target_for(targets, "andel_studier") == 0.50
    row = targets[targets["measure"] == "andel_studier"].iloc[0]
    assert row["riktning"] == "minst"
    assert published.target_for(targets, "andel_arbete") is None


def test_notes_document_the_reports_errors():
    notes = published.load_notes()
    text = " ".join(notes.fillna("").astype(str).to_numpy().ravel())
    for phrase in ("368", "31 november", "16,5", "75 %"):
        assert phrase in text, phrase


def test_a_target_says_its_direction_and_is_met_in_it():
    at_least = published.target_for(published.load_targets(), "andel_studier")
    assert (at_least.riktning, at_least.words) == ("minst", "minst 50\u00a0%")
    assert at_least.met(0.5) and not at_least.met(0.439)
    at_most = published.Target(0.1, "högst")
    assert at_most.met(0.08) and not at_most.met(0.12)
    met, sentence = panels.target_gap("andel_arbete", 0.12, at_most, 2020)
    assert met is False and sentence.endswith("över målet på högst 10\u00a0%.")
    assert panels.target_gap("andel_arbete", 0.1, at_most, 2020) == (
        True, "2020 var andelen till arbete 10,0\u00a0%, precis på målet (högst 10\u00a0%).")
    with pytest.raises(ValueError):
        published.Target(0.5, "ungefär")
