"""Where the figures come from: the published report, plus sources imported into a relational database.

The database is a SQLite file under KAA_DATA_DIR by default, or any SQLAlchemy URL in
KAA_DATABASE_URL (PostgreSQL for a store shared by several dashboard processes). It holds sources,
their aggregated facts and an append-only event log; every change is one transaction, and removing a
source is the only delete of figures. It also remembers the small-cell protection's labels per year
(derived from the figures, so the same figures are protected once; the oldest are let go). Nothing
outside the database is ever written or removed.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
from collections import defaultdict
from collections.abc import MutableMapping
from dataclasses import dataclass, replace
from typing import Iterable, Sequence

import sqlalchemy as sa

from kaa import config, notices, schema
from kaa.config import data_dir, min_cell
from kaa.facts import FACT_COLUMNS, invalid_value, invalid_values, overlay
from kaa.lazy import pandas as pd  # imported at first use: an import from the command line never needs it
from kaa.published import PUBLISHED_CSV, SOURCE_ID, load_published, published_keys
from kaa.store import db, records, tables
from kaa.store.db import StoreError
from kaa.store.records import Source

__all__ = ["StoreError", "Source", "ImportOutcome", "data_dir", "min_cell", "sha256", "load_driver", "sources",
           "add_source", "import_extract", "set_active", "remove", "load_facts", "replaced_published_years",
           "backing", "available_years", "version", "events", "command_line_actor", "protect"]

ACTION_LABELS = {"import": "importerade", "activate": "aktiverade", "deactivate": "inaktiverade",
                 "remove": "tog bort", "migrate": "flyttade över"}


def command_line_actor() -> str:
    """Who changes the store from the command line: the operating-system user."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "okänd användare"
    return f"{user} (kommandoraden)"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_driver() -> None:
    """Import the store's database driver (SQLAlchemy's dialect and its DBAPI module), and start connecting
    to a database server, so that a command can do it while it reads a file (`db.engine_ahead`). A fault is
    not reported here: the first real use of the store meets it again and reports it as ever."""
    try:
        db.engine_ahead()
    except Exception:  # noqa: BLE001 - see above
        pass


def source_for(data: bytes, digest: str | None = None) -> Source | None:
    """The stored source imported from exactly these bytes, if any (`digest`: their sha256, if known)."""
    with db.reading() as connection:
        return None if connection is None else records.by_sha(connection, digest or sha256(data))


def sources() -> list[Source]:
    """Every imported source, oldest first (names, years, state; no figures)."""
    with db.reading() as connection:
        return [] if connection is None else records.all_sources(connection)


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


def add_source(facts: pd.DataFrame | dict[str, list], *, digest: str, filnamn: str, name: str | None, rader: int,
               varningar: list[str], typ: str, actor: str | None = None, exempeldata: bool = False) -> ImportOutcome:
    """Store an import's facts as a new active source; importing the same file again changes nothing.

    `facts` is a facts frame, or its plain columns (`ExtractResult.fact_columns`: lists, None for missing).
    """
    years = records.fact_years(facts)
    if not years:
        raise StoreError("Filen innehåller inga uppgifter att importera.")
    typed = records.clean_name(name or "")
    if typed and records.looks_like_id(typed):
        raise StoreError(f"Namnet ”{typed}” ser ut som en källas id. Välj ett annat namn på källan.")
    with db.writing() as connection:
        existing = records.by_sha(connection, digest)
        if existing is not None:
            return ImportOutcome(existing, new=False)
        now = dt.datetime.now().replace(microsecond=0)
        source_id = records.new_id(now, digest)
        fallback = records.clean_name(filnamn.rsplit(".", 1)[0] if "." in filnamn else filnamn)
        source = Source(id=source_id, name=typed or fallback or source_id, filnamn=filnamn, sha256=digest,
                        importerad=now.isoformat(), ar=years,
                        rader=int(rader), varningar=tuple(varningar), aktiv=True, typ=typ, exempeldata=exempeldata)
        source = records.insert_source(connection, source, facts)
        records.log(connection, actor or command_line_actor(), "import", source)
        return ImportOutcome(source, new=True)


