"""Charts in words: the text alternative says the report's own figures, and leaves hidden ones out."""

from __future__ import annotations

import gzip

import pandas as pd

from kaa import alt_text, masking, metrics, panels, published, schema
from kaa.metrics import Selection
from ui.server import swedish

NBSP = "\u00a0"
GOAL = {"andel_studier": published.Target(0.5)}


def test_a_chart_over_the_years_says_the_latest_value_its_change_and_the_target(facts):
    frame = panels.figures(facts, [schema.AR], Selection(), ["andel_studier", "andel_arbete"])
    assert alt_text.describe(frame, GOAL) == (
        f"Andel till studier 2020 är 43,9{NBSP}%, mot 48,2{NBSP}% 2019, en förändring med −4,3{NBSP}procentenheter. "
        f"2020 var andelen till studier 43,9{NBSP}%, 6,1{NBSP}procentenheter under målet på minst 50{NBSP}%. "
        f"Andel till arbete 2020 är 16,7{NBSP}%, mot 19,4{NBSP}% 2019, en förändring med −2,6{NBSP}procentenheter.")


def test_a_chart_per_jobbtorg_names_the_largest_and_smallest_as_the_table_has_them(facts):
    frame = panels.figures(facts, [schema.JOBBTORG], Selection(years=(2020,)), ["andel_studier"], totals=True)
    said = alt_text.describe(frame, GOAL)
    # Counted from the frame itself, apart from the sentence: the extremes among the jobbtorg (not Totalt,
    # not Saknar stadsdel), and how many reach 50 %.
    units = frame[~frame[schema.JOBBTORG].isin([schema.TOTALT, schema.SAKNAR_STADSDEL])].dropna(subset=["varde"])
    high, low = units.loc[units["varde"].idxmax()], units.loc[units["varde"].idxmin()]
    assert (high[schema.JOBBTORG], high["text"], low[schema.JOBBTORG], low["text"]) == (
        "Jobbtorg Kista", f"49,6{NBSP}%", "Jobbtorg Skärholmen", f"37,7{NBSP}%")
    assert said == (f"Andel till studier 2020 är högst för Jobbtorg Kista (49,6{NBSP}%) och lägst för Jobbtorg "
                    f"Skärholmen (37,7{NBSP}%). {int((units['varde'] >= 0.5).sum())} av {len(units)} jobbtorg "
                    f"når målet på minst 50{NBSP}% år 2020.")


def test_the_change_chart_names_who_moved_most_each_way(facts):
    frame = panels.by_change(panels.compare_jobbtorg(facts, Selection(), 2020, "andel_studier", 2019, 0.5))
    assert alt_text.describe_change(frame) == (
        f"Andel till studier från 2019 till 2020: minst försämring för Jobbtorg Globen (−1,3{NBSP}procentenheter), "
        f"störst försämring för Jobbtorg Kista (−8,2{NBSP}procentenheter).")
    counts = panels.by_change(panels.compare_jobbtorg(facts, Selection(), 2020, "inskrivna", 2019))
    # Inskrivna is neither good nor bad news: it rises or falls, it does not improve.
    assert alt_text.describe_change(counts).startswith("Inskrivna från 2019 till 2020: minst minskning för")


def test_hidden_and_missing_figures_are_never_the_largest_or_smallest():
    frame = pd.DataFrame({
        schema.AR: [2024] * 4, schema.KON: ["Kvinna", "Man", "Totalt", "Kvinna"],
        "measure": ["nadda"] * 3 + ["ej_nadda"], "matt": ["Nådda"] * 3 + ["Ej nådda"],
        "varde": [float("nan"), 40.0, 42.0, float("nan")], "text": ["<5", "40", "42", "–"],
        metrics.MASKED: [masking.primary_label(5), "", "", ""],
    })
    # Kvinna's nådda is hidden, Ej nådda missing: Man is the one category left, said with its value alone.
    assert alt_text.describe(frame) == "Nådda för Man 2024 är 40."
    assert alt_text.describe(frame.assign(varde=float("nan"))) == alt_text.NOTHING_SHOWN


def test_aim_is_held_against_its_own_targets_not_the_citys(facts):
    from kaa.published import load_targets, targets_for

    targets = load_targets()
    assert targets_for(targets, ["andel_studier"], schema.AIM) == {}  # targets.csv sets none for Aim
    frame = panels.figures(facts, [schema.AR], Selection(verksamhet=schema.AIM), ["andel_studier"])
    assert "målet" not in alt_text.describe(frame, targets_for(targets, ["andel_studier"], schema.AIM))


def test_the_page_shell_is_made_swedish_whether_sent_compressed_or_not():
    shell = b'<!doctype html><html lang="en"><head></head></html>'
    assert swedish(shell, b"") == b'<!doctype html><html lang="sv"><head></head></html>'
    assert gzip.decompress(swedish(gzip.compress(shell), b"gzip")) == swedish(shell, b"")
