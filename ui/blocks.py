"""Panel layout: a chart with its table one click away and a download of exactly that frame."""

from __future__ import annotations

import re
from typing import Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from kaa import export, panels, schema, store

PLOTLY_CONFIG = {
    "displaylogo": False,
    # Only the image download: zoom and pan add nothing to these small charts, and Plotly's
    # button texts are English.
    "modeBarButtons": [["toImage"]],
    "locale": "sv",
    "toImageButtonOptions": {"format": "png", "scale": 3, "filename": "kaa-diagram"},
}


# Sentences, not codes: wide enough to read without hovering.
WIDE_TEXT = {panels.COLUMN_LABELS[c]: st.column_config.TextColumn(width="large") for c in ("kalla", "orsak")}


def _file_name(title: str, suffix: str = "csv") -> str:
    slug = re.sub(r"[^a-z0-9åäö]+", "-", title.lower()).strip("-")
    return f"kaa-{slug}.{suffix}"


def explain_missing(frame: pd.DataFrame) -> None:
    """Say in words which figures are missing and why, and how exact the shown ones are."""
    reasons = panels.missing_reasons(frame)
    if reasons:
        st.caption("Saknas (visas som –): " + " ".join(reasons))
    for note in panels.accuracy_notes(frame):
        st.caption(note)
    hidden = panels.hidden_note(frame, store.min_cell())
    if hidden:
        st.caption(hidden)


def panel(title: str, frame: pd.DataFrame, figure: go.Figure | None,
          columns: Sequence[str], key: str, missing_note: bool = True, note: str = "") -> None:
    """Chart and table tabs over the same frame, CSV and Excel downloads of it, and the missing-figure note.

    `missing_note=False` for a second panel over a frame whose missing figures are already explained.
    `note` says what is shown instead when the selection itself has no figures (`nearest_figures`).
    """
    if note:
        st.info(note, icon=":material/zoom_out:")
    if not panels.has_figures(frame):
        st.info(f"**{title}:** inga uppgifter för det här urvalet. " + " ".join(panels.missing_reasons(frame)),
                icon=":material/info:")
        return
    chart_tab, table_tab = st.tabs(["Diagram", "Tabell"], key=f"tabs-{key}")
    with chart_tab:
        if figure is not None:
            st.plotly_chart(figure, config=PLOTLY_CONFIG, key=f"chart-{key}")
    with table_tab:
        st.dataframe(panels.table_for_display(frame, columns), hide_index=True, key=f"table-{key}",
                     column_config=WIDE_TEXT)
    buttons = st.container(horizontal=True)
    buttons.download_button("Ladda ner CSV", export.excel_csv(frame, columns), file_name=_file_name(title),
                            mime="text/csv", key=f"download-{key}", icon=":material/download:",
                            on_click="ignore", help="Semikolon och decimalkomma, öppnas rätt i svenska Excel.")
    buttons.download_button(
        "Ladda ner Excel", export.xlsx(frame, columns, title), file_name=_file_name(title, "xlsx"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"xlsx-{key}",
        icon=":material/table_view:", on_click="ignore")
    if missing_note:
        explain_missing(frame)


_DELTA = {"bra": "green", "dåligt": "red", "neutralt": "gray"}


def metric_cards(cards: pd.DataFrame) -> None:
    """Headline figures as metric cards; the delta's colour says whether the change is good news.

    Three cards a row, counts before shares, so `−1 071 (−17,6 %)` and `−4,3 procentenheter` fit.
    """
    is_share = cards["measure"].isin(schema.SHARE_NAMES)
    ordered = pd.concat([cards[~is_share], cards[is_share]])
    for start in range(0, len(ordered), 3):
        group = ordered.iloc[start:start + 3]
        columns = st.columns(len(group))
        for column, card in zip(columns, group.to_dict("records")):
            definition = schema.MEASURES[card["measure"]].definition
            extra = card["orsak"] or card["kalla"]
            has_delta = not pd.isna(card["forandring"])
            column.metric(
                card["matt"], card["text"],
                delta=card["forandring_text"] if has_delta else None,
                delta_color=_DELTA[card["riktning"]],
                delta_arrow=("up" if card["forandring"] > 0 else "down" if card["forandring"] < 0 else "off")
                if has_delta else "auto",
                help=f"{definition} {extra}".strip(), border=True, height="stretch",
            )
    explain_missing(cards)  # a card showing – says why below, not only in its tooltip
    for reason in panels.change_reasons(cards):
        st.caption(reason)
