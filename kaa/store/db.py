"""The database under the store: one engine per URL, transactions, migrations, and faults in Swedish.

SQLite (the embedded default) gets real transactions: pysqlite's own implicit BEGIN is turned off
and the store emits BEGIN itself, BEGIN IMMEDIATE for a write, so concurrent writers queue on the
database's lock (busy timeout) instead of failing. On PostgreSQL every write transaction first takes
one advisory lock, so writers from several processes and machines are serialised the same way.
Every change is one transaction: a process killed half-way leaves the store as it was.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

from kaa import config

SCHEMA_VERSION = "0005"  # the newest migration in migrations/versions (a test checks)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
WRITE_LOCK = 4_711_2021  # the advisory lock every PostgreSQL write takes
BUSY_TIMEOUT_S = 30

_engines: dict[str, Engine] = {}
_ready: set[str] = set()


class StoreError(Exception):
    """A request the store cannot carry out, or a fault it met. The message is Swedish and says what to do."""


def sqlite_path(url: str) -> Path | None:
    parsed = sa.make_url(url)
    return Path(parsed.database) if parsed.get_backend_name() == "sqlite" and parsed.database else None


def where(url: str | None = None) -> str:
    """The store's location for messages: a file path, or the server URL without its password."""
    url = url or config.database_url()
    path = sqlite_path(url)
    return str(path) if path else sa.make_url(url).render_as_string(hide_password=True)


def _engine(url: str) -> Engine:
    if url in _engines:
        return _engines[url]
    if sqlite_path(url):
        engine = sa.create_engine(url, poolclass=NullPool, connect_args={"timeout": BUSY_TIMEOUT_S})

        @sa.event.listens_for(engine, "connect")
        def _connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None  # the store emits BEGIN itself (see `_begin`)
            dbapi_connection.execute("PRAGMA foreign_keys = ON")

        @sa.event.listens_for(engine, "begin")
        def _begin(connection):
            immediate = connection.get_execution_options().get("kaa_write")
            connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
    else:
        try:
            engine = sa.create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=4)
        except (sa.exc.ArgumentError, ImportError, ValueError) as error:
            raise StoreError(f"KAA_DATABASE_URL går inte att använda ({type(error).__name__}: {error}). "
                             "Ange en SQLAlchemy-adress, t.ex. postgresql+psycopg://användare@server/databas."
                             ) from None
    _engines[url] = engine
    return engine


def engine_ahead(url: str | None = None) -> Engine:
    """The store's engine as `engine_for` will use it, created (its driver imported) before it is needed.

    Nothing is read, created or migrated. For a database server one connection is also opened for the
    engine's pool, in a thread of its own that nobody waits for: a server that does not answer is met,
    and reported, by the first real use, as ever. (An embedded SQLite store is not touched: connecting
    would create its file.)
    """
    url = url or config.database_url()
    engine = _engine(url)
    if sqlite_path(url) is None:
        def connect() -> None:
            try:
                with engine.connect():
                    pass
            except Exception:  # noqa: BLE001 - see above
                pass
        threading.Thread(target=connect, name="kaa connect", daemon=True).start()
    return engine


@contextlib.contextmanager
def translated(url: str) -> Iterator[None]:
    """Database and file-system faults as one Swedish sentence that says what is wrong and what to do."""
    try:
        yield
    except StoreError:
        raise
    except (sa.exc.DBAPIError, OSError, sqlite3.Error) as error:
        raise StoreError(describe_fault(error, url)) from None


