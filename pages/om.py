"""Om statistiken: definitions, sources and the data-quality notes."""

import pandas as pd
import streamlit as st

from kaa import fmt, panels, schema
from kaa.published import NOTE_COLUMNS
from ui import app, data

app.require_entrypoint()
facts = data.facts()

st.title("Om statistiken")
st.markdown(f"""
**Kommunernas aktivitetsansvar (KAA)** betyder enligt skollagen att kommunen ska veta vad unga under 20 år
gör, om de har lämnat grundskolan men varken går i eller har gått klart gymnasiet. Kommunen ska söka upp dem
och erbjuda stöd – i första hand tillbaka till studier. I Stockholm sköts uppsöket av samordnare vid de lokala
jobbtorgen och av Aim.

**Statistikår.** {schema.STATISTIKAR_TEXT}
""")

st.header("Begrepp")
st.markdown("""
- **Registret** fångar automatiskt alla folkbokförda i staden under 20 år som inte är registrerade för
  studier, vid någon tidpunkt under året.
- **Under uppsök** kallas de som efter ungefär två veckor i registret förs över till aktivt uppsök.
- **Varför registret är större än uppsöksgruppen:** många finns i registret bara några dagar, t.ex. när de
  byter gymnasieskola eller just har flyttat till staden. De försvinner så snart en skola registrerar dem,
  och de söks därför inte upp.
- **Nådd** betyder att ungdomen eller en anhörig har svarat på något kontaktförsök – eller själv hört av sig
  innan samordnaren hann ta kontakt.
- **Ej nådd** betyder att ungdomen fått minst ett kontaktförsök utan att svara. Hit räknas också de som
  lämnade registret (fyllde 20, började studera, flyttade) innan de svarade.
- **Inskriven** är den som under året tagit emot stöd eller en åtgärd inom KAA, inklusive Skolslussen.
- **Avslutad** är den inskrivna vars stöd tog slut under året; avslutet registreras med vart ungdomen gick.
""")

st.subheader("Alla mått")
st.table(pd.DataFrame(
    [{"Namn i data": m.name, "Mått": m.label, "Betydelse": m.definition} for m in schema.COUNTS + schema.SHARES]
).set_index("Namn i data"))
st.markdown("Varje andel räknas fram ur sina antal med en och samma funktion. Procentsatser som står i "
            "rapporten skrivs aldrig av när antalen finns. Där rapporten bara anger en andel (Aims avslut och "
            "andelen nådda som redan var sysselsatta) visas den publicerade andelen och markeras så.")
st.markdown("I diagram och tabeller per jobbtorg är **Totalt** alla jobbtorg, och per kön båda könen, som i "
            "rapportens tabeller – även när sidopanelen har valt ett enda jobbtorg, så att jobbtorget kan "
            "jämföras med staden. Sidopanelens övriga val gäller också Totalt.")

st.header("Källor")
years = sorted(facts[schema.AR].unique())
st.markdown(f"- **Årsrapport 2020 – Kommunens aktivitetsansvar i Stockholm** (Arbetsmarknadsnämnden, "
            f"januari 2021): alla siffror för 2019 och 2020. Varje siffra har en hänvisning till avsnitt och "
            f"tabell, se tabellerna på sidorna.\n- Nu används: {fmt.plain(panels.sources_by_year(facts, years))}.")
targets = data.targets()
st.markdown("**Mål:** " + " ".join(targets["kalla"]))

st.header("Anmärkningar om källan")
st.markdown("Rapportens tabeller är inskrivna för hand och har några fel och ojämnheter. Så här har vi "
            "hanterat dem:")
notes = data.notes()
# A static table wraps the long texts instead of cutting them off.
st.table(notes.rename(columns=NOTE_COLUMNS).set_index("Avsnitt"))
