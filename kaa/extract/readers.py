"""From bytes to text columns: file type, size and line limits, encoding and delimiter sniffing,
the header row, CSV parsing with pyarrow, and bytes that are not text named by row.
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from kaa import fmt, limits, xlsx
from kaa.arrow import to_numpy
from kaa.extract.codes import _DELIMITER_NAMES, REGISTER_NAMES, TIDY_NAMES, canonical_column
from kaa.extract.problems import FEL, _mask, _Problems

SAMPLE_BYTES = 64 * 1024




@dataclass
class _Raw:
    names: list[str]                   # header as in the file, stripped
    columns: list[pa.ChunkedArray]     # every column as text, no nulls
    rownums: np.ndarray                # the file's row number of every data row
    encoding: str
    delimiter: str | None
    invalid_rows: int = 0              # rows with the wrong number of fields (already reported)
    header_row: int = 1


class _Stop(Exception):
    """The file cannot be read at all; the problem has been recorded."""


_MAGIC = (
    (b"%PDF", "Filen är en PDF, inte en tabell."),
    (b"\xd0\xcf\x11\xe0", "Filen är en gammal Excel-fil (.xls) eller en lösenordsskyddad arbetsbok."),
    (b"\x89PNG", "Filen är en bild, inte en tabell."),
    (b"\xff\xd8\xff", "Filen är en bild, inte en tabell."),
    (b"GIF8", "Filen är en bild, inte en tabell."),
    (b"\x1f\x8b", "Filen är komprimerad (gzip), inte en tabell."),
    (b"{\\rtf", "Filen är ett RTF-dokument, inte en tabell."),
)
_NOT_A_TABLE_FIX = ("Öppna uttaget i Excel och välj Spara som → CSV UTF-8 (kommaavgränsad) eller "
                    "Excel-arbetsbok (.xlsx), och ladda upp den filen.")


def _not_a_table(problems: _Problems, what: str, typ: str = "inte en tabell") -> _Stop:
    problems.add(FEL, typ, f"{what} {_NOT_A_TABLE_FIX}",
                 forvantat="en tabell som CSV (UTF-8 eller Windows-1252) eller .xlsx")
    return _Stop()


def _empty_file(problems: _Problems, what: str = "Filen är tom.") -> _Stop:
    problems.add(FEL, "tom fil", f"{what} Ladda upp ett uttag med en rubrikrad och minst en datarad.",
                 forvantat="en rubrikrad och minst en datarad")
    return _Stop()


def _header_score(fields: list[str]) -> int:
    return len({canonical_column(f) for f in fields} - {None})


def _choose_header(lines: list[tuple[int, str]]) -> tuple[int, str, list[str]]:
    """Pick the header line and delimiter: the line (of the first ten) with most known column names."""
    best = None
    for order, (index, line) in enumerate(lines[:10]):
        for priority, delimiter in enumerate((";", "\t", ",")):
            fields = _fields(line, delimiter)
            score = _header_score(fields)
            rank = (score, -order, -priority)
            if score and (best is None or rank > best[0]):
                best = (rank, index, delimiter, fields)
    if best is not None:
        return best[1], best[2], best[3]
    index, line = lines[0]
    counts = [(len(_fields(line, d)), -p, d) for p, d in enumerate((";", "\t", ","))]
    delimiter = max(counts)[2]
    return index, delimiter, _fields(line, delimiter)


_LINE_END = re.compile(r"\r\n|\r|\n")              # as pyarrow reads them: Windows, Unix and old Mac
_LINE_END_BYTES = re.compile(rb"\r\n|\r|\n")
_BAD_BYTE_ERRORS = "kaa-bad-byte"
_BAD_BYTE_BASE = 0x10FF00  # a byte b that is not UTF-8 becomes U+10FF00 + b (private use, never in a file)
_BAD_BYTE_PATTERN = "[\\x{10FF80}-\\x{10FFFF}]"
_FEW_BAD_BYTES = 4          # fewer odd bytes than this, and no UTF-8, in the sample: the whole file decides


def _mark_bad_bytes(error: UnicodeDecodeError) -> tuple[str, int]:
    return "".join(chr(_BAD_BYTE_BASE + b) for b in error.object[error.start:error.end]), error.end


codecs.register_error(_BAD_BYTE_ERRORS, _mark_bad_bytes)


def _utf8_evidence(data: bytes | memoryview) -> tuple[int, int]:
    """(valid multibyte UTF-8 sequences, other bytes above 127): does the text look like UTF-8 at all?"""
    a = np.frombuffer(data, dtype=np.uint8)
    high = np.flatnonzero(a >= 0x80)
    if len(high) == 0:
        return 0, 0
    padded = np.concatenate([a[high[0]:], np.zeros(3, dtype=np.uint8)])
    at = high - high[0]
    lead = padded[at]
    follows = [(padded[at + k] & 0xC0) == 0x80 for k in (1, 2, 3)]
    two = (lead >= 0xC2) & (lead <= 0xDF) & follows[0]
    three = (lead >= 0xE0) & (lead <= 0xEF) & follows[0] & follows[1]
    four = (lead >= 0xF0) & (lead <= 0xF4) & follows[0] & follows[1] & follows[2]
    valid = int(two.sum() + three.sum() + four.sum())
    in_valid = int(2 * two.sum() + 3 * three.sum() + 4 * four.sum())
    return valid, max(0, len(high) - in_valid)


def _mostly_utf8(data: bytes | memoryview) -> bool:
    """Bytes that are not all UTF-8: UTF-8 with a few stray bytes (True), or Windows-1252 (False)?"""
    valid, invalid = _utf8_evidence(data)
    return valid > 0 and valid >= invalid


def _is_utf8(sample: bytes, whole: bool) -> bool:
    """The sample is UTF-8 (a character cut off at its end counts as UTF-8 unless it is the whole file)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=whole)
        return True
    except UnicodeDecodeError:
        return False


