"""Downloads people can open: CSV for Swedish Excel (semicolon, decimal comma, UTF-8 with BOM) and .xlsx."""

from __future__ import annotations

from typing import Sequence

import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kaa import schema
from kaa.metrics import MASKED
from kaa.panels import COLUMN_LABELS

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Stop a spreadsheet from running a text cell as a formula."""
    return "'" + text if isinstance(text, str) and text.startswith(_FORMULA_START) else text


def _number(value) -> str:
    """Whole numbers as integers, fractions with four decimals and a decimal comma."""
    if pd.isna(value):
        return ""
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:.4f}".replace(".", ",")


def excel_csv(frame: pd.DataFrame, columns: Sequence[str]) -> bytes:
    """The panel frame's columns with Swedish headers, numbers as numbers, missing as empty cells."""
    out = frame[list(columns)].copy()
    for column in out.columns:
        if pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].map(_number)
            if column == "varde" and MASKED in frame:
                # A masked figure is exported as its label (<5 or ..), never as a number.
                out[column] = out[column].where(frame[MASKED] == "", frame[MASKED])
        else:
            out[column] = out[column].map(lambda v: "" if pd.isna(v) else neutralise(str(v)))
    out = out.rename(columns=COLUMN_LABELS)
    text = out.to_csv(index=False, sep=";", lineterminator="\r\n")
    return text.encode("utf-8-sig")


def _cells(frame: pd.DataFrame, columns: Sequence[str]) -> tuple[list[str], list[list]]:
    """Header labels and rows for a spreadsheet: numbers as numbers, masked figures as their label."""
    headers = [COLUMN_LABELS.get(c, c) for c in columns]
    rows = []
    for record in frame.to_dict("records"):
        row = []
        for column in columns:
            value = record[column]
            if column == "varde" and record.get(MASKED):
                value = record[MASKED]
            elif isinstance(value, str):
                value = neutralise(value)
            elif pd.isna(value):
                value = None
            row.append(value)
        rows.append(row)
    return headers, rows


def xlsx(frame: pd.DataFrame, columns: Sequence[str], title: str) -> bytes:
    """The panel frame as an Excel workbook: bold, shaded header, frozen, Swedish-friendly number formats."""
    # Format codes are stored in Excel's neutral notation ("#,##0", "0.0%"); Excel shows them with the
    # reader's own separators, so a Swedish Excel shows 8 452 and 43,9 %.
    headers, rows = _cells(frame, columns)
    book = Workbook()
    sheet = book.active
    sheet.title = "KAA"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="0072B2")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    shares = frame["measure"].isin(schema.SHARE_NAMES).tolist() if "measure" in frame else [False] * len(rows)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        width = max([len(str(headers[index - 1]))] + [len(str(r[index - 1] or "")) for r in rows[:200]])
        sheet.column_dimensions[letter].width = min(max(width + 2, 8), 60)
        if column in ("varde", "skillnad_mot_staden", "forandring"):
            for row_number, is_share in enumerate(shares, start=2):
                cell = sheet[f"{letter}{row_number}"]
                if isinstance(cell.value, (int, float)):
                    cell.number_format = "0.0%" if is_share else "#,##0"
        elif column in ("taljare", "namnare"):
            for row_number in range(2, len(rows) + 2):
                sheet[f"{letter}{row_number}"].number_format = "#,##0"
    sheet.freeze_panes = "A2"
    sheet.append([])
    sheet.append([f"{title}. Källa: KAA-statistik. Saknade uppgifter är tomma; <5 betyder 1–4 personer och .. en "
                  "dold uppgift som kan vara vilket antal som helst (också 0–4) och som döljs så att inget litet tal "
                  "kan räknas fram."])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
