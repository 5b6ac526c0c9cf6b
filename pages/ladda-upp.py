"""Ladda upp: an analyst imports a register extract, sees what is wrong or what will change, and confirms."""

import streamlit as st

from kaa import extract, fmt, isolate, limits, panels, store, tables
from ui import actions, app, blocks, data

app.require_entrypoint()
EVENTS_SHOWN = 50

st.title("Ladda upp registeruttag")
if not actions.may_change():  # checked on the server: a reader's session never reaches a write below
    st.error(actions.ONLY_ANALYSTS, icon=":material/lock:")
    st.stop()
st.markdown(
    "Här lägger du in ett nytt eller rättat uttag ur KAA-registret (en rad per ungdom och statistikår). "
    "Filen kontrolleras först; du ser vad som är fel och vad importen skulle ändra innan du bekräftar. "
    "**Bara summerade antal sparas** – aldrig rader om enskilda ungdomar, och aldrig person-id eller "
    "personnummer."
)

with st.expander("Filformat och mall"):
    st.markdown("CSV (semikolon, komma eller tabb; UTF-8 eller Windows-1252) eller Excel (.xlsx eller .xlsm, "
                "första bladet; makron körs aldrig). Rubrikerna får stå med eller utan å, ä, ö och i valfritt "
                f"skiftläge. Högst {fmt.count(limits.MAX_FILE_MB)} MB och {fmt.count(limits.MAX_CSV_ROWS)} rader "
                f"som CSV; en Excel-fil högst {fmt.count(limits.MAX_XLSX_ROWS)} rader. Större uttag: dela upp dem "
                "med hela statistikår i varje fil.")
    st.dataframe(extract.columns_table(), hide_index=True)
    st.download_button("Ladda ner mall (CSV)", extract.template_csv(), file_name="kaa-mall.csv",
                       mime="text/csv", icon=":material/download:", on_click="ignore")

# Every file type is taken: the check says in Swedish what a file is and what to do (Streamlit's own
# rejection of a type is in English). The size limit is kaa.limits', stated in the label.
# A new key after each import empties the uploader, so the page starts over clean.
generation = st.session_state.setdefault("upload_generation", 0)
uploaded = st.file_uploader(f"Registeruttag (CSV eller Excel, högst {fmt.count(limits.MAX_FILE_MB)} MB)",
                            type=None, key=f"upload-{generation}", max_upload_size=limits.MAX_FILE_MB)
done = st.session_state.pop("import_done", None)
if done:
    (st.success if done["new"] else st.info)(done["message"], icon=":material/check_circle:")
isolate.prepare()  # a reading process waits ready, so an upload is read at once

if uploaded is not None:
    contents = uploaded.getvalue()
    digest = store.sha256(contents)
    # The read result lives in this session's memory only; nothing row-level is cached or written.
    if st.session_state.get("extract_digest") != digest:
        with st.status("Läser filen …", expanded=False) as status:
            bar = st.progress(0.0)

            def progress(phase: str, fraction: float) -> None:
                bar.progress(min(max(fraction, 0.0), 1.0), text=phase)

            # In a child process: reading a large file must not slow the other users' pages.
            result = isolate.read_extract_isolated(contents, uploaded.name, progress=progress)
            status.update(label="Filen är läst och kontrollerad.", state="complete")
        st.session_state["extract_digest"] = digest
        st.session_state["extract_result"] = result
    result = st.session_state["extract_result"]

    st.subheader("Kontroll")
    if not len(result.problems):  # otherwise the report below starts with the same line
        st.caption(fmt.plain(extract.summary(result)))
    lines = extract.report_lines(result)
    if result.has_errors:
        st.error("Filen har fel och kan inte importeras. Rätta felen i filen och ladda upp den igen.",
                 icon=":material/error:")
    elif result.has_warnings:
        st.warning("Filen kan importeras, men läs varningarna.", icon=":material/warning:")
    else:
        st.success("Inga fel eller varningar.", icon=":material/check_circle:")
    if result.found(extract.PNR_TYP):
        st.warning("Filen innehåller personnummer eller samordningsnummer. De visas inte, sparas inte och "
                   "används inte – men ta bort dem ur uttaget innan det skickas vidare.", icon=":material/shield:")
    if len(result.problems):
        st.markdown(extract.report_markdown(lines))
        with st.expander("Problemen som tabell (rad, kolumn, värde, förväntat)"):
            problems = tables.typed(extract.problems_for_display(result.problems), {"Rad": "antal"})
            blocks.show_table(problems, "Problemen i filen")

    if len(result.preview):
        with st.expander("Förhandsvisning av de första raderna (utan person-id)"):
            st.dataframe(result.preview, hide_index=True)

    if not result.has_errors and len(result.facts):
        st.subheader("Det här ändras")
        changes = panels.import_changes(data.raw_facts(), result.facts, store.min_cell())
        existing = store.source_for(contents)
        for notice in panels.import_notices(data.raw_facts(), result.facts, existing):
            (st.info if existing else st.warning)(fmt.plain(notice), icon=":material/swap_horiz:")
        blocks.show_table(tables.change_table(changes), "Det här ändras")
        name = st.text_input("Namn på källan", value=result.filename.rsplit(".", 1)[0], key="source_name",
                             disabled=existing is not None)
        if existing is None and st.button("Importera", type="primary", icon=":material/upload:",
                                          key="confirm_import"):
            try:
                outcome = store.import_extract(result, contents, uploaded.name, name, actor=actions.actor())
            except store.StoreError as error:
                st.error(fmt.plain(error), icon=":material/error:")
            else:
                # Start over clean: the read result (with its preview rows) leaves memory, the uploader empties,
                # and the outcome is said once, after the rerun.
                st.session_state.pop("extract_result", None)
                st.session_state.pop("extract_digest", None)
                st.session_state["upload_generation"] = generation + 1
                st.session_state["import_done"] = {
                    "new": outcome.new, "message": fmt.plain(outcome.message) + " Alla sidor visar nu de nya siffrorna."}
                st.rerun()

