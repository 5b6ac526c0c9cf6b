"""Downloads of exactly the table the page shows (`kaa.tables.Table`): CSV for Swedish Excel and .xlsx.

Same columns, same Swedish headers with the unit in them, same rows in the same order as on the page.
Numbers are numbers: in the CSV with a decimal comma and no thousands separator (Swedish Excel reads
them as numbers on a double-click), in the workbook as numbers with a format that shows them as the
page does (8 452, 43,9 %, −4,3). A missing figure is an empty cell; a hidden one is named by its symbol
in the `Dold uppgift` column of a list, or in its own cell in a cross table, as Skolverket prints them.
"""

from __future__ import annotations

import io
from typing import Sequence

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table as SheetTable
from openpyxl.worksheet.table import TableStyleInfo

from kaa.tables import Table

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

#: Excel number formats by cell code (`kaa.fmt.cell`), in Excel's neutral notation: a Swedish Excel shows
#: them with its own separators (8 452, 43,9 %). Shares are stored in percent, as their header says.
NUMBER_FORMATS = {
    "antal": "#,##0", "minst": '"minst "#,##0', "ungefär": '"≈ "#,##0', "heltal": "0",
    "procent0": '0" %"', "procent1": '0.0" %"',
    "+antal": "+#,##0;−#,##0;±0", "+procent": '+0.0" %";−0.0" %";±0.0" %"', "+procentenheter": "+0.0;−0.0;±0.0",
}


def neutralise(text: str) -> str:
    """Stop a spreadsheet from running a text cell as a formula."""
    return "'" + text if isinstance(text, str) and text.startswith(_FORMULA_START) else text


def _csv_cell(value) -> str:
    """A number with a decimal comma (whole numbers without decimals), text as text, missing as empty."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, (int, float)):
        value = float(value)
        return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")
    return neutralise(str(value))


def excel_csv(table: Table) -> bytes:
    """The table as CSV for Swedish Excel: semicolons, decimal comma, CRLF, UTF-8 with a BOM."""
    cells = table.cells()
    out = pd.DataFrame({column: cells[column].map(_csv_cell) for column in cells.columns})
    return out.to_csv(index=False, sep=";", lineterminator="\r\n").encode("utf-8-sig")


def xlsx(table: Table, title: str, footer: Sequence[str] = ()) -> bytes:
    """The table as an Excel workbook: bold shaded header, frozen, numbers formatted as on the page.

    The rows are an Excel table whose first row is its header row, so a screen reader in Excel announces
    each cell with its column's name; the workbook's language is Swedish and its title the table's.
    `footer` is said under the table, a line each (the source and what the symbols mean, as on the page).
    """
    cells = table.cells()
    book = Workbook()
    sheet = book.active
    sheet.title = "KAA"
    headers = list(cells.columns)
    sheet.append(headers)
    for row in cells.itertuples(index=False):
        sheet.append([neutralise(v) if isinstance(v, str) else v for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="0072B2")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    shown = table.texts()
    for index, column in enumerate(headers, start=1):
        letter = get_column_letter(index)
        width = max([len(column) // 2 + 1] + [len(text) for text in shown[column].head(200)])
        sheet.column_dimensions[letter].width = min(max(width + 2, 8), 60)
        if column in table.codes:
            for row_number, code in enumerate(table.codes[column], start=2):
                cell = sheet[f"{letter}{row_number}"]
                if isinstance(cell.value, (int, float)) and code in NUMBER_FORMATS:
                    cell.number_format = NUMBER_FORMATS[code]
    sheet.freeze_panes = "A2"
    if len(cells):
        marked = SheetTable(displayName="KAA", ref=f"A1:{get_column_letter(len(headers))}{len(cells) + 1}",
                            tableStyleInfo=TableStyleInfo(name="TableStyleLight1", showRowStripes=False))
        sheet.add_table(marked)
    sheet.print_title_rows = "1:1"
    book.properties.language = "sv-SE"
    book.properties.title = title
    book.properties.creator = "KAA-statistik"
    sheet.append([])
    for line in [title, *footer]:
        sheet.append([line])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
