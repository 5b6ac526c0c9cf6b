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

# (heading, what the unknown means for the share beside it, the unknown's share, the share as recorded and at
# most, the panel's words, its key)
UNKNOWNS = [
    ("Nådda med okänd sysselsättning",
     "Andelen av de nådda där det inte antecknades vad de gjorde. De räknas inte som sysselsatta, så andelen nådda "
     "med sysselsättning på Uppsök är den lägsta möjliga: hade alla med okänd sysselsättning studerat eller arbetat "
     "vore den så hög som *högst* nedan.",
     "andel_nadda_okand", ["andel_sysselsatta", "andel_sysselsatta_hogst"], "Andel nådda med sysselsättning",
     ("okand-sysselsattning", "sysselsatta-hogst")),
    ("Avslutade med okänd orsak",
     "Andelen av de avslutade där det inte antecknades vart ungdomen gick. Andelen till studier räknar bara dem som "
     "antecknades gå till studier: hade alla med okänd orsak gått till studier vore den så hög som *högst* nedan. "
     "Ligger målet mellan de två går det inte att säga om det nåddes.",
     "andel_avslut_okand", ["andel_studier", "andel_studier_hogst"], "Andel till studier",
     ("okand-orsak", "studier-hogst")),
]
for heading, meaning, unknown, bounds, words, (unknown_key, bounds_key) in UNKNOWNS:
    st.subheader(heading)
    st.markdown(meaning)
    blocks.per_breakdown(unknown, sel, key=unknown_key)
    frame, note = data.nearest_figures([schema.AR], sel, bounds)
    blocks.panel(f"{words}: antecknad och högst möjlig", frame,
                 data.bar_chart(frame, "matt", schema.AR, f"{words}, antecknad och högst möjlig, {years}",
                                target=target_for(data.targets(), bounds[0])),
                 key=bounds_key, note=note)

st.subheader("Registrerade utan stadsdel")
st.markdown("En ungdom utan stadsdel i registret syns inte per stadsdelsområde (sidan Stadsdelar har dem på raden "
            "Saknar stadsdel). Saknas också jobbtorg hör hen inte till något jobbtorg: hen räknas i stadens total men "
            "hos inget jobbtorg, så jobbtorgens siffror blir tillsammans mindre än stadens med just så många. "
            "Meningarna nedan gäller hela staden och båda könen; diagrammet visar andelen per jobbtorg.")
lines = quality.without_district_sentences(data.without_district(sel))
st.markdown("\n".join(f"- {line}" for line in lines) if lines else
            "Inga år i urvalet har registrerade per stadsdelsområde eller jobbtorg.")
blocks.per_breakdown("andel_utan_stadsdel", sel, key="utan-stadsdel")
st.caption("Per jobbtorg: de med jobbtorg men utan stadsdel, av jobbtorgets registrerade. Raden Saknar stadsdel är "
           "alltid 100 %: där hamnar de som saknar både stadsdel och jobbtorg.")
