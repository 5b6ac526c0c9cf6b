"""Figures per month, per Skolverket's half-year and for the year so far, from the protected facts.

An extract with dates gives, per month of each statistics year, the flows (schema.FLOW_MEASURES: who entered the
register, left it, were placed under uppsök, were reached, enrolled, ended their support) for the city as a whole;
kaa.masking protects them together with the year's figures. Everything else is worked out here from those, so it
tells a reader nothing the protected figures do not:

- A flow over several months (a half-year, the year so far) is the sum of its months.
- How many were in a state at some time during a period (registered, under uppsök, enrolled), each young person
  once, is who was in it when the year began (the year's figure less its new), plus who entered it up to the
  period's end, less who had left it before the period began:
  registered: new in the register / left it; under uppsök: new under uppsök / reached or left unreached;
  enrolled: new enrolments / support ended.
- Skolverket's half-years are calendar halves: H1 = January–June, H2 = July–December, and December belongs to the
  next statistics year. H2's distinct counts are July–November's plus those who entered the state in December, of
  the next year's rows: a young person who left a state in July–November and entered it again in December (came
  back to the register, was placed under uppsök again after being reached, or enrolled again after their support
  ended) is counted twice, as the two statistics years' rows are not linked.
- So far this year: from 1 December to the end of a month, beside the same span a year earlier.

A figure made from a hidden one is hidden (`..`), unless the shown figures give it another way (a span of months
is also the year less the other months); from a missing one, missing with its reason (never 0). Shares are
computed from these counts by metrics' one share function.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np
import pandas as pd

from kaa import fmt, masking, metrics, reasons, schema
from kaa.facts import period_facts, year_facts
from kaa.masking import MASKED
from kaa.schema import month_label

MANAD, HALVAR, AR = KINDS = schema.PERIOD_KINDS
HITTILLS = "hittills"
MONTHS = 12
#: The states counted as distinct young people in a period (the year's figure of the same name): (who enter it per
#: month, who leave it per month).
STATES = {
    "registrerade": (("nya_i_registret",), ("avregistrerade",)),
    "sokta": (("nya_under_uppsok",), ("nadda", "ej_nadda_avregistrerade")),
    "inskrivna": (("nya_inskrivna",), ("avslutade",)),
}
#: What a period table counts: the flows and the states.
PERIOD_COUNTS = tuple(m for m in schema.COUNT_NAMES if m in schema.FLOW_MEASURES or m in STATES)

NO_DATES = ("För ett år vars källa saknar datum (som årsrapportens år) finns siffrorna bara för hela året: månader, "
            "halvår och hittills i år kräver ett uttag med datumkolumner.")
CITY_ONLY = ("Siffror per månad och halvår redovisas bara för hela staden och hela KAA, inte per jobbtorg, kön, "
             "stadsdelsområde, ålder eller verksamhet: uppdelade blir antalen för små för att visas.")
NOT_PER_PERIOD = "Räknas bara per år, inte per månad eller halvår."
NOT_YET = "Uttaget för {year} når inte fram till {month}: där finns inga siffror ännu."
NEXT_YEAR = ("Andra halvåret {year} slutar med december {year}, som hör till statistikåret {next}: det finns inte i "
             "källan.")


@dataclass(frozen=True)
class _Fig:
    """A figure while it is being worked out: its value, whether a hidden figure is in it, or why it is missing."""

    value: float = 0.0
    hidden: bool = False
    why: str = ""

    def __add__(self, other: "_Fig") -> "_Fig":
        return _Fig(self.value + other.value, self.hidden or other.hidden, self.why or other.why)

    def __neg__(self) -> "_Fig":
        return replace(self, value=-self.value)

    def __sub__(self, other: "_Fig") -> "_Fig":
        return self + (-other)


def _total(figs) -> _Fig:
    out = _Fig()
    for fig in figs:
        out = out + fig
    return out


class _Source:
    """The city's protected figures of whole years and of months, looked up by year, measure and month index."""

    def __init__(self, facts: pd.DataFrame):
        whole = facts[facts[schema.VERKSAMHET] == schema.HELA_KAA]
        whole = whole.assign(_label=whole[MASKED] if MASKED in whole else "")
        city = whole
        for column in schema.BREAKDOWNS:
            city = city[city[column].isna()]
        years, months = year_facts(city), period_facts(city)
        # Without protection (a threshold of 0 or 1) the year's city figures are not added as margins: they are
        # the sums of the jobbtorg × kön cells (nothing is hidden then).
        cells = year_facts(whole[whole[schema.JOBBTORG].notna() & whole[schema.KON].notna()
                                 & whole[schema.STADSDEL].isna() & whole[schema.ALDER].isna()
                                 & whole["measure"].isin(schema.COUNT_NAMES)])
        known = pd.MultiIndex.from_frame(years[[schema.AR, "measure"]])
        summed = cells[~pd.MultiIndex.from_frame(cells[[schema.AR, "measure"]]).isin(known)]
        if len(summed) and not summed["_label"].astype(bool).any():
            summed = summed.groupby([schema.AR, "measure"], as_index=False)["value"].sum().assign(_label="")
            years = pd.concat([years, summed], ignore_index=True)
        self.year = {(int(a), m): (float(v), l) for a, m, v, l in
                     zip(years[schema.AR], years["measure"], years["value"], years["_label"])}
        self.month: dict[tuple[int, str, int], tuple[float, str]] = {}
        for a, p, m, v, l in zip(months[schema.AR], months[schema.PERIOD], months["measure"], months["value"],
                                 months["_label"]):
            index = _month_index(int(a), p)
            self.month[(int(a), m, index)] = (float(v), l)
        self.dated = sorted({a for a, _, _ in self.month})
        #: Where each year's months come from (the import's own words, e.g. "Import: uttag.csv").
        self.kalla = {int(a): k for a, k in zip(months[schema.AR], months["kalla"]) if k}
        # The last month each year's extract reaches: the last with anything in it (or hidden).
        self.reach = {}
        for (a, _, index), (v, l) in self.month.items():
            if v > 0 or l:
                self.reach[a] = max(self.reach.get(a, -1), index)

    def credit(self, parts: list[tuple[int, int, int]]) -> str:
        """Where a figure of these parts (year, first month, last month) comes from."""
        sources = list(dict.fromkeys(self.kalla[year] for year, _, _ in parts if year in self.kalla))
        return f"Beräknad ur månadernas siffror: {'; '.join(sources)}" if sources else ""

    def yearly(self, year: int, measure: str) -> _Fig:
        if (year, measure) not in self.year:
            return _Fig(why=NO_DATES if year not in self.dated else NOT_PER_PERIOD)
        value, label = self.year[(year, measure)]
        return _Fig(value, hidden=bool(label))

    def monthly(self, year: int, measure: str, index: int) -> _Fig:
        if year not in self.dated:
            return _Fig(why=NO_DATES)
        if index > self.reach.get(year, -1):
            return _Fig(why=NOT_YET.format(year=year, month=_month_name(year, index)))
        if (year, measure, index) not in self.month:
            return _Fig(why=NOT_PER_PERIOD)
        value, label = self.month[(year, measure, index)]
        return _Fig(value, hidden=bool(label))

    def flow(self, year: int, measure: str, first: int, last: int) -> _Fig:
        """The sum of months first..last; or, when a month in it is hidden, the year's figure less the other months
        where those are all shown (a reader can work it out so, so it is no secret)."""
        direct = _total(self.monthly(year, measure, i) for i in range(first, last + 1))
        if not direct.hidden or direct.why:
            return direct
        other = _total(self.monthly(year, measure, i) for i in (*range(first), *range(last + 1, MONTHS)))
        worked_out = self.yearly(year, measure) - other
        return direct if worked_out.hidden or worked_out.why else worked_out

    def state(self, year: int, measure: str, first: int, last: int) -> _Fig:
        """Distinct young people in the state at some time in months first..last of `year`."""
        new, leaving = STATES[measure]
        before = self.yearly(year, measure) - _total(self.yearly(year, n) for n in new)
        entered = _total(self.flow(year, n, 0, last) for n in new)
        left = _total(self.flow(year, n, 0, first - 1) for n in leaving) if first > 0 else _Fig()
        return before + entered - left

    def figure(self, year: int, measure: str, first: int, last: int) -> _Fig:
        if measure in STATES:
            return self.state(year, measure, first, last)
        if measure in schema.FLOW_MEASURES:
            return self.flow(year, measure, first, last)
        return _Fig(why=NOT_PER_PERIOD)