st.header("Importerade källor")
actions.said_done()
# The list and its buttons work even when a source's figures cannot be read: that is the way out.
current = store.sources()
if not current:
    st.info("Inga importerade källor. Alla år kommer från årsrapporten.")
try:
    backs = data.backing()
except store.StoreError as error:
    st.error(fmt.plain(error), icon=":material/error:")
    backs = {}
for source in current:
    used = backs.get(source.id, [])
    with st.container(border=True):
        st.markdown(f"**{fmt.plain(source.name)}** · {fmt.plain(source.filnamn)} · importerad "
                    f"{source.importerad.replace('T', ' ')} · år {', '.join(map(str, source.ar))} · "
                    f"{fmt.count(source.rader)} rader · {'aktiv' if source.aktiv else 'inaktiv'}"
                    + (f" · visas för {fmt.years(used)}" if used else " · visas inte just nu"))
        st.caption(f"Id: {fmt.plain(source.id)}"
                   + (" · Varningar vid import: " + fmt.plain(" ".join(source.varningar)) if source.varningar else ""))
        left, right = st.columns(2)
        if left.button("Inaktivera" if source.aktiv else "Aktivera", key=f"toggle-{source.id}"):
            actions.change_store(store.set_active, source.id, not source.aktiv, actor=actions.actor(),
                                 done=f"Källan ”{source.name}” är {'inaktiverad' if source.aktiv else 'aktiverad'}.")
        if right.toggle("Ta bort …", key=f"ask-{source.id}"):
            if right.button("Ja, ta bort källan för gott", type="primary", key=f"delete-{source.id}"):
                actions.change_store(store.remove, source.id, actor=actions.actor(),
                                     done=f"Källan ”{source.name}” är borttagen för gott.")

st.header("Händelser")
st.caption("Varje import, aktivering, inaktivering och borttagning, nyast först: när, vem, vad, vilken källa, "
           "filens kontrollsumma, rader och år. Loggen kan bara fyllas på; den går inte att ändra här eller någon "
           "annanstans i instrumentpanelen.")
try:
    logged, total = store.events(EVENTS_SHOWN), store.event_count()
except store.StoreError as error:
    st.error(fmt.plain(error), icon=":material/error:")
    logged, total = None, 0
if logged and total > len(logged):
    st.caption(f"Visar de {fmt.count(len(logged))} senaste av {fmt.count(total)} händelser. Hela loggen: "
               "`python -m kaa logg` (även `--format csv` eller `--format json`).")
if logged:
    blocks.show_table(tables.events_table(logged, store.ACTION_LABELS), "Händelser", key="events")
elif logged is not None:
    st.info("Inga händelser ännu: inget har importerats eller ändrats.")
