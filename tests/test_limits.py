"""Bounded work: limits checked before a file is expanded, Excel formulas and error cells, .xlsm, and
the dashboard's reading in a child process (kaa.isolate). Every file is made here, for real."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import time
import tomllib
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from kaa import cli, demo, isolate, limits, xlsx
from kaa.extract import pipeline, read_extract, report_lines

ROOT = Path(__file__).resolve().parent.parent
HEADER = list(demo.COLUMNS_UTAN_DATUM)  # demo.generate's columns when no dates are asked for


# --- Files -------------------------------------------------------------------------------------------


def rows(n: int, years=(2020, 2021)) -> list[list]:
    table = demo.generate(n, list(years), seed=1)
    columns = [table.column(c).to_pylist() for c in table.column_names]
    return [list(row) for row in zip(*columns)]


def workbook(data_rows: list[list], header: list[str] = HEADER, edit=None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in data_rows:
        sheet.append(row)
    if edit is not None:
        edit(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rezip(data: bytes, change: dict[str, object] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """The workbook with parts changed (a function of the part's bytes) or added."""
    change, add = change or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename in change:
                body = change[info.filename](body)
            target.writestr(info.filename, body)
        for name, body in add.items():
            target.writestr(name, body)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"


def without_dimension(body: bytes) -> bytes:
    import re
    return re.sub(rb"<dimension [^>]*/>", b"", body)


def problems(result, typ: str) -> pd.DataFrame:
    return result.problems[result.problems["typ"] == typ]


def one_error(result, typ: str) -> str:
    found = problems(result, typ)
    assert len(found) == 1, report_lines(result)
    assert result.has_errors and result.facts.empty
    return found["meddelande"].iat[0]


@pytest.fixture
def never_expanded(monkeypatch):
    """Fail if the sheet is handed to python-calamine: a refused workbook must be refused before."""
    def forbidden(*args, **kwargs):
        raise AssertionError("the sheet was expanded")
    monkeypatch.setattr(xlsx, "iter_rows", forbidden)


@pytest.fixture(scope="module")
def small_book() -> bytes:
    return workbook(rows(40))


# --- Limits, checked before anything is expanded --------------------------------------------------------


def test_a_sheet_past_the_row_limit_is_refused_from_its_dimension(monkeypatch, never_expanded, small_book):
    monkeypatch.setattr(limits, "MAX_XLSX_ROWS", 30)
    result = read_extract(small_book, "uttag.xlsx")
    text = one_error(result, "för stor fil")
    assert "41 rader" in text and "högst 30 rader" in text and "CSV" in text and "dela upp" in text
    assert report_lines(result)[0] == "uttag.xlsx: inga rader kunde läsas."


def test_a_sheet_without_a_dimension_is_counted_as_it_streams(monkeypatch, never_expanded, small_book):
    data = rezip(small_book, {SHEET: without_dimension})
    monkeypatch.setattr(limits, "MAX_XLSX_ROWS", 30)
    assert "41 rader" in one_error(read_extract(data, "uttag.xlsx"), "för stor fil")


def test_one_far_away_cell_counts_as_the_rows_down_to_it(never_expanded):
    """python-calamine expands the rectangle the cells span: one cell on row 1 000 000 is a million rows."""
    def far(sheet):
        sheet.cell(row=1_000_000, column=1, value="x")

    data = workbook(rows(3), edit=far)
    assert len(data) < 20_000
    for variant in (data, rezip(data, {SHEET: without_dimension})):
        assert "1 000 000 rader" in one_error(read_extract(variant, "uttag.xlsx"), "för stor fil").replace("\xa0", " ")


def test_the_cells_a_sheet_spans_are_limited(monkeypatch, never_expanded):
    def wide(sheet):
        sheet.cell(row=2, column=300, value="anteckning")

    data = rezip(workbook(rows(20), edit=wide), {SHEET: without_dimension})
    monkeypatch.setattr(limits, "MAX_XLSX_CELLS", 5_000)
    text = one_error(read_extract(data, "uttag.xlsx"), "för stor fil").replace("\xa0", " ")
    assert "21 rader och 300 kolumner (6 300 celler)" in text and "högst 5 000 celler" in text


def test_the_unpacked_size_is_read_from_the_zip_directory(monkeypatch, never_expanded, small_book):
    unpacked = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(small_book)).infolist())
    monkeypatch.setattr(limits, "MAX_XLSX_UNPACKED_BYTES", unpacked - 1)
    monkeypatch.setattr(limits, "MAX_XLSX_UNPACKED_MB", 0)
    text = one_error(read_extract(small_book, "uttag.xlsx"), "för stor fil")
    assert "uppackad" in text and "högst 0 MB" in text


