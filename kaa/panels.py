"""The frames the dashboard's panels show: one frame feeds a chart, its table and its download.

Pages only lay these out; all computing happens here, on top of `metrics`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

import numpy as np
import pandas as pd

from kaa import fmt, masking, metrics, notices, reasons, schema
from kaa.facts import overlay
from kaa.metrics import Selection
from kaa.notices import IMPORT_PREVIEW_MEASURES
from kaa.notices import basis as _basis
from kaa.published import SOURCE_ID, Target

HEADLINE_MEASURES = (
    "registrerade", "sokta", "nadda", "inskrivna", "nyinskrivna", "avslutade",
    "andel_nadda", "andel_studier", "andel_arbete",
)


def figures(facts: pd.DataFrame, by: Sequence[str], sel: Selection, measures: Sequence[str],
            totals: bool = False) -> pd.DataFrame:
    """Long frame of the asked measures with labels, Swedish text and the counts behind each share."""
    cols = metrics.grouping(by)
    long = metrics.with_totals(facts, cols, sel, totals)
    long = long[long["measure"].isin(measures)].copy()
    long["matt"] = long["measure"].map(lambda m: schema.MEASURES[m].label)
    long["text"] = [label or fmt.value(m, v, n) for m, v, n, label in
                    zip(long["measure"], long["value"], long["noggrannhet"], long[metrics.MASKED])]
    order = {m: i for i, m in enumerate(measures)}
    long = long.sort_values(cols[1:] + ["measure"], key=lambda s: s.map(order) if s.name == "measure" else
                            s.map(lambda v, c=s.name: schema.order_key(c, v)), kind="stable")
    long = long.sort_values(schema.AR, kind="stable")
    return long.rename(columns={"value": "varde"}).reset_index(drop=True)[
        cols + ["measure", "matt", "varde", "text", "taljare", "namnare", "noggrannhet", "kalla", "orsak",
                "orsaker", metrics.MASKED]]


def hidden(frame: pd.DataFrame) -> pd.Series:
    """Which rows of a panel frame hold a hidden figure (`<5`, `..`)."""
    if metrics.MASKED not in frame:
        return pd.Series(False, index=frame.index)
    return frame[metrics.MASKED].fillna("").astype(str) != ""


def has_figures(frame: pd.DataFrame) -> bool:
    """Whether a panel frame has anything to show: a figure, or a hidden small count (that is real too)."""
    return bool((frame["varde"].notna() | hidden(frame)).any())


def without_lone_total(frame: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """A frame by `dimension` without its Totalt rows when no part of it has a figure: the city's value alone is no
    view per jobbtorg, stadsdelsområde or age (the panel then says why the parts are missing)."""
    parts = frame[frame[dimension] != schema.TOTALT]
    return frame if has_figures(parts) else parts


#: When a filter leaves a panel without a single figure, it is let go in this order.
_RELAXED = ((schema.KON, "båda könen"), (schema.JOBBTORG, "hela staden"))


def shows_total(by: Sequence[str], sel: Selection, measures: Sequence[str]) -> bool:
    """Whether a panel ends with a Totalt row, as the report's tables do: per kön while both are shown (one
    kön chosen, Totalt would be the other as well); per jobbtorg, stadsdelsområde or age for shares, which compare
    with the city's, and not for counts, where the city's would dwarf every part."""
    if schema.KON in by:
        return not sel.kon
    parts = {schema.JOBBTORG, *schema.AREA_DIMENSIONS}
    return bool(parts & set(by)) and all(m in schema.SHARE_NAMES for m in measures)


def nearest_figures(facts: pd.DataFrame, by: Sequence[str], sel: Selection, measures: Sequence[str],
                    totals: bool | None = None) -> tuple[pd.DataFrame, str]:
    """`figures`, or, when the filters leave nothing to show, the nearest figures that exist.

    A filter on kön, then on jobbtorg, is let go until some figure exists (hidden small counts
    count as existing: they are real). The sentence says what is shown instead, and why. Whether a
    Totalt row ends the frame is `shows_total`'s answer unless `totals` says.
    """
    if totals is None:
        totals = shows_total(by, sel, measures)
    frame = figures(facts, by, sel, measures, totals)
    if has_figures(frame):
        return frame, ""
    relaxed, let_go = sel, []
    for dimension, instead in _RELAXED:
        if sel.filter_for(dimension) is None or dimension in by:
            continue
        relaxed = replace(relaxed, **{dimension: None})
        let_go.append((dimension, instead))
        nearer = figures(facts, by, relaxed, measures, totals)
        if has_figures(nearer):
            asked = " och ".join(", ".join(sel.filter_for(d)) for d, _ in let_go)
            per = " eller ".join(schema.DIMENSION_LABELS[d].lower() for d, _ in let_go)
            shown = " och ".join(i for _, i in let_go)
            return nearer, (f"Källan redovisar inte de här uppgifterna per {per}, så det finns inga siffror för "
                            f"{asked}. Här visas i stället {shown}.")
    return frame, ""


def for_areas(sel: Selection) -> tuple[Selection, str]:
    """The selection a view per stadsdelsområde or age can answer (the whole KAA, every jobbtorg, both kön: the
    only figures published per stadsdel and per age), and a sentence naming the filters let go ("" if none)."""
    let_go = [words for dimension, words in ((schema.JOBBTORG, "jobbtorg"), (schema.KON, "kön"))
              if sel.filter_for(dimension) is not None]
    area = replace(sel, jobbtorg=None, kon=None, verksamhet=schema.HELA_KAA)
    if not let_go:
        return area, ""
    return area, (f"Urvalet av {' och '.join(let_go)} i sidopanelen gäller inte här: per stadsdelsområde och ålder "
                  "redovisas bara hela KAA, för alla jobbtorg och båda könen.")


def missing_reasons(frame: pd.DataFrame) -> list[str]:
    """The distinct reasons why figures in a panel are missing (–), for a note under it.

    Hidden figures (`<5`, `..`) are not missing; `hidden_note` names them and says what the symbols mean."""
    return reasons.sentences(reasons.of_cells(frame.loc[frame["varde"].isna() & ~hidden(frame), "orsaker"]))


def change_reasons(cards: pd.DataFrame) -> list[str]:
    """Why a headline figure that is shown has no change beside it."""
    lacking = cards[cards["varde"].notna() & cards["forandring"].isna()]
    if lacking.empty:
        return []
    year = int(cards[schema.AR].iloc[0])
    previous = cards["jamfort_med_ar"].iloc[0]
    if previous is None or pd.isna(previous):
        return [f"Ingen förändring visas: statistiken har inget år före {year} att jämföra med."]
    labels = ", ".join(lacking["matt"].str.lower())
    return [f"Ingen förändring visas för {labels}: uppgiften finns inte för {int(previous)}, eller är dold där."]


#: At most this many hidden cells are named one by one under a chart; the rest are counted.
HIDDEN_NAMED = 12


def hidden_note(frame: pd.DataFrame, min_cell: int) -> str:
    """Which of the panel's cells are hidden to protect individuals, and what the two symbols mean."""
    hidden_rows = frame[hidden(frame)]
    if hidden_rows.empty:
        return ""
    dims = [schema.PERIOD] if schema.PERIOD in hidden_rows else [d for d in schema.GROUPABLE if d in hidden_rows]
    cells = [" ".join(f"{row[d]} år" if d == schema.ALDER and str(row[d]).isdigit() else str(row[d]) for d in dims)
             + f" {row['matt'].lower()} ({row[metrics.MASKED]})"
             for row in hidden_rows.to_dict("records")]
    listed = "; ".join(cells[:HIDDEN_NAMED]) + (f" och {len(cells) - HIDDEN_NAMED} till" if len(cells) > HIDDEN_NAMED
                                                 else "")
    return f"Dolt för att skydda enskilda: {listed}. " + " ".join(masking.legend(hidden_rows[metrics.MASKED],
                                                                                 min_cell))


