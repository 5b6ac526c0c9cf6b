"""Datakvalitet: how often the register does not know, and what that means for the figures beside it."""

import streamlit as st

from kaa import quality, schema
from kaa.published import target_for
from ui import app, blocks, data, filters

app.require_entrypoint()
sel = filters.selection()
years = filters.span(sel)

st.title("Datakvalitet")
st.markdown("Registret vet inte allt om alla. Här syns hur ofta en uppgift saknas, per jobbtorg och år, och vad "
            f"det betyder för siffrorna på de andra sidorna. Visar **{filters.describe(sel)}**.")

st.subheader("Nådda med okänd sysselsättning")
st.markdown("Andelen av de nådda där det inte antecknades vad de gjorde. De räknas inte som sysselsatta, så "
            "andelen nådda med sysselsättning på Uppsök är den lägsta möjliga: hade alla med okänd "
            "sysselsättning studerat eller arbetat vore den så hög som *högst* nedan.")
blocks.per_jobbtorg("andel_nadda_okand", sel, key="okand-sysselsattning")
occupied, occupied_note = data.nearest_figures([schema.AR], sel, ["andel_sysselsatta", "andel_sysselsatta_hogst"])
blocks.panel("Andel nådda med sysselsättning: antecknad och högst möjlig", occupied,
             data.bar_chart(occupied, "matt", schema.AR,
                            f"Andel nådda med sysselsättning, antecknad och högst möjlig, {years}"),
             key="sysselsatta-hogst", note=occupied_note)

st.subheader("Avslutade med okänd orsak")
st.markdown("Andelen av de avslutade där det inte antecknades vart ungdomen gick. Andelen till studier räknar "
            "bara dem som antecknades gå till studier: hade alla med okänd orsak gått till studier vore den så "
            "hög som *högst* nedan. Ligger målet mellan de två går det inte att säga om det nåddes.")
blocks.per_jobbtorg("andel_avslut_okand", sel, key="okand-orsak")
studies, studies_note = data.nearest_figures([schema.AR], sel, ["andel_studier", "andel_studier_hogst"])
blocks.panel("Andel till studier: antecknad och högst möjlig", studies,
             data.bar_chart(studies, "matt", schema.AR, f"Andel till studier, antecknad och högst möjlig, {years}",
                            target=target_for(data.targets(), "andel_studier")),
             key="studier-hogst", note=studies_note)

st.subheader("Registrerade utan stadsdel")
st.markdown("En ungdom utan stadsdel i registret hör inte till något jobbtorg. Hen räknas i stadens total men "
            "hos inget jobbtorg, så jobbtorgens siffror blir tillsammans mindre än stadens med just så många.")
lines = quality.without_district_sentences(data.without_district(sel))
st.markdown("\n".join(f"- {line}" for line in lines) if lines else
            "Inga år i urvalet har registrerade per jobbtorg.")
