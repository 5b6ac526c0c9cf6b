"""The annual report written from the figures: its tables equal the published report's (shares recomputed from
counts) and counts made straight from an imported extract's rows; its drafts state the facts; Word structure;
LibreOffice turns it into a PDF; the CLI and the page give the same document."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from streamlit.testing.v1 import AppTest

from kaa import demo, masking, report, schema, store
from kaa.extract import read_extract

from .test_import_flow import expected_counts, read_csv_rows

ROOT = Path(__file__).resolve().parent.parent
NBSP = "\u00a0"


def read(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def tables_by_caption(document) -> dict[str, list[list[str]]]:
    """Each table's rows (cell texts), keyed by the Heading 2 caption written just before it."""
    out, caption = {}, None
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            paragraph = docx.text.paragraph.Paragraph(element, document)
            if paragraph.style.name == "Heading 2":
                caption = paragraph.text
        elif element.tag == qn("w:tbl"):
            table = docx.table.Table(element, document)
            out[caption] = [[cell.text for cell in row.cells] for row in table.rows]
    return out


def paragraphs(document, style: str | None = None) -> list[str]:
    return [p.text for p in document.paragraphs if style is None or p.style.name == style]


def row(rows: list[list[str]], name: str) -> list[str]:
    return next(r for r in rows if r[0] == name)


@pytest.fixture(scope="module")
def report_2020() -> bytes:
    from kaa import published

    return report.make(published.load_published(), 2020, 5, charts=False)


def test_every_table_of_2020_equals_the_published_reports(report_2020):
    tables = tables_by_caption(read(report_2020))
    # 6.2: the register by kön.
    register = tables["Registrerade per kön, 2019–2020"]
    assert [row(register, k)[1:] for k in ("Kvinna", "Man", "Totalt")] == [
        ["–", f"3{NBSP}903"], ["–", f"4{NBSP}549"], [f"8{NBSP}724", f"8{NBSP}452"]]
    # 6.3: sökta, nådda and ej nådda by kön, both years.
    reached = tables["Sökta, nådda och ej nådda per kön, 2019–2020"]
    assert reached[0] == ["Kön", "Sökta 2019 (antal)", "Sökta 2020 (antal)", "Nådda 2019 (antal)",
                          "Nådda 2020 (antal)", "Ej nådda 2019 (antal)", "Ej nådda 2020 (antal)"]
    assert row(reached, "Kvinna")[1:] == [f"2{NBSP}704", f"2{NBSP}284", f"1{NBSP}514", f"1{NBSP}182", f"1{NBSP}190",
                                         f"1{NBSP}102"]
    assert row(reached, "Totalt")[1:] == [f"6{NBSP}099", f"5{NBSP}028", f"3{NBSP}323", f"2{NBSP}635", f"2{NBSP}776",
                                         f"2{NBSP}393"]
    # 7.1: inskrivna by kön, and the results per jobbtorg (shares recomputed from the counts).
    enrolled = tables["Inskrivna och nyinskrivna per kön, 2019–2020"]
    assert row(enrolled, "Totalt")[1:3] == [f"1{NBSP}023", "980"]
    results = tables["Inskrivna, avslutade och vart de gick per jobbtorg 2020"]
    assert row(results, "Jobbtorg Globen")[1:] == ["223", "168", f"75,3{NBSP}%", "67", f"39,9{NBSP}%", "25",
                                                   f"14,9{NBSP}%", f"54,8{NBSP}%"]
    assert row(results, "Totalt")[1:] == ["980", "747", f"76,2{NBSP}%", "328", f"43,9{NBSP}%", "125", f"16,7{NBSP}%",
                                          f"60,6{NBSP}%"]
    assert row(tables["Inskrivna, avslutade och vart de gick per jobbtorg 2019"], "Jobbtorg Kista")[1:6] == [
        "224", "173", f"77,2{NBSP}%", "100", f"57,8{NBSP}%"]
    # 7.2: Aim, its shares as published (no counts behind them).
    aim = tables["Aim: inskrivna, avslutade och vart de gick, 2019–2020"]
    assert row(aim, "Inskrivna")[1:] == ["308", "296"] and row(aim, "Andel till studier")[1:] == [
        f"62{NBSP}%", f"59{NBSP}%"]