def describe_fault(error: BaseException, url: str) -> str:
    original = getattr(error, "orig", None) or error
    text = str(original).lower()
    place = where(url)
    unchanged = "Ingenting har ändrats i det som redan är sparat."
    if "readonly" in text or "read-only" in text or isinstance(original, PermissionError):
        return (f"Lagret går inte att skriva till: {place} är skrivskyddat. {unchanged} Be driftansvarig ge "
                "tjänsten skrivrätt till katalogen (KAA_DATA_DIR) eller databasen.")
    if "disk is full" in text or "no space" in text or getattr(original, "errno", None) == 28:
        return (f"Disken är full där lagret ligger ({place}). {unchanged} Frigör utrymme på disken och "
                "försök igen.")
    if "database is locked" in text or "lock timeout" in text:
        return (f"Lagret är upptaget av en annan ändring som inte blev klar inom {BUSY_TIMEOUT_S} sekunder. "
                f"{unchanged} Försök igen om en stund.")
    if "not a database" in text or "malformed" in text or "no such table" in text:
        return (f"Databasfilen {place} är skadad eller är inte KAA-statistikens databas. Återställ den från "
                "en säkerhetskopia, eller flytta den åt sidan för att börja om med årsrapportens siffror.")
    if "unable to open" in text:
        return (f"Databasfilen {place} går inte att öppna. Kontrollera att katalogen finns och att tjänsten "
                "har rätt att läsa och skriva i den (KAA_DATA_DIR).")
    if isinstance(error, (sa.exc.OperationalError, sa.exc.InterfaceError)) and not sqlite_path(url):
        return (f"Databasen {place} går inte att nå. Kontrollera KAA_DATABASE_URL och att databasservern är "
                "igång och tar emot anslutningar; försök sedan igen.")
    return (f"Lagret ({place}) svarade med ett fel ({type(original).__name__}). {unchanged} Försök igen; om "
            "felet står kvar, kontakta förvaltningens statistiker.")


def _revision(connection: Connection) -> str | None:
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _upgrade(connection: Connection) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")


def _check_revision(revision: str | None) -> None:
    if revision not in (None, SCHEMA_VERSION) and revision > SCHEMA_VERSION:
        raise StoreError(f"Databasen har schemaversion {revision}, nyare än den här versionen av programmet "
                         f"({SCHEMA_VERSION}). Uppdatera KAA-statistik innan du använder databasen.")


def engine_for(write: bool, url: str | None = None) -> Engine | None:
    """The engine, with the schema migrated and an old Parquet store carried over once.

    None for a read of an embedded store that does not exist yet: nothing is created by reading.
    """
    url = url or config.database_url()
    path = sqlite_path(url)
    from kaa.store import legacy

    if url in _ready and (path is None or path.exists()):
        return _engines[url]
    if path is not None and not path.exists():
        if not write and not legacy.pending_without_database(config.data_dir()):
            return None
        with translated(url):
            path.parent.mkdir(parents=True, exist_ok=True)
    engine = _engine(url)
    with translated(url):
        with engine.connect() as connection:
            revision = _revision(connection)
            connection.rollback()
        _check_revision(revision)
        needs_legacy = legacy.pending(engine, config.data_dir()) if revision == SCHEMA_VERSION else True
        if revision != SCHEMA_VERSION or needs_legacy:
            with _write_connection(engine) as connection:
                revision = _revision(connection)
                _check_revision(revision)
                if revision != SCHEMA_VERSION:
                    _upgrade(connection)
                legacy.migrate(connection, config.data_dir())
    _ready.add(url)
    return engine


@contextlib.contextmanager
def _write_connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect().execution_options(kaa_write=True) as connection:
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})
            yield connection


@contextlib.contextmanager
def writing() -> Iterator[Connection]:
    """One write transaction, serialised with every other writer of the same store."""
    url = config.database_url()
    engine = engine_for(write=True, url=url)
    with translated(url), _write_connection(engine) as connection:
        yield connection


@contextlib.contextmanager
def reading() -> Iterator[Connection | None]:
    """One consistent read; None when the embedded store does not exist yet."""
    url = config.database_url()
    engine = engine_for(write=False, url=url)
    if engine is None:
        yield None
        return
    with translated(url), engine.connect() as connection, connection.begin():
        yield connection


def forget_engines() -> None:
    """Close every pooled connection (for tests that start and stop database servers)."""
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()
    _ready.clear()
