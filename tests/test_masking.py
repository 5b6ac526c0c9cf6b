"""Small-cell protection: counts of 1–4 hidden (`<5`), and nothing a reader could narrow or pin.

The guarantee is proved the way an outside audit would try to break it
(tests/disclosure_audit.py): everything the CLI and the pages publish for fresh synthetic
extracts of one jobbtorg's size, solved for the hidden figures as an integer program.
"""

from __future__ import annotations

import dataclasses

import io
import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from kaa import demo, extract, masking, metrics, panels, published, schema, store
from kaa.facts import normalize_facts
from kaa.metrics import Selection
from tests import disclosure_audit as audit

JOBBTORG = schema.JOBBTORG_NAMES
REPO_ROOT = Path(__file__).resolve().parent.parent
YEARS = [2021, 2022]


def extract_like(values: dict[tuple[str, str], int], measure: str = "inskrivna", year: int = 2021) -> pd.DataFrame:
    rows = [{"ar": str(year), "jobbtorg": j, "kon": k, "measure": measure, "value": str(v)}
            for (j, k), v in values.items()]
    return normalize_facts(pd.DataFrame(rows))


def labels_of(facts: pd.DataFrame, by: list[str], measure: str = "inskrivna") -> dict:
    table, masks = metrics.table(facts, by, measures=[measure], masks=True)
    return dict(zip(table[by[0]], masks[measure]))


# --- What is hidden and how it is labelled ------------------------------------------------------


def test_counts_from_one_to_four_are_masked_zero_and_five_are_not():
    facts = extract_like({(JOBBTORG[0], "Kvinna"): 0, (JOBBTORG[1], "Kvinna"): 1, (JOBBTORG[2], "Kvinna"): 4,
                          (JOBBTORG[3], "Kvinna"): 5, (JOBBTORG[4], "Kvinna"): 40, (JOBBTORG[5], "Kvinna"): 60})
    table, masks = metrics.table(facts, ["jobbtorg"], measures=["inskrivna"], masks=True)
    labels = dict(zip(table["jobbtorg"], masks["inskrivna"]))
    values = dict(zip(table["jobbtorg"], table["inskrivna"]))
    assert labels[JOBBTORG[1]] == labels[JOBBTORG[2]] == "<5"
    assert pd.isna(values[JOBBTORG[1]]) and pd.isna(values[JOBBTORG[2]])
    assert values[JOBBTORG[0]] == 0 and labels[JOBBTORG[0]] == ""
    assert values[JOBBTORG[3]] == 5 and labels[JOBBTORG[3]] == ""
    assert values["Totalt"] == 110


def test_a_lone_masked_part_takes_another_part_with_it_and_the_total_stays():
    facts = extract_like({(JOBBTORG[0], "Man"): 3, (JOBBTORG[1], "Man"): 50, (JOBBTORG[2], "Man"): 12,
                          (JOBBTORG[3], "Man"): 30})
    table, masks = metrics.table(facts, ["jobbtorg"], measures=["inskrivna"], masks=True)
    labels = dict(zip(table["jobbtorg"], masks["inskrivna"]))
    assert labels[JOBBTORG[0]] == "<5"
    assert sum(labels[j] == ".." for j in JOBBTORG[1:4]) == 1  # 95 - the rest would give the 3 away
    assert labels["Totalt"] == ""
    assert table.loc[table["jobbtorg"] == "Totalt", "inskrivna"].iloc[0] == 95


def test_a_small_total_over_small_parts_does_not_show_them_all_as_small():
    """2 = 1 + 1: were all three `<5` (1–4), the total could not be 1 and no part 4. So two of them
    are shown as `..` (any count, 0 too), and one keeps its `<5`."""
    facts = extract_like({(JOBBTORG[0], "Kvinna"): 1, (JOBBTORG[1], "Kvinna"): 1, (JOBBTORG[2], "Kvinna"): 0})
    labels = labels_of(facts, ["jobbtorg"])
    shown = [labels[JOBBTORG[0]], labels[JOBBTORG[1]], labels["Totalt"]]
    assert sorted(shown) == ["..", "..", "<5"]
    assert labels[JOBBTORG[2]] == ""