def _month_index(year: int, label: str) -> int:
    calendar_year, month = (int(part) for part in label.split("-"))
    return (calendar_year - (year - 1)) * 12 + month - 12


def _month_name(year: int, index: int) -> str:
    month = (year - 1) * 12 + 11 + index
    return f"{fmt.MONTH_NAMES[month % 12]} {month // 12}"


def _periods(kind: str, years: Sequence[int]) -> list[tuple[int, str, list[tuple[int, int, int]]]]:
    """(statistics year, label, parts) per period of `kind`: each part a (year, first month, last month) of it."""
    out = []
    for year in years:
        if kind == MANAD:
            out += [(year, month_label(year, i), [(year, i, i)]) for i in range(MONTHS)]
        elif kind == HALVAR:
            out.append((year, f"{year}-H1", [(year, 1, 6)]))
            out.append((year, f"{year}-H2", [(year, 7, 11), (year + 1, 0, 0)]))
        else:
            out.append((year, str(year), [(year, 0, MONTHS - 1)]))
    return out


def _period_figure(source: _Source, measure: str, parts: list[tuple[int, int, int]]) -> _Fig:
    year, first, last = parts[0]
    fig = source.figure(year, measure, first, last)
    if fig.why:
        return fig
    for next_year, next_first, next_last in parts[1:]:  # H2's December, of the next statistics year
        if next_year not in source.dated:
            return _Fig(why=NEXT_YEAR.format(year=year, next=next_year))
        more = (_total(source.flow(next_year, n, next_first, next_last) for n in STATES[measure][0])
                if measure in STATES else source.figure(next_year, measure, next_first, next_last))
        fig = fig + more
    return fig


