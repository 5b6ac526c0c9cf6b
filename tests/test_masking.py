"""Small-cell masking: primary suppression of 1–4, secondary suppression so nothing can be recovered."""

from __future__ import annotations

import itertools
import random

import pandas as pd
import pytest

from kaa import masking, metrics, schema
from kaa.facts import normalize_facts
from kaa.metrics import Selection

JOBBTORG = schema.JOBBTORG_NAMES


def extract_like(values: dict[tuple[str, str], int], measure: str = "inskrivna", year: int = 2021) -> pd.DataFrame:
    rows = [{"ar": str(year), "jobbtorg": j, "kon": k, "measure": measure, "value": str(v)}
            for (j, k), v in values.items()]
    return normalize_facts(pd.DataFrame(rows))


def cells(frame: pd.DataFrame, measure: str) -> pd.DataFrame:
    return frame.set_index([c for c in frame.columns if c in schema.GROUPABLE])[[measure]]


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


def test_a_lone_masked_part_takes_the_smallest_visible_part_with_it():
    facts = extract_like({(JOBBTORG[0], "Man"): 3, (JOBBTORG[1], "Man"): 50, (JOBBTORG[2], "Man"): 12,
                          (JOBBTORG[3], "Man"): 30})
    table, masks = metrics.table(facts, ["jobbtorg"], measures=["inskrivna"], masks=True)
    labels = dict(zip(table["jobbtorg"], masks["inskrivna"]))
    assert labels[JOBBTORG[0]] == "<5"
    assert labels[JOBBTORG[2]] == ".."  # 12 is the smallest other part; 95 - 50 - 30 would give 15 = 3 + 12
    assert labels[JOBBTORG[1]] == labels[JOBBTORG[3]] == labels["Totalt"] == ""
    assert table.loc[table["jobbtorg"] == "Totalt", "inskrivna"].iloc[0] == 95


def test_reached_and_not_reached_protect_each_other_through_sokta():
    rows = [{"ar": "2021", "jobbtorg": JOBBTORG[0], "kon": "Kvinna", "measure": m, "value": v}
            for m, v in (("sokta", "30"), ("nadda", "2"), ("ej_nadda", "28"))]
    table, masks = metrics.table(normalize_facts(pd.DataFrame(rows)), ["ar"],
                                 measures=["sokta", "nadda", "ej_nadda", "andel_nadda"], masks=True)
    masked = masks.iloc[0]
    assert masked["nadda"] == "<5"
    assert masked["ej_nadda"] == ".."
    assert masked["andel_nadda"] == ".."
    assert table["sokta"].iloc[0] == 30


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


@pytest.mark.parametrize("seed", range(40))
def test_no_masked_cell_can_be_recovered_by_subtraction(seed):
    rng = random.Random(seed)
    values = {(j, k): rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 12, 30, 80])
              for j, k in itertools.product(JOBBTORG, schema.KON_VALUES)}
    facts = extract_like(values)
    for by in (["jobbtorg"], ["kon"], ["jobbtorg", "kon"]):
        table, masks = metrics.table(facts, by, measures=["inskrivna"], masks=True)
        labels = masks["inskrivna"]
        is_total = (table[by] == schema.TOTALT).all(axis=1)
        total_visible = (labels[is_total] == "").all()
        hidden = (labels[~is_total] != "").sum()
        assert not (total_visible and hidden == 1), (by, values)
        # And every visible value is the true one.
        for _, row in table[~is_total & (labels == "")].iterrows():
            if by == ["jobbtorg", "kon"]:
                assert row["inskrivna"] == values[(row["jobbtorg"], row["kon"])]


def _covers(row: pd.Series, by: list[str], dimension: str, value: str, chosen) -> bool:
    """Whether a shown row sums this value of the dimension: a Totalt row of a breakdown is
    the whole dimension, whatever is chosen; otherwise the filter decides."""
    shown = row.get(dimension, schema.TOTALT)
    if shown != schema.TOTALT:
        return value == shown
    return dimension in by or chosen is None or value in chosen


def _visible_aggregates(facts: pd.DataFrame) -> list[tuple[frozenset, float]]:
    """Every figure any view of the dashboard or CLI shows, as (the cells it sums, its value)."""
    cells = list(itertools.product(JOBBTORG, schema.KON_VALUES))
    jobbtorg_filters = [None] + [(j,) for j in JOBBTORG] + [JOBBTORG[:2], JOBBTORG[2:]]
    kon_filters = [None] + [(k,) for k in schema.KON_VALUES]
    shown = []
    for by in (["ar"], ["jobbtorg"], ["kon"], ["jobbtorg", "kon"]):
        for jf, kf in itertools.product(jobbtorg_filters, kon_filters):
            table, masks = metrics.table(facts, by, Selection(jobbtorg=jf, kon=kf), measures=["inskrivna"],
                                         masks=True)
            for (_, row), label in zip(table.iterrows(), masks["inskrivna"]):
                if label:
                    continue
                members = {(j, k) for j, k in cells
                           if _covers(row, by, "jobbtorg", j, jf) and _covers(row, by, "kon", k, kf)}
                shown.append((frozenset(members), row["inskrivna"]))
    return shown


@pytest.mark.parametrize("seed", range(3))
def test_no_small_cell_can_be_recovered_by_combining_views(seed):
    rng = random.Random(1000 + seed)
    values = {(j, k): rng.choice([0, 1, 2, 3, 4, 6, 9, 15, 40]) for j, k in
              itertools.product(JOBBTORG, schema.KON_VALUES)}
    shown = {}
    for members, value in _visible_aggregates(masking.protect(extract_like(values), metrics.DEFAULT_MIN_CELL)):
        assert value == sum(values[c] for c in members)  # every shown figure is true
        shown[members] = value
    # Subtract nested sums, as someone holding every view could, for a few rounds.
    known = dict(shown)
    for _ in range(3):
        for (a, va), (b, vb) in itertools.product(list(shown.items()), list(known.items())):
            if b < a and (a - b) not in known:
                known[a - b] = va - vb
    revealed = {next(iter(m)): v for m, v in known.items() if len(m) == 1}
    small = {c for c, v in values.items() if 1 <= v < metrics.DEFAULT_MIN_CELL}
    assert not small & set(revealed), {c: values[c] for c in small & set(revealed)}
