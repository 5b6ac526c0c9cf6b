"""Avslut: where young people went when their support ended, by jobbtorg and year, and Aim on its own."""

from dataclasses import replace

import streamlit as st

from kaa import schema
from kaa.published import target_for
from ui import app, blocks, data, filters

app.require_entrypoint()
sel = filters.selection()
years = filters.span(sel)
goal = target_for(data.targets(), "andel_studier")

st.title("Avslut")
st.markdown(
    "Vart gick de ungdomar vars stöd avslutades under året? "
    + (f"Målet är att {goal.words} av dem går till studier. " if goal is not None else "")
    + f"Visar **{filters.describe(sel)}**."
)

measure = blocks.measure_choice("Visa andel", {
    "Till studier": "andel_studier",
    "Till arbete": "andel_arbete",
    "Till studier eller arbete": "andel_studier_arbete",
    "Avslutade av inskrivna": "andel_avslutade",
}, default="Till studier", key="utfall")
blocks.per_jobbtorg(measure, sel, key="shares")

st.subheader("Antal inskrivna och avslutade")
count = blocks.measure_choice("Visa antal", {
    "Inskrivna": "inskrivna",
    "Avslutade": "avslutade",
    "Till studier": "avslut_studier",
    "Till arbete": "avslut_arbete",
}, default="Avslutade", key="antal")
blocks.per_jobbtorg(count, sel, key="counts")

st.subheader("Insatser per kön")
st.caption("Ungdomar som tagit emot stöd eller en åtgärd inom KAA (inklusive Skolslussen).")
insatser, insatser_note = data.nearest_figures([schema.KON], sel, ["inskrivna"])
blocks.panel(
    "Inskrivna per kön", insatser,
    data.bar_chart(insatser, schema.KON, schema.AR, f"Inskrivna (tagit del av insatser) per kön, {years}"),
    key="insatser", note=insatser_note,
)

st.subheader("Aim – fördjupat stöd")
st.markdown("Aim är KAA:s verksamhet för unga som behöver mer och längre stöd. Aims ungdomar ingår också i "
            "siffrorna ovan.")
# Aim is a deeper look at one part of KAA: its charts are drawn when the reader opens the section (or a link
# with ?aim=true does), which keeps the page as quick to draw as the others.
aim = st.expander("Visa Aims inskrivna, avslutade och vart de gick", key="aim", on_change="rerun",
                  bind="query-params")
if aim.open:
    with aim:
        aim_sel = replace(sel, verksamhet=schema.AIM)
        aim_counts, aim_counts_note = data.nearest_figures([schema.AR], aim_sel,
                                                            ["inskrivna", "nyinskrivna", "avslutade"])
        blocks.panel(
            "Aim – inskrivna och avslutade", aim_counts,
            data.bar_chart(aim_counts, "matt", schema.AR, f"Aim: inskrivna, nyinskrivna och avslutade, {years}"),
            key="aim-counts", note=aim_counts_note, verksamhet=schema.AIM,
        )
        aim_shares, aim_shares_note = data.nearest_figures([schema.AR], aim_sel,
                                                            ["andel_studier", "andel_arbete", "andel_annan"])
        blocks.panel(
            "Aim – vart de avslutade gick", aim_shares,
            data.bar_chart(aim_shares, "matt", schema.AR,
                        f"Aim: andel av de avslutade till studier, arbete och annan sysselsättning, {years}"),
            key="aim-shares", note=aim_shares_note, verksamhet=schema.AIM,
        )