def _sniff_utf8(data: bytes, start: int, sample: bytes, whole_in_sample: bool) -> tuple[str, bool]:
    """(encoding, stray): a file without BOM is UTF-8, UTF-8 with stray bytes, or Windows-1252."""
    if _is_utf8(sample, whole_in_sample):
        return "utf-8", False
    valid, invalid = _utf8_evidence(sample)
    if valid == 0 and invalid < _FEW_BAD_BYTES and not whole_in_sample:
        return ("utf-8", True) if _mostly_utf8(memoryview(data)[start:]) else ("cp1252", False)
    return ("utf-8", True) if valid > 0 and valid >= invalid else ("cp1252", False)


def _physical_lines(text: str, whole: bool) -> list[tuple[int, str]]:
    """The sample's non-blank lines (CRLF, LF or CR), with their index; a cut-off last line is left out."""
    physical = _LINE_END.split(text)
    if not whole and len(physical) > 1:
        physical = physical[:-1]
    return [(i, line) for i, line in enumerate(physical) if line.strip().strip(";,\t").strip()]


def _after_lines(data: bytes, start: int, count: int) -> int:
    """The byte offset after the first `count` line ends from `start` (the end of the data if fewer)."""
    position = start
    for seen, match in enumerate(_LINE_END_BYTES.finditer(data, start), start=1):
        position = match.end()
        if seen == count:
            return position
    return len(data)


def _fields(line: str, delimiter: str) -> list[str]:
    try:
        return [f.strip() for f in next(csv.reader([line], delimiter=delimiter), [])]
    except csv.Error:
        return [line.strip()]


def _byte_note(byte: int) -> str:
    """What a byte that is not UTF-8 probably is: the Windows-1252 letter, if it is one."""
    try:
        char = bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        char = ""
    shown = f", i Windows-1252 ett ”{char}”" if char.isprintable() and not char.isspace() and char else ""
    return f"byten 0x{byte:02X}{shown}"


_ECHO_BAD_BYTES = (set(REGISTER_NAMES) | set(TIDY_NAMES)) - {"person_id", "kalla", "anmarkning"}
_BAD_BYTE_PLACES = 5  # places named in the error; the rest are counted
_BAD_BYTE_FIX = ("Rätta tecknet (t.ex. i Anteckningar), eller spara om filen som CSV UTF-8 i programmet den "
                 "kommer från, och ladda upp den igen.")


def _shown_bad_bytes(text: str) -> str:
    return re.sub("[\U0010FF80-\U0010FFFF]", "\ufffd", text)


def _first_bad_byte(text: str) -> int:
    return next(ord(ch) - _BAD_BYTE_BASE for ch in text if ord(ch) >= _BAD_BYTE_BASE + 0x80)