def accuracy_notes(frame: pd.DataFrame) -> list[str]:
    """What a reader must know about how exact the shown figures are, said only when it applies."""
    shown = frame[frame["varde"].notna()] if "noggrannhet" in frame else frame.iloc[0:0]
    notes = []
    published = shown[shown["noggrannhet"] == "publicerad andel"]
    if len(published):
        labels = " och ".join(dict.fromkeys(published["matt"].str.lower()))
        notes.append(f"{labels[0].upper()}{labels[1:]} för {fmt.years(published[schema.AR])} är publicerade som "
                     "procent i källan; antalen bakom saknas.")
    if shown["noggrannhet"].isin(["minst", "ungefär"]).any():
        notes.append("Tal markerade ”minst” eller ”≈” är ungefärliga i källan.")
    return notes


def provenance(facts: pd.DataFrame, years: Sequence[int], example_ids: Sequence[str]) -> tuple[str, bool]:
    """Which source backs which of the shown years (with its import date), and whether any of them is
    example data (`example_ids`: the sources whose ids are all demo ids)."""
    shown = facts[facts[schema.AR].isin(years)]
    return sources_by_year(facts, years), bool(shown["source_id"].isin(list(example_ids)).any())


#: A change's meaning in a word, beside its colour (colour alone would leave some readers without it).
DIRECTION_WORDS = {"bra": "bättre", "dåligt": "sämre", "neutralt": ""}


