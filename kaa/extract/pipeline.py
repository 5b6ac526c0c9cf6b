"""`read_extract`: the whole file, from bytes to an ExtractResult, with progress, limits and time.
"""

from __future__ import annotations

import codecs
import time
from typing import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kaa import fmt, limits, personnummer, schema, xlsx
from kaa.arrow import from_numpy, to_numpy
from kaa.extract.codes import (
    EXPECTED,
    FIRST_YEAR,
    REGISTER,
    REGISTER_NAMES,
    REQUIRED,
    TIDY,
    TIDY_NAMES,
    TIDY_REQUIRED,
    canonical_column,
)
from kaa.extract.columns import _blank_rows, _factorize, _factorize_ids, _preview
from kaa.extract.problems import (
    FEL,
    MAX_FILENAME,
    PNR_TYP,
    VARNING,
    _count_personnummer,
    _mask,
    _parallel,
    _Problems,
    _problems_frame,
    contains_personnummer,
)
from kaa.extract.readers import (
    _MAGIC,
    _SPLIT_BY_YEAR,
    SAMPLE_BYTES,
    _count_byte,
    _empty_file,
    _not_a_table,
    _read_csv,
    _refuse,
    _Stop,
    _time_up,
)
from kaa.extract.register import MEASURE_DEPENDS, _check_register, _register_facts
from kaa.extract.result import ExtractResult, _empty_frame, _Pending, empty_facts
from kaa.extract.tidy import FREE_TEXT, _tidy
from kaa.extract.workbook import _read_xlsx
from kaa.lazy import pandas as pd  # imported at first use: reading a register CSV never needs it


def _guarded(progress: Callable[[str, float], None] | None) -> Callable[[str, float], None]:
    """The caller's progress callback; its failures must not stop the check (Streamlit's rerun
    and stop signals are BaseExceptions and pass through)."""
    def report(text: str, fraction: float) -> None:
        if progress is not None:
            try:
                progress(text, fraction)
            except Exception:
                pass
    return report


class _Progress:
    """The caller's progress callback, which also stops the reading once the deadline has passed."""

    def __init__(self, report: Callable[[str, float], None], deadline: float | None, problems: _Problems,
                 data: bytes, seconds: float | None) -> None:
        self.report, self.deadline, self.problems = report, deadline, problems
        self.workbook = bytes(data[:4] if data else b"") == b"PK\x03\x04"
        self.seconds = seconds

    def __call__(self, text: str, fraction: float) -> None:
        self.report(text, fraction)
        if self.deadline is not None and time.process_time() > self.deadline:
            raise _time_up(self.problems, self.workbook, self.seconds)


def read_extract(data: bytes, filename: str, *, progress: Callable[[str, float], None] | None = None,
                 stadsdel_map: pd.DataFrame | None = None,
                 time_limit: float | None = limits.READ_SECONDS) -> ExtractResult:
    """Read, check and sum an extract (CSV, or an Excel workbook .xlsx/.xlsm). Never raises on bad input.

    On errors (allvarlighet "fel") the facts frame is empty: errors block the import. A file past one
    of kaa.limits is refused before it is expanded. `progress(text, fraction)` is called as each phase
    starts; after `time_limit` seconds of CPU time (None: no limit; CPU, so that a busy machine does not
    refuse a file) the reading stops at the next phase or piece of a workbook. In-process and pure:
    kaa.isolate runs it in a child process for the dashboard.
    """
    problems = _Problems()
    progress = _Progress(_guarded(progress), None if time_limit is None else time.process_time() + time_limit,
                         problems, data, time_limit)
    result = ExtractResult(facts=_Pending(empty_facts), problems=_Pending(_problems_frame, []),
                           problem_counts={}, rows_read=0, years=[], preview=_Pending(_empty_frame),
                           dropped_columns=[], encoding="", delimiter=None, kind=REGISTER,
                           filename=personnummer.clean_text(str(filename), MAX_FILENAME))
    try:
        _read_into(result, bytes(data or b""), str(filename), progress, stadsdel_map, problems,
                   deadline=progress.deadline)
    except _Stop:
        pass
    except Exception as exc:  # never a stack trace, never an exception's text (it may quote a row)
        problems.add(FEL, "internt fel",
                     f"Filen kunde inte läsas på grund av ett oväntat fel ({type(exc).__name__}). "
                     "Kontrollera att det är ett KAA-uttag som CSV eller .xlsx och försök igen; "
                     "hör av dig till den som förvaltar instrumentpanelen om felet kvarstår.")
    result.problems = _Pending(_problems_frame, problems.rows())
    result.problem_counts = dict(problems.counts)
    if problems.has_errors:
        result.facts = _Pending(empty_facts)
    progress.report("Klar", 1.0)
    return result


