"""The annual report, written from the figures: `python -m kaa rapport` and the Årsrapport page both call `make`.

`content` decides what each section says (tables, charts, drafted text, what is missing and why), `document`
lays it out in Word, `render` draws the charts (Kaleido and Chromium) and converts to PDF (LibreOffice).
"""

from __future__ import annotations

import pandas as pd

from kaa import masking
from kaa.published import load_notes, load_targets
from kaa.report import content, document, render
from kaa.report.render import RenderError, pdf_unavailable

__all__ = ["RenderError", "make", "notice", "pdf", "pdf_unavailable", "sections", "write"]


def sections(protected: pd.DataFrame, year: int, min_cell: int) -> content.Report:
    """What the report for `year` holds, from facts already protected (`masking.protect`): for a preview."""
    return content.build(protected, year, load_targets(), load_notes(), min_cell)


def make(facts: pd.DataFrame, year: int, min_cell: int, *, protected: bool = False,
         charts: bool = True) -> bytes:
    """The annual report for `year` as a Word document. `facts` as the store has them (or already protected);
    hidden figures are hidden exactly as on the pages. Without `charts` (or Chromium) each chart is described
    in words instead."""
    if charts:
        render.warm_up()  # Chromium starts while the tables are built
    shown = facts if protected else masking.protect(facts, min_cell)
    return write(sections(shown, year, min_cell), charts)


def write(report: content.Report, charts: bool = True) -> bytes:
    """A report's sections (`sections`) as a Word document, its charts drawn unless `charts` is False."""
    return document.write(report, render.chart_images if charts else None)


def notice(text: str) -> bytes:
    """A one-paragraph Word document, for a download that may not hold the report."""
    return document.notice(text)


def pdf(docx: bytes) -> bytes:
    """The Word document as PDF (LibreOffice), for those who only read it."""
    return render.pdf(docx)
