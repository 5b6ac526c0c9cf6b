"""Excel workbooks (.xlsx, .xlsm): checked from the zip directory, scanned, then read by python-calamine.

Reading a workbook has three steps, and only the last expands the sheet in memory:

1. `open_workbook` looks at the zip directory only: the number of parts, their unpacked size
   (the sum of uncompressed sizes), each part's compression ratio (a zip bomb), and what kind of
   zip it is (an OpenDocument or binary workbook, a Word document). It finds the first sheet.
2. `scan_sheet` streams the first sheet's XML through zlib in 1 MB pieces, keeping none of it:
   how many rows and columns its cells span, and the formula cells without a saved value and the
   error cells (#N/A …), which python-calamine would report as empty. It stops at a row or cell
   limit, or at the deadline. Every other part is streamed through zipfile as well, which checks
   its size and CRC against the directory, so nothing bigger than the directory says is expanded.
3. `iter_rows` reads the sheet's values with python-calamine (Rust, about 15 times faster than
   openpyxl) and gives them row by row, with the number of the sheet's last row to count from.

Macros in an .xlsm are never run: only the cells are read. Nothing is written anywhere.
Problems are raised as `Refused` with a Swedish message; they never quote a cell.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from dataclasses import dataclass, field
from typing import Callable, Iterator

from kaa import fmt, limits

_CHUNK = 1 << 20

#: What to do instead, in every message about a workbook that is too large.
SPLIT_OR_CSV = ("Spara uttaget som CSV i stället (i Excel: Arkiv → Spara som → CSV UTF-8), som läses mycket "
                f"snabbare och får ha upp till {fmt.count(limits.MAX_CSV_ROWS)} rader, eller dela upp det i flera "
                "filer med ett eller några statistikår i varje och ladda upp dem var för sig.")


class Refused(Exception):
    """The workbook is not read; `meddelande` says why and what to do, in Swedish."""

    def __init__(self, typ: str, meddelande: str, forvantat: str = "") -> None:
        super().__init__(typ)
        self.typ, self.meddelande, self.forvantat = typ, meddelande, forvantat


class TimeUp(Exception):
    """The deadline (in `time.process_time()`, the process's CPU time) passed while the workbook was read."""


def _mb(size: int) -> str:
    return f"{fmt.count(max(1, round(size / limits.MB)))} MB"


def too_large(what: str) -> Refused:
    return Refused("för stor fil", f"{what} {SPLIT_OR_CSV}", "en mindre fil, eller CSV")


# --- 1. The zip directory ----------------------------------------------------------------------


@dataclass
class Workbook:
    zip: zipfile.ZipFile
    sheet: zipfile.ZipInfo          # the first sheet's part
    unpacked: int                   # sum of the parts' uncompressed sizes


_NOT_A_WORKBOOK = ("Öppna filen i Excel och spara den som Excel-arbetsbok (.xlsx) eller CSV UTF-8, "
                   "och ladda upp den filen.")


def _not_a_workbook(what: str) -> Refused:
    return Refused("inte en tabell", f"{what} {_NOT_A_WORKBOOK}",
                   "en tabell som CSV (UTF-8 eller Windows-1252) eller Excel-arbetsbok (.xlsx, .xlsm)")


def _attribute(tag: bytes, name: bytes) -> bytes | None:
    match = re.search(rb"(?:^|\s)" + name + rb'\s*=\s*"([^"]*)"', tag)
    return match.group(1) if match else None


def _read_small(book: zipfile.ZipFile, name: str) -> bytes:
    info = book.getinfo(name)
    if info.file_size > 16 * limits.MB:
        raise _not_a_workbook("Filen är ingen Excel-arbetsbok som går att läsa.")
    return book.read(info)


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    parts = base.split("/")[:-1] + target.split("/")
    out: list[str] = []
    for part in parts:
        if part == "..":
            if out:
                out.pop()
        elif part not in ("", "."):
            out.append(part)
    return "/".join(out)


def _relationships(book: zipfile.ZipFile, part: str) -> dict[bytes, tuple[bytes, str]]:
    """Id → (type, target part) of a part's relationships."""
    folder, _, name = part.rpartition("/")
    rels = f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"
    if rels not in book.NameToInfo:
        return {}
    found = {}
    for tag in re.findall(rb"<(?:\w+:)?Relationship\b[^>]*>", _read_small(book, rels)):
        rid, typ, target = (_attribute(tag, n) for n in (rb"Id", rb"Type", rb"Target"))
        if rid and target:
            found[rid] = (typ or b"", _resolve(part, target.decode("utf-8", "replace")))
    return found


def _first_sheet(book: zipfile.ZipFile) -> str | None:
    """The part of the workbook's first sheet, as python-calamine's index 0 (workbook order)."""
    names = book.NameToInfo
    workbook = next((target for typ, target in _relationships(book, "").values()
                     if typ.endswith(b"/officeDocument") and target in names), None)
    if workbook is None:
        workbook = "xl/workbook.xml" if "xl/workbook.xml" in names else None
    if workbook is None:
        return None
    rels = _relationships(book, workbook)
    for tag in re.findall(rb"<(?:\w+:)?sheet\b[^>]*>", _read_small(book, workbook)):
        rid = re.search(rb'\b\w+:id\s*=\s*"([^"]*)"', tag)
        if rid and rid.group(1) in rels and rels[rid.group(1)][1] in names:
            return rels[rid.group(1)][1]
        break
    return None


def open_workbook(data: bytes) -> Workbook:
    """The zip directory's checks; the workbook and its first sheet. Expands nothing but small parts."""
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        infos = book.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise _not_a_workbook("Filen ser ut som en zip-fil men är ingen Excel-arbetsbok som går att läsa.") from None
    if len(infos) > limits.MAX_XLSX_PARTS:
        raise _not_a_workbook(f"Filen är en zip-fil med {fmt.count(len(infos))} delar, ingen Excel-arbetsbok.")
    unpacked = sum(info.file_size for info in infos)
    if unpacked > limits.MAX_XLSX_UNPACKED_BYTES:
        raise too_large(f"Arbetsboken blir {_mb(unpacked)} uppackad, men högst "
                        f"{fmt.count(limits.MAX_XLSX_UNPACKED_MB)} MB kan läsas.")
    for info in infos:
        if info.file_size >= limits.RATIO_MIN_BYTES and \
                info.file_size > limits.MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise Refused("för stor fil",
                          f"En del av arbetsboken blir {fmt.count(ratio)} gånger större uppackad (en vanlig "
                          f"arbetsbok packas 8–15 gånger, högst {fmt.count(limits.MAX_COMPRESSION_RATIO)} "
                          "gånger godtas). Så packas bara en fil som är gjord för att fylla minnet (en "
                          "zip-bomb), så den läses inte. Öppna uttaget i Excel och spara det på nytt, eller "
                          "spara det som CSV, och ladda upp den filen.",
                          f"högst {fmt.count(limits.MAX_COMPRESSION_RATIO)} gånger packad")
    if any(info.flag_bits & 0x1 for info in infos):
        raise _not_a_workbook("Filen är en lösenordsskyddad zip-fil.")
    names = book.NameToInfo
    if "mimetype" in names and b"opendocument" in _read_small(book, "mimetype"):
        raise _not_a_workbook("Filen är ett OpenDocument-dokument (t.ex. .ods från LibreOffice), ingen "
                              "Excel-arbetsbok.")
    if any(name.endswith("workbook.bin") for name in names):
        raise _not_a_workbook("Filen är en binär Excel-arbetsbok (.xlsb), som inte kan läsas här.")
    if "word/document.xml" in names or "ppt/presentation.xml" in names:
        raise _not_a_workbook("Filen är ett Word- eller PowerPoint-dokument, ingen Excel-arbetsbok.")
    try:
        sheet = _first_sheet(book)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError):
        sheet = None
    if sheet is None:
        raise _not_a_workbook("Filen ser ut som en zip-fil men är ingen Excel-arbetsbok som går att läsa.")
    return Workbook(zip=book, sheet=names[sheet], unpacked=unpacked)