def test_the_drafts_state_the_facts_and_are_marked_as_drafts(report_2020):
    drafts = " ".join(paragraphs(read(report_2020), "Utkast"))
    assert "Avslutade till studier 2020 är 328, mot 368 2019" in drafts  # not the text's slip (368 in 2020)
    assert f"Andel nådda med sysselsättning 2020 är 69{NBSP}%, mot 75{NBSP}% 2019" in drafts
    assert f"6,1{NBSP}procentenheter under målet på minst 50{NBSP}%" in drafts
    assert "högst för Jobbtorg Kista" in drafts and "lägst för Jobbtorg Skärholmen" in drafts
    assert all(p.startswith("Utkast: ") for p in paragraphs(read(report_2020), "Utkast")[1:])


def test_every_missing_table_says_why(report_2020):
    text = "\n".join(paragraphs(read(report_2020)))
    for missing in ("Sökta och nådda per stadsdelsområde 2020: saknas – statistiken redovisar ännu inga uppgifter "
                    "per stadsdelsområde.",
                    "Avslutade och vart de gick per kön 2020: saknas – Källan redovisar inte avslutade, avslutade till "
                    "studier och avslutade till arbete per kön för 2020.",
                    "Aims inskrivna per stadsdelsområde 2020: saknas – statistiken redovisar ännu inga uppgifter per "
                    "stadsdelsområde."):
        assert missing in text
    assert "Saknas (–): Källan har ingen uppgift om brev, mejl, sms och telefonsamtal för 2019." in text


def test_2019_has_no_year_to_compare_with_and_says_its_figures():
    from kaa import published

    document = read(report.make(published.load_published(), 2019, 5, charts=False))
    tables = tables_by_caption(document)
    assert "Nyckeltal 2019" in tables
    results = tables["Inskrivna, avslutade och vart de gick per jobbtorg 2019"]
    assert row(results, "Totalt")[1:6] == [f"1{NBSP}023", "764", f"74,7{NBSP}%", "368", f"48,2{NBSP}%"]
    assert f"Registrerade 2019 är 8{NBSP}724." in " ".join(paragraphs(document, "Utkast"))


def test_an_imported_years_tables_equal_counts_made_from_the_files_rows(kaa_data_dir):
    table = demo.generate(2500, [2023, 2024], seed=11)
    buffer = io.BytesIO()
    demo.write(table, buffer, encoding="utf-8")
    result = read_extract(buffer.getvalue(), "uttag.csv")
    store.import_extract(result, buffer.getvalue(), "uttag.csv")
    rows = read_csv_rows(buffer.getvalue(), encoding="utf-8")  # the file as plain text columns
    expected = expected_counts(rows, ["ar", "kon"])
    by_jobbtorg = expected_counts(rows, ["ar", "jobbtorg"])
    tables = tables_by_caption(read(report.make(store.load_facts(), 2024, 0, charts=False)))
    register = tables["Registrerade per kön, 2023–2024"]
    for kon in schema.KON_VALUES:
        assert row(register, kon)[1:] == [f"{expected.loc[(y, kon), 'registrerade']:,}".replace(",", NBSP)
                                          for y in (2023, 2024)]
    exits = tables["Avslutade och vart de gick per kön 2024"]  # which the published report lacks
    for kon in schema.KON_VALUES:
        assert row(exits, kon)[1:4] == [str(expected.loc[(2024, kon), m]) for m in
                                        ("avslutade", "avslut_studier", "avslut_arbete")]
    results = tables["Inskrivna, avslutade och vart de gick per jobbtorg 2024"]
    for jobbtorg in by_jobbtorg.loc[2024].index:
        counts = by_jobbtorg.loc[(2024, jobbtorg)]
        assert row(results, jobbtorg)[1:3] == [str(counts["inskrivna"]), str(counts["avslutade"])]
        assert row(results, jobbtorg)[4] == str(counts["avslut_studier"])


