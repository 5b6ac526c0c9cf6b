"""How much one uploaded or imported extract may be, in one place.

Every limit is checked before the file is expanded in full, so a file past one is refused
with a Swedish message within seconds (the message names the limit, the file's figure and
the fix). The figures were chosen on a 2-core machine (README, Prestanda):

- A national-scale extract, 1 000 000 rows (a decade) as CSV, is about 66 MB and is read,
  checked and summed in about 1 s (462 MB peak): the CSV limits leave twice that.
- Excel workbooks are read by python-calamine (Rust): about 10 s and 1 GB peak for
  1 000 000 rows of 13 columns, since a sheet is expanded cell by cell in memory. Half of
  that (5 s, 0.5 GB) is the most one upload may cost; Stockholm's register is about
  8 500 rows a year, so a decade fits 6 times. Larger extracts go as CSV.
- Every limit here bounds the time as well; READ_SECONDS is the last guard, for what no
  size shows (a pathological file). It is CPU time, so that a busy machine does not refuse a
  file that only waits for a core. The dashboard reads each upload in a child process, which
  the kernel ends past that CPU time, and waits WAIT_SECONDS at most in all (kaa.isolate).
"""

from __future__ import annotations

MB = 1024 * 1024  # as Streamlit counts maxUploadSize

#: Largest file, CSV or Excel (the uploader's maxUploadSize in .streamlit/config.toml too).
MAX_FILE_MB = 150
MAX_FILE_BYTES = MAX_FILE_MB * MB
#: Rows of a CSV file, header included (a physical line is a row here).
MAX_CSV_ROWS = 2_000_000
#: Rows of an Excel sheet, header included (the last row with a cell in it).
MAX_XLSX_ROWS = 500_000
#: Cells of an Excel sheet: rows × columns of the rectangle its cells span, which is what is
#: expanded in memory (about 75 bytes each), however few of them are filled.
MAX_XLSX_CELLS = 10_000_000
#: Unpacked size of a workbook: the sum of its parts' uncompressed sizes, from the zip directory.
MAX_XLSX_UNPACKED_MB = 400
MAX_XLSX_UNPACKED_BYTES = MAX_XLSX_UNPACKED_MB * MB
#: Parts this much larger unpacked than packed are a zip bomb (a sheet packs 8–15 times).
MAX_COMPRESSION_RATIO = 100
#: Below this unpacked size a part is not judged by its ratio (a few KB of spaces pack 1000 times).
RATIO_MIN_BYTES = 1 * MB
#: Parts in one workbook (Excel writes about 10; a zip with thousands is not a workbook).
MAX_XLSX_PARTS = 1000
#: CPU seconds one file may take to be read, checked and summed (a 500 000-row sheet takes about 8).
READ_SECONDS = 60
#: CPU seconds past READ_SECONDS before the kernel ends a reading process stuck in one long call.
KILL_GRACE_SECONDS = 5
#: Wall-clock seconds the dashboard waits for one file in all (a queue for a free reader included).
WAIT_SECONDS = 300
