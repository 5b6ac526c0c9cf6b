"""Excel workbooks (.xlsx, .xlsm): the first sheet's cells as text columns, read with
python-calamine after kaa.xlsx has checked the parts, and formulas without saved values reported.
"""

from __future__ import annotations

import itertools
import operator
import time
from typing import Callable

import numpy as np
import pyarrow as pa

from kaa import limits, xlsx
from kaa.extract.codes import canonical_column
from kaa.extract.problems import FEL, _mask, _Problems, _where
from kaa.extract.readers import (
    _cell_texts,
    _column_text,
    _empty_file,
    _header_score,
    _not_a_table,
    _Raw,
    _Stop,
    _time_up,
)

_XLSX_BATCH = 65_536


def _read_xlsx(data: bytes, problems: _Problems, progress: Callable[[str, float], None],
               deadline: float | None = None) -> _Raw:
    """The first sheet of a workbook (.xlsx, .xlsm): its limits from the zip directory and one streamed
    scan (kaa.xlsx), then its values from python-calamine. A formula cell without a saved value and an
    error cell are reported where they are, not read as empty."""
    try:
        book = xlsx.open_workbook(data)
        scan = xlsx.scan_sheet(book, deadline=deadline,
                               progress=lambda f: progress("Kontrollerar arbetsboken …", 0.05 * f))
        progress("Läser filen …", 0.05)
        # Rows are counted from 0 as they come; the sheet's numbers follow once the last one is known.
        last_row, first_column, rows = xlsx.iter_rows(data, deadline=deadline)
        number = -1
        head: list[tuple[int, list[str]]] = []
        for number, row in enumerate(rows):
            cells = [t.strip() for t in _cell_texts(row)]
            if any(cells):
                head.append((number, cells))
            if len(head) >= 10:
                break
        if not head:
            raise _empty_file(problems, "Det första bladet i arbetsboken är tomt.")
        scored = [(_header_score(cells), -i, i) for i, (_, cells) in enumerate(head)]
        best = max(scored)
        pick = best[2] if best[0] else 0
        header_row, names = head[pick]
        while names and not names[-1]:
            names.pop()
        width = len(names)
        chunks: list[list[pa.Array]] = [[] for _ in range(width)]
        numbers: list[np.ndarray] = []

        def add(batch: list, start: int | None, explicit: list[int] | None = None) -> None:
            if not batch:
                return
            present = min(width, len(batch[0]))
            for i in range(width):
                chunks[i].append(_column_text(list(map(operator.itemgetter(i), batch))) if i < present else
                                 pa.array([""] * len(batch), pa.string()))
            numbers.append(np.array(explicit, dtype=np.int64) if explicit is not None else
                           np.arange(start, start + len(batch), dtype=np.int64))

        before = [(n, cells) for n, cells in head[pick + 1:]]
        add([cells for _, cells in before], None, [n for n, _ in before])
        start = number + 1
        while True:
            batch = list(itertools.islice(rows, _XLSX_BATCH))
            add(batch, start)
            start += len(batch)
            if deadline is not None and time.process_time() > deadline:
                raise xlsx.TimeUp()
            progress("Läser filen …", 0.05 + 0.25 * min(1.0, start / max(scan.rows, 1)))
            if len(batch) < _XLSX_BATCH:
                break
    except xlsx.Refused as refused:
        problems.add(FEL, refused.typ, refused.meddelande, forvantat=refused.forvantat)
        raise _Stop() from None
    except xlsx.TimeUp:  # the limit the caller gave (0 too: `or` would have put the default in its place)
        seconds = getattr(progress, "seconds", None)
        raise _time_up(problems, workbook=True, seconds=limits.READ_SECONDS if seconds is None else seconds) from None
    except _Stop:
        raise
    except Exception:
        raise _not_a_table(problems, "Filen ser ut som en zip-fil men är ingen Excel-arbetsbok (.xlsx) "
                                     "som går att läsa.") from None
    # The last row python-calamine gives is the sheet's last row with a value, whether its rows
    # start at the sheet's first row or at the first row with a value.
    offset = last_row - start + 1
    header_row += offset
    _report_cells(scan, names, header_row, first_column, problems)
    total = sum(len(n) for n in numbers)
    if not total:
        raise _empty_file(problems, "Det första bladet har en rubrikrad men inga datarader.")
    arrays = [pa.chunked_array(c, pa.string()) for c in chunks]
    return _Raw(names=names, columns=arrays, rownums=np.concatenate(numbers) + offset,
                encoding="xlsx", delimiter=None, header_row=header_row)


_SAVE_VALUES = ("Öppna filen i Excel och spara den där (då räknas formlerna ut och värdena sparas), eller "
                "markera cellerna och välj Kopiera och sedan Klistra in special → Värden (”Kopiera och klistra "
                "in som värden”). Ladda sedan upp filen igen.")


def _report_cells(scan: "xlsx.Scan", names: list[str], header_row: int, first_column: int,
                  problems: _Problems) -> None:
    """Formula cells without a saved value and error cells, in the columns the file's header names
    (or on the header row itself): each with its row, column and cell."""
    def label(column: int | None) -> tuple[str, bool]:
        index = None if column is None else column - first_column
        if index is not None and 0 <= index < len(names) and names[index]:
            return _mask(names[index]), canonical_column(names[index]) is not None
        return (f"kolumn {xlsx.column_letters(column)}" if column else "okänd kolumn"), False

    def place(row: int | None, column: int | None) -> tuple[str, str, bool]:
        name, known = label(column)
        cell = f" (cell {xlsx.column_letters(column)}{row})" if row and column else ""
        relevant = row is None or (row >= header_row and (column is None or known or row == header_row))
        return f"{_where(row, name)}{cell}", name, relevant

    shown = 0
    for row, column in scan.formulas:
        where, name, relevant = place(row, column)
        if relevant:
            shown += 1
            problems.add(FEL, "formel utan värde",
                         f"{where}: cellen har en formel men inget sparat värde, så värdet kan inte läsas (det "
                         f"skulle se ut som en tom cell). {_SAVE_VALUES}",
                         kolumn=name, rad=row, forvantat="ett sparat värde, inte bara en formel")
    if shown == len(scan.formulas) and scan.formula_count > shown:  # the rest, when every example counted
        problems.counts[(FEL, "formel utan värde")] += scan.formula_count - len(scan.formulas)
    shown = 0
    for row, column, error in scan.errors:
        where, name, relevant = place(row, column)
        if relevant:
            shown += 1
            problems.add(FEL, "felvärde i cell",
                         f"{where}: cellen har Excels felvärde {error}, inget värde (en formel som inte gick att "
                         "räkna ut). Rätta formeln eller skriv in värdet, spara och ladda upp filen igen.",
                         kolumn=name, rad=row, varde=error, forvantat="ett värde")
    if shown == len(scan.errors) and scan.error_count > shown:
        problems.counts[(FEL, "felvärde i cell")] += scan.error_count - len(scan.errors)
