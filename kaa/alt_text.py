"""A chart's text alternative: what it shows in a sentence or two, made from the figures it draws.

A screen reader user, or anyone who cannot tell the bars apart, reads the same facts the chart shows:
the largest and the smallest value, the change from the previous year, and the distance to the target.
Hidden figures (`<5`, `..`) and missing ones (–) are left out of the comparison; the table one tab away
has every cell.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from kaa import metrics, panels, schema
from kaa.published import Target

#: Categories a chart compares, in the order they are named; Totalt and Saknar stadsdel are not compared.
_COMPARED = (schema.JOBBTORG, schema.KON)
_NOT_COMPARED = (schema.TOTALT, schema.SAKNAR_STADSDEL)
_NOUN = {schema.JOBBTORG: "jobbtorg", schema.KON: "kön"}
#: More series than this are summed up by the table, not read out one by one.
_MOST_SERIES = 4


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    hidden = frame[metrics.MASKED].fillna("").astype(bool) if metrics.MASKED in frame else False
    return frame[frame["varde"].notna() & ~hidden]


def _extremes(label: str, year: int, rows: pd.DataFrame, column: str) -> str:
    """`Andel nådda 2020 är högst för Kvinna (56,1 %) och lägst för Man (49,2 %).`"""
    ranked = rows.sort_values("varde", kind="stable")
    low, high = ranked.iloc[0], ranked.iloc[-1]
    if high["varde"] == low["varde"]:
        return f"{label} {year} är lika för alla ({high['text']})."
    return (f"{label} {year} är högst för {high[column]} ({high['text']}) "
            f"och lägst för {low[column]} ({low['text']}).")


def _change(measure: str, label: str, rows: pd.DataFrame) -> str:
    """`Andel nådda 2020 är 52,4 %, mot 54,5 % 2019, en förändring med −2,1 procentenheter.` from one series."""
    by_year = rows.sort_values(schema.AR)
    latest = by_year.iloc[-1]
    sentence = f"{label} {int(latest[schema.AR])} är {latest['text']}"
    if len(by_year) > 1:
        before = by_year.iloc[-2]
        moved = panels.change_text(measure, latest["varde"] - before["varde"], latest["varde"])
        sentence += f", mot {before['text']} {int(before[schema.AR])}, en förändring med {moved}"
    return sentence + "."


def _target(measure: str, rows: pd.DataFrame, column: str | None, goal: float, year: int) -> str:
    """How the latest year stands against the measure's target."""
    if column is None:
        value = rows.loc[rows[schema.AR] == year, "varde"]
        return panels.target_gap(measure, value.iloc[0], goal, year)[1] if len(value) else ""
    latest = rows[(rows[schema.AR] == year) & ~rows[column].isin(_NOT_COMPARED)]
    goal = Target.of(goal)
    met = sum(bool(goal.met(v)) for v in latest["varde"])
    return f"{met} av {len(latest)} {_NOUN[column]} når målet ({goal.words}) {year}."


def describe(frame: pd.DataFrame, targets: Mapping[str, float] | None = None, most: int | None = _MOST_SERIES) -> str:
    """A chart over a panel frame in words: per measure, the latest year's largest and smallest category (or its
    value and change when the chart has no categories), and how it stands against the measure's target. Beyond
    `most` series (None: no limit) the table is named instead."""
    shown = _shown(frame)
    if shown.empty:
        return ""
    column = next((c for c in _COMPARED if c in shown.columns), None)
    year = int(shown[schema.AR].max())
    sentences = []
    measures = list(dict.fromkeys(shown["measure"]))
    for measure in measures[:most]:
        rows = shown[shown["measure"] == measure]
        label = schema.MEASURES[measure].label
        latest = rows[rows[schema.AR] == year]
        compared = latest[~latest[column].isin(_NOT_COMPARED)] if column else latest.iloc[0:0]
        if len(compared) >= 2:
            sentences.append(_extremes(label, year, compared, column))
        elif column is None and len(latest):
            sentences.append(_change(measure, label, rows))
        goal = (targets or {}).get(measure)
        if goal is not None and measure in schema.SHARE_NAMES and len(latest):
            sentences.append(_target(measure, rows, column if len(compared) >= 2 else None, goal, year))
    if most is not None and len(measures) > most:
        sentences.append(f"Diagrammet har {len(measures)} serier; tabellen under fliken Tabell har alla.")
    return " ".join(s for s in sentences if s)


def describe_change(frame: pd.DataFrame) -> str:
    """A change chart (`panels.by_change`) in words: who improved most and who moved most the other way."""
    moved = frame[frame["forandring"].notna() & ~frame[schema.JOBBTORG].isin(_NOT_COMPARED)]
    if moved.empty:
        return ""
    measure = moved["measure"].iloc[0]
    since, year = int(moved["jamfort_med_ar"].iloc[0]), int(moved[schema.AR].iloc[0])
    direction = schema.GOOD_DIRECTION.get(measure, 0)
    ranked = moved.assign(_progress=moved["forandring"] * (direction or 1)).sort_values("_progress", kind="stable")
    ends = [ranked.iloc[-1]] + ([ranked.iloc[0]] if len(ranked) > 1 else [])
    said = []
    for row, first in zip(ends, (True, False)):
        progress = row["_progress"]
        if direction == 0:
            word = "störst ökning" if first and progress > 0 else "minst ökning" if progress > 0 else \
                "oförändrat" if progress == 0 else "minst minskning" if first else "störst minskning"
        else:
            word = "störst förbättring" if first and progress > 0 else "minst förbättring" if progress > 0 else \
                "oförändrat" if progress == 0 else "minst försämring" if first else "störst försämring"
        said.append(f"{word} {row[schema.JOBBTORG]}, {row['forandring_text']}")
    return f"{schema.MEASURES[measure].label} från {since} till {year}: " + "; ".join(said) + "."
