"""The Parquet store of earlier versions (manifest.json + one Parquet file per source), carried over once.

The old files are only read, never changed, moved or deleted. What cannot be read is named in the
event log and left where it is; what can is stored as sources with their original ids, names
cleaned as every new name is.
"""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from kaa.store import records, tables

MANIFEST = "manifest.json"
ACTOR = "automatisk flytt från Parquet-lagret"


def pending_without_database(directory: Path) -> bool:
    return (directory / MANIFEST).is_file()


def _done(connection: Connection) -> bool:
    query = sa.select(sa.func.count()).select_from(tables.events).where(tables.events.c.action == "migrate")
    return connection.execute(query).scalar() > 0


def pending(engine: Engine, directory: Path) -> bool:
    if not pending_without_database(directory):
        return False
    with engine.connect() as connection:
        done = _done(connection)
        connection.rollback()
    return not done


def _read_manifest(path: Path) -> list[dict]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    listed = raw["sources"]
    if not isinstance(listed, list):
        raise TypeError("sources is not a list")
    return listed


def migrate(connection: Connection, directory: Path) -> None:
    """Carry the old store over into the tables, once (inside the caller's write transaction)."""
    if not pending_without_database(directory) or _done(connection):
        return
    import pyarrow.parquet as pq  # only an old store needs it

    try:
        listed = _read_manifest(directory / MANIFEST)
    except (OSError, ValueError, KeyError, TypeError) as error:
        records.log(connection, ACTOR, "migrate", detail=(
            f"Den gamla förteckningen {MANIFEST} kunde inte läsas ({type(error).__name__}); inga källor "
            "flyttades över. Filerna finns kvar orörda i katalogen."))
        return
    moved, skipped = 0, []
    for entry in listed:
        try:
            frame = pq.read_table(directory / f"{entry['id']}.parquet").to_pandas()
            source = records.Source(
                id=str(entry["id"]), name=str(entry["name"]), filnamn=str(entry["filnamn"]),
                sha256=str(entry["sha256"]), importerad=str(entry["importerad"])[:19],
                ar=tuple(int(y) for y in entry["ar"]), rader=int(entry["rader"]),
                varningar=tuple(str(w) for w in entry["varningar"]), aktiv=bool(entry["aktiv"]),
                typ=str(entry["typ"]), exempeldata=any("exempeldata" in str(w) for w in entry["varningar"]))
        except (OSError, ValueError, KeyError, TypeError) as error:
            skipped.append(f"{records.clean_name(str(entry.get('id', '?')))} ({type(error).__name__})")
            continue
        stored = records.insert_source(connection, source, frame)
        records.log(connection, ACTOR, "migrate", stored, detail=f"från {stored.id}.parquet")
        moved += 1
    detail = f"{moved} källor flyttades över från {MANIFEST}; filerna finns kvar orörda."
    if skipped:
        detail += " Kunde inte läsas och flyttades inte: " + ", ".join(skipped) + "."
    records.log(connection, ACTOR, "migrate", detail=detail)
