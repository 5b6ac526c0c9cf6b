"""Panel layout: a chart with its table one click away and a download of exactly that frame."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from kaa import alt_text, export, fmt, masking, panels, schema, store, tables
from kaa.metrics import Selection
from kaa.published import target_for, targets_for
from ui import actions, data, filters

PLOTLY_CONFIG = {
    "displaylogo": False,
    # Only the image download: zoom and pan add nothing to these small charts.
    "modeBarButtons": [["toImage"]],
    # Plotly.js ships no Swedish; its locale is given with the chart (the one text a user can see here).
    "locale": "sv",
    "locales": {"sv": {"dictionary": {"Download plot as a PNG": "Ladda ner diagrammet som bild (PNG)",
                                      "Download plot": "Ladda ner diagrammet"}}},
    "toImageButtonOptions": {"format": "png", "scale": 3, "filename": "kaa-diagram"},
}


TABS = ("Diagram", "Tabell", "Korstabell")


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


def show_table(table: tables.Table, title: str, key: str | None = None) -> None:
    """A table as the page writes it. As a grid whose numbers sort as numbers (an empty number reads –),
    with wide columns for sentences and the columns naming a row kept in view when a narrow screen scrolls
    sideways; or, when hidden figures' symbols stand in the number cells, as a static table like the report's."""
    if table.markers_in_cells:
        st.table(tables.styled(table), hide_index=True, alt=title)
        return
    config = {c: st.column_config.TextColumn(width="large") for c in (tables.COLUMN_LABELS["kalla"],
                                                                      tables.COLUMN_LABELS["orsak"])}
    config.update({c: st.column_config.Column(pinned=True) for c in table.row_names})
    st.dataframe(tables.styled(table), hide_index=True, key=key, column_config=config, alt=title,
                 placeholder=fmt.MISSING)


def _write(writer, make_table, *args) -> bytes:
    return writer(make_table(), *args)


def _signed_out_table() -> tables.Table:
    """What a download holds when its user has signed out since the page was shown: why, not the figures."""
    why = "Du har loggat ut. Logga in igen och ladda ner tabellen på nytt."
    return tables.typed(pd.DataFrame({"Meddelande": [why]}), {})


def _downloads(make_table, frame: pd.DataFrame, name: str, what: str, key: str) -> None:
    """CSV and Excel of exactly the table shown under `what`; `make_table` builds it when a button is clicked."""
    footer = [f"Källa: {data.source_line(frame)}", *masking.legend(frame.get(masking.MASKED, ()), store.min_cell())]
    buttons = st.container(horizontal=True)
    make_table = actions.while_signed_in(make_table, _signed_out_table)
    buttons.download_button(
        "Ladda ner CSV", partial(_write, export.excel_csv, make_table), file_name=_file_name(name),
        mime="text/csv", key=f"download-{key}", icon=":material/download:", on_click="ignore",
        help=f"{what} som CSV: semikolon och decimalkomma, öppnas rätt i svenska Excel.")
    buttons.download_button(
        "Ladda ner Excel", partial(_write, export.xlsx, make_table, name, footer), file_name=_file_name(name, "xlsx"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"xlsx-{key}",
        icon=":material/table_view:", on_click="ignore", help=f"{what} som Excel-arbetsbok.")


def panel(title: str, frame: pd.DataFrame, figure: go.Figure | None, key: str, missing_note: bool = True,
          note: str = "", alt: str | None = None, verksamhet: str = schema.HELA_KAA) -> None:
    """Chart, table and (where it says more) cross-table tabs over the same frame, with downloads of the table.

    Only the open tab is drawn (the others cost nothing until they are opened). The downloads are the
    table under Tabell, or the cross table while Korstabell is open: the same columns, headers and rows.
    `missing_note=False` for a second panel over a frame whose missing figures are already explained.
    `note` says what is shown instead when the selection itself has no figures (`nearest_figures`).
    Above the chart, its text alternative: `alt`, or what `alt_text.describe` says of the frame (held against
    the targets of `verksamhet`).
    """
    if note:
        st.info(note, icon=":material/zoom_out:")
    if not panels.has_figures(frame):
        st.info(f"**{title}:** inga uppgifter för det här urvalet. " + " ".join(panels.missing_reasons(frame)),
                icon=":material/info:")
        return
    labels = TABS if tables.has_cross_table(frame) else TABS[:2]
    chart_tab, list_tab, *cross_tab = st.tabs(labels, key=f"tabs-{key}", on_change="rerun")
    if chart_tab.open and figure is not None:
        with chart_tab:
            if alt is None:
                alt = alt_text.describe(frame, targets_for(data.targets(), frame["measure"].unique(), verksamhet))
            # A container keyed alt-<key>: ui/swedish.js makes it the chart's accessible description.
            st.container(key=f"alt-{key}").caption("Diagrammet i ord: " + fmt.plain(alt))
            st.plotly_chart(figure, config=PLOTLY_CONFIG, key=f"chart-{key}")
    # A table is built only where it is shown, or when a download of it is asked for.
    if cross_tab and cross_tab[0].open:
        make_table, name, what = partial(tables.cross_table, frame), f"{title}, korstabell", "Korstabellen"
        tab, table_key = cross_tab[0], f"cross-{key}"
    else:
        make_table, name, what = partial(tables.long_table, frame), title, "Tabellen under fliken Tabell"
        tab, table_key = (list_tab if list_tab.open else None), f"table-{key}"
    if tab is not None:
        with tab:
            show_table(make_table(), name, table_key)
    _downloads(make_table, frame, name, what, key)
    if missing_note:
        explain_missing(frame)


def measure_choice(label: str, choices: dict[str, str], default: str, key: str) -> str:
    """A switch between measures (`choices`: the button's words → the measure), bound to the URL."""
    return choices[st.segmented_control(label, list(choices), default=default, required=True, key=key,
                                        bind="query-params")]


def _per(measure: str, sel: Selection, dimension: str) -> str:
    """`Inskrivna i Aim per stadsdelsområde`: a panel's title (the unit named unless it is the whole KAA)."""
    unit = "" if sel.verksamhet == schema.HELA_KAA else f" i {sel.verksamhet}"
    return f"{schema.MEASURES[measure].label}{unit} per {schema.DIMENSION_LABELS[dimension].lower()}"


def per_breakdown(measure: str, sel: Selection, key: str, dimension: str = schema.JOBBTORG) -> None:
    """One measure per jobbtorg (or per `dimension`), a bar per year (with the measure's target, if it has one),
    as a panel."""
    frame, note = data.nearest_figures([dimension], sel, [measure])
    frame = panels.without_lone_total(frame, dimension)
    title = _per(measure, sel, dimension)
    figure = data.bar_chart(frame, dimension, schema.AR, f"{title}, {filters.span(sel)}",
                            target=target_for(data.targets(), measure, sel.verksamhet))
    panel(title, frame, figure, key=key, note=note, verksamhet=sel.verksamhet)


def district_tiles(measure: str, sel: Selection, year: int, key: str) -> None:
    """One measure of one year per stadsdelsområde as tiles laid out like the map (`kaa.charts.tiles`), as a panel
    whose table also has the city's Totalt."""
    frame, note = data.nearest_figures([schema.STADSDEL], replace(sel, years=(year,)), [measure])
    frame = panels.without_lone_total(frame, schema.STADSDEL)
    title = f"{_per(measure, sel, schema.STADSDEL)} {year}"
    panel(title, frame, data.tiles_chart(frame, title), key=key, note=note, verksamhet=sel.verksamhet)


def change_panel(moved: pd.DataFrame, title: str, key: str, explained: str, target: float | None = None) -> None:
    """Each jobbtorg's (or district's) move between two years (`panels.by_change`) as the change chart, with what
    it leaves out and how to read it (`explained`, after the sentence on the arrows); when nothing has both years,
    a sentence saying why instead of an empty chart."""
    if not panels.has_changes(moved):
        st.info(f"**{title}:** ingen förändring att visa: ett av årens värden är dolt eller saknas för alla. "
                + " ".join(panels.missing_reasons(moved)), icon=":material/info:")
        return
    panel(title, moved, data.change_chart(moved, title, target=target), key=key, missing_note=False,
          alt=alt_text.describe_change(moved))
    left_out = panels.left_out_of_change(moved)
    if left_out:
        st.caption(left_out)
    since, year = int(moved["jamfort_med_ar"].dropna().iloc[0]), int(moved[schema.AR].iloc[0])
    st.caption(f"Pilen går från {since} (ring) till {year} (pil). {explained}")


def per_year_or_kon(title: str, measures: list[str], sel: Selection, key: str, switch: str, chart: str,
                    chart_per_kon: str) -> None:
    """Measures side by side per year, or per kön with a facet per year (a switch bound to the URL as `switch`),
    as a panel. `chart` and `chart_per_kon` are the two charts' titles, without the years."""
    per_kon = st.segmented_control("Dela upp", ["Per år", "Per kön"], default="Per år", required=True, key=switch,
                                   bind="query-params") == "Per kön"
    frame, note = data.nearest_figures([schema.KON if per_kon else schema.AR], sel, measures)
    years = filters.span(sel)
    figure = (data.bar_chart(frame, "matt", schema.KON, f"{chart_per_kon}, {years}", facet=schema.AR) if per_kon
              else data.bar_chart(frame, "matt", schema.AR, f"{chart}, {years}"))
    panel(title, frame, figure, key=key, note=note)


_DELTA = {"bra": "green", "dåligt": "red", "neutralt": "gray"}


def metric_cards(cards: pd.DataFrame, note: str = "") -> None:
    """Headline figures as metric cards; the delta's colour and word (bättre, sämre) say whether the change is good news.

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
                card["matt"] + (f" ({card['i_stallet']})" if card["i_stallet"] else ""), card["text"],
                delta=", ".join(filter(None, (card["forandring_text"], panels.DIRECTION_WORDS[card["riktning"]])))
                if has_delta else None,
                delta_color=_DELTA[card["riktning"]],
                delta_arrow=("up" if card["forandring"] > 0 else "down" if card["forandring"] < 0 else "off")
                if has_delta else "auto",
                help=f"{definition} {extra}".strip(), border=True, height="stretch",
            )
    if note:
        st.caption(note)
    explain_missing(cards)  # a card showing – says why below, not only in its tooltip
    for reason in panels.change_reasons(cards):
        st.caption(reason)