def import_extract(result, data: bytes, filnamn: str, name: str | None = None,
                   actor: str | None = None, digest: str | None = None) -> ImportOutcome:
    """Store a validated extract's aggregates. Only `result.facts` (counts) reach the database.

    `digest` is the bytes' sha256 when the caller has it already (hashing 66 MB takes 30 ms).
    """
    if result.has_errors:
        raise StoreError("Filen har fel och importerades inte. Rätta felen och försök igen.")
    from kaa.extract import EXEMPELDATA_TYP  # loaded already: `result` is the extract's

    warnings = [f"{typ}: {count} st." for typ, count in result.warning_counts().items()]
    return add_source(result.fact_columns(), digest=digest or sha256(data), filnamn=result.filename or filnamn,
                      name=name, rader=result.rows_read, varningar=warnings, typ=result.kind, actor=actor,
                      exempeldata=result.found(EXEMPELDATA_TYP))


def _find(current: list[Source], ref: str) -> Source:
    """A source by its id, or else by its name (names are unique; an id is never taken as a name)."""
    ref = ref.strip()
    for source in current:
        if source.id == ref:
            return source
    hits = [s for s in current if s.name.casefold() == ref.casefold()]
    if len(hits) == 1:
        return hits[0]
    if hits:  # names made unique by the store cannot collide; a store from elsewhere might
        raise StoreError(f"Flera källor heter ”{records.clean_name(ref)}”. Ange källans id: "
                         f"{', '.join(s.id for s in hits)}.")
    known = ", ".join(f"{s.id} (”{s.name}”)" for s in current) or "inga"
    raise StoreError(f"Källan ”{records.clean_name(ref)}” finns inte. Importerade källor: {known}.")


def set_active(ref: str, active: bool, actor: str | None = None) -> Source:
    """Deactivate or reactivate a source; its figures leave or return to every page."""
    with db.writing() as connection:
        source = _find(records.all_sources(connection), ref)
        connection.execute(sa.update(tables.sources).where(tables.sources.c.id == source.id).values(aktiv=active))
        changed = replace(source, aktiv=active)
        records.log(connection, actor or command_line_actor(), "activate" if active else "deactivate", changed)
        return changed


def remove(ref: str, actor: str | None = None) -> Source:
    """Delete a source and its figures for good: the store's only delete."""
    with db.writing() as connection:
        source = _find(records.all_sources(connection), ref)
        pk = sa.select(tables.sources.c.pk).where(tables.sources.c.id == source.id).scalar_subquery()
        connection.execute(sa.delete(tables.facts).where(tables.facts.c.source_pk == pk))
        connection.execute(sa.delete(tables.sources).where(tables.sources.c.id == source.id))
        records.log(connection, actor or command_line_actor(), "remove", source)
        return source


def _damaged(source: Source, what: str) -> StoreError:
    return StoreError(
        f"Källan ”{source.name}” ({source.id}) kan inte läsas: {what}. Inaktivera eller ta bort den på sidan "
        f"Ladda upp, eller med: python -m kaa remove {source.id}")


def _source_facts(source: Source, rows: pd.DataFrame) -> pd.DataFrame:
    """One source's rows as facts, checked: a damaged source is named, never half-shown."""
    if rows.empty:
        raise _damaged(source, "den har inga siffror sparade")
    bad = (~rows["measure"].isin(schema.MEASURE_NAMES) | ~rows[schema.VERKSAMHET].isin(schema.VERKSAMHET_VALUES)
           | ~rows[schema.KON].isin((None,) + schema.KON_VALUES)
           | ~rows[schema.JOBBTORG].isin((None,) + tuple(schema.JOBBTORG_NAMES))
           | ~rows[schema.STADSDEL].isin((None,) + schema.STADSDEL_NAMES)
           | ~rows[schema.ALDER].isin((None,) + schema.ALDER_VALUES)
           | ~rows[schema.PERIOD].isna() & ~rows[schema.PERIOD].astype(str).str.fullmatch(r"\d{4}-\d{2}"))
    bad |= invalid_values(rows["measure"], pd.to_numeric(rows["value"], errors="coerce"))
    if bad.any():
        raise _damaged(source, f"{int(bad.sum())} av dess {len(rows)} siffror följer inte begreppslistan")
    return rows.assign(source=source.label, source_id=source.id)