def _bad_byte_places(names: list[str], columns: list[pa.ChunkedArray], rownums: np.ndarray,
                     header_row: int) -> tuple[list[tuple[int, int, str, int, str]], int]:
    """The first cells (and headers) holding a byte that is not UTF-8, as (row, column index, column name,
    byte, value to show), in the file's order; and how many there are in all."""
    places = []
    total = 0
    for i, name in enumerate(names):
        if _shown_bad_bytes(name) != name:
            places.append((header_row, i, _shown_bad_bytes(name), _first_bad_byte(name), ""))
            total += 1
    for i, (name, column) in enumerate(zip(names, columns)):
        hits = to_numpy(pc.match_substring_regex(column, _BAD_BYTE_PATTERN))
        positions = np.flatnonzero(hits)
        total += len(positions)
        shown = _shown_bad_bytes(name)
        echo = canonical_column(shown) in _ECHO_BAD_BYTES
        for p in positions[:_BAD_BYTE_PLACES]:
            cell = column[int(p)].as_py()
            places.append((int(rownums[p]), i, shown, _first_bad_byte(cell),
                           _mask(_shown_bad_bytes(cell).strip()) if echo else ""))
    return sorted(places)[:_BAD_BYTE_PLACES], total


def _bad_byte_place(rad: int, header_row: int, name: str, byte: int, value: str) -> str:
    what = "rubriken" if rad == header_row else (f"värdet ”{value}”" if value else "värdet")
    return f"rad {rad}, kolumn ”{name}” ({what}, {_byte_note(byte)})"


def _report_bad_bytes(names: list[str], columns: list[pa.ChunkedArray], rownums: np.ndarray, header_row: int,
                      problems: _Problems) -> bool:
    """One error for a UTF-8 file with bytes that are not UTF-8, naming the first places by row and column.
    False if the header and the data have none (they were in title lines above the header)."""
    places, total = _bad_byte_places(names, columns, rownums, header_row)
    if not total:
        return False
    listed = "; ".join(_bad_byte_place(rad, header_row, name, byte, value) for rad, _, name, byte, value in places)
    more = f"; och {fmt.count(total - len(places))} till" if total > len(places) else ""
    if total == 1:
        rad, _, name, byte, value = places[0]
        what = "Rubriken" if rad == header_row else (f"Värdet ”{value}”" if value else "Värdet")
        message = (f"Rad {rad}, kolumn ”{name}”: {what} har ett tecken som inte är giltig UTF-8 "
                   f"({_byte_note(byte)}), fast resten av filen är UTF-8. {_BAD_BYTE_FIX}")
    else:
        message = (f"Filen är UTF-8 men har {fmt.count(total)} tecken som inte är giltig UTF-8: {listed}{more}. "
                   f"{_BAD_BYTE_FIX.replace('tecknet', 'tecknen')}")
    problems.add(FEL, "teckenkodning", message, forvantat="UTF-8 i hela filen")
    return True


def _encoding_error(problems: _Problems) -> _Stop:
    problems.add(FEL, "teckenkodning",
                 "Filen blandar teckenkodningar eller har tecken som varken är UTF-8 eller "
                 "Windows-1252. Spara om den från Excel som CSV UTF-8 och ladda upp den igen.",
                 forvantat="UTF-8 eller Windows-1252 i hela filen")
    return _Stop()


_SLICE = 1 << 22  # bytes scanned at a time: a mask of a whole file would take as many bytes again


def _has_c1_bytes(data: bytes | memoryview) -> bool:
    """Whether any byte is in 0x80-0x9F (where Windows-1252 has its own characters and Latin-1 controls)."""
    a = np.frombuffer(data, dtype=np.uint8)
    shifted = np.empty(min(len(a), _SLICE), dtype=np.uint8)
    for begin in range(0, len(a), _SLICE):
        part = a[begin:begin + _SLICE]
        moved = shifted[:len(part)]
        np.subtract(part, np.uint8(0x80), out=moved)  # 0x80-0x9F become 0x00-0x1F, every other byte 0x20 or more
        if (moved < 0x20).any():
            return True
    return False


def _count_byte(data: bytes | memoryview, byte: int) -> int:
    """How many times `byte` occurs, counted in numpy a slice at a time (several times faster than bytes.count)."""
    a = np.frombuffer(data, dtype=np.uint8)
    return sum(int(np.count_nonzero(a[begin:begin + _SLICE] == byte)) for begin in range(0, len(a), _SLICE))


