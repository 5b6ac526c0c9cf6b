"""Pure functions from facts to figures: roll-up, shares, year-over-year change.

A figure that does not exist stays missing (NaN) and carries a Swedish reason
(`orsak`); it is never turned into 0.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np
import pandas as pd

from kaa import config, masking, reasons, schema
from kaa.facts import year_facts
from kaa.masking import MASKED

BREAKDOWNS = schema.BREAKDOWNS
_BITS = {d: 1 << i for i, d in enumerate(BREAKDOWNS)}
_POPCOUNT = np.array([bin(level).count("1") for level in range(1 << len(BREAKDOWNS))])
#: Stadsdel and ålder are published on their own per year (schema.AREA_MEASURES); a figure split by one of them
#: and by anything else is a latent cell of the protection, never a figure to show.
_AREA_BITS = _BITS[schema.STADSDEL] | _BITS[schema.ALDER]
#: taljare/namnare: for a share computed from counts, the counts behind it (for hover and tables).
#: orsak is a row's reasons in Swedish, orsaker the same as records (kaa.reasons).
LONG_COLUMNS = ["measure", "value", "noggrannhet", "kalla", "orsak", "orsaker", MASKED, "taljare", "namnare"]
CHANGE_SUFFIX = "_forandring"
#: Counts from 1 up to this minus one are masked (`<5`); 0 turns masking off.
DEFAULT_MIN_CELL = config.DEFAULT_MIN_CELL


@dataclass(frozen=True)
class Selection:
    """What the user asked for. None means every value of that dimension."""

    years: tuple[int, ...] | None = None
    jobbtorg: tuple[str, ...] | None = None
    kon: tuple[str, ...] | None = None
    stadsdel: tuple[str, ...] | None = None
    alder: tuple[str, ...] | None = None
    verksamhet: str = schema.HELA_KAA
    #: Counts from 1 to min_cell-1 are masked; 0 shows everything (for analysts).
    min_cell: int = DEFAULT_MIN_CELL

    def filter_for(self, dimension: str) -> tuple[str, ...] | None:
        """The active filter on a breakdown, or None when it lets everything through."""
        chosen = getattr(self, dimension)
        if chosen is None or set(chosen) >= set(schema.DIMENSION_ORDER[dimension]):
            return None
        return tuple(chosen)


def unknown_choices(requested: dict[str, Sequence[str]], options: dict[str, Sequence]) -> dict[str, list[str]]:
    """The requested values (e.g. from a shared link) that are not among a filter's options.

    Values arrive as text; options may be numbers (years), so both are compared as text.
    Only filters that have at least one unknown value are returned.
    """
    unknown = {}
    for key, values in requested.items():
        known = {str(option) for option in options.get(key, ())}
        missing = [value for value in values if value != "" and str(value) not in known]  # ?ar= clears
        if missing:
            unknown[key] = missing
    return unknown


def share(numerator, denominator):
    """The one way a share is computed from its counts.

    Works on scalars and on Series. Missing when either count is missing or the
    denominator is 0; never silently 0.
    """
    if isinstance(numerator, pd.Series) or isinstance(denominator, pd.Series):
        num = pd.to_numeric(numerator, errors="coerce")
        den = pd.to_numeric(denominator, errors="coerce")
        with np.errstate(divide="ignore", invalid="ignore"):
            return (num / den).where(den > 0)
    num, den = pd.to_numeric(pd.Series([numerator, denominator], dtype="float64"), errors="coerce")
    return num / den if den > 0 else float("nan")


def grouping(by: Sequence[str]) -> list[str]:
    """The grouping columns in canonical order; `ar` is always one of them."""
    unknown = [d for d in by if d not in schema.GROUPABLE]
    if unknown:
        raise ValueError(f"Okänd dimension: {', '.join(unknown)}. Välj bland: {', '.join(schema.GROUPABLE)}.")
    return [d for d in schema.GROUPABLE if d == schema.AR or d in by]


def _join_unique(values: pd.Series) -> str:
    return "; ".join(dict.fromkeys(v for v in values if v))


def _expected_groups(cols: list[str], years: Sequence[int], sel: Selection) -> pd.DataFrame:
    axes = {schema.AR: list(years)}
    for d in cols[1:]:
        axes[d] = list(sel.filter_for(d) or schema.DIMENSION_ORDER[d])
    return pd.MultiIndex.from_product(list(axes.values()), names=list(axes)).to_frame(index=False)


def rollup(facts: pd.DataFrame, by: Sequence[str], sel: Selection = Selection()) -> pd.DataFrame:
    """Counts (and shares published without counts) for the asked grouping, long format.

    For every year and measure the coarsest breakdown in the facts that still
    answers the question is used, so a published total is taken as printed and
    never re-derived from parts; an extract's finest rows are summed. Within a
    breakdown that exists, a group with no rows is a true 0. Where no breakdown
    answers, the figure is missing with its reason.
    """
    cols = grouping(by)
    facts = year_facts(facts)  # the months are kaa.periods'
    if MASKED not in facts:  # unprotected facts: nothing hidden (with_totals and table protect first)
        facts = facts.assign(**{MASKED: ""})
    filters = {d: sel.filter_for(d) for d in BREAKDOWNS}
    needed = {d for d in BREAKDOWNS if d in cols or filters[d]}
    need_bits = sum(_BITS[d] for d in needed)
    # Every year the sources have, also for a verksamhet they do not report on its own (its figures are then
    # missing with their reason, never an empty table).
    years = sorted(set(facts[schema.AR].unique()) if sel.years is None else set(sel.years))
    facts = facts[facts[schema.VERKSAMHET] == sel.verksamhet]
    expected = _expected_groups(cols, years, sel)

    facts = facts[facts[schema.AR].isin(years)]
    in_source = set(zip(facts[schema.AR], facts["measure"]))
    # Which breakdown each row is split by, as bits; keep the rows whose breakdown answers the
    # question, and of those, per year and measure, the coarsest breakdown.
    level = sum(facts[d].notna().to_numpy().astype(int) * bit for d, bit in _BITS.items() if d in facts)
    area = level & _AREA_BITS
    usable = ((level & need_bits) == need_bits) & ((area == 0) | (level == area) & (_POPCOUNT[area] == 1))
    # Coarsest first; a figure per stadsdel or age answers only when nothing else can (a total is the same either way).
    rows = facts[usable].assign(_key=_POPCOUNT[level[usable]] * 16 + level[usable] + 64 * (area[usable] != 0))
    rows = rows[rows["_key"] == rows.groupby([schema.AR, "measure"])["_key"].transform("min")]
    answered = rows.groupby([schema.AR, "measure"], as_index=False).agg(_kalla=("kalla", _join_unique))
    for d in (schema.KON, *schema.AREA_DIMENSIONS):
        if filters[d] is not None:
            rows = rows[rows[d].isin(filters[d])]
    unfiltered = rows
    if filters[schema.JOBBTORG] is not None:
        rows = rows[rows[schema.JOBBTORG].isin(filters[schema.JOBBTORG])]

    is_count = rows["measure"].isin(schema.COUNT_NAMES)
    statistics = rows["measure"].isin(schema.STATISTIC_NAMES)
    rows, statistics = rows[~statistics], rows[statistics]
    is_count = is_count[rows.index]
    summed = _aggregate(rows[is_count], cols)
    if filters[schema.JOBBTORG] is not None:
        summed = _worked_out(summed, unfiltered[unfiltered["measure"].isin(schema.COUNT_NAMES)], facts,
                             filters[schema.JOBBTORG], cols)
    grid = expected.merge(answered[answered["measure"].isin(schema.COUNT_NAMES)], on=schema.AR)
    counts = grid.merge(summed, on=cols + ["measure"], how="left")
    # The breakdown exists, so a group without rows really is empty.
    empty = counts["value"].isna()
    counts.loc[empty, "value"] = 0.0
    counts.loc[empty, "noggrannhet"] = schema.EXAKT
    counts.loc[empty, "kalla"] = counts.loc[empty, "_kalla"]
    counts.loc[empty, MASKED] = ""
    counts = counts.drop(columns="_kalla")

    shares = rows[~is_count]
    if len(cols) > 1 or shares.empty:
        shares = shares.iloc[0:0]  # a published share cannot be summed or split
    else:
        single = shares.groupby([schema.AR, "measure"])["value"].transform("size") == 1
        shares = shares[single]
    found = pd.concat([counts, shares[cols + ["measure", "value", "noggrannhet", "kalla", MASKED]]],
                      ignore_index=True)
    hidden = found[MASKED] != ""
    found.loc[hidden, "value"] = np.nan
    found.loc[hidden, "orsaker"] = [reasons.encode([reasons.hidden(label, sel.min_cell)])
                                    for label in found.loc[hidden, MASKED]]

    # Every count, and every share the source publishes for the year, that this grouping cannot give.
    grid = expected.merge(pd.DataFrame({"measure": schema.COUNT_NAMES + schema.SHARE_NAMES}), how="cross")
    published = pd.MultiIndex.from_frame(grid[[schema.AR, "measure"]]).isin(list(in_source))
    grid = grid[grid["measure"].isin(schema.COUNT_NAMES).to_numpy() | published]
    missing = grid.merge(found[cols + ["measure"]], on=cols + ["measure"], how="left", indicator=True)
    missing = missing[missing["_merge"] == "left_only"].drop(columns="_merge")
    missing["orsaker"] = [reasons.encode([reasons.missing(measure, year, (year, measure) in in_source, needed,
                                                          sel.verksamhet)])
                          for year, measure in zip(missing[schema.AR], missing["measure"])]
    long = pd.concat([found, missing], ignore_index=True)
    long = _add_shares(long, cols, sel.min_cell)
    long = pd.concat([long, _statistics(statistics, long, cols, need_bits, sel)], ignore_index=True)
    for column in ("noggrannhet", "kalla", "orsaker", MASKED):
        long[column] = long[column].fillna("").astype(str) if column in long else ""
    long["orsak"] = [reasons.text(reasons.decode(cell)) if cell else "" for cell in long["orsaker"]]
    long["value"] = long["value"].astype("float64")
    return _sort(long[cols + LONG_COLUMNS], cols)


def _statistics(rows: pd.DataFrame, long: pd.DataFrame, cols: list[str], need_bits: int,
                sel: Selection) -> pd.DataFrame:
    """The medians (schema.STATISTICS) of exactly the groups asked for: a median cannot be summed, so one of a
    coarser or finer breakdown, or of several chosen jobbtorg together, answers nothing. Each is shown only where
    the count it is the median of is shown and at least the threshold, as a small count is hidden."""
    if sel.verksamhet != schema.HELA_KAA:
        return rows.iloc[0:0][cols + ["measure", "value"]]
    wanted = schema.STATISTIC_NAMES
    chosen = sel.filter_for(schema.JOBBTORG)
    level = sum(rows[d].notna().to_numpy().astype(int) * bit for d, bit in _BITS.items() if d in rows)
    exact = rows[level == need_bits]
    if chosen is not None and schema.JOBBTORG not in cols and len(chosen) > 1:
        exact = exact.iloc[0:0]
    out = exact[cols + ["measure", "value", "noggrannhet", "kalla"]].assign(**{MASKED: "", "orsaker": ""})
    if not out.empty:
        of = out.assign(measure=out["measure"].map(schema.STATISTIC_OF))[cols + ["measure"]]
        counted = of.merge(long[cols + ["measure", "value", MASKED]], on=cols + ["measure"], how="left")
        shown = (counted[MASKED].fillna("x") == "").to_numpy() & (counted["value"].to_numpy() >= sel.min_cell)
        hidden = ~shown
        out.loc[hidden, "value"] = np.nan
        out.loc[hidden, MASKED] = masking.SECONDARY
        out.loc[hidden, "orsaker"] = reasons.encode([reasons.Reason(reasons.TEXT, text=reasons.FEW_FOR_MEDIAN.format(
            min_cell=sel.min_cell))])
        out.loc[hidden, ["noggrannhet", "kalla"]] = ""
    years = sorted(set(long[schema.AR])) if schema.AR in long else []
    grid = _expected_groups(cols, years, sel).merge(pd.DataFrame({"measure": list(wanted)}), how="cross")
    grid = grid.merge(out[cols + ["measure"]], on=cols + ["measure"], how="left", indicator=True)
    gone = grid[grid["_merge"] == "left_only"].drop(columns="_merge")
    of = gone.assign(measure=gone["measure"].map(schema.STATISTIC_OF))[cols + ["measure"]]
    none = of.merge(long[cols + ["measure", "value", MASKED]], on=cols + ["measure"], how="left")
    none = ((none["value"] == 0) & (none[MASKED].fillna("") == "")).to_numpy()
    gone["orsaker"] = np.where(none, reasons.encode([reasons.Reason(reasons.TEXT, text=reasons.NONE_REACHED)]),
                               reasons.encode([reasons.Reason(reasons.TEXT, text=reasons.NO_MEDIAN)]))
    gone["value"] = np.nan
    return pd.concat([out, gone], ignore_index=True)


def _aggregate(rows: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """Sum counts per group, keeping how exact they are and where they come from."""
    keys = cols + ["measure"]
    if rows.empty:
        return pd.DataFrame(columns=keys + ["value", "noggrannhet", "kalla", MASKED])
    grouped = rows.assign(_hidden=rows[MASKED] != "").groupby(keys, sort=False)
    out = grouped.agg(value=("value", "sum"), noggrannhet=("noggrannhet", "first"),
                      _kinds=("noggrannhet", "nunique"), kalla=("kalla", "first"),
                      _sources=("kalla", "nunique"), _hidden=("_hidden", "sum"), _size=("value", "size"),
                      **{MASKED: (MASKED, "max")}).reset_index()
    out.loc[out["_kinds"] > 1, "noggrannhet"] = "ungefär"
    # A sum shows only when all its parts do; a lone part keeps its own label (<5 or ..).
    out.loc[out["_hidden"] == 0, MASKED] = ""
    out.loc[(out["_hidden"] > 0) & (out["_size"] > 1), MASKED] = masking.SECONDARY
    several = out["_sources"] > 1
    if several.any():
        joined = rows.groupby(keys, sort=False)["kalla"].agg(_join_unique).reset_index()
        out.loc[several, "kalla"] = out[keys].merge(joined, on=keys, how="left")["kalla"][several].to_numpy()
    return out.drop(columns=["_kinds", "_sources", "_hidden", "_size"])


def _worked_out(summed: pd.DataFrame, unfiltered: pd.DataFrame, facts: pd.DataFrame, chosen: Sequence[str],
                cols: list[str]) -> pd.DataFrame:
    """Show a sum over the chosen jobbtorg that holds a hidden figure when anyone could work it out:
    its margin (all jobbtorg) and every part outside the choice are shown, so it is the margin minus
    them. Hiding it would protect nothing, and a hidden figure should never be one a reader can pin."""
    hidden = (summed[MASKED] != "").to_numpy()
    if not hidden.any() or unfiltered.empty:
        return summed
    column = [schema.AR, "measure", "_kon"]
    parts = unfiltered.assign(_kon=unfiltered[schema.KON].fillna(""), _hidden=unfiltered[MASKED] != "",
                              _rest=~unfiltered[schema.JOBBTORG].isin(chosen))
    kon_of = parts.groupby([schema.AR, "measure"])["_kon"].first()
    rest = parts[parts["_rest"]].groupby(column).agg(_rest_value=("value", "sum"), _rest_hidden=("_hidden", "sum"))
    margins = facts[facts[schema.JOBBTORG].isna() & facts["measure"].isin(schema.COUNT_NAMES)]
    margins = margins.assign(_kon=margins[schema.KON].fillna("")).set_index(column)
    keys = summed[[schema.AR, "measure"]].copy()
    keys["_kon"] = summed[schema.KON] if schema.KON in cols else \
        kon_of.reindex(pd.MultiIndex.from_frame(keys)).to_numpy()
    index = pd.MultiIndex.from_frame(keys)
    margin = margins["value"].groupby(level=column).first().reindex(index).to_numpy()
    margin_shown = margins[MASKED].groupby(level=column).first().reindex(index).eq("").to_numpy()
    rest = rest.reindex(index)
    rest_value = rest["_rest_value"].fillna(0.0).to_numpy()
    rest_shown = rest["_rest_hidden"].fillna(0).to_numpy() == 0
    known = hidden & margin_shown & rest_shown & ~np.isnan(margin)
    if known.any():
        summed = summed.copy()
        summed.loc[known, "value"] = margin[known] - rest_value[known]
        summed.loc[known, MASKED] = ""
    return summed


def _add_shares(long: pd.DataFrame, cols: list[str], min_cell: int) -> pd.DataFrame:
    """Compute every share from its counts; fall back to a published share where counts are missing.

    A share inherits how exact its counts are, and is hidden (`..`) when a count behind it is.
    """
    counts = long[long["measure"].isin(schema.COUNT_NAMES)]
    indexed = counts.set_index(cols + ["measure"])

    def pivot(column: str) -> pd.DataFrame:
        return indexed[column].unstack("measure").reindex(columns=list(schema.COUNT_NAMES))

    wide_counts, labels, accuracy = pivot("value"), pivot(MASKED).fillna(""), pivot("noggrannhet").fillna("")
    why = pivot("orsaker").fillna("")
    published = long[long["measure"].isin(schema.SHARE_NAMES)].set_index(cols + ["measure"])
    frames = [counts]
    published_measures = set(published.index.get_level_values("measure"))
    hidden_reason = reasons.encode([reasons.Reason(reasons.HIDDEN_SHARE, min_cell=min_cell)])
    # Built column by column with numpy (a .loc assignment per share and column was most of a roll-up's time).
    for spec in schema.SHARES:
        names = list(spec.numerators) + [spec.denominator]
        inputs = wide_counts[names]
        numerator = inputs[list(spec.numerators)].sum(axis=1, min_count=len(spec.numerators))
        value = share(numerator, inputs[spec.denominator])
        computed = value.notna().to_numpy()
        values = value.to_numpy(dtype="float64", copy=True)
        taljare = np.where(computed, numerator.to_numpy(dtype="float64"), np.nan)
        namnare = np.where(computed, inputs[spec.denominator].to_numpy(dtype="float64"), np.nan)
        size = len(values)
        kalla = np.full(size, f"Beräknad: {_formula(spec)}", dtype=object)
        noggrannhet = np.full(size, schema.EXAKT, dtype=object)
        noggrannhet[accuracy[names].eq("härledd").any(axis=1).to_numpy()] = "härledd"
        noggrannhet[accuracy[names].isin(("minst", "ungefär")).any(axis=1).to_numpy()] = "ungefär"
        kalla[~computed] = ""
        noggrannhet[~computed] = ""
        # Where the source publishes this share, but not at this breakdown, that is the reason to give.
        published_reason = np.full(size, "", dtype=object)
        if spec.name in published_measures:
            pub = published.xs(spec.name, level="measure", drop_level=True).reindex(wide_counts.index)
            printed = pd.to_numeric(pub["value"], errors="coerce").to_numpy(dtype="float64")  # all-missing: object
            use = np.isnan(values) & ~np.isnan(printed)
            values[use] = printed[use]
            kalla[use] = pub["kalla"].to_numpy()[use]
            noggrannhet[use] = "publicerad andel"
            published_reason = np.where(pub[MASKED].fillna("").to_numpy() == "", pub["orsaker"].fillna("").to_numpy(), "")
        hidden = (labels[names] != "").any(axis=1).to_numpy()
        gone = np.isnan(values) & ~hidden
        orsaker = np.full(size, "", dtype=object)
        if gone.any():
            orsaker[gone] = [own or reasons.encode(_share_reasons(spec, row, cells)) for own, row, cells in zip(
                published_reason[gone], inputs[gone].to_dict("records"), why.loc[gone, names].to_dict("records"))]
        masked = np.full(size, "", dtype=object)
        if hidden.any():
            values[hidden], taljare[hidden], namnare[hidden] = np.nan, np.nan, np.nan
            noggrannhet[hidden], kalla[hidden] = "", ""
            masked[hidden], orsaker[hidden] = masking.SECONDARY, hidden_reason
        frames.append(pd.DataFrame({"value": values, "measure": spec.name, "noggrannhet": noggrannhet, "kalla": kalla,
                                    "orsaker": orsaker, MASKED: masked, "taljare": taljare, "namnare": namnare},
                                   index=wide_counts.index).reset_index())
    return pd.concat(frames, ignore_index=True)


def _formula(spec: schema.Share) -> str:
    """The share's formula in words: `Avslutade till studier / Avslutade`."""
    numerator = " + ".join(schema.MEASURES[m].label for m in spec.numerators)
    denominator = schema.MEASURES[spec.denominator].label
    return f"({numerator}) / {denominator}" if len(spec.numerators) > 1 else f"{numerator} / {denominator}"


