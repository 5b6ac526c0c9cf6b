"""An extract's result: facts, problems, preview and what was detected about the file, with pandas
frames built only when asked for (so the command line's import needs no pandas).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from kaa import schema
from kaa.extract.codes import REGISTER
from kaa.extract.problems import FEL, VARNING, _mask, _Problems, _problems_frame
from kaa.facts import FACT_COLUMNS
from kaa.lazy import pandas as pd  # imported at first use: reading a register CSV never needs it


class _Pending:
    """A frame not built yet: `make(*args)` builds it (a module-level function, so a result still pickles)."""

    __slots__ = ("make", "args")

    def __init__(self, make: Callable[..., pd.DataFrame], *args) -> None:
        self.make, self.args = make, args

    def __getstate__(self):
        return self.make, self.args

    def __setstate__(self, state) -> None:
        self.make, self.args = state


class _Frame:
    """An ExtractResult frame, built with pandas the first time it is asked for.

    Reading, checking and summing a register CSV needs no pandas; the command line's import stores the
    facts and prints the report from plain values (`fact_columns`, `problem_rows`) and never builds the
    frames. Setting a frame (a DataFrame or a _Pending) works as with a plain attribute.
    """

    def __init__(self, name: str) -> None:
        self.slot = "_" + name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        value = obj.__dict__[self.slot]
        if isinstance(value, _Pending):
            value = obj.__dict__[self.slot] = value.make(*value.args)
        return value

    def __set__(self, obj, value) -> None:
        obj.__dict__[self.slot] = value


@dataclass
class ExtractResult:
    """Everything read_extract found out about one file. Only `facts` may be stored.

    `facts`, `problems` and `preview` are pandas frames, built at first use (see `_Frame`).
    """

    facts: pd.DataFrame
    problems: pd.DataFrame
    problem_counts: dict[tuple[str, str], int]
    rows_read: int
    years: list[int]
    preview: pd.DataFrame
    dropped_columns: list[str]
    encoding: str
    delimiter: str | None
    kind: str
    filename: str = ""

    @property
    def has_errors(self) -> bool:
        return any(row["allvarlighet"] == FEL for row in self.problem_rows())

    def found(self, typ: str, allvarlighet: str | None = None) -> bool:
        """Whether the check found a problem of this kind (`problems.PNR_TYP`, `EXEMPELDATA_TYP`, …),
        of this severity (`FEL`, `VARNING`) or of any."""
        return any(t == typ and allvarlighet in (None, level) for level, t in self.problem_counts)

    @property
    def has_warnings(self) -> bool:
        return any(level == VARNING for level, _ in self.problem_counts)

    def warning_counts(self) -> dict[str, int]:
        """How many warnings of each kind, by kind."""
        return {typ: count for (level, typ), count in self.problem_counts.items() if level == VARNING}

    def problem_rows(self) -> list[dict]:
        """The problems as plain rows, in the frame's order (`rad` an int or None); no pandas unless the
        frame has been built or set already."""
        value = self.__dict__["_problems"]
        if isinstance(value, _Pending) and value.make is _problems_frame:
            return value.args[0]
        frame = self.problems
        return [{**row, "rad": None if pd.isna(row["rad"]) else int(row["rad"])}
                for row in frame.to_dict("records")] if len(frame) else []

    def fact_columns(self) -> dict[str, list]:
        """The facts as plain columns (lists, a missing value None), without building the frame."""
        value = self.__dict__["_facts"]
        if isinstance(value, _Pending) and value.make is _facts_frame:
            columns = value.args[0]
            n = len(columns["value"])
            return {c: columns[c].tolist() if isinstance(columns[c], np.ndarray) else [columns[c]] * n
                    for c in FACT_COLUMNS}
        if isinstance(value, _Pending) and value.make is empty_facts:
            return {c: [] for c in FACT_COLUMNS}
        frame = self.facts
        return {c: frame[c].astype(object).where(frame[c].notna(), None).tolist() for c in frame.columns}


for _name in ("facts", "problems", "preview"):
    setattr(ExtractResult, _name, _Frame(_name))


def _empty_frame() -> pd.DataFrame:
    return pd.DataFrame()


def empty_facts() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="str") for c in FACT_COLUMNS})
    frame[schema.AR] = frame[schema.AR].astype("int64")
    frame["value"] = frame["value"].astype("float64")
    return frame


def refused(filename: str, typ: str, message: str, expected: str = "") -> ExtractResult:
    """The result for a file that was not read at all: one error (for a reader that stopped another way,
    e.g. kaa.isolate ending a reading process at the time limit)."""
    problems = _Problems()
    problems.add(FEL, typ, message, forvantat=expected)
    return ExtractResult(facts=_Pending(empty_facts), problems=_Pending(_problems_frame, problems.rows()),
                         problem_counts=dict(problems.counts), rows_read=0, years=[], preview=_Pending(_empty_frame),
                         dropped_columns=[], encoding="",
                         delimiter=None, kind=REGISTER, filename=_mask(filename))


def _facts_frame(columns: dict[str, np.ndarray | str]) -> pd.DataFrame:
    """The facts frame of `_register_facts`'s columns (an array per column, or one text for every row)."""
    out = pd.DataFrame({column: columns[column].astype("int64") if column == schema.AR else
                        columns[column] if column == "value" else pd.array(columns[column], dtype="str")
                        for column in FACT_COLUMNS if isinstance(columns[column], np.ndarray)})
    for column in FACT_COLUMNS:
        if not isinstance(columns[column], np.ndarray):
            out[column] = pd.Series(columns[column], index=out.index, dtype="str")
    return out[FACT_COLUMNS]
