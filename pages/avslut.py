"""Avslut: where young people went when their support ended, by jobbtorg, reason, kön and year, and the units
(Aim, Skolslussen, Jobbtorg) on their own."""

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
blocks.per_breakdown(measure, sel, key="shares")

st.subheader("Antal inskrivna och avslutade")
count = blocks.measure_choice("Visa antal", {
    "Inskrivna": "inskrivna",
    "Avslutade": "avslutade",
    "Till studier": "avslut_studier",
    "Till arbete": "avslut_arbete",
}, default="Avslutade", key="antal")
blocks.per_breakdown(count, sel, key="counts")

st.subheader("Vart de avslutade gick")
st.markdown("Varje avslut har en orsak: studier, arbete, annan sysselsättning, vidare till Jobbtorg 20–29 eller "
            "en annan aktör, flytt, att ungdomen fyllde 20 år, eller okänd.")
reasons = ["andel_studier", "andel_arbete", "andel_annan",
           *(f"andel_{name}" for name in schema.AVSLUT_ORSAKER[3:])]
blocks.per_year_or_kon("Avslutade per orsak", reasons, sel, key="exits", switch="orsak",
                       chart="Avslutade per orsak, andel av alla avslutade",
                       chart_per_kon="Avslutade per orsak och kön, andel av alla avslutade")

st.subheader("Insatser per kön")
st.caption("Ungdomar som tagit emot stöd eller en åtgärd inom KAA (inklusive Skolslussen).")
insatser, insatser_note = data.nearest_figures([schema.KON], sel, ["inskrivna"])
blocks.panel(
    "Inskrivna per kön", insatser,
    data.bar_chart(insatser, schema.KON, schema.AR, f"Inskrivna (tagit del av insatser) per kön, {years}"),
    key="insatser", note=insatser_note,
)

st.subheader("Verksamheterna: Aim, Skolslussen och Jobbtorg")
st.markdown("Aim är KAA:s verksamhet för unga som behöver mer och längre stöd, Skolslussen hjälper unga tillbaka "
            "till skolan, och övriga inskrivna får stöd på jobbtorget. Alla ingår också i siffrorna ovan.")
# The units are a deeper look at parts of KAA: their charts are drawn when the reader opens the section (or a
# link with ?aim=true does), which keeps the page as quick to draw as the others.
units = st.expander("Visa verksamheternas inskrivna, avslutade och vart de gick", key="aim",
                    on_change="rerun", bind="query-params")
if units.open:
    with units:
        unit = st.segmented_control("Verksamhet", [schema.AIM, schema.SKOLSLUSSEN, schema.JOBBTORG_VERKSAMHET],
                                    default=schema.AIM,
                                    required=True, key="verksamhet", bind="query-params")
        unit_sel = replace(sel, verksamhet=unit)
        unit_counts, unit_counts_note = data.nearest_figures([schema.AR], unit_sel,
                                                              ["inskrivna", "nyinskrivna", "avslutade"])
        blocks.panel(
            f"{unit} – inskrivna och avslutade", unit_counts,
            data.bar_chart(unit_counts, "matt", schema.AR, f"{unit}: inskrivna, nyinskrivna och avslutade, {years}"),
            key="aim-counts", note=unit_counts_note, verksamhet=unit,
        )
        unit_shares, unit_shares_note = data.nearest_figures([schema.AR], unit_sel, reasons)
        blocks.panel(
            f"{unit} – vart de avslutade gick", unit_shares,
            data.bar_chart(unit_shares, "matt", schema.AR,
                           f"{unit}: avslutade per orsak, andel av alla avslutade, {years}"),
            key="aim-shares", note=unit_shares_note, verksamhet=unit,
        )
