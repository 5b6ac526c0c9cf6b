"""What a check finds: the problem collector (capped per kind, with full counts), where a problem
is (row and column), and personal identity numbers masked before anything is shown.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import numpy as np
import pyarrow as pa

from kaa import personnummer
from kaa.lazy import pandas as pd  # imported at first use: reading a register CSV never needs it

FEL = "fel"
VARNING = "varning"

PROBLEM_COLUMNS = ["allvarlighet", "typ", "rad", "kolumn", "varde", "forvantat", "meddelande"]
#: Problems kept per (allvarlighet, typ); problem_counts has the full numbers.
MAX_PER_TYP = 20
MASK = personnummer.MASK

PNR_TYP = "personnummer"
EXEMPELDATA_TYP = "exempeldata"  # every person id a demo id: the template or made-up rows
_TYP_LABELS = {  # the kinds of problem, as headings in the report
    PNR_TYP: "Personnummer i filen",
}


# Finding, counting and masking them is kaa.personnummer's concern; these names are kept for callers.

contains_personnummer = personnummer.contains
_count_personnummer = personnummer.count_cells
_personnummer_flags = personnummer.cell_flags
#: The longest file name kept (masked and cleaned) in the result, the facts' kalla and the reports.
MAX_FILENAME = 255
#: Free text of tidy files (kalla, anmarkning) is cleaned and cut to this length before it is stored.
MAX_FREE_TEXT = 1000


def _mask(text) -> str:
    """A value to show: all of it replaced by ••• if anything in it is shaped like a personnummer."""
    text = "" if text is None else str(text)
    return MASK if personnummer.looks_like(text) else text


def _parallel(function: Callable, items: list) -> list:
    """Map over columns in threads: pyarrow's kernels release the GIL."""
    workers = min(pa.cpu_count(), len(items))
    if workers <= 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(function, items))




class _Problems:
    """Collects problems; keeps at most MAX_PER_TYP examples per kind, counts them all."""

    def __init__(self) -> None:
        self.counts: Counter = Counter()
        self._examples: dict[tuple[str, str], dict[str, list[dict]]] = {}

    def add(self, allvarlighet: str, typ: str, meddelande: str, *, kolumn: str = "", rad=None,
            varde: str = "", forvantat: str = "") -> None:
        key = (allvarlighet, typ)
        self.counts[key] += 1
        per_column = self._examples.setdefault(key, {}).setdefault(kolumn, [])
        if len(per_column) < MAX_PER_TYP:
            per_column.append({"allvarlighet": allvarlighet, "typ": typ, "rad": rad, "kolumn": _mask(kolumn),
                               "varde": _mask(varde), "forvantat": forvantat, "meddelande": meddelande})

    def add_rows(self, allvarlighet: str, typ: str, kolumn: str, positions: np.ndarray,
                 rownums: np.ndarray, value_of: Callable[[int], str], forvantat: str,
                 message: Callable[[int, str], str]) -> None:
        """Problems on many rows at once: counts all, builds messages for the first few only."""
        if len(positions) == 0:
            return
        key = (allvarlighet, typ)
        self.counts[key] += len(positions) - min(len(positions), MAX_PER_TYP)
        for position in positions[:MAX_PER_TYP]:
            rad = int(rownums[position])
            value = _mask(value_of(int(position)))
            self.add(allvarlighet, typ, message(rad, value), kolumn=kolumn, rad=rad, varde=value,
                     forvantat=forvantat)

    @property
    def has_errors(self) -> bool:
        return any(key[0] == FEL for key in self.counts)

    def frame(self) -> pd.DataFrame:
        return _problems_frame(self.rows())

    def rows(self) -> list[dict]:
        """The problems kept, as the rows of the problems frame (plain dicts)."""
        keys = sorted(self._examples, key=lambda k: (k[1] != PNR_TYP, k[0] != FEL))
        rows: list[dict] = []
        for key in keys:
            lists = list(self._examples[key].values())
            chosen: list[dict] = []
            depth = 0
            while len(chosen) < MAX_PER_TYP and any(depth < len(x) for x in lists):
                chosen.extend(x[depth] for x in lists if depth < len(x))
                depth += 1
            chosen = chosen[:MAX_PER_TYP]
            chosen.sort(key=lambda r: (r["rad"] is None, r["rad"] or 0))
            rows.extend(chosen)
        return rows


def _problems_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
    frame["rad"] = pd.array([r["rad"] for r in rows], dtype="Int64")
    for column in PROBLEM_COLUMNS:
        if column != "rad":
            frame[column] = frame[column].fillna("").astype(str)
    return frame


def _where(rad, kolumn: str) -> str:
    return f"Rad {rad}, kolumn ”{kolumn}”" if rad is not None else f"Kolumn ”{kolumn}”"