def direction(measure: str, change: float) -> str:
    """'bra', 'dåligt' or 'neutralt': what a change in a measure means for the young people."""
    good = schema.GOOD_DIRECTION.get(measure, 0)
    if pd.isna(change) or change == 0 or good == 0:
        return "neutralt"
    return "bra" if np.sign(change) == good else "dåligt"


def _changes(facts: pd.DataFrame, by: Sequence[str], sel: Selection, measures: Sequence[str]) -> pd.DataFrame:
    """Each group's change from its previous year in the data, long: (groups, measure, forandring)."""
    cols = metrics.grouping(by)
    table = metrics.table(facts, cols, replace(sel, years=None), measures, yoy=True)
    long = table.melt(id_vars=cols + ["jamfort_med_ar"], value_vars=[m + metrics.CHANGE_SUFFIX for m in measures],
                      var_name="measure", value_name="forandring")
    long["measure"] = long["measure"].str.removesuffix(metrics.CHANGE_SUFFIX)
    return long


def change_text(measure: str, change: float, current: float) -> str:
    """`−688 (−20,7 %)` for a count, `−4,3 procentenheter` for a share."""
    text = fmt.change(measure, change)
    if measure in schema.COUNT_NAMES and not pd.isna(change):
        relative = metrics.relative_change(change, current)
        if not pd.isna(relative):
            text += f" ({fmt.signed_percent(relative)})"
    return text


def _describe_changes(out: pd.DataFrame) -> pd.DataFrame:
    """Each row's `forandring` in words and what it means for the young people."""
    out["forandring_text"] = [change_text(m, c, v) for m, c, v in zip(out["measure"], out["forandring"],
                                                                       out["varde"])]
    out["riktning"] = [direction(m, c) for m, c in zip(out["measure"], out["forandring"])]
    return out