def _check_size(data: bytes, problems: _Problems) -> None:
    """The limits a file must keep before anything is parsed (kaa.limits); a CSV's rows are its lines."""
    workbook = data.startswith(b"PK\x03\x04")
    if len(data) > limits.MAX_FILE_BYTES:
        size = fmt.count(max(1, round(len(data) / limits.MB)))
        raise _refuse(problems, "för stor fil",
                      f"Filen är {size} MB, men högst {fmt.count(limits.MAX_FILE_MB)} MB kan läsas in. "
                      + (xlsx.SPLIT_OR_CSV if workbook else _SPLIT_BY_YEAR),
                      f"högst {fmt.count(limits.MAX_FILE_MB)} MB")
    if not workbook:
        # LF, CRLF or (old Mac) CR alone; most files have no CR at all, and finding that out is a fast scan
        breaks = max(_count_byte(data, 10), _count_byte(data, 13) if b"\r" in data else 0)
        lines = breaks + (0 if data.endswith((b"\n", b"\r")) else 1)
        if lines > limits.MAX_CSV_ROWS:
            raise _refuse(problems, "för stor fil",
                          f"Filen har {fmt.count(lines)} rader, men högst {fmt.count(limits.MAX_CSV_ROWS)} rader "
                          f"kan läsas in på en gång. {_SPLIT_BY_YEAR}",
                          f"högst {fmt.count(limits.MAX_CSV_ROWS)} rader")