def _long(rows: list[dict], cols: list[str], min_cell: int) -> pd.DataFrame:
    """Counts worked out as `_Fig`s, as the roll-up's long frame, with every share from them."""
    long = pd.DataFrame(rows)
    hidden = long.pop("_hidden").to_numpy()
    why = long.pop("_why").to_numpy()
    long[MASKED] = np.where(hidden & (why == ""), masking.SECONDARY, "")
    long.loc[hidden | (why != ""), "value"] = np.nan
    long["noggrannhet"] = np.where(np.isnan(long["value"]), "", schema.EXAKT)
    long["kalla"] = np.where(np.isnan(long["value"]), "", long.pop("_kalla") if "_kalla" in long else "")
    long["orsaker"] = [reasons.encode([reasons.hidden(masking.SECONDARY, min_cell)]) if h and not w else
                       reasons.encode([reasons.Reason(reasons.TEXT, text=w)]) if w else ""
                       for h, w in zip(hidden, why)]
    long = metrics._add_shares(long, cols, min_cell)
    for column in ("noggrannhet", "kalla", "orsaker", MASKED):
        long[column] = long[column].fillna("").astype(str)
    long["orsak"] = [reasons.text(reasons.decode(cell)) if cell else "" for cell in long["orsaker"]]
    long["value"] = long["value"].astype("float64")
    return long


def rollup(facts: pd.DataFrame, kind: str, sel: metrics.Selection = metrics.Selection()) -> pd.DataFrame:
    """The long frame (ar, period, measure, value, … as metrics.rollup) of every period of `kind` in the years
    asked for, for the city and the whole KAA. `facts` are protected (kaa.masking.protect)."""
    source = _Source(facts)
    years = sorted(set(int(y) for y in facts[schema.AR].unique()) if sel.years is None else set(sel.years))
    split = sel.verksamhet != schema.HELA_KAA or any(sel.filter_for(d) for d in schema.BREAKDOWNS)
    rows = []
    for year, label, parts in _periods(kind, years):
        for measure in PERIOD_COUNTS:
            if kind == AR:
                fig = source.yearly(year, measure)
                fig = replace(fig, why=NO_DATES) if fig.why == NOT_PER_PERIOD else fig
            else:
                fig = _period_figure(source, measure, parts)
            if split:
                fig = _Fig(why=CITY_ONLY)
            rows.append({schema.AR: year, schema.PERIOD: label, "measure": measure, "value": fig.value,
                         "_hidden": fig.hidden, "_why": fig.why, "_kalla": source.credit(parts)})
    cols = [schema.AR, schema.PERIOD]
    long = _long(rows, cols, sel.min_cell)
    others = [m for m in schema.COUNT_NAMES + schema.SHARE_NAMES + schema.STATISTIC_NAMES
              if m not in set(long["measure"])]
    if others:
        keys = long[cols].drop_duplicates()
        rest = keys.merge(pd.DataFrame({"measure": others}), how="cross").assign(
            value=np.nan, orsaker=reasons.encode([reasons.Reason(reasons.TEXT, text=NOT_PER_PERIOD)]),
            orsak=NOT_PER_PERIOD, noggrannhet="", kalla="", **{MASKED: ""})
        long = pd.concat([long, rest], ignore_index=True)
    order = {label: i for i, (_, label, _) in enumerate(_periods(kind, years))}
    long = long.assign(_order=long[schema.PERIOD].map(order), _rank=long["measure"].map(schema.MEASURE_RANK))
    return long.sort_values(["_order", "_rank"], kind="stable").drop(columns=["_order", "_rank"]).reset_index(drop=True)


