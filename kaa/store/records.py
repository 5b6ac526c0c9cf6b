"""Sources and events as rows: what a source is, how its name is made safe, how it is written and read."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, replace

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from kaa import personnummer
from kaa.lazy import pandas as pd
from kaa.store import tables

NAME_MAX = 80
FILE_NAME_MAX = 120
ID_PATTERN = re.compile(r"^kalla-\d{14}-\w{8}$", re.IGNORECASE)


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
    exempeldata: bool = False  # every person id a demo id: made-up rows, never the city's statistics

    @property
    def label(self) -> str:
        """How figures from this source are credited on the pages. Names are unique, so labels are too."""
        return f"Import: {self.name} ({self.importerad[:10]})" + (", exempeldata" if self.exempeldata else "")


def clean_name(text: str, limit: int = NAME_MAX) -> str:
    """A name as it may be stored and shown: identity numbers masked, no control or direction characters."""
    return personnummer.clean_text(text, limit)


def looks_like_id(name: str) -> bool:
    return bool(ID_PATTERN.match(name.strip()))


def new_id(now: dt.datetime, digest: str) -> str:
    return f"kalla-{now:%Y%m%d%H%M%S}-{digest[:8]}"


def unique_name(connection: Connection, name: str) -> str:
    """`name`, or `name (2)`, `name (3)` … so that no two sources share a name (nor a label)."""
    taken = {n.casefold() for n in connection.execute(sa.select(tables.sources.c.name)).scalars()}
    candidate, number = name, 1
    while candidate.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        candidate = name[: NAME_MAX - len(suffix)] + suffix
    return candidate


def _from_row(row) -> Source:
    return Source(id=row.id, name=row.name, filnamn=row.filnamn, sha256=row.sha256, importerad=row.importerad,
                  ar=tuple(int(y) for y in row.ar.split(",") if y), rader=int(row.rader),
                  varningar=tuple(json.loads(row.varningar)), aktiv=bool(row.aktiv), typ=row.typ,
                  exempeldata=bool(row.exempeldata))


def all_sources(connection: Connection) -> list[Source]:
    """Every source, oldest import first."""
    rows = connection.execute(sa.select(tables.sources).order_by(tables.sources.c.pk))
    return [_from_row(row) for row in rows]


def by_sha(connection: Connection, digest: str) -> Source | None:
    row = connection.execute(sa.select(tables.sources).where(tables.sources.c.sha256 == digest)).first()
    return _from_row(row) if row else None


def fact_years(facts: pd.DataFrame | dict[str, list]) -> tuple[int, ...]:
    """The years a facts frame, or its plain columns, has figures for."""
    return tuple(sorted({int(y) for y in facts["ar"]}))


def _fact_rows(pk: int, facts: pd.DataFrame | dict[str, list]) -> list[dict]:
    if isinstance(facts, dict):  # plain columns, a missing value None (ExtractResult.fact_columns)
        n = len(facts["ar"])
        rows = [dict(zip(tables.FACT_FIELDS, values))
                for values in zip(*(facts.get(field) or [None] * n for field in tables.FACT_FIELDS))]
    else:
        frame = facts.reindex(columns=list(tables.FACT_FIELDS))
        frame = frame.astype(object).where(frame.notna(), None)
        rows = frame.to_dict("records")
    for row in rows:
        row["source_pk"] = pk
        row["ar"] = int(row["ar"])
        row["value"] = float(row["value"])
        row["kalla"] = personnummer.mask(row["kalla"] or "")
        row["anmarkning"] = personnummer.mask(row["anmarkning"] or "")
        row["noggrannhet"] = row["noggrannhet"] or "exakt"
        for column in ("jobbtorg", "kon", "stadsdel", "alder", "period"):
            row[column] = row[column] or None
    return rows


def insert_facts(connection: Connection, pk: int, facts: pd.DataFrame | dict[str, list]) -> None:
    rows = _fact_rows(pk, facts)
    if not rows:
        return
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        _copy_facts(connection, rows)
    else:
        connection.execute(tables.facts.insert(), rows)


def _copy_facts(connection: Connection, rows: list[dict]) -> None:
    """The rows with PostgreSQL's COPY, in the caller's transaction: one round trip instead of one
    statement per row (psycopg's executemany), several times faster for an import's thousands of figures.
    A fault is raised as SQLAlchemy raises it (so `db.translated` words it as for any statement)."""
    columns = ["source_pk", *tables.FACT_FIELDS]
    statement = f"COPY {tables.facts.name} ({', '.join(columns)}) FROM STDIN"
    dbapi = connection.dialect.loaded_dbapi
    try:
        with connection.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row[column] for column in columns])
    except dbapi.Error as error:
        raise sa.exc.DBAPIError.instance(statement, None, error, dbapi.Error) from None


def insert_source(connection: Connection, source: Source, facts: pd.DataFrame | dict[str, list]) -> Source:
    """Write a source and its facts (inside the caller's transaction); its name made safe and unique."""
    name = clean_name(source.name) or source.id
    if looks_like_id(name):
        name = f"Källa {name}"
    source = replace(source, name=unique_name(connection, name),
                     filnamn=clean_name(source.filnamn, FILE_NAME_MAX),
                     varningar=tuple(clean_name(w, 300) for w in source.varningar))
    pk = connection.execute(tables.sources.insert().values(
        id=source.id, name=source.name, filnamn=source.filnamn, sha256=source.sha256,
        importerad=source.importerad, ar=",".join(map(str, source.ar)), rader=source.rader,
        varningar=json.dumps(list(source.varningar), ensure_ascii=False), aktiv=source.aktiv, typ=source.typ,
        exempeldata=source.exempeldata,
    )).inserted_primary_key[0]
    insert_facts(connection, pk, facts)
    return source


def log(connection: Connection, actor: str, action: str, source: Source | None = None, detail: str = "") -> None:
    """Append one event: when, who, what, to which source (its file's SHA-256, rows, years)."""
    connection.execute(tables.events.insert().values(
        at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        actor=clean_name(actor, 200) or "okänd", action=action,
        source_id=source.id if source else None, sha256=source.sha256 if source else None,
        rows=source.rader if source else None, years=",".join(map(str, source.ar)) if source else None,
        detail=detail))