def test_reached_and_not_reached_protect_each_other_through_sokta():
    rows = [{"ar": "2021", "jobbtorg": JOBBTORG[0], "kon": "Kvinna", "measure": m, "value": v}
            for m, v in (("sokta", "30"), ("nadda", "2"), ("ej_nadda", "28"))]
    table, masks = metrics.table(normalize_facts(pd.DataFrame(rows)), ["ar"],
                                 measures=["sokta", "nadda", "ej_nadda", "andel_nadda"], masks=True)
    masked = masks.iloc[0]
    assert masked["nadda"] == "<5"
    assert (masked["ej_nadda"] == "..") or (masked["sokta"] == "..")  # else 30 - 28 gives the 2 away
    assert masked["andel_nadda"] == ".."


def test_shares_on_small_bases_are_masked():
    rows = [{"ar": "2021", "jobbtorg": JOBBTORG[0], "kon": "Man", "measure": m, "value": v}
            for m, v in (("inskrivna", "40"), ("avslutade", "3"), ("avslut_studier", "2"))]
    table, masks = metrics.table(normalize_facts(pd.DataFrame(rows)), ["ar"], measures=[
        "inskrivna", "andel_avslutade", "andel_studier"], masks=True)
    masked = masks.iloc[0]
    assert masked["andel_avslutade"] == ".." and masked["andel_studier"] == ".."
    assert pd.isna(table["andel_avslutade"].iloc[0])
    assert table["inskrivna"].iloc[0] == 40


def test_min_cell_zero_shows_everything():
    facts = extract_like({(JOBBTORG[0], "Kvinna"): 2, (JOBBTORG[1], "Kvinna"): 50})
    table, masks = metrics.table(facts, ["jobbtorg"], Selection(min_cell=0), measures=["inskrivna"], masks=True)
    assert (masks["inskrivna"] == "").all()
    assert list(table["inskrivna"][:2]) == [2, 50]


def test_change_from_a_masked_year_is_not_shown():
    facts = pd.concat([extract_like({(JOBBTORG[0], "Kvinna"): 3, (JOBBTORG[1], "Kvinna"): 3,
                                     (JOBBTORG[2], "Kvinna"): 70}, year=2021),
                       extract_like({(JOBBTORG[0], "Kvinna"): 30, (JOBBTORG[1], "Kvinna"): 40,
                                     (JOBBTORG[2], "Kvinna"): 70}, year=2022)], ignore_index=True)
    table = metrics.table(facts, ["jobbtorg"], Selection(years=(2022,)), measures=["inskrivna"], yoy=True)
    change = dict(zip(table["jobbtorg"], table["inskrivna_forandring"]))
    assert pd.isna(change[JOBBTORG[0]])  # 30 - 3 would give the masked 3 away
    assert change[JOBBTORG[2]] == 0


def test_a_filtered_sum_anyone_can_work_out_is_shown():
    """Two hidden parts of a shown total: their sum is the total minus the shown rest, so hiding it
    would protect nothing (and a hidden figure should never be one a reader can pin)."""
    facts = extract_like({(JOBBTORG[0], "Man"): 3, (JOBBTORG[1], "Man"): 50, (JOBBTORG[2], "Man"): 12,
                          (JOBBTORG[3], "Man"): 30})
    protected = masking.protect(facts, 5)
    hidden = [j for j in JOBBTORG[:4] if labels_of(protected, ["jobbtorg"])[j]]
    table, masks = metrics.table(protected, ["ar"], Selection(jobbtorg=tuple(hidden)), measures=["inskrivna"],
                                 masks=True)
    assert masks["inskrivna"].iloc[0] == ""
    assert table["inskrivna"].iloc[0] == sum({JOBBTORG[0]: 3, JOBBTORG[2]: 12, JOBBTORG[3]: 30}[j] for j in hidden)
    with_a_shown_one = tuple(hidden[:1]) + (JOBBTORG[1],)  # the rest holds the other hidden part
    _, masks = metrics.table(protected, ["ar"], Selection(jobbtorg=with_a_shown_one), measures=["inskrivna"],
                             masks=True)
    assert masks["inskrivna"].iloc[0] == ".."