def so_far(facts: pd.DataFrame, day: _dt.date, sel: metrics.Selection = metrics.Selection()) -> pd.DataFrame:
    """The statistics year from 1 December to the end of the last whole month on or before `day`, beside the same
    span a year earlier: the long frame with a `period` per span ("2020-12-01–2021-02-28")."""
    source = _Source(facts)
    year, last = span_of(day)
    split = sel.verksamhet != schema.HELA_KAA or any(sel.filter_for(d) for d in schema.BREAKDOWNS)
    rows = []
    for which in (year - 1, year):
        label = span_label(which, last)
        for measure in PERIOD_COUNTS:
            fig = source.figure(which, measure, 0, last) if last >= 0 else _Fig(why=NO_WHOLE_MONTH)
            if split:
                fig = _Fig(why=CITY_ONLY)
            rows.append({schema.AR: which, schema.PERIOD: label, "measure": measure, "value": fig.value,
                         "_hidden": fig.hidden, "_why": fig.why, "_kalla": source.credit([(which, 0, last)])})
    return _long(rows, [schema.AR, schema.PERIOD], sel.min_cell)


def month_ends(facts: pd.DataFrame) -> list[_dt.date]:
    """The last days of the months the extracts with dates reach, oldest first."""
    source = _Source(facts)
    out = []
    for year in source.dated:
        for index in range(source.reach.get(year, -1) + 1):
            out.append(_dt.date.fromisoformat(span_label(year, index)[-10:]))
    return out


NO_WHOLE_MONTH = "Statistikåret har ännu ingen hel månad: den första, december, är inte slut."


def span_of(day: _dt.date) -> tuple[int, int]:
    """(statistics year, index of the last whole month up to `day`; -1 when none is over yet)."""
    year = day.year + 1 if day.month == 12 else day.year
    month_end = (day + _dt.timedelta(days=1)).day == 1
    index = (day.year - (year - 1)) * 12 + day.month - 12  # the month `day` lies in
    return year, index if month_end else index - 1


def span_label(year: int, last: int) -> str:
    """`2020-12-01–2021-02-28`: from the year's first day to the end of its month `last`."""
    first = _dt.date(year - 1, 12, 1)
    if last < 0:
        return f"{first.isoformat()}–"
    calendar_year, month = (int(part) for part in month_label(year, last).split("-"))
    end = (_dt.date(calendar_year + month // 12, month % 12 + 1, 1) - _dt.timedelta(days=1))
    return f"{first.isoformat()}–{end.isoformat()}"


def table_parts(facts: pd.DataFrame, kind: str, sel: metrics.Selection, measures: Sequence[str],
                day: _dt.date | None = None):
    """As metrics.table_parts, for periods: (table with ar and period, labels, accuracy, missing)."""
    long = so_far(facts, day, sel) if day is not None else rollup(facts, kind, sel)
    keys = [schema.AR, schema.PERIOD]
    frame = _wide(long, keys, measures, "value")
    labels = _wide(long, keys, measures, MASKED).fillna("")
    accuracy = _wide(long, keys, measures, "noggrannhet").fillna("")
    for extra in (labels, accuracy):
        extra[keys] = ""
    shown = long[long["measure"].isin(measures) & long["value"].isna() & (long[MASKED] == "")]
    missing = reasons.sentences(reasons.of_cells(shown["orsaker"]))
    return frame, labels, accuracy, missing


def _wide(long: pd.DataFrame, keys: list[str], measures: Sequence[str], values: str) -> pd.DataFrame:
    order = long[keys].drop_duplicates()
    table = long[long["measure"].isin(measures)].pivot(index=keys, columns="measure", values=values)
    table = table.reindex(columns=list(measures))
    return order.merge(table.reset_index(), on=keys, how="left")[keys + list(measures)].reset_index(drop=True)
