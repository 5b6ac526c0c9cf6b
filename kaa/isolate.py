"""Read an extract in a child process, so that the dashboard's other users are not kept waiting.

Reading and checking a large file is CPU-bound Python and holds the GIL: in the Streamlit server's
own process it would slow every other session's page for as long as it runs. `read_extract_isolated`
runs `kaa.extract.read_extract` in a fresh Python process instead and returns the same
`ExtractResult`; the page only waits on a pipe, which costs it nothing.

- The file's bytes go to the child over its stdin and the result comes back over its stdout:
  pipes, in memory. Nothing row-level touches a disk, a cache or a log; the child's stderr goes
  to /dev/null, since a crash's traceback could quote a value.
- Progress is passed back as the child reads, and `progress(text, fraction)` is called in the
  caller's thread (Streamlit's elements may only be updated there).
- The time limit (kaa.limits.READ_SECONDS) is CPU time, so that a busy server does not refuse a
  file that is merely waiting for a core: the child checks it as it goes, and the kernel ends it
  KILL_GRACE_SECONDS later (RLIMIT_CPU) should it be stuck in one long call. The dashboard waits
  at most WAIT_SECONDS of wall-clock time in all, and kills the child then. The child is killed as
  well if the caller stops waiting (a Streamlit rerun or stop is an exception in the caller's thread).
- At most MAX_PARALLEL readers run at once per server process; the next upload waits its turn.
  A reader runs at a lower CPU priority (nice 10), so that on a busy machine the server's page
  runs get a core first.
- `prepare()` starts one reader ahead of time (the Ladda upp page calls it), so that an upload does
  not wait a second for Python and pandas to start; it idles on its stdin until it is used, and
  ends by itself when the server does (its stdin closes).

Why a plain child process and not multiprocessing's spawn or forkserver: those import the parent's
`__main__` in the child, and in a Streamlit server that is the page script being run, which would
then run again in the child. `python -c "from kaa.isolate import _child; _child()"` imports only kaa.
"""

from __future__ import annotations

import math
import os
import pickle
import queue
import signal
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

import pandas as pd

from kaa import extract, limits
from kaa.extract import pipeline, readers

#: Readers running at once in one server process (each may take a core and up to about 1 GB).
MAX_PARALLEL = 2
_SLOTS = threading.BoundedSemaphore(MAX_PARALLEL)
#: The reader's CPU priority below the server's (POSIX nice; 19 is the lowest).
NICE = 10
_ROOT = Path(__file__).resolve().parent.parent
_HEADER = struct.Struct("<Q")
_WAIT_MESSAGE = "Väntar på att en annan fil ska bli färdigläst …"


def _frame(kind: str, payload) -> bytes:
    body = pickle.dumps((kind, payload), protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(body)) + body


def _read_exactly(stream, size: int) -> bytes | None:
    parts, left = [], size
    while left:
        part = stream.read(left)
        if not part:
            return None
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def _read_frame(stream):
    header = _read_exactly(stream, _HEADER.size)
    if header is None:
        return None
    body = _read_exactly(stream, _HEADER.unpack(header)[0])
    return None if body is None else pickle.loads(body)


def _child() -> None:
    """The child's side: the job and the file's bytes on stdin, progress and the result on stdout."""
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    job = _read_frame(source)
    size = None if job is None else _read_exactly(source, _HEADER.size)
    data = None if size is None else _read_exactly(source, _HEADER.unpack(size)[0])
    if data is None:  # the parent went away before it sent a file (a waiting reader's server ended)
        return
    _, options = job
    _limit_cpu(options["time_limit"])
    if hasattr(os, "nice"):
        try:
            os.nice(NICE)
        except OSError:  # pragma: no cover - not allowed here: the reading still works
            pass

    def progress(text: str, fraction: float) -> None:
        sink.write(_frame("progress", (text, float(fraction))))
        sink.flush()

    result = extract.read_extract(data, options["filename"], progress=progress,
                                  stadsdel_map=options["stadsdel_map"], time_limit=options["time_limit"])
    del data
    sink.write(_frame("result", result))
    sink.flush()


_spare_lock = threading.Lock()
_spare: subprocess.Popen | None = None


