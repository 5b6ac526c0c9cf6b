"""Where the figures come from: the published report, plus imported sources under KAA_DATA_DIR.

The store holds aggregated counts only: one Parquet file of facts per imported
source and a JSON manifest that lists the sources. The manifest is the commit
point. Every write goes to a temporary file in the same directory and is moved
into place with os.replace, so a crash or kill leaves the previous state intact;
an exclusive lock serialises concurrent imports so both land, one after the other.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kaa import schema
from kaa.facts import FACT_COLUMNS, overlay
from kaa.metrics import DEFAULT_MIN_CELL
from kaa.published import DATA_DIR, PUBLISHED_CSV, load_published

DEFAULT_STORE = DATA_DIR / "store"
MANIFEST = "manifest.json"
LOCK = ".lock"


class StoreError(Exception):
    """A request the store cannot carry out. The message is Swedish."""


def data_dir() -> Path:
    """The directory imported sources live in: $KAA_DATA_DIR, or data/store/."""
    return Path(os.environ.get("KAA_DATA_DIR") or DEFAULT_STORE)


def min_cell() -> int:
    """Counts below this are masked as `<N` ($KAA_MIN_CELL, default 5; 0 turns masking off)."""
    text = os.environ.get("KAA_MIN_CELL", "").strip()
    return int(text) if text.isdigit() else DEFAULT_MIN_CELL


@dataclass(frozen=True)
class Source:
    id: str
    name: str
    filnamn: str
    sha256: str
    importerad: str
    ar: tuple[int, ...]
    rader: int
    varningar: tuple[str, ...]
    aktiv: bool
    typ: str

    @property
    def file(self) -> str:
        return f"{self.id}.parquet"

    @property
    def label(self) -> str:
        return f"Import: {self.name} ({self.importerad[:10]})"


def _read_manifest(directory: Path) -> list[Source]:
    path = directory / MANIFEST
    if not path.exists():
        return []
    raw = json.loads(path.read_text(encoding="utf-8"))
    return [Source(**{**s, "ar": tuple(s["ar"]), "varningar": tuple(s["varningar"])}) for s in raw["sources"]]


def _atomic_write(path: Path, write) -> None:
    """Write through a temporary file in the same directory, fsync it, then move it into place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _write_manifest(directory: Path, sources: list[Source]) -> None:
    payload = {"version": 1, "sources": [
        {**s.__dict__, "ar": list(s.ar), "varningar": list(s.varningar)} for s in sources]}
    text = json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")
    _atomic_write(directory / MANIFEST, lambda handle: handle.write(text))
    _fsync_dir(directory)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sweep(directory: Path) -> None:
    """Remove what an interrupted write left behind: temporary files and unlisted source files."""
    listed = {s.file for s in _read_manifest(directory)}
    for path in directory.iterdir():
        if path.name.startswith(".tmp-") or (path.suffix == ".parquet" and path.name not in listed):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


@contextlib.contextmanager
def _locked() -> Iterator[Path]:
    """Hold the store's exclusive lock; concurrent writers wait their turn."""
    directory = data_dir()
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / LOCK, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            _sweep(directory)  # safe: nobody else writes while we hold the lock
            yield directory
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def sources() -> list[Source]:
    """Every imported source, oldest first."""
    return _read_manifest(data_dir())


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class ImportOutcome:
    source: Source
    new: bool

    @property
    def message(self) -> str:
        if self.new:
            years = ", ".join(map(str, self.source.ar))
            return f"Importerad som ”{self.source.name}”: {years}."
        state = "aktiv" if self.source.aktiv else "inaktiv (aktivera den för att använda den)"
        return f"Filen finns redan som ”{self.source.name}”, {state}. Inget ändrades."


def add_source(facts: pd.DataFrame, *, digest: str, filnamn: str, name: str | None, rader: int,
               varningar: list[str], typ: str) -> ImportOutcome:
    """Store an import's facts as a new active source; importing the same file again changes nothing."""
    if facts.empty:
        raise StoreError("Filen innehåller inga uppgifter att importera.")
    with _locked() as directory:
        current = _read_manifest(directory)
        for existing in current:
            if existing.sha256 == digest:
                return ImportOutcome(existing, new=False)
        now = dt.datetime.now().replace(microsecond=0)
        source_id = f"kalla-{now:%Y%m%d%H%M%S}-{digest[:8]}"
        years = tuple(sorted(int(y) for y in facts[schema.AR].unique()))
        source = Source(id=source_id, name=(name or Path(filnamn).stem).strip() or source_id, filnamn=filnamn,
                        sha256=digest, importerad=now.isoformat(), ar=years, rader=int(rader),
                        varningar=tuple(varningar), aktiv=True, typ=typ)
        table = pa.Table.from_pandas(facts[FACT_COLUMNS].assign(source=source.label), preserve_index=False)
        _atomic_write(directory / source.file, lambda handle: pq.write_table(table, handle))
        _write_manifest(directory, current + [source])
        return ImportOutcome(source, new=True)