def test_a_zip_bomb_is_refused_from_the_directory_in_milliseconds(never_expanded, small_book):
    bomb = rezip(small_book, add={"xl/media/image1.bin": bytes(40 * limits.MB)})
    assert len(bomb) < len(small_book) + 100_000  # 40 MB of zeros packs about 1000 times
    start = time.perf_counter()
    result = read_extract(bomb, "uttag.xlsx")
    assert time.perf_counter() - start < 1
    text = one_error(result, "för stor fil")
    assert "zip-bomb" in text and "gånger större uppackad" in text


def test_a_zip_that_is_no_workbook_says_what_it_is(small_book):
    ods = io.BytesIO()
    with zipfile.ZipFile(ods, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    docx = rezip(small_book, add={"word/document.xml": b"<w:document/>"})
    for data, words in ((ods.getvalue(), "OpenDocument"), (docx, "Word"),
                        (rezip(small_book, add={"xl/workbook.bin": b"\0"}), ".xlsb")):
        assert words in one_error(read_extract(data, "uttag.xlsx"), "inte en tabell")


def test_a_broken_sheet_gets_a_swedish_message_not_a_traceback(small_book):
    data = rezip(small_book, {SHEET: lambda body: body[: len(body) // 2]})
    result = read_extract(data, "uttag.xlsx")
    assert result.has_errors and problems(result, "internt fel").empty
    assert "Excel-arbetsbok" in result.problems["meddelande"].iat[0] or "Arbetsboken" in \
        result.problems["meddelande"].iat[0]


def test_csv_rows_are_counted_before_parsing(monkeypatch):
    monkeypatch.setattr(limits, "MAX_CSV_ROWS", 100)
    monkeypatch.setattr(pipeline, "_read_csv", lambda *a: (_ for _ in ()).throw(AssertionError("parsed")))
    text = "\n".join([";".join(HEADER)] + [f"2020;P{i};Kvinna" + ";" * 10 for i in range(150)]) + "\n"
    message = one_error(read_extract(text.encode(), "uttag.csv"), "för stor fil").replace("\xa0", " ")
    assert "151 rader" in message and "högst 100 rader" in message
    assert "hela statistikår" in message and "CSV i stället" not in message
    for eol in ("\r\n", "\r"):
        crlf = one_error(read_extract(text.replace("\n", eol).encode(), "uttag.csv"), "för stor fil")
        assert "151 rader" in crlf.replace("\xa0", " ")


def test_a_file_past_the_size_limit_is_refused(monkeypatch, small_book):
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 1000)
    monkeypatch.setattr(limits, "MAX_FILE_MB", 1)
    for data, name in ((b"ar;person_id;kon\n" + b"2020;P1;K\n" * 200, "uttag.csv"), (small_book, "uttag.xlsx")):
        assert "högst 1 MB" in one_error(read_extract(data, name), "för stor fil")


def test_a_national_scale_csv_passes_the_limits():
    """A decade of a national register, 1 000 000 rows as Swedish Excel writes CSV (about 66 MB), is read."""
    out = io.BytesIO()
    demo.write(demo.generate(1_000_000, range(2016, 2026)), out, encoding="cp1252")
    data = out.getvalue()
    assert 60 * 10 ** 6 < len(data) < 75 * 10 ** 6
    result = read_extract(data, "nationellt.csv")
    assert result.rows_read == 1_000_000 and problems(result, "för stor fil").empty
    assert not result.has_errors, report_lines(result)


def test_the_limits_leave_room_and_agree_with_the_uploader():
    assert limits.MAX_CSV_ROWS >= 2_000_000 and limits.MAX_FILE_BYTES >= 2 * 66 * 10 ** 6
    assert limits.MAX_XLSX_ROWS <= 1_048_576 and limits.MAX_XLSX_CELLS >= 13 * limits.MAX_XLSX_ROWS
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == limits.MAX_FILE_MB


def test_the_time_limit_stops_the_reading_in_process(small_book):
    csv_bytes = ("\n".join([";".join(HEADER)] + [";".join(map(str, r)) for r in rows(40)]) + "\n").encode()
    for data, name, fix in ((csv_bytes, "uttag.csv", "hela statistikår"), (small_book, "uttag.xlsx", "CSV")):
        text = one_error(read_extract(data, name, time_limit=0), "för lång tid")
        assert "avbröts" in text and fix in text


# --- Formulas and error cells ----------------------------------------------------------------------------------


def formula_book(cached: bool = False) -> bytes:
    def edit(sheet):
        sheet["C3"] = '=IF(1,"Kvinna","Man")'   # kon, data row 2
        sheet["N1"] = "anteckning"
        sheet["N4"] = "=1+1"                     # a column the import does not use

    data = workbook(rows(5), header=HEADER, edit=edit)
    if cached:  # openpyxl writes the empty value as <v /> or <v></v> (with lxml, which python-docx brings)
        data = rezip(data, {SHEET: lambda body: re.sub(
            rb'<c r="C3"><f>IF\(1,"Kvinna","Man"\)</f><v ?/?>(?:</v>)?</c>',
            b'<c r="C3" t="str"><f>IF(1,"Kvinna","Man")</f><v>Kvinna</v></c>', body)})
        assert b"<v>Kvinna</v>" in zipfile.ZipFile(io.BytesIO(data)).read(SHEET)
    return data


def test_a_formula_without_a_saved_value_is_reported_as_a_formula():
    result = read_extract(formula_book(), "uttag.xlsx")
    found = problems(result, "formel utan värde")
    assert list(zip(found["rad"], found["kolumn"])) == [(3, "kon")], report_lines(result)
    text = found["meddelande"].iat[0]
    assert text.startswith("Rad 3, kolumn ”kon” (cell C3): cellen har en formel")
    assert "Kopiera och klistra in som värden" in text and "spara" in text
    assert problems(result, "tomt värde").empty and result.facts.empty
    assert result.rows_read == 5


def test_a_formula_with_a_saved_value_uses_the_value():
    result = read_extract(formula_book(cached=True), "uttag.xlsx")
    assert not result.has_errors, report_lines(result)
    assert problems(result, "formel utan värde").empty
    assert result.rows_read == 5


def test_a_formula_above_the_header_or_in_an_unused_column_is_no_problem():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(['="KAA-uttag "&2020'])  # a title row: not read
    sheet.append([])
    sheet.append(HEADER + ["anteckning"])
    for row in rows(3):
        sheet.append(row + ["=1+1"])
    out = io.BytesIO()
    book.save(out)
    result = read_extract(out.getvalue(), "uttag.xlsx")
    assert not result.has_errors, report_lines(result)
    assert result.rows_read == 3


def test_an_error_cell_is_reported_with_its_error():
    def edit(sheet):
        sheet["A4"] = "#N/A"
        sheet["A4"].data_type = "e"

    result = read_extract(workbook(rows(5), edit=edit), "uttag.xlsx")
    found = problems(result, "felvärde i cell")
    assert list(zip(found["rad"], found["kolumn"], found["varde"])) == [(4, "ar", "#N/A")]
    assert "cell A4" in found["meddelande"].iat[0]


# --- .xlsm, the page and the command line ---------------------------------------------------------------


def test_xlsm_is_read_like_xlsx_and_macros_never_run(small_book):
    with_macro = rezip(small_book, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 not run"})
    as_xlsx = read_extract(small_book, "uttag.xlsx")
    as_xlsm = read_extract(with_macro, "uttag.xlsm")
    assert not as_xlsm.has_errors, report_lines(as_xlsm)
    pd.testing.assert_frame_equal(as_xlsx.facts.drop(columns="kalla"), as_xlsm.facts.drop(columns="kalla"))
    assert "Filen heter .xlsm men är ingen Excel-arbetsbok." in one_error(
        read_extract(b"ar;person_id;kon\n2020;P1;K\n", "uttag.xlsm"), "inte en tabell")


def test_cli_and_page_take_xlsm_alike(tmp_path, capsys, small_book):
    path = tmp_path / "uttag.xlsm"
    path.write_bytes(small_book)
    assert cli.main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("uttag.xlsm (registeruttag, Excel): 40 datarader") and "Traceback" not in out

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.switch_page("pages/ladda-upp.py")
    at.run()
    found = []

    def walk(node):
        for child in getattr(node, "children", {}).values():
            if type(child).__name__ == "FileUploader":
                found.append(child.proto)
            walk(child)

    walk(at._tree)
    assert len(found) == 1
    # No type list: Streamlit never rejects a file in English; the check answers in Swedish.
    assert list(found[0].type) == [] and found[0].max_upload_size_mb == limits.MAX_FILE_MB


# --- Reading in a child process ------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def no_spare_reader():
    """Each test starts its own reading processes (the page's prepare() may have left one waiting)."""
    isolate.discard()
    yield
    isolate.discard()


def test_a_prepared_reader_is_used_and_ends_with_its_server(small_book):
    isolate.prepare()
    spare = isolate._spare
    isolate.prepare()
    assert isolate._spare is spare  # one at most
    result = isolate.read_extract_isolated(small_book, "uttag.xlsx")
    assert result.rows_read == 40 and isolate._spare is None and spare.poll() is not None
    isolate.prepare()
    waiting = isolate._spare
    waiting.stdin.close()  # what the server's exit does to it
    assert waiting.wait(timeout=30) == 0


def test_isolated_reading_gives_the_in_process_result_and_progress(small_book):
    seen = []
    isolated = isolate.read_extract_isolated(small_book, "uttag.xlsx", progress=lambda t, f: seen.append((t, f)))
    local = read_extract(small_book, "uttag.xlsx")
    pd.testing.assert_frame_equal(isolated.facts, local.facts)
    pd.testing.assert_frame_equal(isolated.problems, local.problems)
    assert isolated.rows_read == local.rows_read == 40
    phases = [t for t, _ in seen]
    assert "Läser filen …" in phases and "Summerar …" in phases and seen[-1] == ("Klar", 1.0)


def test_isolated_reading_refuses_like_in_process(monkeypatch, small_book):
    bomb = rezip(small_book, add={"xl/media/image1.bin": bytes(20 * limits.MB)})
    result = isolate.read_extract_isolated(bomb, "uttag.xlsx")
    assert "zip-bomb" in one_error(result, "för stor fil")


class _Recorder:
    """subprocess.Popen that remembers the children it started."""

    started: list = []

    def __init__(self, real):
        self.real = real

    def __call__(self, *args, **kwargs):
        child = self.real(*args, **kwargs)
        _Recorder.started.append(child)
        return child


def test_the_child_keeps_the_cpu_time_limit(small_book):
    text = one_error(isolate.read_extract_isolated(small_book, "uttag.xlsx", time_limit=0), "för lång tid")
    assert "krävde mer än 1 sekunds processortid, så läsningen avbröts" in text and "CSV" in text


def test_a_child_the_kernel_ends_for_its_cpu_time_says_so(monkeypatch, small_book):
    import signal

    monkeypatch.setattr(isolate, "_start", lambda: subprocess.Popen(
        [sys.executable, "-c", f"import os; os.kill(os.getpid(), {int(signal.SIGXCPU)})"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL))
    assert "processortid" in one_error(isolate.read_extract_isolated(small_book, "uttag.xlsx"), "för lång tid")


def test_a_child_past_the_wall_clock_limit_is_killed(monkeypatch, small_book):
    _Recorder.started = []
    monkeypatch.setattr(isolate.subprocess, "Popen", _Recorder(subprocess.Popen))
    monkeypatch.setattr(limits, "WAIT_SECONDS", 0.05)
    start = time.monotonic()
    result = isolate.read_extract_isolated(small_book, "uttag.xlsx")
    assert time.monotonic() - start < 5
    assert "så belastad" in one_error(result, "servern är upptagen")
    (child,) = _Recorder.started
    assert child.poll() is not None and child.returncode < 0  # killed, not left running


def test_a_child_that_dies_gives_a_swedish_error(monkeypatch, small_book):
    monkeypatch.setattr(isolate.sys, "executable", "/bin/false")
    text = one_error(isolate.read_extract_isolated(small_book, "uttag.xlsx"), "internt fel")
    assert "avbröts oväntat" in text and "Traceback" not in text


def test_the_child_writes_nothing_to_disk(kaa_data_dir, tmp_path, small_book, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    isolate.read_extract_isolated(small_book, "uttag.xlsx")
    assert list(kaa_data_dir.iterdir()) == [] and list((tmp_path / "tmp").iterdir()) == []
