"""The figures the pages show, cached: one cached function per data need, each calling one `kaa` function.

The store's version is part of every cache key, so an import (in any process on the same database) is
seen at the next run. Only aggregates are cached, never rows about young people.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from kaa import charts, panels, quality, schema, store
from kaa.metrics import Selection
from kaa.published import NOTES_CSV, TARGETS_CSV, Target, load_notes, load_targets

#: A target is keyed with its direction (Streamlit would hash it as the bare number it also is).
_TARGET_KEY = {Target: lambda target: (float(target), target.riktning)}


@st.cache_data(show_spinner=False)
def _raw_facts(version: str) -> pd.DataFrame:
    return store.load_facts()


@st.cache_data(show_spinner=False)
def _facts(version: str, min_cell: int) -> pd.DataFrame:
    return store.protect(_raw_facts(version), min_cell)


@st.cache_data(show_spinner=False, max_entries=8)
def _backing(version: str) -> dict[str, list[int]]:
    return store.backing()


def backing() -> dict[str, list[int]]:
    """`kaa.store.backing`, read again only when the stored figures change (a damaged source raises every time)."""
    return _backing(store.version())


def raw_facts() -> pd.DataFrame:
    """All figures as stored (aggregates), before small-cell protection; for comparing an import."""
    return _raw_facts(store.version())


def facts() -> pd.DataFrame:
    """All figures, small cells protected, cached until the data in the store changes."""
    return _facts(store.version(), store.min_cell())


@st.cache_data(show_spinner=False, max_entries=512)
def _nearest_figures(version: str, min_cell: int, by: tuple, sel: Selection, measures: tuple
                     ) -> tuple[pd.DataFrame, str]:
    return panels.nearest_figures(_facts(version, min_cell), by, sel, measures)


def nearest_figures(by, sel: Selection, measures) -> tuple[pd.DataFrame, str]:
    """`kaa.panels.nearest_figures`: the asked figures (with a Totalt row where `panels.shows_total` says),
    or the nearest that exist, with a sentence saying so."""
    return _nearest_figures(store.version(), store.min_cell(), tuple(by), sel, tuple(measures))


@st.cache_data(show_spinner=False, max_entries=128)
def _headline(version: str, min_cell: int, sel: Selection, year: int) -> pd.DataFrame:
    return panels.headline(_facts(version, min_cell), sel, year)


def headline(sel: Selection, year: int) -> pd.DataFrame:
    """`kaa.panels.headline`: the year's key figures and their change."""
    return _headline(store.version(), store.min_cell(), sel, year)


@st.cache_data(show_spinner=False, max_entries=128)
def _without_district(version: str, min_cell: int, sel: Selection) -> pd.DataFrame:
    return quality.without_district(_facts(version, min_cell), sel)


def without_district(sel: Selection) -> pd.DataFrame:
    """`kaa.quality.without_district`: per year, the registered without a district."""
    return _without_district(store.version(), store.min_cell(), sel)


@st.cache_data(show_spinner=False, max_entries=128, hash_funcs=_TARGET_KEY)
def _compare_jobbtorg(version: str, min_cell: int, sel: Selection, year: int, measure: str, since: int | None,
                      target: float | None, dimension: str) -> pd.DataFrame:
    return panels.compare_jobbtorg(_facts(version, min_cell), sel, year, measure, since, target, dimension)


def compare_jobbtorg(sel: Selection, year: int, measure: str, since: int | None = None,
                     target: float | None = None, dimension: str = schema.JOBBTORG) -> pd.DataFrame:
    """`kaa.panels.compare_jobbtorg`: the jobbtorg (or stadsdelsområden) ranked in `year`, and their move since
    `since`."""
    return _compare_jobbtorg(store.version(), store.min_cell(), sel, year, measure, since, target, dimension)


@st.cache_data(show_spinner=False, max_entries=8)
def _month_ends(version: str, min_cell: int) -> list[dt.date]:
    return panels.month_ends(_facts(version, min_cell))


def month_ends() -> list[dt.date]:
    """`kaa.panels.month_ends`: the month ends the extracts with dates reach, oldest first."""
    return _month_ends(store.version(), store.min_cell())


@st.cache_data(show_spinner=False, max_entries=64)
def _so_far_cards(version: str, min_cell: int, day: dt.date, sel: Selection) -> pd.DataFrame:
    return panels.so_far_cards(_facts(version, min_cell), day, sel)


def so_far_cards(day: dt.date, sel: Selection) -> pd.DataFrame:
    """`kaa.panels.so_far_cards`."""
    return _so_far_cards(store.version(), store.min_cell(), day, sel)


