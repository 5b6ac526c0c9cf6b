"""Downloads: exactly the page's table, as CSV that Swedish Excel opens by double-click and as .xlsx."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd

from kaa import export, metrics, panels, schema, tables
from kaa.metrics import Selection

COLUMNS = ["ar", "jobbtorg", "matt", "varde", "taljare", "namnare", "orsak"]


def frame(facts, min_cell=metrics.DEFAULT_MIN_CELL):
    return panels.figures(facts, [schema.JOBBTORG], Selection(min_cell=min_cell),
                          ["inskrivna", "andel_studier", "registrerade"], totals=True)


def read_back(data: bytes) -> pd.DataFrame:
    """The CSV as Swedish Excel reads it: semicolons, decimal comma."""
    return pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig", keep_default_na=False,
                       na_values=[""])


def test_csv_is_for_swedish_excel_with_the_unit_in_every_number_header(facts):
    data = export.excel_csv(tables.long_table(frame(facts), COLUMNS))
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel detects the encoding on double-click
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == ("År;Jobbtorg;Mått;Värde (antal);Värde (%);Täljare (antal);Nämnare (antal);"
                        "Varför uppgift saknas")
    assert "2020;Jobbtorg Kista;Andel till studier;;49,6;62;125;" in lines  # in percent, as the page shows it
    assert "2020;Jobbtorg Skärholmen;Inskrivna;164;;;;" in lines  # counts without decimals
    missing = next(line for line in lines if line.startswith("2020;Jobbtorg Kista;Registrerade"))
    assert missing.split(";")[3] == ""  # missing is empty, never 0
    assert "per jobbtorg" in missing


def test_csv_is_the_pages_table_and_its_numbers_stay_numbers(facts):
    table = tables.long_table(frame(facts), COLUMNS)
    parsed = read_back(export.excel_csv(table))
    assert list(parsed.columns) == list(table.values.columns)
    for column in table.number_columns:
        assert pd.api.types.is_numeric_dtype(parsed[column]), column
        pd.testing.assert_series_equal(parsed[column].astype(float), table.values[column], check_names=False)
    assert list(parsed["Jobbtorg"]) == list(table.values["Jobbtorg"])


def test_hidden_figures_are_named_beside_the_number_which_stays_empty(facts):
    table = tables.long_table(frame(facts, min_cell=20), COLUMNS)
    parsed = read_back(export.excel_csv(table))
    saknar = parsed[(parsed["År"] == 2019) & (parsed["Jobbtorg"] == "Saknar stadsdel")
                    & (parsed["Mått"] == "Andel till studier")].iloc[0]
    assert saknar["Dold uppgift"] == ".." and pd.isna(saknar["Värde (%)"])  # 18 of 52: numerator under 20
    assert pd.api.types.is_numeric_dtype(parsed["Värde (%)"])  # a symbol never turns the column into text


def test_cross_table_csv_has_the_reports_layout(facts):
    shares = panels.figures(facts, [schema.JOBBTORG], Selection(min_cell=20), ["andel_studier"], totals=True)
    lines = export.excel_csv(tables.cross_table(shares)).decode("utf-8-sig").split("\r\n")
    assert lines[0] == "Jobbtorg;2019 (%);2020 (%)"
    assert "Jobbtorg Kista;57,8;49,6" in lines
    assert "Saknar stadsdel;..;46,4" in lines  # the symbol in its cell, as Skolverket prints it
    assert lines[-2].startswith("Totalt;")


def test_text_cells_cannot_become_formulas():
    evil = pd.DataFrame({"matt": ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "\tx", "Nådda"],
                         "measure": ["inskrivna"] * 6, "varde": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    table = tables.long_table(evil, ["matt", "varde"])
    text = export.excel_csv(table).decode("utf-8-sig")
    cells = [row[0] for row in csv.reader(io.StringIO(text), delimiter=";")][1:]
    assert cells == ["'=HYPERLINK(\"x\")", "'+1", "'-2", "'@SUM(A1)", "'\tx", "Nådda"]
    book = openpyxl.load_workbook(io.BytesIO(export.xlsx(table, "Test")))
    values = [row[0] for row in book.active.iter_rows(min_row=2, max_row=7, values_only=True)]
    assert values[:5] == ["'=HYPERLINK(\"x\")", "'+1", "'-2", "'@SUM(A1)", "'\tx"]
    assert values[5] == "Nådda"


def test_xlsx_is_the_same_table_with_numbers_formatted_as_on_the_page(facts):
    table = tables.long_table(frame(facts), COLUMNS)
    footer = ["Källa: Årsrapport 2020 (publicerade siffror) för 2019–2020"]
    book = openpyxl.load_workbook(io.BytesIO(export.xlsx(table, "Inskrivna per jobbtorg", footer)))
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    assert header == list(table.values.columns)
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    rows = {(r[0], r[1], r[2]): r for r in sheet.iter_rows(min_row=2, values_only=True) if r[1]}
    kista = rows[(2020, "Jobbtorg Kista", "Andel till studier")]
    assert kista[4] == 49.6 and kista[5] == 62 and kista[6] == 125
    assert rows[(2020, "Jobbtorg Kista", "Registrerade")][3] is None
    percent = header.index("Värde (%)") + 1
    share_cell = next(row[percent - 1] for row in sheet.iter_rows(min_row=2) if row[percent - 1].value == 49.6)
    assert share_cell.number_format == '0.0" %"'  # shows 49,6 % in a Swedish Excel, and is the number 49.6
    count_cell = next(row[3] for row in sheet.iter_rows(min_row=2) if row[3].value == 164)
    assert count_cell.number_format == "#,##0"
    last = [row[0].value for row in sheet.iter_rows() if row[0].value][-2:]
    assert last == ["Inskrivna per jobbtorg", footer[0]]


def test_xlsx_marks_its_header_row_and_says_it_is_swedish(facts):
    table = tables.long_table(frame(facts), COLUMNS)
    book = openpyxl.load_workbook(io.BytesIO(export.xlsx(table, "Inskrivna per jobbtorg")))
    sheet = book.active
    (marked,) = sheet.tables.values()
    # The rows (not the source lines under them) are one Excel table with the page's header as its header row.
    assert marked.ref == f"A1:{openpyxl.utils.get_column_letter(len(table.values.columns))}{len(table.values) + 1}"
    assert marked.headerRowCount == 1
    assert book.properties.language == "sv-SE" and book.properties.title == "Inskrivna per jobbtorg"
    assert sheet.print_title_rows == "$1:$1"