# --- 2. Scanning the sheet -------------------------------------------------------------------------


@dataclass
class Scan:
    rows: int = 0                   # the last row number with a cell (or the number of rows)
    columns: int = 0                # the last column with a value
    #: (row, column number) of formula cells without a saved value, the first few
    formulas: list[tuple[int | None, int | None]] = field(default_factory=list)
    formula_count: int = 0
    #: (row, column number, the error) of cells holding an error value (#N/A …), the first few
    errors: list[tuple[int | None, int | None, str]] = field(default_factory=list)
    error_count: int = 0


def column_number(letters: bytes | str) -> int:
    """A → 1, Z → 26, AA → 27."""
    number = 0
    for ch in letters.upper() if isinstance(letters, str) else letters.decode().upper():
        number = number * 26 + ord(ch) - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _wider_than(width: int) -> re.Pattern:
    """A cell with a value whose column is right of `width` (one cheap search per piece of a narrow sheet)."""
    alternatives = [rb"[A-Z]{3}"]
    letters = column_letters(width)
    if len(letters) <= 1:
        alternatives.append(rb"[A-Z]{2}")
        if width < 26:
            alternatives.append(f"[{chr(65 + width)}-Z]".encode())
    elif len(letters) == 2:
        first, second = letters
        if first < "Z":
            alternatives.append(f"[{chr(ord(first) + 1)}-Z][A-Z]".encode())
        if second < "Z":
            alternatives.append(f"{first}[{chr(ord(second) + 1)}-Z]".encode())
    return re.compile(rb'\br="(?:' + b"|".join(alternatives) + rb')[0-9]+"[^>]*(?<!/)>')


