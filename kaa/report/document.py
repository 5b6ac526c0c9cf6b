"""The annual report as a Word document (python-docx): the city's plain look, real headings, page numbers,
tables with a marked header row, pictures with alternative text, and Swedish as the document's language."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from kaa.report.content import DRAFT_NOTE, Report, ReportTable

LANGUAGE = "sv-SE"
FONT = "Arial"
TEXT_COLOR = RGBColor(0x1F, 0x29, 0x33)
ACCENT = RGBColor(0x00, 0x54, 0x82)
DRAFT_FILL = "FFF4CE"
TABLE_STYLE = "Light List Accent 1"
USABLE_CM = 17.0
MIN_TEXT_CM = 2.6
#: Turns a chart into PNG bytes, or says why it cannot (`kaa.report.render.chart_images`).
Images = Callable[[list], list]


def _set_language(document) -> None:
    """Swedish for spelling, hyphenation and screen readers: in the default run properties and the metadata."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_properties = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = run_properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run_properties.append(lang)
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attribute), LANGUAGE)
    document.core_properties.language = LANGUAGE


def _field(paragraph, instruction: str, shown: str = "") -> None:
    """A Word field (PAGE, TOC …) with `shown` as its last computed text."""
    def char(kind: str):
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            element.set(qn("w:dirty"), "true")  # Word computes it again when the document is opened
        return element

    run = paragraph.add_run()._r
    run.append(char("begin"))
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    paragraph.add_run()._r.append(code)
    paragraph.add_run()._r.append(char("separate"))
    paragraph.add_run(shown)
    paragraph.add_run()._r.append(char("end"))


def _styles(document) -> None:
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size, normal.font.color.rgb = FONT, Pt(10.5), TEXT_COLOR
    for name, size in (("Title", 24), ("Heading 1", 16), ("Heading 2", 12.5)):
        style = document.styles[name]
        style.font.name, style.font.size, style.font.color.rgb = FONT, Pt(size), ACCENT
    caption = document.styles["Caption"]
    caption.font.name, caption.font.size, caption.font.italic, caption.font.bold = FONT, Pt(9), False, False
    caption.font.color.rgb = RGBColor(0x4F, 0x59, 0x62)
    draft = document.styles.add_style("Utkast", WD_STYLE_TYPE.PARAGRAPH)
    draft.base_style = normal
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), DRAFT_FILL)
    draft.element.get_or_add_pPr().append(shading)


def _page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Sida ")
    _field(footer, "PAGE", "1")


def _repeat_header(row) -> None:
    """The first row is the table's header: repeated on each page, and announced as headers by screen readers."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _widths(grid, texts, numbers: set) -> None:
    """Column widths across the page's 17 cm: number columns share what the text columns leave, text columns
    get room by the length of what they hold; wide tables get a smaller font so a name is never cut mid-word."""
    text_columns = [c for c in texts.columns if c not in numbers]
    longest = {c: max([len(str(c)) // 2 + 1] + [len(max(str(v).split(), key=len, default="")) for v in texts[c]]
                      + [len(str(v)) // 3 for v in texts[c]]) for c in text_columns}
    count = len(texts.columns) - len(text_columns)
    number_share = min(1.75 if len(texts.columns) > 6 else 2.4,
                       (USABLE_CM - MIN_TEXT_CM * len(text_columns)) / count) if count else 0.0
    # Text columns: each its minimum, and what is left shared by how long their words are.
    left = USABLE_CM - number_share * count - MIN_TEXT_CM * len(text_columns)
    total = sum(longest.values()) or 1
    widths = [MIN_TEXT_CM + left * longest[c] / total if c in longest else number_share for c in texts.columns]
    small = len(texts.columns) > 6
    grid.autofit = False
    for column, width in zip(grid.columns, widths):
        column.width = Cm(width)  # the grid LibreOffice reads; Word reads the cells'
    for row in grid.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = Cm(width)
            if small:
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(8)


def _table(document, item: ReportTable) -> None:
    document.add_paragraph(item.caption, style="Heading 2")
    texts = item.table.texts()
    numbers = set(item.table.number_columns)
    grid = document.add_table(rows=1, cols=len(texts.columns), style=TABLE_STYLE)
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT
    for cell, column in zip(grid.rows[0].cells, texts.columns):
        cell.text = str(column)
    _repeat_header(grid.rows[0])
    for values in texts.itertuples(index=False):
        cells = grid.add_row().cells
        for cell, column, value in zip(cells, texts.columns, values):
            cell.text = str(value) if str(value) or column not in numbers else "–"  # – is a missing figure
            if column in numbers:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _widths(grid, texts, numbers)
    for row in grid.rows:
        if row.cells[0].text in ("Totalt", "Totalsumma"):
            for cell in row.cells:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
    for note in item.notes:
        document.add_paragraph(note, style="Caption")


#: What follows w:updateFields in w:settings (ECMA-376's order, which Word holds a file to).
_AFTER_UPDATE_FIELDS = ("hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr",
                        "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
                        "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType",
                        "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator")


def _update_fields_on_open(settings) -> None:
    """Word fills in the table of contents and the page numbers when it opens the file."""
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    later = next((child for child in settings if child.tag.split("}")[-1] in _AFTER_UPDATE_FIELDS), None)
    if later is None:
        settings.append(update)
    else:
        later.addprevious(update)


def write(report: Report, images: Images | None = None, made: dt.date | None = None) -> bytes:
    """The report as .docx bytes. `images` turns the charts into pictures; without it, or where it fails, the
    document says why a chart is missing and gives its description."""
    document = Document()
    _set_language(document)
    _styles(document)
    _page(document)
    document.core_properties.title = report.title
    document.core_properties.author = "KAA-statistik"
    document.core_properties.subject = "Årsrapportens statistikdel: kommunens aktivitetsansvar i Stockholm"
    document.add_paragraph(report.title, style="Title")
    made = made or dt.date.today()
    document.add_paragraph(f"Statistikdelen, skapad {made.isoformat()} ur KAA-statistik. Källa: {report.sources}.")
    document.add_paragraph(DRAFT_NOTE, style="Utkast")
    document.add_paragraph("Innehåll", style="Heading 1")
    _field(document.add_paragraph(), 'TOC \\o "1-1" \\h \\z \\u',
           " · ".join(f"{n}. {s.title}" for n, s in enumerate(report.sections, start=1)))
    pictures = images([chart.figure for s in report.sections for chart in s.charts]) if images else []
    pictures = iter(pictures)
    for number, section in enumerate(report.sections, start=1):
        document.add_paragraph(f"{number}. {section.title}", style="Heading 1")
        for text in section.draft:
            document.add_paragraph("Utkast: " + text, style="Utkast")
        for chart in section.charts:
            picture = next(pictures, None)
            if isinstance(picture, bytes):
                document.add_picture(io.BytesIO(picture), width=Cm(16))
                document.inline_shapes[-1]._inline.docPr.set("descr", chart.description)
                document.add_paragraph("Diagrammet i ord: " + chart.description, style="Caption")
            else:
                why = picture or "diagrammen ritades inte, på begäran"
                document.add_paragraph(f"Diagram saknas ({why}). Diagrammet i ord: {chart.description}",
                                       style="Caption")
        for item in section.tables:
            _table(document, item)
        for missing in section.missing:
            document.add_paragraph(missing, style="Caption")
    _update_fields_on_open(document.settings.element)
    return _saved(document)


def notice(text: str) -> bytes:
    """A one-paragraph Word document: what a download holds when it may not hold the report (signed out)."""
    document = Document()
    _set_language(document)
    document.add_paragraph(text)
    return _saved(document)


def _saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
