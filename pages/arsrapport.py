"""Årsrapport: the annual report's statistical part for a chosen year, as Word and PDF, with its contents shown."""

import streamlit as st

from kaa import fmt
from kaa.report import pdf_unavailable, signed_out
from ui import actions, app, blocks, data

app.require_entrypoint()

st.title("Årsrapport")
st.markdown("Årsrapportens statistikdel för ett statistikår, skriven ur samma siffror som sidorna: varje tabell, "
            "diagram och jämförelse med året före. Texterna märkta **Utkast** konstaterar bara vad siffrorna "
            "visar; analysen skriver förvaltningen i Word-filen. Rapporten gäller alltid hela staden och båda "
            "könen (sidopanelens urval av jobbtorg och kön gäller inte här), och små tal döljs som på sidorna.")

years = sorted(data.available_years(), reverse=True)
year = st.selectbox("Statistikår", years, key="rapport_ar", bind="query-params", placeholder="Välj ett år")
report = data.report_sections(year)

name = f"kaa-arsrapport-{year}"
buttons = st.container(horizontal=True)
buttons.download_button(
    "Ladda ner Word", actions.while_signed_in(lambda: data.report_docx(year), signed_out), file_name=f"{name}.docx",
    mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document", icon=":material/description:",
    on_click="ignore", type="primary", help="Word-dokumentet att redigera och komplettera med analys.")
why_no_pdf = pdf_unavailable()
buttons.download_button(
    "Ladda ner PDF", actions.while_signed_in(lambda: data.report_pdf(year), lambda: signed_out(as_pdf=True)), file_name=f"{name}.pdf",
    mime="application/pdf", icon=":material/picture_as_pdf:", on_click="ignore", disabled=bool(why_no_pdf),
    help=why_no_pdf or "Samma rapport som PDF, för den som bara ska läsa den.")
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