def test_the_published_report_shows_every_figure_as_printed():
    facts = published.load_published()
    protected = masking.protect(facts, metrics.DEFAULT_MIN_CELL)
    assert (protected[masking.MASKED] == "").all()
    table = metrics.table(facts, ["jobbtorg"], Selection(years=(2020,)), measures=["inskrivna", "avslut_arbete"])
    assert dict(zip(table["jobbtorg"], table["avslut_arbete"]))["Jobbtorg Vällingby"] == 16


def test_protection_is_the_same_every_time():
    facts, _ = audit_store_facts(600, seed=11)
    first, second = masking.protect(facts, 5), masking.protect(facts, 5)
    assert first[masking.MASKED].tolist() == second[masking.MASKED].tolist()


def test_a_year_is_protected_once_and_remembered_by_its_figures():
    facts, _ = audit_store_facts(600, seed=11)
    memory: dict[str, bytes] = {}
    computed = masking.protect(facts, 5)
    first = masking.protect(facts, 5, remember=memory)
    years = facts["ar"].nunique()  # the extract's and the report's
    assert len(memory) == years  # one entry per year
    pd.testing.assert_frame_equal(first, computed)
    recalled = masking.protect(facts, 5, remember=dict(memory))
    pd.testing.assert_frame_equal(recalled, computed)
    # A changed figure in one year, or another threshold, is protected anew; the other year is recalled.
    changed = facts.copy()
    row = changed.index[(changed["ar"] == YEARS[0]) & (changed["measure"] == "registrerade")][0]
    changed.loc[row, "value"] += 1
    masking.protect(changed, 5, remember=memory)
    assert len(memory) == years + 1
    masking.protect(facts, 3, remember=memory)
    assert len(memory) == 2 * years + 1
    # Labels that do not fit (another number of figures, an unknown code) are not used.
    wrong = {key: b"\x07" * len(codes) for key, codes in memory.items()}
    pd.testing.assert_frame_equal(masking.protect(facts, 5, remember=wrong), computed)


def test_the_symbols_are_explained_in_words():
    small, hidden = masking.reason("<5", 5), masking.reason("..", 5)
    assert "1–4" in small
    assert "vilket antal som helst från 0" in hidden and "1–4" in hidden
    assert masking.legend(["", "<5"]) == ["<5 betyder 1–4 personer."]
    ten = masking.legend(["..", "<10"])
    assert ten[0] == "<10 betyder 1–9 personer." and ten[1].startswith(".. är en dold uppgift") and "1–9" in ten[1]


# --- The guarantee, proved by an outside audit -----------------------------------------------------