def _share_reasons(spec: schema.Share, values: dict[str, float], cells: dict[str, str]) -> list[reasons.Reason]:
    """Why a share is missing: the reasons its missing counts are missing (so a panel can say it once)."""
    absent = [m for m, v in values.items() if pd.isna(v)]
    known = reasons.merge(reasons.of_cells(cells.get(m, "") for m in absent))
    if known:
        return known
    if absent:
        return [reasons.Reason(reasons.CANNOT_COMPUTE, tuple(absent))]
    return [reasons.Reason(reasons.ZERO_DENOMINATOR, (spec.denominator,))]


def _sort(frame: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    keys = {c: frame[c].map(lambda v, c=c: schema.order_key(c, v)) for c in cols}
    if "measure" in frame:
        keys["measure"] = frame["measure"].map(schema.MEASURE_RANK)
    order = pd.DataFrame(keys).sort_values(list(keys), kind="stable").index
    return frame.loc[order].reset_index(drop=True)


def wide(long: pd.DataFrame, measures: Sequence[str] | None = None, values: str = "value") -> pd.DataFrame:
    """One row per group, one column per measure (counts first, then shares)."""
    cols = [c for c in long.columns if c in schema.GROUPABLE]
    measures = list(measures or schema.MEASURE_NAMES)
    table = long.set_index(cols + ["measure"])[values].unstack("measure")
    table = table.reindex(columns=measures).reset_index()
    table.columns.name = None
    return _sort(table, cols)


def with_totals(facts: pd.DataFrame, by: Sequence[str], sel: Selection = Selection(),
                totals: bool = True) -> pd.DataFrame:
    """The long roll-up for `by` with small cells protected, followed by a Totalt row per year when
    it breaks down (unless `totals` is False).

    Totalt is the whole of each broken-down dimension, as in the report's tables: with one jobbtorg
    chosen it is still the city's total, the yardstick the jobbtorg is read against.
    """
    cols = grouping(by)
    if MASKED not in facts:
        facts = masking.protect(facts, sel.min_cell)
    long = rollup(facts, cols, sel)
    if totals and len(cols) > 1:
        whole = replace(sel, **{d: None for d in cols[1:]})  # Selection fields are named as dimensions
        total = rollup(facts, [schema.AR], whole).assign(**{d: schema.TOTALT for d in cols[1:]})
        long = _sort(pd.concat([long, total[long.columns]], ignore_index=True), cols)
    return long


def year_over_year(table: pd.DataFrame, measures: Sequence[str]) -> pd.DataFrame:
    """Add `<measure>_forandring`: the change from the same group's previous year in the data.

    Counts change in absolute numbers; shares in fractions (-0.0426 = -4,26
    procentenheter). Missing where either year lacks the figure.
    """
    cols = [c for c in table.columns if c in schema.GROUPABLE]
    others = [c for c in cols if c != schema.AR]
    ordered = table.sort_values(schema.AR, kind="stable")
    previous = ordered.groupby(others, sort=False)[list(measures)].shift(1) if others else \
        ordered[list(measures)].shift(1)
    out = table.copy()
    for m in measures:
        out[m + CHANGE_SUFFIX] = (ordered[m] - previous[m]).reindex(table.index)
    out["jamfort_med_ar"] = (
        ordered.groupby(others, sort=False)[schema.AR].shift(1) if others else ordered[schema.AR].shift(1)
    ).reindex(table.index).astype("Int64")
    return out


def relative_change(change: float, current: float) -> float:
    """Relative change of a count, given its absolute change and current value."""
    return share(change, current - change)


def table_parts(facts: pd.DataFrame, by: Sequence[str] = (schema.AR,), sel: Selection = Selection(),
                measures: Sequence[str] | None = None, yoy: bool = False):
    """The wide table with what goes with each cell: (table, labels, accuracy, missing), where missing is
    the distinct reasons, in Swedish, why shown cells are missing (–).

    Change is computed against the previous year present in the data, even when
    that year is not among the selected ones. Hidden small cells are NaN in the
    table; labels is a frame of the same shape holding what to show instead (`<5`,
    `..`; "" where the value is shown), and accuracy holds each value's noggrannhet
    ("minst", "ungefär", "publicerad andel" …; "" for change columns).
    """
    measures = list(measures or schema.MEASURE_NAMES)
    unknown = [m for m in measures if m not in schema.MEASURE_NAMES]
    if unknown:
        raise ValueError(f"Okänt mått: {', '.join(unknown)}.")
    long = with_totals(facts, by, replace(sel, years=None) if yoy else sel)
    frame = wide(long, measures)
    extras = [wide(long, measures, values=column) for column in (MASKED, "noggrannhet")]
    if yoy:
        frame = year_over_year(frame, measures)
    if sel.years is not None:
        keep = frame[schema.AR].isin(sel.years).to_numpy()
        frame = frame[keep].reset_index(drop=True)
        extras = [extra[keep].reset_index(drop=True) for extra in extras]
    labels, accuracy = (extra[measures].fillna("").reindex(columns=frame.columns, fill_value="")
                        for extra in extras)
    shown = long[long["measure"].isin(measures) & long["value"].isna() & (long[MASKED] == "")
                 & (long[schema.AR].isin(sel.years) if sel.years is not None else True)]
    missing = reasons.sentences(reasons.of_cells(shown["orsaker"]))
    return frame, labels, accuracy, missing


def table(facts: pd.DataFrame, by: Sequence[str] = (schema.AR,), sel: Selection = Selection(),
          measures: Sequence[str] | None = None, yoy: bool = False, masks: bool = False):
    """The wide table the CLI prints: groups, counts, shares, optional change.

    With `masks=True` the result is (table, labels); see `table_parts`.
    """
    frame, labels, _, _ = table_parts(facts, by, sel, measures, yoy)
    return (frame, labels) if masks else frame
