"""Downloads people can open: CSV for Swedish Excel (semicolon, decimal comma, UTF-8 with BOM)."""

from __future__ import annotations

from typing import Sequence

import pandas as pd

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
