"""Uppsök: from the register to those reached, by kön and year, and the contact attempts."""

import streamlit as st

from kaa import schema
from ui import app, blocks, data, filters

app.require_entrypoint()
sel = filters.selection()
years = filters.span(sel)

st.title("Uppsök")
st.markdown(
    "Hur många fanns i registret, hur många söktes aktivt och hur många nåddes? "
    f"Visar **{filters.describe(sel)}**."
)

st.subheader("Från register till nådda")
funnel, funnel_note = data.nearest_figures([schema.AR], sel, ["registrerade", "sokta", "nadda", "ej_nadda"])
blocks.panel(
    "Från register till nådda", funnel,
    data.bar_chart(funnel, "matt", schema.AR, f"Registrerade, sökta, nådda och ej nådda, {years}"),
    key="funnel", note=funnel_note,
)
st.caption("Registret är alltid större än gruppen under uppsök: många finns där bara kort, t.ex. vid byte av "
           "skola eller inflyttning, och försvinner när studier registreras. Uppsöket börjar först efter "
           "ungefär två veckor.")
st.page_link(app.pages()["stadsdelar"], label="Samma steg per stadsdelsområde och ålder – Stadsdelar",
             icon=":material/location_city:")

st.subheader("Nådda per kön")
view = st.segmented_control("Visa", ["Andel nådda", "Antal nådda och ej nådda"], default="Andel nådda",
                            required=True, key="per_kon", bind="query-params")
if view == "Andel nådda":
    reach, reach_note = data.nearest_figures([schema.KON], sel, ["andel_nadda"])
    blocks.panel(
        "Andel nådda av de sökta", reach,
        data.bar_chart(reach, schema.KON, schema.AR, f"Andel av de sökta som nåddes, per kön, {years}"),
        key="reach", note=reach_note,
    )
else:
    by_kon, by_kon_note = data.nearest_figures([schema.KON], sel, ["nadda", "ej_nadda"])
    blocks.panel(
        "Nådda och ej nådda per kön", by_kon,
        data.bar_chart(by_kon, schema.KON, "matt", f"Nådda och ej nådda per kön, {years}", facet=schema.AR,
                    barmode="stack"),
        key="kon", note=by_kon_note,
    )

st.subheader("Vad gör de som nås?")
st.markdown("När en ungdom nås antecknas vad hen gör. Många studerar redan i någon form som inte syns i "
            "registret, arbetar eller är utomlands.")
doing = ["andel_sysselsatta", *(f"andel_{name}" for name in schema.NADDA_SYSSELSATTNING)]
blocks.per_year_or_kon("Vad de nådda gjorde", doing, sel, key="occupied", switch="gor",
                       chart="Vad de nådda gjorde, andel av alla nådda",
                       chart_per_kon="Vad de nådda gjorde per kön, andel av alla nådda")
st.caption("Sysselsatta är de som studerade (i Sverige eller utomlands), arbetade eller hade annan "
           "sysselsättning. Andelen med okänd sysselsättning visar hur ofta det inte antecknades vad de gjorde.")

st.subheader("Kontaktförsök per kanal")
contacts, contacts_note = data.nearest_figures([schema.AR], sel, list(schema.KONTAKT_MEASURES))
blocks.panel(
    "Kontaktförsök per kanal", contacts,
    data.bar_chart(contacts, "matt", schema.AR, f"Kontaktförsök per kanal, {years}"),
    key="contacts", note=contacts_note,
)
