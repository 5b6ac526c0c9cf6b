"""What the report needs from programs outside Python: charts as pictures (Kaleido driving the machine's Chromium)
and the document as PDF (LibreOffice). Each says in Swedish why it could not do its part; the report is then
written without it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

#: Debian's chromium, as the browser tests use; Kaleido would otherwise download a Chrome of its own.
CHROMIUM = os.environ.get("KAA_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
WIDTH, HEIGHT, SCALE = 900, 480, 2
#: A tagged PDF: headings, tables and the pictures' alternative texts reach screen readers.
TAGGED_PDF = 'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'
_kaleido = threading.Lock()
_started = False


class RenderError(Exception):
    """A part of the report a program outside Python could not make; the message is Swedish."""


def _kaleido_or_why():
    """Kaleido, started with the machine's Chromium (once per process), or why the charts cannot be drawn."""
    global _started
    if not Path(CHROMIUM).exists():
        return "Chromium saknas på servern, så diagrammen kan inte ritas som bilder"
    os.environ.setdefault("BROWSER_PATH", CHROMIUM)
    try:
        import kaleido
    except ImportError:
        return "paketet kaleido saknas, så diagrammen kan inte ritas som bilder"
    if not _started:
        try:
            kaleido.start_sync_server(silence_warnings=True)
        except Exception as error:  # noqa: BLE001 - a chart that cannot be drawn must not stop the report
            return f"diagrammen kunde inte ritas (Chromium startade inte: {type(error).__name__})"
        _started = True
    return kaleido


def warm_up() -> None:
    """Start Chromium for the charts in the background (about a second or two), while the tables are built."""
    def start():
        with _kaleido:
            _kaleido_or_why()
    threading.Thread(target=start, daemon=True).start()


def chart_images(figures: list) -> list[bytes | str]:
    """Each Plotly figure as PNG bytes, in one Chromium kept running for the process; or, for all of them, why not."""
    if not figures:
        return []
    options = {"format": "png", "width": WIDTH, "height": HEIGHT, "scale": SCALE}
    with _kaleido:  # one Chromium, one figure at a time
        kaleido = _kaleido_or_why()
        if isinstance(kaleido, str):
            return [kaleido] * len(figures)
        drawn = []
        for figure in figures:
            try:
                drawn.append(kaleido.calc_fig_sync(figure, opts=options))
            except Exception as error:  # noqa: BLE001 - a chart that cannot be drawn must not stop the report
                drawn.append(f"diagrammet kunde inte ritas ({type(error).__name__})")
                _restart(kaleido)
        return drawn


def _restart(kaleido) -> None:
    """After a failure, start Chromium anew at the next chart (it may have died)."""
    global _started
    try:
        kaleido.stop_sync_server(silence_warnings=True)
    except Exception:  # noqa: BLE001 - it is being replaced anyway
        pass
    _started = False


def _office() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_unavailable() -> str:
    """Why no PDF can be made on this machine ("" when it can)."""
    return "" if _office() else ("PDF kan inte skapas här: LibreOffice saknas på servern (Debians "
                                 "libreoffice-writer). Word-filen går att öppna och spara som PDF.")


def pdf(docx: bytes, timeout: float = 120) -> bytes:
    """The Word document as PDF, converted by LibreOffice in a profile of its own (so runs side by side never
    share one). The files live in a temporary folder that is removed afterwards."""
    office = _office()
    if office is None:
        raise RenderError(pdf_unavailable())
    with tempfile.TemporaryDirectory(prefix="kaa-rapport-") as folder:
        work = Path(folder)
        source = work / "rapport.docx"
        source.write_bytes(docx)
        command = [office, f"-env:UserInstallation={(work / 'profil').as_uri()}", "--headless", "--norestore",
                   "--convert-to", TAGGED_PDF, "--outdir", str(work), str(source)]
        # Its own process group: on a timeout soffice and the soffice.bin it starts are stopped together.
        done = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            done.wait(timeout=timeout)
        except subprocess.TimeoutExpired as error:
            os.killpg(done.pid, signal.SIGKILL)
            done.wait()
            raise RenderError(f"LibreOffice blev inte klart på {int(timeout)} sekunder. Försök igen.") from error
        out = work / "rapport.pdf"
        if done.returncode != 0 or not out.exists():
            raise RenderError("LibreOffice kunde inte göra om rapporten till PDF (felkod "
                              f"{done.returncode}). Använd Word-filen i stället.")
        return out.read_bytes()
