"""What the annual report says for a year: its sections, in the order of the KAA årsrapport's statistical part.

Every table is a panel frame from `kaa.panels` (the same functions the pages use) laid out by `kaa.tables`;
every chart is `kaa.charts`' figure for that frame; every drafted sentence is made from the frame's own
figures (`kaa.alt_text`, `panels.target_gap`). A table the data cannot give is listed as missing, with why.
Nothing here knows about Word: `kaa.report.document` lays the sections out.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd
import plotly.graph_objects as go

from kaa import alt_text, charts, fmt, masking, metrics, panels, reasons, schema, tables
from kaa.metrics import Selection
from kaa.published import NOTE_COLUMNS, SOURCE_ID, target_for, targets_for

TITLE = "Kommunens aktivitetsansvar i Stockholm"
DRAFT_NOTE = ("Texterna märkta ”Utkast” är skrivna automatiskt ur siffrorna i tabellerna. De konstaterar fakta; "
              "analysen, orsakerna och slutsatserna skriver förvaltningen.")

RESULT_MEASURES = ["inskrivna", "avslutade", "andel_avslutade", "avslut_studier", "andel_studier", "avslut_arbete",
                   "andel_arbete", "andel_studier_arbete"]
AIM_MEASURES = ["inskrivna", "nyinskrivna", "avslutade", "andel_studier", "andel_arbete"]


@dataclass
class ReportTable:
    caption: str
    table: tables.Table
    notes: list[str]          # source, statistics year, symbols, missing figures, accuracy


@dataclass
class Chart:
    figure: go.Figure
    description: str          # the chart's text alternative, also the picture's alt text in Word


@dataclass
class Section:
    title: str
    draft: list[str] = field(default_factory=list)
    tables: list[ReportTable] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)   # tables the data cannot give, each with why


@dataclass
class Report:
    year: int
    sources: str
    sections: list[Section]

    @property
    def title(self) -> str:
        return f"Årsrapport {self.year} – {TITLE}"


class _Figures:
    """`panels.figures`, each grouping and selection rolled up once with every measure, then the asked ones picked
    in the asked order (a report asks the same grouping for several tables; a roll-up is most of the time)."""

    def __init__(self, facts: pd.DataFrame):
        self.facts, self.done = facts, {}

    def __call__(self, by: list[str], sel: Selection, measures: list[str], totals: bool = False) -> pd.DataFrame:
        key = (tuple(by), sel, totals)
        if key not in self.done:
            self.done[key] = panels.figures(self.facts, by, sel, list(schema.MEASURE_NAMES), totals)
        full = self.done[key]
        part = full[full["measure"].isin(measures)]
        groups = pd.factorize(pd.MultiIndex.from_frame(part[metrics.grouping(by)]))[0]
        order = part["measure"].map({m: i for i, m in enumerate(measures)})
        return part.assign(_g=groups, _m=order.to_numpy()).sort_values(["_g", "_m"], kind="stable").drop(
            columns=["_g", "_m"]).reset_index(drop=True)


def _notes(facts: pd.DataFrame, frame: pd.DataFrame, min_cell: int) -> list[str]:
    years = frame[schema.AR].dropna().unique() if schema.AR in frame else []
    out = [f"Källa: {panels.sources_by_year(facts, years)}.", schema.STATISTIKAR_TEXT]
    out += masking.legend(frame.get(masking.MASKED, ()), min_cell)
    why = _why_missing(frame)
    if why:
        out.append("Saknas (–): " + why)
    return out + panels.accuracy_notes(frame)


def _dimension(frame: pd.DataFrame) -> str | None:
    """The breakdown a table's rows are (jobbtorg or kön), or None for a table by measure."""
    return next((d for d in (schema.JOBBTORG, schema.KON) if d in frame.columns), None)


def _why_missing(frame: pd.DataFrame) -> str:
    """Why a table's missing cells are missing, each reason once: those its rows carry, and those of cells with
    no row behind them."""
    return " ".join(dict.fromkeys(panels.missing_reasons(frame) + _absent(frame)))


def _absent(frame: pd.DataFrame) -> list[str]:
    """Why a cross table's cell has no row behind it at all: the source gives the measure that year, but not per
    the table's breakdown; or it has no row of the measure that year at all."""
    dim = _dimension(frame)
    if dim is None or frame.empty:
        return []
    keys = set(frame[dim])
    found = []
    for (measure, year), rows in frame.groupby(["measure", schema.AR], sort=False):
        if keys - set(rows[dim]):  # the source has the measure that year (some row of it), not per `dim`
            found.append(reasons.missing(measure, int(year), in_source=True, dims=[dim]))
    for measure in frame["measure"].unique():  # a year without any row of the measure: not in the source
        for year in set(frame[schema.AR]) - set(frame.loc[frame["measure"] == measure, schema.AR]):
            found.append(reasons.missing(measure, int(year), in_source=False))
    return reasons.sentences(found)