def _read_csv(data: bytes, problems: _Problems) -> _Raw:
    start = 0
    encoding = "utf-8"
    if data.startswith(codecs.BOM_UTF8):
        start, encoding = 3, "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise _not_a_table(problems, "Filen ser ut som UTF-16-text men går inte att läsa.",
                               typ="teckenkodning") from None
        encoding = "utf-16"
    sample = data[start:start + SAMPLE_BYTES]
    whole_in_sample = len(data) - start <= SAMPLE_BYTES
    if b"\x00" in sample:
        raise _not_a_table(problems, "Filen är inte en textfil (den innehåller binära data).")
    controls = sum(sample.count(bytes([b])) for b in range(32) if b not in (9, 10, 12, 13, 26))
    if controls > max(3, len(sample) // 200):
        raise _not_a_table(problems, "Filen är inte en textfil (den innehåller binära data).")

    # stray: UTF-8 with bytes that are not UTF-8 (a Windows-1252 ö pasted in): they are located and reported.
    stray = False
    if encoding == "utf-8":
        encoding, stray = _sniff_utf8(data, start, sample, whole_in_sample)
    elif encoding == "utf-8-sig":
        stray = not _is_utf8(sample, whole_in_sample)
    if encoding == "cp1252":
        try:
            text = sample.decode("cp1252")
        except UnicodeDecodeError:
            problems.add(FEL, "teckenkodning",
                         "Filen går inte att läsa som text: den är varken UTF-8 eller Windows-1252. "
                         "Spara om den från Excel som CSV UTF-8 och ladda upp den igen.",
                         forvantat="UTF-8 eller Windows-1252")
            raise _Stop() from None
    else:
        errors = "replace" if encoding == "utf-16" else _BAD_BYTE_ERRORS
        text = codecs.getincrementaldecoder("utf-8")(errors=errors).decode(sample, final=whole_in_sample)

    lines = _physical_lines(text, whole_in_sample)
    if not lines:
        raise _empty_file(problems)
    header_index, delimiter, names = _choose_header(lines)
    header_row = header_index + 1

    # The data begin after the header line's line end (one or two bytes in every encoding read here).
    body_start = _after_lines(data, start, header_index + 1)
    end = len(data)
    trailing = b" \r\n\x1a" if delimiter == "\t" else b" \t\r\n\x1a"  # never a delimiter: it ends empty fields
    while end > body_start and data[end - 1] in trailing:
        end -= 1
    if end <= body_start:
        raise _empty_file(problems, "Filen har en rubrikrad men inga datarader.")

    column_names = [f"c{i}" for i in range(len(names))]
    ascii_sample = sample.isascii()
    # Only a quoted value can span lines; without a quote character anywhere pyarrow may split the
    # data into blocks at any newline, which is faster.
    quoted = data.find(b'"', body_start, end) >= 0
    body: bytes | memoryview = memoryview(data)[body_start:end]

    def marked(raw: bytes | memoryview) -> bytes:
        return bytes(raw).decode("utf-8", errors=_BAD_BYTE_ERRORS).encode("utf-8")

    latin1: dict[int, bool] = {}

    def decoder(enc: str) -> str:
        """The decoder pyarrow transcodes with (its transcoding runs Python's codec, holding the GIL).

        Windows-1252 and Latin-1 decode every byte outside 0x80-0x9F alike, and Latin-1's decoder is
        several times faster, so a Windows-1252 file without such bytes is decoded as Latin-1.
        """
        if enc in ("utf-8", "utf-8-sig", "utf-16"):
            return "utf8"
        if enc == "cp1252":
            if id(body) not in latin1:
                latin1.clear()
                latin1[id(body)] = not _has_c1_bytes(body)
            return "latin-1" if latin1[id(body)] else enc
        return enc

    def parse(enc: str, threads: bool, on_invalid) -> pa.Table:
        return pacsv.read_csv(
            pa.py_buffer(body),
            read_options=pacsv.ReadOptions(column_names=column_names, use_threads=threads, encoding=decoder(enc)),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True,
                                             newlines_in_values=quoted, ignore_empty_lines=False,
                                             invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in column_names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )

    invalid: list[tuple[int | None, int, bool]] = []

    def on_invalid(row) -> str:
        blank = not row.text.replace(delimiter, "").strip().strip('"').strip()
        invalid.append((row.number, row.actual_columns, blank))
        return "skip"

    def read(enc: str) -> pa.Table:
        return parse(enc, True, on_invalid)

    try:
        if stray:
            body = marked(body)
        try:
            table = read(encoding)
        except pa.ArrowInvalid as exc:
            if "UTF8" not in str(exc) or encoding not in ("utf-8", "utf-8-sig") or stray:
                raise
            invalid.clear()
            # Something further down is not UTF-8. A file that began in plain ASCII may be Windows-1252
            # throughout; otherwise the odd bytes are located.
            if encoding == "utf-8" and ascii_sample and not _mostly_utf8(body):
                encoding = "cp1252"
            else:
                stray, body = True, marked(body)
            table = read(encoding)
    except (UnicodeDecodeError, pa.ArrowInvalid) as exc:
        if isinstance(exc, UnicodeDecodeError) or "UTF8" in str(exc):
            raise _encoding_error(problems) from None
        # never pyarrow's message: it quotes the row, which may hold a personnummer
        problems.add(FEL, "kan inte läsas",
                     "Filen kunde inte tolkas som en tabell, t.ex. för att ett citattecken (\") aldrig "
                     "avslutas. Öppna filen i Excel, spara den som CSV igen och ladda upp den.",
                     forvantat="en tabell med lika många fält på varje rad")
        raise _Stop() from None

    n = table.num_rows
    bad = 0
    if invalid:
        # Rare: find where the skipped rows were (only single-threaded parsing knows).
        invalid.clear()
        table = None  # free the first parse before the second
        table = parse(encoding, False, on_invalid)
        skipped = np.array([number for number, _, _ in invalid], dtype=np.int64)
        records = np.arange(1, table.num_rows + len(skipped) + 1, dtype=np.int64)
        rownums = np.setdiff1d(records, skipped, assume_unique=True) + header_row
        for number, actual, blank in invalid:
            if blank:
                continue
            bad += 1
            rad = number + header_row
            problems.add(FEL, "fel antal fält",
                         f"Rad {rad} har {actual} fält men rubrikraden har {len(names)}. Kontrollera "
                         f"raden: ett värde som innehåller avgränsaren ({_DELIMITER_NAMES[delimiter]}) måste stå "
                         "inom citattecken, och raden får inte ha fler eller färre avgränsare än rubrikraden.",
                         rad=rad, forvantat=f"{len(names)} fält som på rubrikraden")
    else:
        rownums = np.arange(header_row + 1, header_row + 1 + n, dtype=np.int64)
    columns = [table.column(c) for c in column_names]
    if stray and _report_bad_bytes(names, columns, rownums, header_row, problems):
        raise _Stop()  # every value after the odd byte may be misread: nothing more to say about them
    return _Raw(names=names, columns=columns, rownums=rownums,
                encoding=encoding, delimiter=delimiter, invalid_rows=bad, header_row=header_row)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


def _cell_texts(values: Sequence) -> list[str]:
    return [v if v.__class__ is str else _cell_text(v) for v in values]


def _column_text(values: list) -> pa.Array:
    """A piece of a sheet's column as text, as `_cell_text` writes each cell; whole columns of text or of
    whole numbers (the usual case) without a Python loop."""
    try:
        array = pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
        return pa.array(_cell_texts(values), pa.string())
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        return array.cast(pa.string())
    if pa.types.is_floating(array.type) and array.null_count == 0 and len(array) and \
            pc.all(pc.equal(pc.floor(array), array)).as_py() and pc.max(pc.abs(array)).as_py() < 2 ** 53:
        return array.cast(pa.int64()).cast(pa.string())
    return pa.array(_cell_texts(values), pa.string())


def _refuse(problems: _Problems, typ: str, message: str, expected: str) -> _Stop:
    problems.add(FEL, typ, message, forvantat=expected)
    return _Stop()


_SPLIT_BY_YEAR = ("Dela upp uttaget i flera filer med hela statistikår i varje och ladda upp dem var för sig (för "
                  "varje år gäller den senast importerade filen, så ett år får inte delas på två filer).")


def time_up_message(workbook: bool, seconds: float = limits.READ_SECONDS) -> str:
    """Why reading stopped at the time limit, and what to do (the same on the page and the command line)."""
    fix = xlsx.SPLIT_OR_CSV if workbook else _SPLIT_BY_YEAR
    return (f"Att läsa och kontrollera filen krävde mer än {_seconds(seconds)} processortid, så läsningen "
            f"avbröts och ingenting importerades. {fix}")


def _seconds(seconds: float) -> str:
    n = max(1, round(seconds))
    return f"{fmt.count(n)} {'sekunds' if n == 1 else 'sekunders'}"


def _time_up(problems: _Problems, workbook: bool, seconds: float = limits.READ_SECONDS) -> _Stop:
    return _refuse(problems, "för lång tid", time_up_message(workbook, seconds),
                   f"en fil som läses med högst {_seconds(seconds)} processortid")