@st.cache_data(show_spinner=False, max_entries=64)
def _period_figures(version: str, min_cell: int, kind: str, sel: Selection, measures: tuple) -> pd.DataFrame:
    return panels.period_figures(_facts(version, min_cell), kind, sel, measures)


def period_figures(kind: str, sel: Selection, measures) -> pd.DataFrame:
    """`kaa.panels.period_figures`."""
    return _period_figures(store.version(), store.min_cell(), kind, sel, tuple(measures))


@st.cache_resource(show_spinner=False, max_entries=64)
def months_chart(frame: pd.DataFrame, title: str) -> go.Figure:
    """`kaa.charts.months`."""
    return charts.months(frame, title)


def source_line(frame: pd.DataFrame) -> str:
    """Which source each year of a panel comes from, as the line at the top of the page says it."""
    return panels.sources_by_year(facts(), frame[schema.AR].dropna().unique() if schema.AR in frame else [])


def available_years() -> list[int]:
    return store.available_years(facts())


# Charts are shared rather than copied per call (nothing changes a figure after it is built), cached by their
# frame's content and arguments (aggregates only).

@st.cache_resource(show_spinner=False, max_entries=256, hash_funcs=_TARGET_KEY)
def bar_chart(frame: pd.DataFrame, x: str, color: str, title: str, **options) -> go.Figure:
    """`kaa.charts.bar`."""
    return charts.bar(frame, x, color, title, **options)


@st.cache_resource(show_spinner=False, max_entries=64)
def tiles_chart(frame: pd.DataFrame, title: str) -> go.Figure:
    """`kaa.charts.tiles`."""
    return charts.tiles(frame, title)


@st.cache_resource(show_spinner=False, max_entries=64, hash_funcs=_TARGET_KEY)
def ranking_chart(frame: pd.DataFrame, title: str, target: float | None = None) -> go.Figure:
    """`kaa.charts.ranking`."""
    return charts.ranking(frame, title, target=target)


@st.cache_resource(show_spinner=False, max_entries=64, hash_funcs=_TARGET_KEY)
def change_chart(frame: pd.DataFrame, title: str, target: float | None = None) -> go.Figure:
    """`kaa.charts.change`."""
    return charts.change(frame, title, target=target)


@st.cache_data(show_spinner=False)
def _targets(stamp: int) -> pd.DataFrame:
    return load_targets()


@st.cache_data(show_spinner=False)
def _notes(stamp: int) -> pd.DataFrame:
    return load_notes()


def targets() -> pd.DataFrame:
    """data/targets.csv, re-read when the file is edited."""
    return _targets(TARGETS_CSV.stat().st_mtime_ns)


def notes() -> pd.DataFrame:
    """data/anmarkningar.csv, re-read when the file is edited."""
    return _notes(NOTES_CSV.stat().st_mtime_ns)


# The annual report (aggregates only, as every page): its contents for the preview, the Word file and its PDF,
# each made once per store version, threshold, year and day (the document says the day it was made).

@st.cache_resource(show_spinner="Rapporten sammanställs …", max_entries=8)
def _report_sections(version: str, min_cell: int, year: int, targets_stamp: int, notes_stamp: int):
    from kaa import report  # python-docx and the rest load only where a report is made

    return report.sections(_facts(version, min_cell), year, min_cell)


def _report_key(year: int) -> tuple:
    return (store.version(), store.min_cell(), year, TARGETS_CSV.stat().st_mtime_ns,
            NOTES_CSV.stat().st_mtime_ns)


def report_sections(year: int):
    """`kaa.report.sections` for the preview on the Årsrapport page."""
    return _report_sections(*_report_key(year))


@st.cache_data(show_spinner=False, max_entries=8)
def _report_docx(key: tuple, day: str) -> bytes:
    from kaa import report

    return report.write(_report_sections(*key))


def report_docx(year: int) -> bytes:
    """The Word document `python -m kaa rapport` writes for the same figures (`kaa.report.write`)."""
    return _report_docx(_report_key(year), dt.date.today().isoformat())


@st.cache_data(show_spinner=False, max_entries=8)
def _report_pdf(key: tuple, day: str) -> bytes:
    from kaa import report

    return report.pdf(_report_docx(key, day))


def report_pdf(year: int) -> bytes:
    """The same document as PDF (LibreOffice)."""
    return _report_pdf(_report_key(year), dt.date.today().isoformat())


SIGNED_OUT = "Du har loggat ut. Logga in igen och ladda ner årsrapporten på nytt."


def report_signed_out(as_pdf: bool = False) -> bytes:
    """What a report download holds when its user has signed out since the page was shown: why, not the figures."""
    from kaa import report

    text = report.notice(SIGNED_OUT)
    return report.pdf(text) if as_pdf else text