def audit_store_facts(rows: int, seed: int, years=YEARS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A fresh synthetic extract imported into this test's (empty) store: the store's facts, and the extract's
    true cells for the audit's own check (`audit.fine_facts`)."""
    buffer = io.BytesIO()
    demo.write(demo.generate(rows, years, seed=seed), buffer, encoding="cp1252")
    data = buffer.getvalue()
    result = extract.read_extract(data, f"demo_{seed}.csv")
    store.import_extract(result, data, f"demo_{seed}.csv", f"Demo {seed}")
    return store.load_facts(), audit.fine_facts(data, f"demo_{seed}.csv")


@pytest.mark.parametrize("rows, seed", [(500, 1), (1200, 2), (2400, 3)])
def test_nothing_published_narrows_a_small_count_or_pins_a_hidden_figure(rows, seed):
    raw, fine = audit_store_facts(rows, seed)
    report = audit.audit(raw, YEARS, fine=fine)
    assert report.primaries > 100 and report.hidden > report.primaries  # the audit had something to do
    assert not report.narrowed, [(f.figure, f.true, f.possible) for f in report.narrowed[:5]]
    assert not report.pinned, [(f.figure, f.true, f.possible) for f in report.pinned[:5]]


def test_the_guarantee_holds_for_another_threshold():
    raw, fine = audit_store_facts(800, seed=4, years=[2022])
    report = audit.audit(raw, [2022], min_cell=3, jobbtorg_filters=[None, JOBBTORG[:2], JOBBTORG[2:]], fine=fine)
    assert report.primaries > 20
    assert not report.narrowed and not report.pinned


def test_the_audit_sees_through_protection_that_only_hides_the_small_counts():
    """The audit has teeth: hiding only the 1–4 (no secondary cells) is broken at once."""
    def primary_only(facts, min_cell):
        out = masking.protect(facts, 0)
        small = out["measure"].isin(schema.COUNT_NAMES) & (out["value"] >= 1) & (out["value"] < min_cell)
        out.loc[small, masking.MASKED] = masking.primary_label(min_cell)
        return out

    raw, fine = audit_store_facts(600, seed=5, years=[2022])
    report = audit.audit(raw, [2022], protect=primary_only, jobbtorg_filters=[None], fine=fine)
    assert len(report.narrowed) > 20


def test_the_audit_checks_the_true_figures_against_its_own_constraints():
    raw, fine = audit_store_facts(600, seed=6, years=[2022])
    protected = masking.protect(raw, 5)
    published_figures = audit.collect(protected, [2022], [None], workers=1)
    shown = next(key for key, f in published_figures.figures.items() if not f.label and f.value > 10)
    wrong = published_figures.figures[shown]
    published_figures.figures[shown] = dataclasses.replace(wrong, value=wrong.value + 1)
    checked = audit.Audit(published_figures, audit.truth(fine, [2022]))
    assert checked.violations()
    with pytest.raises(AssertionError):
        checked.run()


def test_the_audit_reads_what_the_command_line_prints(kaa_data_dir):
    """The audit collects with metrics.table in process; `python -m kaa table` prints exactly that."""
    raw, _ = audit_store_facts(700, seed=8, years=[2022])
    env = dict(os.environ, KAA_DATA_DIR=str(kaa_data_dir), PYTHONIOENCODING="utf-8")
    printed = subprocess.run([sys.executable, "-m", "kaa", "table", "--by", "jobbtorg,kon", "--verksamhet", "Aim",
                              "--year", "2022", "--format", "json"], cwd=REPO_ROOT, env=env, capture_output=True,
                             text=True, encoding="utf-8", timeout=300, check=True).stdout
    rows = json.loads(printed)
    rows = rows["rows"] if isinstance(rows, dict) else rows
    table, masks = metrics.table(masking.protect(raw, 5), ["jobbtorg", "kon"],
                                 Selection(years=(2022,), verksamhet=schema.AIM), masks=True)
    assert len(rows) == len(table)
    for row, expected, labels in zip(rows, table.to_dict("records"), masks.to_dict("records")):
        for measure in audit.COUNTS:
            if labels[measure]:
                assert str(row[measure]) == labels[measure]
            elif pd.isna(expected[measure]):  # a unit keeps only the enrolment measures: missing, null in JSON
                assert row[measure] is None and measure not in schema.UNIT_MEASURES
            else:
                assert row[measure] == expected[measure]


def test_the_pages_show_nothing_the_tables_do_not():
    """Headline cards and the jobbtorg comparison show the tables' figures, hidden where they are."""
    raw, _ = audit_store_facts(900, seed=9, years=YEARS)
    protected = masking.protect(raw, 5)
    figures = audit.collect(protected, YEARS, [None], workers=1).figures
    whole = frozenset(audit.ALL_CELLS)
    for year in YEARS:
        cards = panels.headline(protected, Selection(), year)
        for card in cards[cards["measure"].isin(audit.COUNTS)].to_dict("records"):
            figure = figures[(year, schema.HELA_KAA, card["measure"], whole, ())]
            assert (card["maskad"], card["maskad"] or card["varde"]) == (figure.label, figure.label or figure.value)
        for measure in ("inskrivna", "avslut_arbete", "andel_studier"):
            compared = panels.compare_jobbtorg(protected, Selection(verksamhet=schema.AIM), year, measure)
            for row in compared.to_dict("records"):
                if measure in audit.COUNTS and row["jobbtorg"] != schema.TOTALT:
                    cells = frozenset(itertools.product([row["jobbtorg"]], schema.KON_VALUES))
                    figure = figures[(year, schema.AIM, measure, cells, ())]
                    assert (row["maskad"], row["maskad"] or row["varde"]) == \
                        (figure.label, figure.label or figure.value)
                if row["maskad"]:
                    assert pd.isna(row["varde"]) and pd.isna(row["rang"]) and pd.isna(row["forandring"])
