"""Read an analyst's register extract (CSV or XLSX), check it and sum it to facts.

An extract has one row per young person and statistics year (the *register*
kind, see `EXTRACT_COLUMNS`), or it is already counted in the tidy format of the
published figures (`ar, jobbtorg, kon, verksamhet, measure, value`, the *tidy*
kind). `read_extract` turns the bytes of an uploaded file into an
`ExtractResult`: the facts (only aggregated counts), every problem found with
its row as numbered in the file, a preview and what was detected about the file.

It never raises on bad input and never writes anything anywhere. Row-level data,
person_id and personal identity numbers only live in memory while the file is
read; they never appear in the problems, the preview, the facts or an exception.

How the rows are numbered: as in the file, header = row 1 (or the row the header
is on, when title rows precede it). A quoted value that spans several physical
lines counts as one row, as when the file is opened in Excel. Blank lines and
lines with nothing but delimiters or spaces are skipped without a remark, but
keep their number, so the rows after them keep the numbers the file shows.
Trailing blank lines are ignored.

Reading is columnar and built for large files (a million rows): the CSV is
parsed by pyarrow (multithreaded, every column as text), encoding and delimiter
are sniffed on the first 64 KB only, coded columns are checked on their
distinct values, and unused columns are dropped as soon as they have been
scanned for personal identity numbers. No Python loop runs over the rows.

Work is bounded (kaa.limits): the file's size and a CSV's lines are checked before it is parsed, and
an Excel workbook's parts, sheet rows and cells before its sheet is expanded (kaa.xlsx, which reads
values with python-calamine and reports formulas without saved values). A file past a limit gets one
Swedish error saying which limit, the file's figure and what to do; so does one that takes more CPU
time than `time_limit`.
"""

from __future__ import annotations

from kaa.extract.codes import EXTRACT_COLUMNS, REGISTER, TIDY, ExtractColumn, canonical_column, load_stadsdel_map
from kaa.extract.pipeline import read_extract
from kaa.extract.problems import (EXEMPELDATA_TYP, FEL, MAX_FILENAME, MAX_PER_TYP, PNR_TYP, VARNING,
                                  contains_personnummer)
from kaa.extract.readers import time_up_message
from kaa.extract.report import (
                               PROBLEM_LABELS,
                               columns_table,
                               problems_for_display,
                               report_lines,
                               report_markdown,
                               summary,
                               template_csv,
)
from kaa.extract.result import ExtractResult, refused

__all__ = [
    "EXTRACT_COLUMNS", "ExtractColumn", "ExtractResult", "read_extract", "report_lines", "report_markdown",
    "template_csv", "columns_table", "summary", "problems_for_display", "PROBLEM_LABELS",
    "load_stadsdel_map", "contains_personnummer", "canonical_column", "FEL", "VARNING", "REGISTER", "TIDY",
    "PNR_TYP", "EXEMPELDATA_TYP", "MAX_PER_TYP", "MAX_FILENAME", "refused", "time_up_message",
]