_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})[0-9]+"[^>]*(?<!/)>')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="\$?[A-Z]{0,3}\$?[0-9]*:?\$?([A-Z]{0,3})\$?([0-9]+)"')
_ROOT = re.compile(rb"<(\w+:)?worksheet[\s>]")
_VALUE = re.compile(rb"<(?:\w+:)?v(?:\s[^>]*)?>([^<]+)<")
_EXAMPLES = 20


def scan_sheet(book: Workbook, *, deadline: float | None = None,
               progress: Callable[[float], None] | None = None) -> Scan:
    """Stream the first sheet once: its extent, formulas without values, error cells. Raises at a limit."""
    info = book.sheet
    scan = Scan()
    prefix: bytes | None = None
    carry = b""
    done = 0
    wider = _wider_than(0)
    row_close = b"</row>"
    tags: dict[str, bytes] = {}

    def process(part: bytes) -> None:
        nonlocal wider
        scan.rows += part.count(row_close)
        start = part.rfind(tags["row"])
        if start >= 0:
            number = re.match(rb'[^>]*?\br="([0-9]+)"', part[start:start + 400])
            if number:
                scan.rows = max(scan.rows, int(number.group(1)))
        if wider.search(part):
            scan.columns = max(scan.columns, *(column_number(m) for m in _CELL_REF.findall(part)))
            wider = _wider_than(scan.columns)
        if over_limit():
            return  # refused anyway: only the rows are counted on, for the message
        if tags["f"] in part or tags["fsp"] in part or tags["fsl"] in part:
            _formulas(part, scan, tags)
        if b't="e"' in part:
            _errors(part, scan, tags)

    def over_limit() -> bool:
        return scan.rows > limits.MAX_XLSX_ROWS or scan.rows * scan.columns > limits.MAX_XLSX_CELLS

    try:
        with book.zip.open(info) as stream:
            while True:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
                done += len(chunk)
                buf = carry + chunk if carry else chunk
                if prefix is None:
                    root = _ROOT.search(buf)
                    if root is None and len(buf) < 64 * 1024:
                        carry = buf
                        continue
                    prefix = (root.group(1) or b"") if root else b""
                    row_close = b"</" + prefix + b"row>"
                    tags = {"row": b"<" + prefix + b"row ", "c": b"<" + prefix + b"c ",
                            "c_end": b"</" + prefix + b"c>", "f": b"<" + prefix + b"f>",
                            "fsp": b"<" + prefix + b"f ", "fsl": b"<" + prefix + b"f/"}
                    dimension = _DIMENSION.search(buf[:64 * 1024])
                    if dimension and int(dimension.group(2)) > limits.MAX_XLSX_ROWS:
                        raise _too_many_rows(int(dimension.group(2)))
                cut = buf.rfind(row_close)
                if cut < 0:
                    cut = buf.rfind(tags["c_end"])
                    end = cut + len(tags["c_end"]) if cut >= 0 else 0
                else:
                    end = cut + len(row_close)
                if end:
                    process(buf[:end])
                carry = buf[end:]
                if len(carry) > 64 * limits.MB:  # one row of 64 MB: far past the cell limit anyway
                    raise too_large("En rad i det första bladet är större än 64 MB.")
                if deadline is not None and time.process_time() > deadline:
                    raise TimeUp()
                if progress is not None:
                    progress(done / max(info.file_size, 1))
            if carry and tags:
                process(carry)
        # The other parts python-calamine reads are checked against the directory (size and CRC).
        for other in book.zip.infolist():
            if other.filename != info.filename and not other.is_dir():
                with book.zip.open(other) as stream:
                    while stream.read(_CHUNK):
                        if deadline is not None and time.process_time() > deadline:
                            raise TimeUp()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError,
            RuntimeError):
        raise _not_a_workbook("Arbetsboken är skadad (en del av den går inte att packa upp).") from None
    if scan.rows > limits.MAX_XLSX_ROWS:
        raise _too_many_rows(scan.rows)
    if scan.rows * scan.columns > limits.MAX_XLSX_CELLS:
        raise too_large(f"Det första bladets celler sträcker sig över {fmt.count(scan.rows)} rader och "
                        f"{fmt.count(scan.columns)} kolumner ({fmt.count(scan.rows * scan.columns)} celler), men "
                        f"högst {fmt.count(limits.MAX_XLSX_CELLS)} celler kan läsas från en Excel-fil. Ta bort "
                        "kolumner som inte hör till uttaget och värden långt till höger eller långt ner.")
    return scan


