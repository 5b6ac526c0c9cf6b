"""A chart's text alternative: what it shows in a sentence or two, made from the figures it draws.

A screen reader user, or anyone who cannot tell the bars apart, reads the same facts the chart shows:
the largest and the smallest value (or, with one category or none, the value and its change from the
previous year), and the distance to the target. Hidden figures (`<5`, `..`) and missing ones (–) are left
out of the comparison and said to be left out; the table one tab away has every cell.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from kaa import panels, schema
from kaa.published import Target

#: Categories a chart compares, in the order they are named; Totalt and Saknar stadsdel are not compared.
_COMPARED = schema.BREAKDOWNS
_NOT_COMPARED = (schema.TOTALT, schema.SAKNAR_STADSDEL, schema.SAKNAR_ALDER)
#: (one, several) of a compared category, as in `1 stadsdelsområde`, `3 stadsdelsområden`.
_NOUN = {schema.JOBBTORG: ("jobbtorg", "jobbtorg"), schema.KON: ("kön", "kön"),
         schema.STADSDEL: ("stadsdelsområde", "stadsdelsområden"), schema.ALDER: ("ålder", "åldrar")}
#: More series than this are summed up by the table, not read out one by one.
_MOST_SERIES = 4
NOTHING_SHOWN = "Diagrammet har inga siffror att visa: de är dolda eller saknas, se tabellen."


def _counted(n: int, column: str) -> str:
    return f"{n} {_NOUN[column][n != 1]}"


def _extremes(label: str, year: int, rows: pd.DataFrame, column: str, left_out: int) -> str:
    """`Andel nådda 2020 är högst för Man (53,0 %) och lägst för Kvinna (51,8 %).`"""
    ranked = rows.sort_values("varde", kind="stable")
    low, high = ranked.iloc[0], ranked.iloc[-1]
    if high["varde"] == low["varde"]:
        said = f"{label} {year} är lika för alla som visas ({high['text']})."
    else:
        said = (f"{label} {year} är högst för {high[column]} ({high['text']}) "
                f"och lägst för {low[column]} ({low['text']}).")
    if left_out:
        said += f" {_counted(left_out, column)} med dold eller saknad uppgift är inte med i jämförelsen."
    return said


def _change(measure: str, label: str, rows: pd.DataFrame, named: str = "") -> str:
    """`Andel nådda 2020 är 52,4 %, mot 54,5 % 2019, en förändring med −2,1 procentenheter.` from one series
    over the years (`named`: whose series, when the chart has categories)."""
    by_year = rows.sort_values(schema.AR)
    latest = by_year.iloc[-1]
    sentence = f"{label}{f' för {named}' if named else ''} {int(latest[schema.AR])} är {latest['text']}"
    if len(by_year) > 1:
        before = by_year.iloc[-2]
        moved = panels.change_text(measure, latest["varde"] - before["varde"], latest["varde"])
        sentence += f", mot {before['text']} {int(before[schema.AR])}, en förändring med {moved}"
    return sentence + "."


def _target(measure: str, rows: pd.DataFrame, column: str | None, goal: float, year: int) -> str:
    """How the latest year stands against the measure's target: one value's distance, or how many reach it."""
    latest = rows[rows[schema.AR] == year]
    if column is not None:
        latest = latest[~latest[column].isin(_NOT_COMPARED)]
    if len(latest) == 1:
        return panels.target_gap(measure, latest["varde"].iloc[0], goal, year)[1]
    goal = Target.of(goal)
    met = sum(bool(goal.met(v)) for v in latest["varde"])
    return f"{met} av {_counted(len(latest), column)} når målet på {goal.words} år {year}."


def describe(frame: pd.DataFrame, targets: Mapping[str, float] | None = None, most: int | None = _MOST_SERIES) -> str:
    """A chart over a panel frame in words: per measure, the latest year's largest and smallest category (or, with
    one category or none, its value and change), and how it stands against the measure's target. Beyond `most`
    series (None: no limit) the table is named instead. Never empty: a chart of hidden figures says so."""
    hidden = panels.hidden(frame)
    shown = frame[frame["varde"].notna() & ~hidden]
    if shown.empty:
        return NOTHING_SHOWN
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
            asked = frame[(frame["measure"] == measure) & (frame[schema.AR] == year)]
            left_out = int((~asked[column].isin(_NOT_COMPARED)).sum()) - len(compared)
            sentences.append(_extremes(label, year, compared, column, left_out))
        elif column and len(compared) == 1:
            name = compared[column].iloc[0]
            sentences.append(_change(measure, label, rows[rows[column] == name], named=name))
        elif column and len(latest):  # only Totalt or Saknar stadsdel is shown
            name = latest[column].iloc[0]
            sentences.append(_change(measure, label, rows[rows[column] == name], named=name.lower()
                                     if name == schema.TOTALT else name))
        elif len(latest):
            sentences.append(_change(measure, label, rows))
        goal = (targets or {}).get(measure)
        if goal is not None and measure in schema.SHARE_NAMES and len(latest):
            sentences.append(_target(measure, rows, column, goal, year))
    if most is not None and len(measures) > most:
        sentences.append(f"Diagrammet har {len(measures)} serier; tabellen under fliken Tabell har alla.")
    return " ".join(s for s in sentences if s) or NOTHING_SHOWN


_WORDS = {  # (good direction known, first = the most progress): the word for a move up, none, down
    (True, True): ("störst förbättring", "oförändrat", "minst försämring"),
    (True, False): ("minst förbättring", "oförändrat", "störst försämring"),
    (False, True): ("störst ökning", "oförändrat", "minst minskning"),
    (False, False): ("minst ökning", "oförändrat", "störst minskning"),
}


def describe_change(frame: pd.DataFrame) -> str:
    """A change chart (`panels.by_change`) in words: who moved most each way, as `störst förbättring för X (+1,3
    procentenheter)`."""
    unit = schema.compared(frame)
    moved = frame[frame["forandring"].notna() & ~frame[unit].isin(_NOT_COMPARED)]
    if moved.empty:
        return "Diagrammet har inga förändringar att visa: ett av årens värden är dolt eller saknas för alla."
    measure = moved["measure"].iloc[0]
    since, year = int(moved["jamfort_med_ar"].iloc[0]), int(moved[schema.AR].iloc[0])
    direction = schema.GOOD_DIRECTION.get(measure, 0)
    ranked = moved.assign(_progress=moved["forandring"] * (direction or 1)).sort_values("_progress", kind="stable")
    ends = [ranked.iloc[-1]] + ([ranked.iloc[0]] if len(ranked) > 1 else [])
    said = []
    for row, first in zip(ends, (True, False)):
        up, same, down = _WORDS[(direction != 0, first)]
        word = up if row["_progress"] > 0 else same if row["_progress"] == 0 else down
        said.append(f"{word} för {row[unit]} ({row['forandring_text']})")
    return f"{schema.MEASURES[measure].label} från {since} till {year}: " + ", ".join(said) + "."


def over_periods(frame: pd.DataFrame) -> str:
    """A chart over months or half-years in words: per measure, its highest and lowest period and the latest.

    `Nådda är högst i okt 2025 (254) och lägst i aug 2025 (157); senast, nov 2025: 361.`"""
    from kaa.charts import month_name

    rows = frame[[schema.PERIOD, "measure", "matt", "varde", "text"]].to_dict("records")  # a few dozen: plain Python
    shown = [row for row in rows if row["varde"] == row["varde"]]
    if not shown:
        return NOTHING_SHOWN
    months = all(len(row[schema.PERIOD]) == 7 and "H" not in row[schema.PERIOD] for row in shown)
    name = month_name if months else str
    by_measure: dict[str, list[dict]] = {}
    for row in sorted(shown, key=lambda row: row[schema.PERIOD]):
        by_measure.setdefault(row["measure"], []).append(row)
    sentences = []
    for series in by_measure.values():
        high, low = max(series, key=lambda row: row["varde"]), min(series, key=lambda row: row["varde"])
        last = series[-1]
        sentences.append(f"{last['matt']} är högst i {name(high[schema.PERIOD])} ({high['text']}) och lägst i "
                         f"{name(low[schema.PERIOD])} ({low['text']}); senast, {name(last[schema.PERIOD])}: "
                         f"{last['text']}.")
    if len(rows) > len(shown):
        sentences.append(f"{len(rows) - len(shown)} uppgifter är dolda eller saknas och är inte med, se tabellen.")
    return " ".join(sentences)