def _add(section: Section, facts: pd.DataFrame, frame: pd.DataFrame, caption: str, min_cell: int) -> None:
    """A table in the section; or, when the data has not one of its figures (beyond a Totalt row, for a table per
    kön or jobbtorg), a line saying it is missing and why."""
    dim = _dimension(frame)
    parts = frame if dim is None else frame[frame[dim] != schema.TOTALT]
    if panels.has_figures(parts):
        section.tables.append(ReportTable(caption, tables.cross_table(frame), _notes(facts, frame, min_cell)))
    else:
        section.missing.append(_missing(caption, _why_missing(frame) or "Uppgifterna saknas."))


def _chart(figure: go.Figure, frame: pd.DataFrame, targets: pd.DataFrame) -> Chart:
    return Chart(figure, alt_text.describe(frame, targets_for(targets, frame["measure"].unique())))


def _described(frame: pd.DataFrame, targets: pd.DataFrame, verksamhet: str = schema.HELA_KAA) -> list[str]:
    """The frame's figures in sentences, held against the targets of `verksamhet` (a draft states only these)."""
    if frame["varde"].isna().all():  # nothing shown: hidden or missing, which the table says
        return []
    return [alt_text.describe(frame, targets_for(targets, frame["measure"].unique(), verksamhet), most=None)]


def _missing(what: str, why: str) -> str:
    return f"{what}: saknas – {why}"


#: Why the tables the 2020 report lacked are missing from the statistics for now (a register extract has the
#: columns, but they are not yet kept in the statistics).
NO_DISTRICTS = "statistiken redovisar ännu inga uppgifter per stadsdelsområde."
NO_REASONS = "statistiken redovisar ännu bara avslut till studier, arbete och annan sysselsättning."
NO_OCCUPATIONS = "statistiken redovisar ännu bara hur många av de nådda som hade någon sysselsättning."