def _too_many_rows(rows: int) -> Refused:
    return too_large(f"Det första bladet har {fmt.count(rows)} rader, men högst "
                     f"{fmt.count(limits.MAX_XLSX_ROWS)} rader kan läsas från en Excel-fil.")


def _cell_at(part: bytes, position: int, tags: dict[str, bytes]) -> tuple[bytes, bytes, int] | None:
    """The start tag and content of the cell around `position`, and where the cell ends."""
    start = part.rfind(tags["c"], 0, position)
    bare = part.rfind(b"<" + tags["c"][1:-1] + b">", 0, position)
    start = max(start, bare)
    if start < 0:
        return None
    end = part.find(tags["c_end"], position)
    if end < 0:
        end = len(part)
    close = part.find(b">", start)
    return part[start:close + 1], part[close + 1:end], end


def _where(tag: bytes) -> tuple[int | None, int | None]:
    ref = _REF.search(tag)
    return (int(ref.group(2)), column_number(ref.group(1))) if ref else (None, None)


def _formulas(part: bytes, scan: Scan, tags: dict[str, bytes]) -> None:
    pattern = re.compile(re.escape(tags["f"][:-1]) + rb"[\s>/]")
    position = 0
    while True:
        match = pattern.search(part, position)
        if match is None:
            return
        cell = _cell_at(part, match.start(), tags)
        if cell is None:
            position = match.end()
            continue
        tag, content, end = cell
        position = max(end, match.end())
        if _VALUE.search(content) is not None:
            continue  # a saved value
        if _attribute(tag, rb"t") == b"str" and re.search(rb"<(?:\w+:)?v[\s/>]", content):
            continue  # a saved empty text: Excel writes t="str" and <v></v>
        scan.formula_count += 1
        if len(scan.formulas) < _EXAMPLES:
            scan.formulas.append(_where(tag))


def _errors(part: bytes, scan: Scan, tags: dict[str, bytes]) -> None:
    for match in re.finditer(rb'\bt="e"', part):
        cell = _cell_at(part, match.start(), tags)
        if cell is None:
            continue
        tag, content, _ = cell
        value = _VALUE.search(content)
        scan.error_count += 1
        if len(scan.errors) < _EXAMPLES:
            row, column = _where(tag)
            text = value.group(1).decode("ascii", "replace").strip() if value else ""
            # Excel's error values only (never anything else the cell might hold).
            known = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                     "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!")
            scan.errors.append((row, column, text if text in known else "#fel"))


# --- 3. Reading the values -----------------------------------------------------------------------


def iter_rows(data: bytes, *, deadline: float | None = None) -> tuple[int, int, Iterator[list]]:
    """python-calamine's rows of the first sheet: (the number of its last row with a value, the number of
    its first column with a value, the rows from there). Rows before the first with a value may or may
    not be given; the last row given is always the sheet's last with a value."""
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not workbook.sheet_names:
            raise Refused("tom fil", "Arbetsboken har inga blad. Ladda upp ett uttag med en rubrikrad och minst "
                                     "en datarad.", "en rubrikrad och minst en datarad")
        sheet = workbook.get_sheet_by_index(0)
    except Refused:
        raise
    except Exception:  # python-calamine's errors may quote the file: never shown
        raise _not_a_workbook("Arbetsboken går inte att läsa (den är skadad eller har ett format som inte "
                              "stöds).") from None
    if deadline is not None and time.process_time() > deadline:
        raise TimeUp()
    if sheet.end is None:
        return 0, 1, iter(())
    return sheet.end[0] + 1, sheet.start[1] + 1, sheet.iter_rows()