def _load() -> pd.DataFrame:
    facts = load_published()
    with db.reading() as connection:
        if connection is None:
            return facts
        active = [s for s in records.all_sources(connection) if s.aktiv]
        if not active:
            return facts
        query = (sa.select(tables.sources.c.id.label("source_id"), *[tables.facts.c[f] for f in tables.FACT_FIELDS])
                 .join(tables.sources, tables.sources.c.pk == tables.facts.c.source_pk)
                 .where(tables.sources.c.aktiv.is_(True)))
        result = connection.execute(query)
        stored = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    by_source = dict(tuple(stored.groupby("source_id", sort=False)))
    empty = stored.iloc[0:0]
    for source in active:  # oldest first, so the newest import wins
        rows = _source_facts(source, by_source.get(source.id, empty))
        facts = overlay(facts, rows)
    return facts


def load_facts() -> pd.DataFrame:
    """Every figure the dashboard and CLI show, as one facts frame.

    For each year, verksamhet and measure the most recently imported active source that has it
    wins; the published report is the fallback.
    """
    facts = _load()
    for column in (*schema.BREAKDOWNS, schema.PERIOD):
        facts[column] = facts[column].where(facts[column].notna(), None)
    facts["value"] = facts["value"].astype("float64")
    return facts[FACT_COLUMNS].reset_index(drop=True)


def replaced_published_years(years: Iterable[int],
                             measures: Sequence[str] = notices.IMPORT_PREVIEW_MEASURES) -> list[int]:
    """`kaa.panels.replaced_published_years(load_facts(), incoming)` for an import of `years`, without
    building today's facts: which of those years the published report backs today (the city as a whole,
    the basis of `measures`) that no active source has replaced. Only the keys (ar, verksamhet, measure)
    are compared; an active source whose stored figures cannot be read is named as `load_facts` names it.
    """
    bases = {notices.basis(m) for m in measures}
    wanted = {(int(y), m) for y in years for m in bases}
    provider = {(ar, measure): SOURCE_ID for ar, verksamhet, measure in published_keys()
                if verksamhet == schema.HELA_KAA and (ar, measure) in wanted}
    active: list[Source] = []
    stored: dict[str, list] = defaultdict(list)
    with db.reading() as connection:
        if connection is not None:
            active = [s for s in records.all_sources(connection) if s.aktiv]
            if active:
                f = tables.facts.c
                query = (sa.select(tables.sources.c.id, f.ar, f.jobbtorg, f.kon, f.stadsdel, f.alder, f.verksamhet,
                                   f.measure, f.value)
                         .join(tables.sources, tables.sources.c.pk == f.source_pk)
                         .where(tables.sources.c.aktiv.is_(True)))
                for row in connection.execute(query):
                    stored[row.id].append(row)
    for source in active:  # oldest first, so the newest import wins, as in `load_facts`
        rows = stored.get(source.id, [])
        _check_stored(source, rows)
        for row in rows:
            if row.verksamhet == schema.HELA_KAA and (row.ar, row.measure) in wanted:
                provider[(row.ar, row.measure)] = source.id
    return sorted({int(year) for (year, _), source_id in provider.items() if source_id == SOURCE_ID})


