"""Does one user's large upload slow another user's page? A real dashboard server, two real browsers.

    python benchmarks/upload_concurrency.py [--rows 400000] [--format xlsx|csv] [--loads 5] [--json out.json]

For each of two servers, one after the other, each `streamlit run dashboard.py` on a free localhost
port with its own empty KAA_DATA_DIR:

  isolerad          the dashboard as shipped: Ladda upp reads the file in a child process
                    (kaa.isolate.read_extract_isolated).
  i serverprocessen the same dashboard with read_extract_isolated replaced, in that server only, by
                    kaa.extract.read_extract in the server's own process (how uploads were read
                    before; a sitecustomize.py on the server's PYTHONPATH does the swap, nothing in
                    the repository changes).

the script measures what a user feels: a headless Chromium loads Översikt (`/`) in a fresh
context, from the navigation's start until Streamlit's script run has ended and a chart has drawn
its traces (as benchmarks/pages.py does). First --loads loads with the server otherwise idle (the
baseline), then --loads loads while another process, with a browser of its own, uploads a large
synthetic extract to /ladda-upp over and over (a fresh session each time, waiting each time until
the check is shown; that process and its browser run at nice 19, as if on the user's own machine).
It prints the median of each, their ratio, how much of the measured loads'
time fell while an upload was being read, the uploads' own durations, and the server process's
peak memory (VmHWM). The milliseconds are for this machine; the ratios compare across machines.

The upload is made by kaa.demo (DEMO- ids, nothing real) and written as an .xlsx (shared strings,
as Excel writes it) or CSV in memory; Playwright hands the bytes to the page without a file.
Needs Playwright and /usr/bin/chromium (bash scripts/test.sh installs both).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("KAA_CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOAD_TIMEOUT_MS = 180_000
UPLOAD_TIMEOUT_MS = 300_000
MODES = (("isolerad", False), ("i serverprocessen", True))

#: Put on the PYTHONPATH of the "i serverprocessen" server only: reads uploads in the server's process.
IN_PROCESS_SITECUSTOMIZE = """\
import sys
sys.path.insert(0, {root!r})
import kaa.extract, kaa.isolate, kaa.limits

def _in_process(data, filename, *, progress=None, stadsdel_map=None, time_limit=kaa.limits.READ_SECONDS):
    return kaa.extract.read_extract(data, filename, progress=progress, stadsdel_map=stadsdel_map,
                                    time_limit=time_limit)