def import_extract(result, data: bytes, filnamn: str, name: str | None = None) -> ImportOutcome:
    """Store a validated extract's aggregates. Only `result.facts` (counts) reach the disk."""
    if result.has_errors:
        raise StoreError("Filen har fel och importerades inte. Rätta felen och försök igen.")
    warnings = [f"{typ}: {count} st." for (level, typ), count in result.problem_counts.items() if level == "varning"]
    # The reader's copy of the file name has any personnummer in it masked.
    return add_source(result.facts, digest=sha256(data), filnamn=result.filename or filnamn, name=name,
                      rader=result.rows_read,
                      varningar=warnings, typ=result.kind)


def _find(current: list[Source], ref: str) -> Source:
    hits = [s for s in current if ref in (s.id, s.name)]
    if not hits:
        known = ", ".join(f"{s.id} (”{s.name}”)" for s in current) or "inga"
        raise StoreError(f"Källan ”{ref}” finns inte. Importerade källor: {known}.")
    if len(hits) > 1:
        raise StoreError(f"Flera källor heter ”{ref}”. Ange källans id: {', '.join(s.id for s in hits)}.")
    return hits[0]


def set_active(ref: str, active: bool) -> Source:
    """Deactivate or reactivate a source; its figures leave or return to every page."""
    with _locked() as directory:
        current = _read_manifest(directory)
        source = _find(current, ref)
        changed = Source(**{**source.__dict__, "aktiv": active})
        _write_manifest(directory, [changed if s.id == source.id else s for s in current])
        return changed


def remove(ref: str) -> Source:
    """Delete a source for good: first from the manifest, then its file."""
    with _locked() as directory:
        current = _read_manifest(directory)
        source = _find(current, ref)
        _write_manifest(directory, [s for s in current if s.id != source.id])
        with contextlib.suppress(FileNotFoundError):
            (directory / source.file).unlink()
        return source


def _read_source(directory: Path, source: Source) -> pd.DataFrame:
    try:
        return pq.read_table(directory / source.file).to_pandas()
    except (OSError, ValueError) as error:
        raise StoreError(
            f"Källan ”{source.name}” kan inte läsas ({source.file}: {type(error).__name__}). Ta bort den på "
            f"sidan Ladda upp eller med: python -m kaa remove {source.id}") from None


def load_facts() -> pd.DataFrame:
    """Every figure the dashboard and CLI show, as one facts frame.

    For each year, verksamhet and measure the most recently imported active source
    that has it wins; the published report is the fallback.
    """
    directory = data_dir()
    facts = load_published()
    for source in _active(directory):
        facts = overlay(facts, _read_source(directory, source))
    for column in (schema.JOBBTORG, schema.KON):
        facts[column] = facts[column].where(facts[column].notna(), None)
    return facts[FACT_COLUMNS].reset_index(drop=True)


def _active(directory: Path) -> list[Source]:
    try:
        return [s for s in _read_manifest(directory) if s.aktiv]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise StoreError(
            f"Förteckningen över importerade källor ({directory / MANIFEST}) är skadad ({type(error).__name__}). "
            "Återställ den från en säkerhetskopia, eller flytta katalogen åt sidan för att börja om med "
            "årsrapportens siffror.") from None


def backing(facts: pd.DataFrame | None = None) -> dict[str, list[int]]:
    """For each imported source, the years in which at least one of its figures is shown."""
    facts = load_facts() if facts is None else facts
    shown = facts.groupby("source")[schema.AR].unique()
    return {s.id: sorted(int(y) for y in shown.get(s.label, [])) for s in sources()}


def available_years(facts: pd.DataFrame) -> list[int]:
    return sorted(int(y) for y in facts[schema.AR].unique())


def version() -> str:
    """Changes whenever the figures on disk change; the dashboard's cache key."""
    stamps = [PUBLISHED_CSV.stat().st_mtime_ns]
    manifest = data_dir() / MANIFEST
    if manifest.exists():
        stat = manifest.stat()
        stamps += [stat.st_mtime_ns, stat.st_size, stat.st_ino]
    return "-".join(map(str, stamps))