def build(facts: pd.DataFrame, year: int, targets: pd.DataFrame, notes: pd.DataFrame, min_cell: int) -> Report:
    """The report for `year` from protected facts (`masking.protect`), compared with the year before it in the data."""
    fig = _Figures(facts)
    earlier = sorted(int(y) for y in facts[schema.AR].unique() if y < year)
    previous = earlier[-1] if earlier else None
    both = Selection(years=tuple(y for y in (previous, year) if y is not None), min_cell=min_cell)
    span = fmt.years(both.years)
    studier_goal = target_for(targets, "andel_studier")
    sections = []

    cards = panels.headline(facts, both, year)
    summary = Section("Sammanfattning i siffror")
    summary.tables.append(ReportTable(f"Nyckeltal {year}" + (f" jämfört med {previous}" if previous else ""),
                                      _headline_table(cards, year, previous), _notes(facts, cards, min_cell)))
    trend = fig([schema.AR], both, ["andel_studier", "andel_arbete"])
    summary.draft += _described(fig([schema.AR], both, ["registrerade", "sokta", "nadda",
                                                                            "inskrivna", "avslutade"]), targets)
    studier = cards.set_index("measure").loc["andel_studier", "varde"]
    if not pd.isna(studier):  # hidden or missing: the table says so, a sentence would not
        summary.draft += [s for s in [panels.target_gap("andel_studier", studier, studier_goal, year)[1]] if s]
    summary.charts.append(_chart(charts.bar(trend, schema.AR, "matt", f"Andel av de avslutade till studier "
                                            f"respektive arbete, {span}", target=studier_goal), trend, targets))
    sections.append(summary)

    contacts = fig([schema.AR], both, list(schema.KONTAKT_MEASURES))
    channels = Section("Kontaktförsök per kanal")
    _add(channels, facts, contacts, f"Kontaktförsök per kanal, {span}", min_cell)
    channels.draft += _described(contacts, targets)
    sections.append(channels)

    register = fig([schema.KON], both, ["registrerade"], totals=True)
    registret = Section("Ungdomar i registret")
    _add(registret, facts, register, f"Registrerade per kön, {span}", min_cell)
    registret.draft += _described(fig([schema.AR], both, ["registrerade"]), targets)
    registret.draft += _described(register[register[schema.AR] == year], targets)
    sections.append(registret)

    reached = fig([schema.KON], both, ["sokta", "nadda", "ej_nadda"], totals=True)
    funnel = fig([schema.AR], both, ["registrerade", "sokta", "nadda", "ej_nadda"])
    uppsok = Section("Sökta, nådda och ej nådda")
    _add(uppsok, facts, reached, f"Sökta, nådda och ej nådda per kön, {span}", min_cell)
    uppsok.draft += _described(fig([schema.AR], both, ["sokta", "nadda", "andel_nadda"]), targets)
    uppsok.charts.append(_chart(charts.bar(funnel, "matt", schema.AR, f"Registrerade, sökta, nådda och ej nådda, "
                                           f"{span}"), funnel, targets))
    uppsok.missing.append(_missing(f"Sökta och nådda per stadsdelsområde {year}", NO_DISTRICTS))
    sections.append(uppsok)

    occupied = fig([schema.AR], both, ["andel_sysselsatta"])
    doing = Section("Vad de nådda gör")
    _add(doing, facts, occupied, f"Andel av de nådda som redan hade sysselsättning, {span}", min_cell)
    doing.draft += _described(occupied, targets)
    doing.missing.append(_missing(f"De nådda per sysselsättning (studier, arbete, studier utomlands, annat) {year}",
                                  NO_OCCUPATIONS))
    sections.append(doing)

    enrolled = fig([schema.KON], both, ["inskrivna", "nyinskrivna"], totals=True)
    inskrivna = Section("Inskrivna")
    _add(inskrivna, facts, enrolled, f"Inskrivna och nyinskrivna per kön, {span}", min_cell)
    inskrivna.draft += _described(fig([schema.AR], both, ["inskrivna", "nyinskrivna"]), targets)
    sections.append(inskrivna)

    results = Section("Resultat per jobbtorg")
    per_jobbtorg = fig([schema.JOBBTORG], both, RESULT_MEASURES, totals=True)
    for each in both.years:
        per = per_jobbtorg[per_jobbtorg[schema.AR] == each]
        _add(results, facts, per, f"Inskrivna, avslutade och vart de gick per jobbtorg {each}", min_cell)
    results.draft += _described(fig([schema.AR], both, ["avslutade", "avslut_studier", "avslut_arbete"]), targets)
    shares = fig([schema.JOBBTORG], both, ["andel_studier"], totals=True)
    results.draft += _described(shares[shares[schema.AR] == year], targets)
    results.charts.append(_chart(charts.bar(shares, schema.JOBBTORG, schema.AR, f"Andel av de avslutade till "
                                            f"studier per jobbtorg, {span}", target=studier_goal), shares, targets))
    by_kon = fig([schema.KON], both, ["avslutade", "avslut_studier", "avslut_arbete", "andel_studier",
                                       "andel_arbete"], totals=True)
    by_kon = by_kon[by_kon[schema.AR] == year]
    _add(results, facts, by_kon, f"Avslutade och vart de gick per kön {year}", min_cell)
    results.draft += _described(by_kon[by_kon["measure"].isin(["avslut_studier", "avslut_arbete"])], targets)
    results.missing.append(_missing(f"Avslutade per orsak (vidare till Jobbtorg 20–29, flyttat, fyllt 20, okänd) "
                                    f"{year}", NO_REASONS))
    sections.append(results)

    aim_sel = replace(both, verksamhet=schema.AIM)
    aim_frame = fig([schema.AR], aim_sel, AIM_MEASURES)
    aim = Section("Aim")
    _add(aim, facts, aim_frame, f"Aim: inskrivna, avslutade och vart de gick, {span}", min_cell)
    aim.draft += _described(aim_frame, targets, schema.AIM)
    aim.missing.append(_missing(f"Aims inskrivna per stadsdelsområde {year}", NO_DISTRICTS))
    sections.append(aim)

    quality = Section("Om statistiken och datakvalitet")
    quality.draft.append(schema.STATISTIKAR_TEXT)
    sources = panels.sources_by_year(facts, list(both.years))
    quality.draft.append(f"Källa: {sources}.")
    if (facts.loc[facts[schema.AR].isin(both.years), "source_id"] == SOURCE_ID).any():  # notes on its figures
        quality.tables.append(ReportTable("Anmärkningar om årsrapport 2020 och hur de har hanterats",
                                          tables.typed(notes.rename(columns=NOTE_COLUMNS), {}), []))
    sections.append(quality)

    return Report(year, sources, sections)


def _headline_table(cards: pd.DataFrame, year: int, previous: int | None) -> tables.Table:
    """The summary's key figures: this year's value and its change from the year before (the cards on Översikt)."""
    rows = {"Mått": list(cards["matt"]), str(year): list(cards["text"])}
    if previous:
        rows[f"Förändring från {previous}"] = [t or fmt.MISSING for t in cards["forandring_text"].fillna("")]
    return tables.typed(pd.DataFrame(rows), {})
