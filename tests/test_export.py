"""Downloads: CSV that Swedish Excel opens by double-click, and .xlsx with formatted headers."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd

from kaa import export, metrics, panels, schema
from kaa.metrics import Selection

COLUMNS = ["ar", "jobbtorg", "matt", "varde", "taljare", "namnare", "orsak"]


def frame(facts, min_cell=metrics.DEFAULT_MIN_CELL):
    return panels.figures(facts, [schema.JOBBTORG], Selection(min_cell=min_cell),
                          ["inskrivna", "andel_studier", "registrerade"], totals=True)


def test_csv_is_for_swedish_excel(facts):
    data = export.excel_csv(frame(facts), COLUMNS)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel detects the encoding on double-click
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "År;Jobbtorg;Mått;Värde;Täljare (antal);Nämnare (antal);Varför uppgift saknas"
    assert "2020;Jobbtorg Kista;Andel till studier;0,4960;62;125;" in lines
    assert "2020;Jobbtorg Skärholmen;Inskrivna;164;;;" in lines  # counts without decimals
    missing = next(line for line in lines if line.startswith("2020;Jobbtorg Kista;Registrerade"))
    assert missing.split(";")[3] == ""  # missing is empty, never 0
    assert "per jobbtorg" in missing
    parsed = pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig")
    assert parsed["Jobbtorg"].str.contains("Skärholmen").any()


def test_masked_figures_are_exported_as_their_label(facts):
    data = export.excel_csv(frame(facts, min_cell=20), COLUMNS).decode("utf-8-sig")
    saknar_2019 = [line for line in data.split("\r\n") if line.startswith("2019;Saknar stadsdel;Andel till")]
    assert saknar_2019 and saknar_2019[0].split(";")[3] == ".."  # 18 of 52: numerator under 20


def test_text_cells_cannot_become_formulas():
    evil = pd.DataFrame({"matt": ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "\tx", "Nådda"],
                         "varde": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    text = export.excel_csv(evil, ["matt", "varde"]).decode("utf-8-sig")
    cells = [row[0] for row in csv.reader(io.StringIO(text), delimiter=";")][1:]
    assert cells == ["'=HYPERLINK(\"x\")", "'+1", "'-2", "'@SUM(A1)", "'\tx", "Nådda"]
    book = openpyxl.load_workbook(io.BytesIO(export.xlsx(evil, ["matt", "varde"], "Test")))
    values = [row[0] for row in book.active.iter_rows(min_row=2, max_row=7, values_only=True)]
    assert values[:5] == ["'=HYPERLINK(\"x\")", "'+1", "'-2", "'@SUM(A1)", "'\tx"]
    assert values[5] == "Nådda"


def test_xlsx_has_formatted_headers_and_numbers(facts):
    book = openpyxl.load_workbook(io.BytesIO(export.xlsx(frame(facts), COLUMNS, "Inskrivna per jobbtorg")))
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["År", "Jobbtorg", "Mått", "Värde"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    rows = {(r[0], r[1], r[2]): r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0]}
    kista = rows[(2020, "Jobbtorg Kista", "Andel till studier")]
    assert abs(kista[3] - 0.496) < 1e-9 and kista[4] == 62 and kista[5] == 125
    assert rows[(2020, "Jobbtorg Kista", "Registrerade")][3] is None
    share_cell = next(c for c in sheet["D"][1:] if isinstance(c.value, float) and c.value < 1)
    assert share_cell.number_format == "0.0%"
