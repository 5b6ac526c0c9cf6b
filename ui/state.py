"""The shared sidebar filters, mirrored in the URL so a view can be shared as a link."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from kaa import charts, fmt, masking, metrics, panels, schema, store
from kaa.metrics import Selection
from kaa.published import NOTES_CSV, TARGETS_CSV, load_notes, load_targets

ALLA = "Alla"


def actor() -> str:
    """Who changes the store from this browser session, as the event log records it."""
    if st.user.get("is_logged_in"):
        return f"{st.user.get('email') or st.user.get('name') or 'inloggad'} (webbläsaren)"
    return "ej inloggad (webbläsaren)"


def change_store(change, *args, **kwargs) -> None:
    """Carry out a store change from a button; a fault is said in Swedish and nothing else happens."""
    try:
        change(*args, **kwargs)
    except store.StoreError as error:
        st.error(fmt.plain(error), icon=":material/error:")
    else:
        st.rerun()


@st.cache_data(show_spinner=False)
def _raw_facts(version: str) -> pd.DataFrame:
    return store.load_facts()


@st.cache_data(show_spinner=False)
def _facts(version: str, min_cell: int) -> pd.DataFrame:
    return masking.protect(_raw_facts(version), min_cell)


def raw_facts() -> pd.DataFrame:
    """All figures as stored (aggregates), before small-cell protection; for comparing an import."""
    return _raw_facts(store.version())


def facts() -> pd.DataFrame:
    """All figures, small cells protected, cached until the data on disk changes."""
    return _facts(store.version(), store.min_cell())


@st.cache_data(show_spinner=False, max_entries=512)
def _panel(version: str, name: str, args: tuple) -> pd.DataFrame:
    return getattr(panels, name)(_facts(version, store.min_cell()), *args)


def figures(by, sel: Selection, measures, totals: bool = False) -> pd.DataFrame:
    """`kaa.panels.figures` on the current data, cached until the data on disk changes."""
    return _panel(store.version(), "figures", (tuple(by), sel, tuple(measures), totals))


def nearest_figures(by, sel: Selection, measures, totals: bool = False) -> tuple[pd.DataFrame, str]:
    """`kaa.panels.nearest_figures`: the asked figures, or the nearest that exist, with a sentence saying so."""
    return _panel(store.version(), "nearest_figures", (tuple(by), sel, tuple(measures), totals))


def headline(sel: Selection, year: int) -> pd.DataFrame:
    return _panel(store.version(), "headline", (sel, year))


def compare_jobbtorg(sel: Selection, year: int, measure: str, since: int | None = None,
                     target: float | None = None) -> pd.DataFrame:
    return _panel(store.version(), "compare_jobbtorg", (sel, year, measure, since, target))


@st.cache_resource(show_spinner=False, max_entries=256)
def chart(name: str, frame: pd.DataFrame, *args, **kwargs):
    """A `kaa.charts` figure, cached by its frame's content and arguments (aggregates only).

    Shared rather than copied per call: nothing changes a figure after it is built.
    """
    return getattr(charts, name)(frame, *args, **kwargs)


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


def sidebar_filters() -> None:
    """Draw the filters every page shares. Their keys are also the URL's query parameters."""
    years = store.available_years(facts())
    options = {"ar": years, "jobbtorg": schema.JOBBTORG_NAMES, "kon": (ALLA,) + schema.KON_VALUES}
    _say_what_the_link_asked_for_in_vain(options)
    with st.sidebar:
        st.header("Urval")
        # No "Select all" (English, and nothing chosen already means all).
        st.multiselect("År", options["ar"], key="ar", bind="query-params", placeholder="Alla år", select_all=False,
                       help=schema.STATISTIKAR_TEXT)
        st.multiselect("Jobbtorg", options["jobbtorg"], key="jobbtorg", bind="query-params",
                       placeholder="Alla jobbtorg", select_all=False,
                       help="Jobbtorgets upptagningsområde. ”Saknar stadsdel” är ungdomar vars stadsdel är okänd.")
        st.segmented_control("Kön", options["kon"], key="kon", bind="query-params",
                             default=ALLA, required=True)


LINK_FILTER_NAMES = {"ar": "år", "jobbtorg": "jobbtorg", "kon": "kön"}


def _say_what_the_link_asked_for_in_vain(options: dict[str, Sequence]) -> None:
    """Say which filter values in the URL do not exist; Streamlit drops them from the link silently."""
    requested = {key: st.query_params.get_all(key) for key in options}
    unknown = metrics.unknown_choices(requested, options)
    if not unknown:  # Streamlit then removes them from the URL, so this is said once
        return
    # The values are whatever the link says: shown as text, never as Markdown.
    listed = "; ".join(f"{LINK_FILTER_NAMES[key]} {', '.join(f'”{fmt.plain(v)}”' for v in values)}"
                       for key, values in unknown.items())
    st.toast(f"Länken innehöll urval som inte finns i statistiken och som därför inte används: {listed}.",
             icon=":material/link_off:", duration="long")


def selection() -> Selection:
    """What the sidebar asks for, as a `kaa` selection (empty = all)."""
    years = tuple(sorted(st.session_state.get("ar") or ())) or None
    jobbtorg = tuple(st.session_state.get("jobbtorg") or ()) or None
    kon = st.session_state.get("kon") or ALLA
    return Selection(years=years, jobbtorg=jobbtorg, kon=None if kon == ALLA else (kon,),
                     min_cell=store.min_cell())


def provenance_banner() -> None:
    """At the top of every page: which source each shown year comes from, and a warning for example data."""
    sel = selection()
    examples = [s.label for s in store.sources() if s.exempeldata]
    line, example = panels.provenance(facts(), chosen_years(sel), examples)
    if example:
        st.warning("Sidan visar **exempeldata**: påhittade rader (demo-id), inte stadens statistik. Inaktivera "
                   "källan på sidan Ladda upp för att se de riktiga siffrorna.", icon=":material/science:")
    st.caption("Källa: " + fmt.plain(line))


def source_line(frame: pd.DataFrame) -> str:
    """Which source each year of a panel comes from, as the line at the top of the page says it."""
    return panels.sources_by_year(facts(), frame[schema.AR].dropna().unique() if schema.AR in frame else [])


def chosen_years(sel: Selection) -> list[int]:
    return list(sel.years) if sel.years else store.available_years(facts())


def span(sel: Selection) -> str:
    """The chosen years in words: `2020`, `2019–2020`."""
    chosen = chosen_years(sel)
    return fmt.years(chosen) if chosen else "inga år"


def describe(sel: Selection) -> str:
    """The selection in words, for captions and file names."""
    span_text = span(sel)
    jobbtorg = ", ".join(sel.jobbtorg) if sel.filter_for(schema.JOBBTORG) else "alla jobbtorg"
    kon = {"Kvinna": "kvinnor", "Man": "män"}[sel.kon[0]] if sel.kon else "båda könen"
    return f"{span_text} · {jobbtorg} · {kon}"