def _read_into(result: ExtractResult, data: bytes, filename: str, progress: Callable[[str, float], None],
               stadsdel_map: pd.DataFrame | None, problems: _Problems, *, deadline: float | None = None) -> None:
    progress("Läser filen …", 0.0)
    if len(data) <= SAMPLE_BYTES and not data.strip(b" \t\r\n\x1a" + codecs.BOM_UTF8):
        raise _empty_file(problems)
    name = filename.lower()
    _check_size(data, problems)
    if data.startswith(b"PK\x03\x04"):
        # .xlsx and .xlsm alike: only the cells are read, a macro never runs.
        raw = _read_xlsx(data, problems, progress, deadline)
        result.encoding = "xlsx"
        if problems.has_errors:  # formulas without values: read as empty they would give false errors
            result.rows_read = len(raw.rownums)
            raise _Stop()
    else:
        for magic, what in _MAGIC:
            if data.startswith(magic):
                raise _not_a_table(problems, what)
        if name.endswith((".xlsx", ".xlsm")):
            raise _not_a_table(problems, f"Filen heter .{name.rsplit('.', 1)[1]} men är ingen Excel-arbetsbok.")
        raw = _read_csv(data, problems)
    del data
    result.encoding, result.delimiter = raw.encoding, raw.delimiter
    progress("Kontrollerar värdena …", 0.35)

    # Header names are shown everywhere: a headerless file has data (maybe a personnummer) in them.
    header_pnr = sum(contains_personnummer(n) for n in raw.names)
    raw.names = [_mask(personnummer.strip_invisible(n)) for n in raw.names]

    # Which column is which.
    canonical = [canonical_column(n) if n else None for n in raw.names]
    kind = TIDY if ({"measure", "value"} <= set(canonical) and "person_id" not in canonical) else REGISTER
    result.kind = kind
    wanted = REGISTER_NAMES if kind == REGISTER else TIDY_NAMES
    columns: dict[str, pa.ChunkedArray] = {}
    labels: dict[str, str] = {}
    position_of: dict[str, int] = {}
    dropped: list[str] = []
    for i, (header, canon) in enumerate(zip(raw.names, canonical)):
        if canon in wanted and canon not in position_of:
            position_of[canon] = i
            labels[canon] = header
        elif canon in wanted:
            problems.add(FEL, "dubbel kolumn",
                         f"Kolumnerna ”{labels[canon]}” och ”{header}” betyder båda {canon}. "
                         "Ta bort den ena och ladda upp filen igen.",
                         kolumn=header, rad=raw.header_row, varde=header, forvantat=f"en kolumn {canon}")
        elif header or to_numpy(pc.binary_length(pc.utf8_trim_whitespace(raw.columns[i]))).any():
            dropped.append(header or f"kolumn {i + 1} (utan namn)")
    result.dropped_columns = dropped

    # Personal identity numbers, in every column, before anything is dropped. The register's columns
    # are factorized here, once and in parallel: the scan then looks at the coded columns' distinct
    # values only (person_id's are all different: its cells are scanned).
    coded_at = {i for canon, i in position_of.items() if kind == REGISTER and canon != "person_id"}
    ids_at = position_of.get("person_id") if kind == REGISTER else None
    # A tidy file's free text is reported row by row when it is masked (_tidy).
    free_text_at = {i for canon, i in position_of.items() if kind == TIDY and canon in FREE_TEXT}

    def scan(i: int) -> tuple[int, tuple[np.ndarray, pa.Array] | None]:
        factorized = _factorize(raw.columns[i]) if i in coded_at else None
        count = 0 if i in free_text_at else _count_personnummer(raw.columns[i], factorized)
        return count, (_factorize_ids(raw.columns[i]) if i == ids_at else factorized)

    scanned = _parallel(scan, list(range(len(raw.columns))))
    counts = [count for count, _ in scanned]
    factorized_at = {i: f for i, (_, f) in enumerate(scanned) if f is not None}
    del scanned
    pa.default_memory_pool().release_unused()  # the hash tables of the factorizing: back to the system
    found = [(header or "utan namn", count) for header, count in zip(raw.names, counts) if count]
    if header_pnr:
        found.append(("rubrikraden", header_pnr))
    if found:
        where = ", ".join(f"”{h}” ({fmt.count(c)} {'värde' if c == 1 else 'värden'})" for h, c in found)
        problems.add(VARNING, PNR_TYP,
                     f"Filen innehåller personnummer eller samordningsnummer i {where}. De sparas aldrig "
                     "och visas inte, men de ska inte finnas i ett uttag: använd pseudonyma id i person_id "
                     "och ta bort personnumren ur filen innan den delas vidare.",
                     kolumn=", ".join(h for h, _ in found), forvantat="inga personnummer")

    # Blank rows (Excel's `;;;;`) are skipped; the others keep their numbers.
    blank = _blank_rows(raw.columns, {i: f for i, f in factorized_at.items() if i in coded_at})
    rownums = raw.rownums
    if blank.any():
        keep_mask = from_numpy(~blank)
        raw.columns = [pc.filter(c, keep_mask) for c in raw.columns]
        factorized_at = {i: (indices[~blank], dictionary) for i, (indices, dictionary) in factorized_at.items()}
        rownums = rownums[~blank]
    result.rows_read = len(rownums) + raw.invalid_rows
    # The preview shows only the columns the import uses (never person_id): an extra column may hold
    # names, addresses or notes about a young person, and nobody needs to see those here.
    used = set(position_of.values()) - ({position_of["person_id"]} if "person_id" in position_of else set())
    result.preview = _preview(raw.names, raw.columns, set(range(len(raw.names))) - used)
    for canon, i in position_of.items():
        columns[canon] = raw.columns[i]
    raw.columns = []  # the unused columns go now
    if result.rows_read == 0:
        raise _empty_file(problems, "Filen har en rubrikrad men inga datarader.")

    required = REQUIRED if kind == REGISTER else TIDY_REQUIRED
    missing = [c for c in required if c not in columns]
    headerless = bool(missing) and not any(canonical)
    if headerless:
        problems.add(FEL, "saknad kolumn",
                     "Filen verkar sakna rubrikrad: ingen kolumn har ett känt namn. Första raden ska innehålla "
                     "kolumnnamnen, minst ar, person_id och kon (ladda ner mallen för att se formatet).",
                     kolumn=", ".join(missing), rad=raw.header_row, forvantat="en rubrikrad med kolumnnamn")
        missing = []
    for name in missing:
        extra = (" Ett uttag ur registret har en rad per ungdom och år med minst kolumnerna ar, person_id och kon; "
                 "räknade uppgifter har kolumnerna ar, measure och value.")
        problems.add(FEL, "saknad kolumn", f"Kolumnen ”{name}” saknas i rubrikraden.{extra} Lägg till kolumnen "
                     "(eller rätta dess namn) och ladda upp filen igen.", kolumn=name,
                     forvantat=f"en kolumn som heter {name}")
    if headerless:
        return
    kalla = f"Import: {personnummer.clean_text(filename, MAX_FILENAME)}"
    if kind == TIDY:
        if missing:
            return
        facts, result.years = _tidy(columns, labels, rownums, problems, kalla)
        if facts is not None and not problems.has_errors:
            progress("Summerar …", 0.8)
            result.facts = facts
        return
    absent = [name for name in EXPECTED if name not in columns]
    if absent and not missing:
        measures = [schema.MEASURES[m].label.lower() for m, deps in MEASURE_DEPENDS.items()
                    if set(deps) & set(absent)]
        names = ", ".join(f"”{name}”" for name in absent)
        problems.add(VARNING, "saknad kolumn",
                     f"{'Kolumnen' if len(absent) == 1 else 'Kolumnerna'} {names} saknas, så "
                     f"{', '.join(measures)} redovisas inte för de här åren (de blir saknade uppgifter, "
                     "inte 0). Lägg till kolumnerna om uppgifterna finns.",
                     kolumn=", ".join(absent), forvantat="kolumnerna " + ", ".join(EXPECTED))
    factorized = {canon: factorized_at.pop(i) for canon, i in position_of.items() if i in factorized_at}
    coded, keep = _check_register(columns, labels, rownums, stadsdel_map, problems, factorized)
    del factorized
    columns.clear()
    pa.default_memory_pool().release_unused()
    if "ar" in coded:
        result.years = sorted(int(y) for y in np.unique(coded["ar"].table) if y >= FIRST_YEAR)
    if problems.has_errors:
        return
    progress("Summerar …", 0.8)
    result.facts = _register_facts(coded, keep, kalla)
