"""Översikt: the year's headline figures, their change, and the studies target."""

import streamlit as st

from kaa import panels, schema
from kaa.published import target_for
from ui import app, blocks, data, filters

app.require_entrypoint()
sel = filters.selection()
years = filters.chosen_years(sel)
year = years[-1]

st.title("KAA i Stockholm – översikt")
st.markdown(
    f"Kommunernas aktivitetsansvar för unga under 20 år utan gymnasieexamen. "
    f"Visar **{filters.describe(sel)}**."
)
st.page_link(app.pages()["om"], label="Så räknas siffrorna – Om statistiken", icon=":material/info:")

cards = data.headline(sel, year)
previous = cards["jamfort_med_ar"].iloc[0]
st.subheader(f"Statistikår {year}" + (f", jämfört med {previous}" if previous else ""))
st.caption(schema.STATISTIKAR_TEXT)
blocks.metric_cards(cards, panels.headline_note(cards, sel))

goal = target_for(data.targets(), "andel_studier")
studier = cards.set_index("measure").loc["andel_studier"]
met, sentence = panels.target_gap("andel_studier", studier["varde"], goal, year)
if sentence:
    (st.success if met else st.warning if met is False else st.info)(sentence, icon=":material/flag:")

trend, trend_note = data.nearest_figures([schema.AR], sel, ["andel_studier", "andel_arbete"])
blocks.panel(
    "Andel avslutade till studier och arbete per år", trend,
    data.bar_chart(trend, schema.AR, "matt", f"Andel av de avslutade som gick till studier respektive arbete, {filters.span(sel)}",
               target=goal),
    key="trend", note=trend_note,
)