kaa.isolate.read_extract_isolated = _in_process
"""

#: Ready when Streamlit's run has ended and at least one Plotly chart has drawn its traces.
READY_JS = """
window.__kaaReady = () => {
    const app = document.querySelector('[data-testid=stApp]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return null;
    if (document.querySelector('[data-testid=stException]')) return {ready: performance.now(), error: true};
    if (!document.querySelector('[data-testid=stMain] h1') || document.querySelector('[data-testid=stSkeleton]')) {
        return null;
    }
    if (!document.querySelector('.js-plotly-plot .main-svg .trace')) return null;
    return {ready: performance.now()};
};
"""


# --- The upload -------------------------------------------------------------------------------------


def xlsx_bytes(rows: int, seed: int = 0) -> bytes:
    """A synthetic extract as Excel writes a workbook: shared strings, numbers as numbers, a dimension."""
    from kaa import demo
    from kaa.xlsx import column_letters

    table = demo.generate(rows, range(2016, 2026), seed=seed)
    columns = [table.column(c).to_pylist() for c in table.column_names]
    strings: dict[str, int] = {}

    def sid(value: str) -> int:
        return strings.setdefault(value, len(strings))

    refs = [column_letters(i + 1) for i in range(len(columns))]
    out = io.StringIO()
    out.write('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.'
              f'openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:{refs[-1]}{rows + 1}"/><sheetData>')
    out.write('<row r="1">' + "".join(f'<c r="{refs[i]}1" t="s"><v>{sid(n)}</v></c>'
                                      for i, n in enumerate(table.column_names)) + "</row>")
    for r, row in enumerate(zip(*columns), start=2):
        cells = []
        for i, v in enumerate(row):
            if v is None or v == "":
                continue
            if isinstance(v, int) or v.isdigit():
                cells.append(f'<c r="{refs[i]}{r}"><v>{v}</v></c>')
            else:
                cells.append(f'<c r="{refs[i]}{r}" t="s"><v>{sid(v)}</v></c>')
        out.write(f'<row r="{r}">{"".join(cells)}</row>')
    out.write("</sheetData></worksheet>")
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                   '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
                   'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                   f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
                   f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
                   f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/></Types>')
        z.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}">'
                   f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" '
                   f'xmlns:r="{rel}"><sheets><sheet name="Uttag" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships '
                   f'xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
                   f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", out.getvalue())
        z.writestr("xl/sharedStrings.xml", f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{main}">'
                   + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>")
    return buffer.getvalue()


def csv_bytes(rows: int, seed: int = 0) -> bytes:
    from kaa import demo

    out = io.BytesIO()
    demo.write(demo.generate(rows, range(2016, 2026), seed=seed), out, encoding="cp1252")
    return out.getvalue()


def uploader(url: str, rows: int, fmt: str) -> None:
    """The other user: uploads the file to /ladda-upp again and again, one JSON line per upload read."""
    from playwright.sync_api import sync_playwright

    data = xlsx_bytes(rows) if fmt == "xlsx" else csv_bytes(rows)
    name = f"uttag.{fmt}"
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if fmt == "xlsx" else "text/csv"
    print(json.dumps({"ready": True, "bytes": len(data)}), flush=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        while True:
            context = browser.new_context(viewport={"width": 1400, "height": 1200})
            page = context.new_page()
            page.goto(f"{url}/ladda-upp", timeout=LOAD_TIMEOUT_MS)
            page.wait_for_selector("[data-testid=stFileUploader] input[type=file]", state="attached",
                                   timeout=LOAD_TIMEOUT_MS)
            start = time.time()
            page.set_input_files("[data-testid=stFileUploader] input[type=file]",
                                 files=[{"name": name, "mimeType": mime, "buffer": data}])
            page.get_by_role("heading", name="Kontroll").wait_for(timeout=UPLOAD_TIMEOUT_MS)
            end = time.time()
            print(json.dumps({"start": start, "end": end}), flush=True)
            context.close()


# --- The server and the measured page -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, store: Path, log: Path, in_process: bool, site: Path):
        self.port = free_port()
        env = {**os.environ, "KAA_DATA_DIR": str(store)}
        if in_process:
            site.mkdir(exist_ok=True)
            (site / "sitecustomize.py").write_text(IN_PROCESS_SITECUSTOMIZE.format(root=str(ROOT)))
            env["PYTHONPATH"] = os.pathsep.join([str(site), str(ROOT)])
        self.log = log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited: {log.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("streamlit did not start within 60 s")
            time.sleep(0.3)

    def peak_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self.log.close()


def load(browser, url: str) -> tuple[float, float, float]:
    """One load of Översikt in a fresh context: (ms until ready, wall start, wall end)."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    try:
        page = context.new_page()
        page.add_init_script(READY_JS)
        start = time.time()
        page.goto(url + "/", wait_until="commit", timeout=LOAD_TIMEOUT_MS)
        handle = page.wait_for_function("() => window.__kaaReady()", polling="raf", timeout=LOAD_TIMEOUT_MS)
        result = handle.json_value()
        if result.get("error"):
            raise RuntimeError("Översikt shows an exception")
        return float(result["ready"]), start, time.time()
    finally:
        context.close()


def overlap(windows: list[tuple[float, float]], start: float, end: float) -> float:
    return sum(max(0.0, min(end, b) - max(start, a)) for a, b in windows)


def run_mode(name: str, in_process: bool, args, tmp: Path) -> dict:
    from playwright.sync_api import sync_playwright

    store = tmp / f"store-{'in-process' if in_process else 'isolated'}"
    store.mkdir()
    server = Server(store, tmp / f"{store.name}.log", in_process, tmp / "site")
    other = None
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _ in range(2):  # untimed: module imports and the cold cache
                load(browser, server.url)
            alone = [load(browser, server.url)[0] for _ in range(args.loads)]
            # The other user's browser would run on their own machine: here it runs at the lowest CPU
            # priority, so that it takes no core from the server it is measuring.
            other = subprocess.Popen([sys.executable, __file__, "--uploader", server.url, "--rows", str(args.rows),
                                      "--format", args.format], stdout=subprocess.PIPE, text=True, cwd=ROOT,
                                     preexec_fn=lambda: os.nice(19))
            lines: list[dict] = []
            first = json.loads(other.stdout.readline())
            reader = threading.Thread(target=lambda: lines.extend(json.loads(x) for x in other.stdout), daemon=True)
            reader.start()
            # Start measuring once the first upload is being read (its "Kontroll" is not there yet).
            time.sleep(args.settle)
            busy = []
            for _ in range(args.loads):
                ms, start, end = load(browser, server.url)
                busy.append((ms, start, end))
            browser.close()
        other.terminate()
        other.wait(20)
        reader.join(timeout=5)
        windows = [(x["start"], x["end"]) for x in lines if "start" in x]
        during = [ms for ms, _, _ in busy]
        covered = sum(overlap(windows, s, e) for _, s, e in busy) / sum(e - s for _, s, e in busy)
        uploads = [b - a for a, b in windows]
        result = {
            "mode": name, "alone_ms": statistics.median(alone), "during_ms": statistics.median(during),
            "alone_all_ms": alone, "during_all_ms": during, "reading_share": covered,
            "uploads_s": uploads, "upload_bytes": first["bytes"], "server_peak_mb": server.peak_mb(),
        }
        result["ratio"] = result["during_ms"] / result["alone_ms"]
        print(f"  {name}: alone {result['alone_ms']:.0f} ms, during upload {result['during_ms']:.0f} ms "
              f"(×{result['ratio']:.2f}), reading during {covered:.0%} of the loads, uploads "
              f"{', '.join(f'{u:.1f}' for u in uploads)} s, server peak {result['server_peak_mb']:.0f} MB",
              file=sys.stderr)
        return result
    finally:
        if other is not None and other.poll() is None:
            other.kill()
        server.stop()


def sv(value: float, decimals: int = 0) -> str:
    return f"{value:,.{decimals}f}".replace(",", "\u00a0").replace(".", ",")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=400_000, help="rows of the uploaded extract")
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    parser.add_argument("--loads", type=int, default=5, help="measured page loads, alone and during uploads")
    parser.add_argument("--settle", type=float, default=3.0,
                        help="seconds between starting the uploads and the first measured load")
    parser.add_argument("--modes", default="isolerad,i serverprocessen")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--uploader", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.uploader:
        uploader(args.uploader, args.rows, args.format)
        return 0
    if not Path(CHROMIUM).exists():
        print(f"Chromium saknas ({CHROMIUM}): kör bash scripts/test.sh, som installerar den.", file=sys.stderr)
        return 1
    chosen = [m for m in MODES if m[0] in args.modes.split(",")]
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    results = []
    with tempfile.TemporaryDirectory(prefix="kaa-upload-bench-") as tmp:
        for name, in_process in chosen:
            results.append(run_mode(name, in_process, args, Path(tmp)))
    print(f"\nÖversikt i webbläsaren medan en annan session laddar upp {sv(args.rows)} rader som .{args.format} "
          f"({sv(results[0]['upload_bytes'] / 1e6, 1)} MB); median av {args.loads} laddningar, "
          f"{os.cpu_count()} kärnor, Python {platform.python_version()}, maskinens belastning (load average, 1 min) "
          f"{sv(load_before, 1)} före och {sv(os.getloadavg()[0], 1)} efter:\n")
    print("| Läsning av uppladdningen | Ensam | Under uppladdning | × ensam | Andel av tiden som filen lästes "
          "| Uppladdningarna | Serverns högsta minne |")
    print("|---|--:|--:|--:|--:|---|--:|")
    for r in results:
        print(f"| {r['mode']} | {sv(r['alone_ms'])} ms | {sv(r['during_ms'])} ms | {sv(r['ratio'], 2)} | "
              f"{sv(100 * r['reading_share'])} % | {', '.join(sv(u, 1) for u in r['uploads_s'])} s | "
              f"{sv(r['server_peak_mb'])} MB |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
