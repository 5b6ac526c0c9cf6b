"""Om tillgänglighet: the accessibility statement the law on digital public services asks for (DIGG's headings)."""

import streamlit as st

from ui import app

app.require_entrypoint()

REVIEWED = "6 december 2026"

st.title("Om tillgänglighet")
st.markdown("""
Stockholms stad står bakom KAA-statistik. Tjänsten ska kunna användas av alla som arbetar med det kommunala
aktivitetsansvaret, också med skärmläsare, bara tangentbord eller kraftig förstoring. Här beskriver vi hur
tjänsten uppfyller lagen (2018:1937) om tillgänglighet till digital offentlig service, vilka brister vi känner
till och hur du kan säga till om något inte fungerar för dig.
""")

st.header("Hur tillgänglig är tjänsten?")
st.markdown("""
Tjänsten är **delvis förenlig** med kraven i WCAG 2.1 på nivå AA. De brister vi känner till står under
*Innehåll som inte är tillgängligt* nedan.

- Sidornas språk är svenska, så en skärmläsare läser texten med svenskt uttal.
- Varje diagram har en kort text intill som säger vad det visar: högsta och lägsta värde (eller, när det bara
  finns ett, värdet och förändringen mot året före) och avståndet till målet. En skärmläsare läser diagrammet
  som en bild med den texten. Samma siffror finns i tabellen under fliken *Tabell* och kan laddas ner som CSV
  eller Excel.
- Allt kan göras med tangentbordet: urvalen i sidopanelen, flikarna, knapparna för att ladda ner och för
  att ladda upp och importera ett registeruttag. Den del som har fokus har en tydlig ram.
- Färg är aldrig det enda som bär information: en förändring har pil och ordet *bättre* eller *sämre*,
  målet är en streckad linje med namn i diagrammets förklaring.
- Sidorna går att använda med 400 % förstoring utan att texten behöver rullas i sidled. Breda tabeller
  rullas i sidled för sig.
- Nedladdningarna: Excel-filerna har tabellens rubrikrad markerad som rubrik och svenska som språk.
  Årsrapporten i Word har riktiga rubriker, markerade rubrikrader i tabellerna, alternativtext till varje
  diagram och svenska som språk; PDF-versionen är taggad, så att skärmläsare hittar rubriker, tabeller och
  bildtexter.
""")

st.header("Vad kan du göra om du inte kan använda delar av tjänsten?")
st.markdown("""
Om ett diagram eller en tabell inte fungerar för dig kan du ladda ner samma siffror som CSV eller Excel under
varje diagram, eller be förvaltningens statistiker om dem i ett annat format.
""")

st.header("Rapportera brister i tjänstens tillgänglighet")
st.markdown("""
Vi vill gärna veta om något i tjänsten är svårt eller omöjligt att använda. Kontakta arbetsmarknads­förvaltningen
via Stockholms stads kontaktcenter, telefon 08-508 00 508, och berätta vilken sida det gäller och vad som
inte fungerade. Vi svarar inom två veckor.
""")

st.header("Tillsyn")
st.markdown("""
Myndigheten för digital förvaltning (DIGG) har tillsyn över lagen om tillgänglighet till digital offentlig
service. Om du inte är nöjd med hur vi hanterar dina synpunkter kan du anmäla det till DIGG:
[digg.se/tdosanmalan](https://www.digg.se/tdosanmalan).
""")

st.header("Innehåll som inte är tillgängligt")
st.markdown("""
- **Texter från ramverket.** Tjänsten är byggd med Streamlit, som bara finns på engelska. Vi har gett knappar
  och kontroller svenska namn, men en del sällsynta meddelanden kan fortfarande visas på engelska, till
  exempel när anslutningen till servern bryts (”Connection error”). *WCAG 3.1.2 Språk för delar.*
- **Värden i diagrammen vid hovring.** Exakta värden som visas när muspekaren vilar på en stapel går inte att
  nå med tangentbordet. Samma värden finns i tabellen under fliken *Tabell*. *WCAG 2.1.1 Tangentbord.*
- **Inloggningen** sker hos stadens identitetstjänst, som inte ingår i den här redogörelsen.
""")

st.header("Hur vi har testat tjänsten")
st.markdown(f"""
Varje sida testas automatiskt med axe-core (reglerna för WCAG 2.0 och 2.1, nivå A och AA) i webbläsaren
Chromium, i datorbredd och mobilbredd, varje gång tjänsten ändras. Dessutom har alla sidor gåtts igenom i
Chromium med bara tangentbordet (tabbordning, fokusmarkering, flikar, urval, nedladdning, uppladdning och
import) och i en bredd som motsvarar 400 % förstoring, med skärmbilder som granskats. Tjänsten har ännu inte
prövats med en skärmläsare av en person som använder en sådan till vardags.

Den senaste bedömningen gjordes den {REVIEWED}. Redogörelsen uppdaterades senast den {REVIEWED}.
""")