def _check_stored(source: Source, rows: list) -> None:
    """`_source_facts`'s check, on plain rows: a damaged source is named, never half-shown."""
    if not rows:
        raise _damaged(source, "den har inga siffror sparade")
    kon, jobbtorg = (None, *schema.KON_VALUES), (None, *schema.JOBBTORG_NAMES)
    stadsdel, alder = (None, *schema.STADSDEL_NAMES), (None, *schema.ALDER_VALUES)
    bad = sum(1 for r in rows if r.measure not in schema.MEASURE_NAMES or r.verksamhet not in schema.VERKSAMHET_VALUES
              or r.kon not in kon or r.jobbtorg not in jobbtorg or r.stadsdel not in stadsdel or r.alder not in alder
              or invalid_value(r.measure, r.value))
    if bad:
        raise _damaged(source, f"{bad} av dess {len(rows)} siffror följer inte begreppslistan")


def backing() -> dict[str, list[int]]:
    """For each imported source, by id, the years in which at least one of its figures is shown."""
    facts = _load()
    shown = facts[facts["source_id"] != SOURCE_ID].groupby("source_id")[schema.AR].unique()
    return {s.id: sorted(int(y) for y in shown.get(s.id, [])) for s in sources()}


def available_years(facts: pd.DataFrame) -> list[int]:
    return sorted(int(y) for y in facts[schema.AR].unique())


def events(limit: int | None = None) -> list[dict]:
    """The log's events, newest first (the newest `limit` of them; None: all), as plain records for display."""
    with db.reading() as connection:
        if connection is None:
            return []
        query = sa.select(tables.events).order_by(tables.events.c.id.desc()).limit(limit)
        return [dict(row._mapping) for row in connection.execute(query)]


def event_count() -> int:
    """How many events the log holds."""
    with db.reading() as connection:
        if connection is None:
            return 0
        return int(connection.execute(sa.select(sa.func.count()).select_from(tables.events)).scalar() or 0)


def version() -> str:
    """Changes whenever the stored figures change (every change appends an event): the dashboard's cache key."""
    stamp = [str(PUBLISHED_CSV.stat().st_mtime_ns), db.where()]
    with db.reading() as connection:
        if connection is not None:
            last = connection.execute(sa.select(sa.func.max(tables.events.c.id))).scalar()
            stamp.append(str(last or 0))
    path = db.sqlite_path(config.database_url())
    if path is not None and path.exists():
        stamp.append(str(path.stat().st_ino))
    return "-".join(stamp)


# --- The protection's labels, remembered --------------------------------------------------------------

#: How many years' labels are kept; the oldest go first.
REMEMBERED_YEARS = 2000


class _Remembered(MutableMapping):
    """masking.protect's memory in the store: a year's labels by their key. A store that cannot be read or
    written (not created yet, read-only) remembers nothing, and the labels are computed as without it."""

    def __getitem__(self, key: str) -> bytes:
        try:
            with db.reading() as connection:
                found = None if connection is None else connection.execute(
                    sa.select(tables.skydd.c.koder).where(tables.skydd.c.nyckel == key)).scalar()
        except StoreError:
            found = None
        if found is None:
            raise KeyError(key)
        return bytes(found)

    def __setitem__(self, key: str, codes: bytes) -> None:
        try:
            with db.reading() as connection:
                if connection is None:  # nothing is created by reading: no store, nothing remembered
                    return
            with db.writing() as connection:
                if connection.execute(sa.select(tables.skydd.c.pk).where(tables.skydd.c.nyckel == key)).first():
                    return
                connection.execute(sa.insert(tables.skydd).values(nyckel=key, koder=codes))
                newest = connection.execute(sa.select(sa.func.max(tables.skydd.c.pk))).scalar()
                connection.execute(sa.delete(tables.skydd).where(tables.skydd.c.pk <= newest - REMEMBERED_YEARS))
        except StoreError:
            pass

    def __delitem__(self, key: str) -> None:
        raise NotImplementedError("the protection's memory lets the oldest go by itself")

    def __iter__(self):
        with db.reading() as connection:
            keys = [] if connection is None else connection.execute(sa.select(tables.skydd.c.nyckel)).scalars().all()
        return iter(keys)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def protect(facts: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """`masking.protect`, with each year's labels remembered in the store: the same figures are protected once,
    whichever process asks (a command, a restarted dashboard)."""
    from kaa import masking

    return masking.protect(facts, min_cell, remember=_Remembered())