def test_a_small_count_is_hidden_as_on_the_pages(kaa_data_dir):
    table = demo.generate(300, [2024], seed=5)
    buffer = io.BytesIO()
    demo.write(table, buffer, encoding="utf-8")
    store.import_extract(read_extract(buffer.getvalue(), "litet.csv"), buffer.getvalue(), "litet.csv")
    facts = store.load_facts()
    protected = masking.protect(facts, 5)
    document = read(report.make(facts, 2024, 5, charts=False))
    cells = [c for rows in tables_by_caption(document).values() for r in rows for c in r]
    hidden = protected[(protected[schema.AR] == 2024) & (protected[masking.MASKED] != "")]
    assert len(hidden) and "<5" in cells  # the same symbols as on the pages, and no small number shown instead
    results = tables_by_caption(document)["Inskrivna, avslutade och vart de gick per jobbtorg 2024"]
    for name, *values in results[1:]:
        for value in values:
            assert not (value.isdigit() and 1 <= int(value) <= 4), (name, values)


def test_a_real_word_document_with_navigation_page_numbers_headers_and_swedish():
    from kaa import published

    data = report.make(published.load_published(), 2020, 5, charts=True)
    document = read(data)
    headings = paragraphs(document, "Heading 1")
    assert headings[1:] == [f"{n}. {title}" for n, title in enumerate(
        ["Sammanfattning i siffror", "Kontaktförsök per kanal", "Ungdomar i registret", "Sökta, nådda och ej nådda",
         "Vad de nådda gör", "Inskrivna", "Resultat per jobbtorg", "Aim", "Om statistiken och datakvalitet"], 1)]
    assert document.core_properties.language == "sv-SE"
    assert document.core_properties.title == "Årsrapport 2020 – Kommunens aktivitetsansvar i Stockholm"
    styles = document.styles.element.xml
    assert 'w:val="sv-SE"' in styles
    footer = document.sections[0].footer._element.xml
    assert "PAGE" in footer
    for table in document.tables:  # the header row is marked: repeated on each page, read as headers
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    pictures = document.inline_shapes
    assert len(pictures) == 3  # Översikt's, Uppsök's and Avslut's charts, drawn by Chromium
    for picture in pictures:
        assert picture._inline.docPr.get("descr", "").startswith(("Andel", "Registrerade"))


def test_libreoffice_turns_it_into_a_pdf_with_the_figures(report_2020, tmp_path):
    assert shutil.which("soffice"), "LibreOffice saknas: bash scripts/test.sh installerar Debians libreoffice-writer"
    pdf = report.pdf(report_2020)
    assert pdf.startswith(b"%PDF")
    (tmp_path / "r.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Årsrapport 2020" in text and "328" in text and "Sida 3" in text


def parts(data: bytes) -> dict[str, bytes]:
    """A .docx's parts, without the zip's timestamps: what makes two documents the same document."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


def test_the_cli_writes_the_same_document_and_refuses_a_year_without_figures(tmp_path, kaa_data_dir):
    from kaa import published

    out = tmp_path / "rapport.docx"
    run = [sys.executable, "-m", "kaa", "rapport", "--year", "2020", "--no-charts"]
    done = subprocess.run(run + ["--out", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0 and f"Skrev {out}" in done.stdout, done.stderr
    assert parts(out.read_bytes()) == parts(report.make(published.load_published(), 2020, 5, charts=False))
    wrong = subprocess.run(run[:5] + ["2030"], cwd=ROOT, capture_output=True, text=True)
    assert wrong.returncode == 2 and wrong.stderr.strip() == "fel: året 2030 finns inte i statistiken. Välj bland: 2019, 2020."


def test_the_page_previews_the_contents_and_offers_both_files():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    at.switch_page(str(ROOT / "pages" / "arsrapport.py")).run()
    assert not at.exception and at.title[0].value == "Årsrapport"
    assert at.selectbox(key="rapport_ar").value == 2020
    assert [e.label for e in at.expander] == [f"{n}. {s.title}" for n, s in enumerate(
        report.sections(masking.protect(store.load_facts(), 5), 2020, 5).sections, 1)]
    shown = " ".join(m.value for m in at.markdown).replace("\\", "")  # fmt.plain escapes Markdown
    assert f"**Utkast:** Registrerade 2020 är 8{NBSP}452, mot 8{NBSP}724 2019" in shown