def _start() -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(_ROOT), os.environ.get("PYTHONPATH"))
                                                       if p)}
    return subprocess.Popen([sys.executable, "-c", "from kaa.isolate import _child; _child()"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            cwd=str(_ROOT), env=env)


def prepare() -> None:
    """Have one reading process started and waiting (at most one per server process)."""
    global _spare
    with _spare_lock:
        if _spare is None or _spare.poll() is not None:
            _spare = _start()


def discard() -> None:
    """End the waiting reading process, if there is one."""
    global _spare
    with _spare_lock:
        child, _spare = _spare, None
    if child is not None:
        _end(child)


def _take() -> subprocess.Popen:
    global _spare
    with _spare_lock:
        child, _spare = _spare, None
    if child is None or child.poll() is not None:
        child = _start()
    return child


def _end(child: subprocess.Popen) -> None:
    if child.poll() is None:
        child.kill()
    try:
        child.wait(timeout=10)
    except subprocess.TimeoutExpired:  # pragma: no cover - a killed process always ends
        pass
    for stream in (child.stdin, child.stdout):
        try:
            stream.close()
        except (OSError, ValueError):
            pass


def _limit_cpu(time_limit: float | None) -> None:
    """Have the kernel end this process once it has used its CPU time and the grace (POSIX only)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows: the wall-clock limit still holds
        return
    if time_limit is None:
        return
    soft = math.ceil(time.process_time() + time_limit + limits.KILL_GRACE_SECONDS)
    try:
        resource.setrlimit(resource.RLIMIT_CPU, (soft, soft + limits.KILL_GRACE_SECONDS))
    except (ValueError, OSError):  # pragma: no cover - a lower hard limit is already set
        pass


_CPU_SIGNALS = {-getattr(signal, "SIGXCPU", 0), -signal.SIGKILL} - {0}


def _workbook(data: bytes) -> bool:
    return bytes(data[:4]) == b"PK\x03\x04"


def read_extract_isolated(data: bytes, filename: str, *, progress: Callable[[str, float], None] | None = None,
                          stadsdel_map: pd.DataFrame | None = None,
                          time_limit: float = limits.READ_SECONDS) -> extract.ExtractResult:
    """`kaa.extract.read_extract` in a child process: the same result, never an exception for a bad file.

    `time_limit` is CPU seconds (the child's); the caller waits limits.WAIT_SECONDS at most in all (a
    queue for a free reader included), and the child is ended whenever the caller stops waiting. A child
    that dies gives a result with one Swedish error.
    """
    report = pipeline._guarded(progress)  # the caller's failures never stop the reading
    name = str(filename)
    data = bytes(data or b"")
    deadline = time.monotonic() + limits.WAIT_SECONDS
    while not _SLOTS.acquire(timeout=0.2):
        report(_WAIT_MESSAGE, 0.0)
        if time.monotonic() > deadline:
            return _busy(name)
    try:
        return _run(data, name, report, stadsdel_map, time_limit, deadline)
    finally:
        _SLOTS.release()


def _busy(name: str) -> extract.ExtractResult:
    return extract.refused(
        name, "servern är upptagen",
        f"Servern är så belastad att filen inte blev läst inom {round(limits.WAIT_SECONDS / 60)} minuter, så "
        "läsningen avbröts och ingenting importerades. Försök igen om en stund, eller spara uttaget som CSV, "
        "som läses mycket snabbare.", "en mindre belastad server")


def _run(data: bytes, name: str, report: Callable[[str, float], None], stadsdel_map, time_limit: float,
         deadline: float):
    child = _take()
    messages: queue.Queue = queue.Queue()

    def write() -> None:
        try:
            child.stdin.write(_frame("job", {"filename": name, "stadsdel_map": stadsdel_map,
                                             "time_limit": time_limit}))
            child.stdin.write(_HEADER.pack(len(data)))
            view = memoryview(data)
            for start in range(0, len(data), 1 << 20):
                child.stdin.write(view[start:start + (1 << 20)])
            child.stdin.close()
        except (BrokenPipeError, OSError, ValueError):
            pass  # the child is gone; its exit is reported by the reader

    def read() -> None:
        try:
            while True:
                message = _read_frame(child.stdout)
                if message is None:
                    break
                messages.put(message)
        except Exception:  # a torn frame: the child died mid-write
            pass
        messages.put(None)

    writer = threading.Thread(target=write, name="kaa-isolate-write", daemon=True)
    reader = threading.Thread(target=read, name="kaa-isolate-read", daemon=True)
    writer.start()
    reader.start()
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return _busy(name)
            try:
                message = messages.get(timeout=min(0.25, left))
            except queue.Empty:
                continue
            if message is None:
                break
            kind, payload = message
            if kind == "progress":
                report(*payload)
            elif kind == "result":
                return payload
        try:
            code = child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        if code in _CPU_SIGNALS and time_limit is not None:  # the kernel's CPU limit (RLIMIT_CPU)
            return extract.refused(name, "för lång tid", extract.time_up_message(_workbook(data), time_limit),
                                   f"en fil som läses med högst {readers._seconds(time_limit)} processortid")
        return extract.refused(
            name, "internt fel",
            "Läsningen av filen avbröts oväntat (till exempel för att minnet tog slut), och ingenting "
            "importerades. Spara uttaget som CSV, eller dela upp det i flera filer med hela statistikår i varje, "
            "och försök igen; hör av dig till den som förvaltar instrumentpanelen om felet kvarstår.")
    finally:
        _end(child)
        writer.join(timeout=1)
        reader.join(timeout=1)


__all__ = ["read_extract_isolated", "prepare", "discard", "MAX_PARALLEL"]
