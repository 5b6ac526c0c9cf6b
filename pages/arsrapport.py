"""Årsrapport: the annual report's statistical part for a chosen year, as Word and PDF, with its contents shown."""

import streamlit as st

from kaa import fmt
from kaa.report import pdf_unavailable
from ui import actions, app, blocks, data

app.require_entrypoint()

st.title("Årsrapport")
st.markdown("Årsrapportens statistikdel för ett statistikår, skriven ur samma siffror som sidorna: varje tabell, "
            "diagram och jämförelse med året före. Texterna märkta **Utkast** konstaterar bara vad siffrorna "
            "visar; analysen skriver förvaltningen i Word-filen. Rapporten gäller alltid hela staden och båda "
            "könen (sidopanelens urval av jobbtorg och kön gäller inte här), och små tal döljs som på sidorna.")

years = sorted(data.available_years(), reverse=True)
if not years:
    st.info("Det finns inga statistikår att skriva en rapport för.", icon=":material/info:")
    st.stop()
year = st.selectbox("Statistikår", years, key="rapport_ar", bind="query-params", placeholder="Välj ett år")
report = data.report_sections(year)

name = f"kaa-arsrapport-{year}"
buttons = st.container(horizontal=True)
word = actions.while_signed_in(lambda: data.report_docx(year), data.report_signed_out)
buttons.download_button(
    "Ladda ner Word", word, file_name=f"{name}.docx", type="primary", icon=":material/description:",
    mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document", on_click="ignore",
    help="Word-dokumentet att redigera och komplettera med analys.")
why_no_pdf = pdf_unavailable()
pdf = actions.while_signed_in(lambda: data.report_pdf(year), lambda: data.report_signed_out(as_pdf=True))
buttons.download_button(
    "Ladda ner PDF", pdf, file_name=f"{name}.pdf", mime="application/pdf", icon=":material/picture_as_pdf:",
    on_click="ignore", disabled=bool(why_no_pdf), help=why_no_pdf or "Samma rapport som PDF, för den som bara läser.")
if why_no_pdf:
    st.caption(why_no_pdf)

st.subheader(f"Innehåll i årsrapporten {year}")
st.caption(f"Källa: {fmt.plain(report.sources)}.")
for number, section in enumerate(report.sections, start=1):
    with st.expander(f"{number}. {section.title}", expanded=number == 1):
        for text in section.draft:
            st.markdown("**Utkast:** " + fmt.plain(text))
        for item in section.tables:
            blocks.show_table(item.table, item.caption)
            st.caption(" ".join(fmt.plain(note) for note in item.notes))
        for chart in section.charts:
            st.caption("Diagram: " + fmt.plain(chart.description))
        for missing in section.missing:
            st.caption(fmt.plain(missing))