def _with_changes(long: pd.DataFrame, changes: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return _describe_changes(long.merge(changes, on=keys + ["measure"], how="left"))


def _headline(facts: pd.DataFrame, sel: Selection, year: int, measures: Sequence[str]) -> pd.DataFrame:
    long = figures(facts, [schema.AR], replace(sel, years=(year,)), measures)
    return _with_changes(long, _changes(facts, [schema.AR], sel, measures), [schema.AR])


def headline(facts: pd.DataFrame, sel: Selection, year: int,
             measures: Sequence[str] = HEADLINE_MEASURES) -> pd.DataFrame:
    """The headline figures of one year, each with its change from the previous year in the data.

    A figure the source does not give for the chosen kön or jobbtorg is the nearest one that exists
    (both genders, then the whole city, as `nearest_figures` lets go), with its change, and says so in
    `i_stallet`; a hidden figure stays hidden, and a figure that exists nowhere stays missing (–).
    """
    out = _headline(facts, sel, year, measures).assign(i_stallet="")
    relaxed, let_go = sel, []
    for dimension, instead in _RELAXED:
        lacking = out["varde"].isna() & ~out[metrics.MASKED].astype(bool)
        if not lacking.any():
            break
        if sel.filter_for(dimension) is None:
            continue
        relaxed, let_go = replace(relaxed, **{dimension: None}), let_go + [instead]
        nearer = _headline(facts, relaxed, year, measures).set_index("measure").reindex(out["measure"])
        found = lacking & (nearer["varde"].notna() | nearer[metrics.MASKED].astype(bool)).to_numpy()
        columns = [c for c in out.columns if c in nearer.columns and c != "measure"]
        out.loc[found, columns] = nearer.loc[found.to_numpy(), columns].to_numpy()
        out.loc[found, "i_stallet"] = " i ".join(let_go)
    previous = out["jamfort_med_ar"].dropna()
    out["jamfort_med_ar"] = int(previous.iloc[0]) if len(previous) else None
    return out


def headline_note(cards: pd.DataFrame, sel: Selection) -> str:
    """Which cards show the nearest figures instead of the chosen kön or jobbtorg, and why."""
    instead = cards[cards["i_stallet"] != ""]
    if instead.empty:
        return ""
    per = " eller ".join(schema.DIMENSION_LABELS[d].lower() for d, _ in _RELAXED if sel.filter_for(d) is not None)
    groups = "; ".join(f"{', '.join(rows['matt'].str.lower())} för {where}"
                       for where, rows in instead.groupby("i_stallet", sort=False))
    return (f"Källan redovisar inte alla de här uppgifterna per {per}, så några kort visar de närmaste som finns, "
            f"som deras rubrik säger: {groups}.")


def compare_jobbtorg(facts: pd.DataFrame, sel: Selection, year: int, measure: str, since: int | None = None,
                     target: float | None = None, dimension: str = schema.JOBBTORG) -> pd.DataFrame:
    """All jobbtorg (or, by `dimension`, stadsdelsområden) side by side: the value in `year` and in `since`, the
    change, rank, city gap, target gap.

    `since` defaults to the previous year in the data. Rank 1 is the best value in `year` (by the
    measure's good direction). The gap to the city and to the target are given for shares only (a
    jobbtorg's count is a part of the city's, not comparable with it). `Saknar stadsdel` is not a
    jobbtorg: it is shown, after the ranked ones, but never ranked. Rows come in rank order, then
    Saknar stadsdel, then Totalt.
    """
    every_jobbtorg = replace(sel, years=None, jobbtorg=None)
    out = figures(facts, [dimension], replace(every_jobbtorg, years=(year,)), [measure], totals=True)
    if since is None:
        earlier = [int(y) for y in facts[schema.AR].unique() if y < year]
        since = max(earlier) if earlier else None
    out["jamfort_med_ar"] = since if since is not None and since != year else None
    if out["jamfort_med_ar"].notna().any():
        before = figures(facts, [dimension], replace(every_jobbtorg, years=(since,)), [measure], totals=True)
        before = before.set_index(dimension)
        out["varde_fore"] = out[dimension].map(before["varde"])
        out["text_fore"] = out[dimension].map(before["text"])
    else:
        out["varde_fore"], out["text_fore"] = np.nan, fmt.MISSING
    out["forandring"] = out["varde"] - out["varde_fore"]
    out = _describe_changes(out)
    is_share = measure in schema.SHARE_NAMES
    city = out.loc[out[dimension] == schema.TOTALT, "varde"]
    out["skillnad_mot_staden"] = np.nan
    if is_share and len(city):
        out.loc[out[dimension] != schema.TOTALT, "skillnad_mot_staden"] = out["varde"] - city.iloc[0]
    out["avstand_mal"] = out["varde"] - target if is_share and target is not None else np.nan
    is_unit = ~out[dimension].isin([schema.TOTALT, schema.SAKNAR_STADSDEL])
    good = schema.GOOD_DIRECTION.get(measure, 0) or 1
    out["rang"] = (out.loc[is_unit, "varde"] * good).rank(ascending=False, method="min").astype("Int64")
    place = np.where(is_unit, out["rang"].astype("float").fillna(len(out)), np.where(
        out[dimension] == schema.SAKNAR_STADSDEL, len(out) + 1, len(out) + 2))
    return out.assign(_place=place).sort_values("_place", kind="stable").drop(columns="_place").reset_index(drop=True)


def by_change(frame: pd.DataFrame) -> pd.DataFrame:
    """A `compare_jobbtorg` frame in the order of the change chart: the most improved jobbtorg first.

    Jobbtorg without a change follow, then Saknar stadsdel and Totalt, which are never ranked.
    """
    good = frame["measure"].map(lambda m: schema.GOOD_DIRECTION.get(m, 0) or 1)
    dimension = schema.compared(frame)
    unit = ~frame[dimension].isin([schema.TOTALT, schema.SAKNAR_STADSDEL])
    place = np.where(unit, 0, np.where(frame[dimension] == schema.SAKNAR_STADSDEL, 1, 2))
    return (frame.assign(_place=place, _progress=-(frame["forandring"] * good).fillna(-np.inf))
            .sort_values(["_place", "_progress"], kind="stable").drop(columns=["_place", "_progress"])
            .reset_index(drop=True))


def has_changes(frame: pd.DataFrame) -> bool:
    """Whether a comparison (`compare_jobbtorg`) has a move to draw: a jobbtorg or district with both years' values."""
    units = frame[frame[schema.compared(frame)] != schema.TOTALT]
    return bool((units["varde"].notna() & units["varde_fore"].notna()).any())


def left_out_of_change(frame: pd.DataFrame) -> str:
    """Which jobbtorg the change chart cannot draw (a value of either year hidden or missing), and why."""
    dimension = schema.compared(frame)
    rows = frame[(frame[dimension] != schema.TOTALT) & (frame["varde"].isna() | frame["varde_fore"].isna())]
    if rows.empty or frame["jamfort_med_ar"].isna().all():
        return ""
    year, since = int(frame[schema.AR].iloc[0]), int(frame["jamfort_med_ar"].dropna().iloc[0])
    parts = []
    for row in rows.to_dict("records"):
        missing = [f"{y} ({text})" for y, value, text in ((since, row["varde_fore"], row["text_fore"]),
                                                          (year, row["varde"], row["text"])) if pd.isna(value)]
        parts.append(f"{row[dimension]}: {' och '.join(missing)}")
    return ("Utan pil, eftersom värdet för ett av åren är dolt eller saknas (– saknas, <5 och .. är dolda): "
            + "; ".join(parts) + ".")


def target_gap(measure: str, value: float, target: float | None, year: int) -> tuple[bool | None, str]:
    """Whether a share reaches its target (in the target's direction), and a sentence saying by how much."""
    if target is None:
        return None, ""
    goal = Target.of(target)
    if pd.isna(value):
        return None, f"Målet är {goal.words}. {schema.MEASURES[measure].label} för {year} saknas i urvalet."
    gap = fmt.points(abs(value - goal)).lstrip("+±")
    label = schema.MEASURES[measure].label.lower().replace("andel ", "andelen ", 1)  # 2020 var andelen …
    if value == goal:
        return True, f"{year} var {label} {fmt.percent(value)}, precis på målet ({goal.words})."
    side = "över" if value > goal else "under"
    return goal.met(value), f"{year} var {label} {fmt.percent(value)}, {gap} {side} målet på {goal.words}."


def sources_by_year(facts: pd.DataFrame, years: Sequence[int]) -> str:
    """Which source backs which of the given years, in words."""
    here = facts[facts[schema.AR].isin(years)]
    if here.empty:
        return "inga uppgifter för valda år"
    parts = []
    for _, rows in here.groupby("source_id", sort=False):  # a source by its id, credited by its label
        parts.append(f"{rows['source'].iloc[0]} för {fmt.years(rows[schema.AR].unique())}")
    return "; ".join(parts)


def _sources_today(current: pd.DataFrame, years: Sequence[int], measures: Sequence[str],
                   column: str = "source_id") -> pd.Series:
    """Where each of the given figures comes from today, by (ar, basis measure), for the city as a whole:
    the source's id, or (`column="source"`) its label."""
    whole = current[(current[schema.VERKSAMHET] == schema.HELA_KAA) & current[schema.AR].isin(years)
                    & current["measure"].isin({_basis(m) for m in measures})]
    return whole.groupby([schema.AR, "measure"])[column].first()


def _years(incoming: pd.DataFrame) -> list[int]:
    return sorted(int(y) for y in incoming[schema.AR].unique())


def import_changes(current: pd.DataFrame, incoming: pd.DataFrame, min_cell: int = metrics.DEFAULT_MIN_CELL,
                   measures: Sequence[str] = IMPORT_PREVIEW_MEASURES) -> pd.DataFrame:
    """What an import would change: per year its headline figures before → after.

    The newest import wins every figure it has (see `facts.overlay`).
    """
    years = _years(incoming)
    after = overlay(current, incoming)
    sel = Selection(years=tuple(years), min_cell=min_cell)
    before_long, after_long = (figures(f, [schema.AR], sel, measures) for f in (current, after))
    keys = [schema.AR, "measure", "matt"]
    merged = before_long[keys + ["varde", "text"]].merge(after_long[keys + ["varde", "text"]], on=keys,
                                                         suffixes=("_fore", "_efter"))
    sources = _sources_today(current, years, measures, column="source")
    merged["kalla_fore"] = [sources.get((year, _basis(measure)), "Inga uppgifter")
                            for year, measure in zip(merged[schema.AR], merged["measure"])]
    return merged


def replaced_published_years(current: pd.DataFrame, incoming: pd.DataFrame) -> list[int]:
    """The years whose figures come from the published report today and that an import would replace.

    Read from the sources of today's facts alone, so that the command line can say it before storing
    without computing (and masking) the preview's figures.
    """
    sources = _sources_today(current, _years(incoming), IMPORT_PREVIEW_MEASURES)
    return sorted({int(year) for (year, _), source_id in sources.items() if source_id == SOURCE_ID})


def import_notices(current: pd.DataFrame, incoming: pd.DataFrame, existing=None) -> list[str]:
    """What an analyst must know before confirming an import, the same on the page and the command line
    (`kaa.notices`, which the command line feeds from the store's narrow answer instead of this frame).

    `existing` is the stored source with the same file (SHA-256), if there is one.
    """
    return notices.import_notices([] if existing is not None else replaced_published_years(current, incoming),
                                  existing)


# --- Löpande uppföljning: months, half-years and the year so far (kaa.periods) ------------------------------------

#: The year so far on the cards: who was in the register, sought, reached and enrolled, and how supports ended.
SO_FAR_MEASURES = ("registrerade", "sokta", "nadda", "inskrivna", "avslutade", "andel_nadda", "andel_studier")
#: What happened month by month.
MONTH_FLOWS = ("nya_i_registret", "nya_under_uppsok", "nadda", "nya_inskrivna", "avslutade")
#: How the supports that ended in a month ended.
MONTH_EXITS = ("avslut_studier", "avslut_arbete", "avslut_annan")
#: Skolverket's half-years: who was there, and what happened.
HALF_YEAR_MEASURES = ("registrerade", "sokta", "nadda", "andel_nadda", "inskrivna", "avslutade", "andel_studier")


def _period_frame(long: pd.DataFrame, measures: Sequence[str]) -> pd.DataFrame:
    """A period roll-up as a panel frame (`figures`' columns, with the period after the year)."""
    long = long[long["measure"].isin(measures)].copy()
    long["matt"] = long["measure"].map(lambda m: schema.MEASURES[m].label)
    long["text"] = [label or fmt.value(m, v, n) for m, v, n, label in
                    zip(long["measure"], long["value"], long["noggrannhet"], long[metrics.MASKED])]
    return long.rename(columns={"value": "varde"}).reset_index(drop=True)[
        [schema.AR, schema.PERIOD, "measure", "matt", "varde", "text", "taljare", "namnare", "noggrannhet", "kalla",
         "orsak", "orsaker", metrics.MASKED]]


def period_figures(facts: pd.DataFrame, kind: str, sel: Selection, measures: Sequence[str]) -> pd.DataFrame:
    """The months or half-years of the selection's years (the city and the whole KAA), as a panel frame."""
    from kaa import periods

    return _period_frame(periods.rollup(facts, kind, city_selection(sel)), measures)


def city_selection(sel: Selection) -> Selection:
    """What the periods are shown for: the selection's years and threshold, for the whole city and KAA."""
    return Selection(years=sel.years, min_cell=sel.min_cell)


def month_ends(facts: pd.DataFrame):
    """The last days of the months the extracts with dates reach, oldest first (what 'so far' can run to)."""
    from kaa import periods

    return periods.month_ends(facts)


def so_far_cards(facts: pd.DataFrame, day, sel: Selection,
                 measures: Sequence[str] = SO_FAR_MEASURES) -> pd.DataFrame:
    """The year so far up to `day`'s last whole month, as headline cards: each with its change from the same span a
    year earlier (`forandring`, in words and whether it is good news), or why it has none."""
    from kaa import periods

    long = _period_frame(periods.so_far(facts, day, city_selection(sel)), measures)
    year, _ = periods.span_of(day)
    now = long[long[schema.AR] == year].set_index("measure").reindex(list(measures)).reset_index()
    before = long[long[schema.AR] == year - 1].set_index("measure")["varde"].reindex(list(measures)).to_numpy()
    now["forandring"] = now["varde"].to_numpy() - before
    now["jamfort_med_ar"] = year - 1
    now["i_stallet"] = ""
    return _describe_changes(now)
