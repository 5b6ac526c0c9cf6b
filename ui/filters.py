"""The shared sidebar filters, mirrored in the URL so a view can be shared as a link, and the selection in words."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from kaa import fmt, metrics, panels, schema, store
from kaa.metrics import Selection
from ui import actions, data

ALLA = "Alla"


def sidebar_filters() -> None:
    """Draw the filters every page shares. Their keys are also the URL's query parameters."""
    years = data.available_years()
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
    examples = [s.id for s in store.sources() if s.exempeldata]
    line, example = panels.provenance(data.facts(), chosen_years(sel), examples)
    if example:
        fix = ("Inaktivera källan på sidan Ladda upp för att se de riktiga siffrorna." if actions.may_change() else
               "Be en analytiker inaktivera källan, så visas de riktiga siffrorna.")
        st.warning("Sidan visar **exempeldata**: påhittade rader (demo-id), inte stadens statistik. " + fix,
                   icon=":material/science:")
    st.caption("Källa: " + fmt.plain(line))


def chosen_years(sel: Selection) -> list[int]:
    return list(sel.years) if sel.years else data.available_years()


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
