"""The store on a real database, SQLite and PostgreSQL: transactions, concurrency, events, identity, faults.

Every test marked with the `backend` fixture runs twice: on the embedded SQLite file under this
test's KAA_DATA_DIR and on a fresh database of a real PostgreSQL server (tests/pgserver.py).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from kaa import config, metrics, schema, store
from kaa.facts import normalize_facts
from kaa.store import db, tables

ROOT = Path(__file__).resolve().parent.parent


def facts_for(year: int, inskrivna: int, jobbtorg: str = "Jobbtorg Kista") -> pd.DataFrame:
    rows = [{"ar": str(year), "jobbtorg": jobbtorg, "kon": kon, "measure": "inskrivna", "value": str(inskrivna)}
            for kon in schema.KON_VALUES]
    return normalize_facts(pd.DataFrame(rows))


def add(year: int, inskrivna: int, digest: str, name: str | None = None, **kwargs) -> store.ImportOutcome:
    return store.add_source(facts_for(year, inskrivna), digest=digest, filnamn=kwargs.pop("filnamn", "x.csv"),
                            name=name, rader=100, varningar=[], typ="register", **kwargs)


def inskrivna(year: int) -> float:
    table = metrics.table(store.load_facts(), ["ar"], measures=["inskrivna"])
    return table.loc[table["ar"] == year, "inskrivna"].iloc[0]


def engine() -> sa.Engine:
    return db.engine_for(write=True)


def files(directory: Path) -> dict[str, str]:
    """Every file under the directory with the SHA-256 of its bytes."""
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


# --- What the store does -------------------------------------------------------------------------


def test_an_import_backs_its_year_and_the_report_stays_the_fallback(backend):
    outcome = add(2020, 50, "a" * 64)
    assert outcome.new
    assert inskrivna(2020) == 100  # the imported source replaces the report for 2020
    assert inskrivna(2019) == 1023
    assert store.backing() == {outcome.source.id: [2020]}
    facts = store.load_facts()
    is_2020 = (facts["ar"] == 2020) & (facts["verksamhet"] == schema.HELA_KAA)
    assert set(facts.loc[is_2020 & (facts["measure"] == "inskrivna"), "source"]) == {outcome.source.label}
    assert set(facts.loc[is_2020 & (facts["measure"] == "nadda"), "source"]) == {
        "Årsrapport 2020 (publicerade siffror)"}


def test_an_extract_is_stored_figure_for_figure_as_read_on_both_backends(backend):
    """SQLite takes the rows as one statement each, PostgreSQL as one COPY: the same figures either way."""
    from kaa import demo
    from kaa.extract import read_extract

    buffer = __import__("io").BytesIO()
    demo.write(demo.generate(3000, [2019, 2020], seed=5, dates=True), buffer)
    result = read_extract(buffer.getvalue(), "uttag.csv")
    outcome = store.import_extract(result, buffer.getvalue(), "uttag.csv", "Uttag ’25")
    with engine().connect() as connection:
        stored = pd.DataFrame(connection.execute(sa.select(*[tables.facts.c[f] for f in tables.FACT_FIELDS]))
                              .fetchall(), columns=list(tables.FACT_FIELDS))
    key = list(tables.FACT_FIELDS[:8])  # the facts' key (kaa.facts.KEY_COLUMNS)
    expected = result.facts[list(tables.FACT_FIELDS)]
    assert expected[tables.FACT_FIELDS[5]].notna().any(), "the demo's dates give figures per month"
    stored, expected = (frame.astype(object).where(frame.notna(), "").sort_values(key).reset_index(drop=True)
                        for frame in (stored, expected))
    pd.testing.assert_frame_equal(stored, expected, check_dtype=False)
    assert store.sources()[0].name == outcome.source.name == "Uttag ’25"


def test_a_fault_while_storing_figures_is_a_swedish_error_on_both_backends(backend):
    from kaa.store import records

    engine()  # the schema exists
    columns = {f: [v] for f, v in zip(tables.FACT_FIELDS, (2020, None, None, None, None, None, "Hela KAA", "registrerade",
                                                           1.0, "exakt", "", ""))}
    with pytest.raises(store.StoreError, match="svarade med ett fel"):  # no source 999999: refused by the key
        with db.writing() as connection:
            records.insert_facts(connection, 999_999, columns)
    assert store.sources() == [] and store.load_facts()["source"].str.startswith("Import").sum() == 0


def test_a_source_replaces_only_the_figures_it_has(backend):
    rows = [{"ar": "2019", "measure": "kontakt_brev", "value": "7000"}]
    store.add_source(normalize_facts(pd.DataFrame(rows)), digest="k" * 64, filnamn="brev.csv", name="Brev 2019",
                     rader=1, varningar=[], typ="tidy")
    table = metrics.table(store.load_facts(), ["ar"], measures=["kontakt_brev", "registrerade", "nadda"])
    row = table[table["ar"] == 2019].iloc[0]
    assert row["kontakt_brev"] == 7000
    assert row["registrerade"] == 8724 and row["nadda"] == 3323


def test_importing_the_same_file_twice_changes_nothing(backend):
    first = add(2021, 10, "b" * 64)
    before = (store.sources(), store.events(), store.version())
    again = add(2021, 10, "b" * 64)
    assert not again.new and again.source.id == first.source.id
    assert "finns redan" in again.message
    assert (store.sources(), store.events(), store.version()) == before


def test_latest_active_source_wins_and_deactivating_restores_the_previous(backend):
    older = add(2020, 40, "c" * 64, name="äldre")
    newer = add(2020, 60, "d" * 64, name="nyare")
    assert inskrivna(2020) == 120
    store.set_active("nyare", False)
    assert inskrivna(2020) == 80
    store.set_active(newer.source.id, True)
    assert inskrivna(2020) == 120
    assert store.remove("NYARE").id == newer.source.id  # names are found without regard to case
    assert inskrivna(2020) == 80
    store.remove(older.source.id)
    assert inskrivna(2020) == 980
    assert store.sources() == []


def test_every_change_is_in_the_append_only_event_log_with_who_and_what(backend):
    outcome = add(2022, 7, "e" * 64, name="Logg", actor="anna@stad.se (webbläsaren)")
    store.set_active(outcome.source.id, False, actor="bo")
    store.set_active(outcome.source.id, True)
    store.remove(outcome.source.id, actor="bo")
    log = list(reversed(store.events()))
    assert [e["action"] for e in log] == ["import", "deactivate", "activate", "remove"]
    assert log[0]["actor"] == "anna@stad.se (webbläsaren)" and log[1]["actor"] == "bo"
    assert log[2]["actor"].endswith("(kommandoraden)")
    assert {e["source_id"] for e in log} == {outcome.source.id}
    assert log[0]["sha256"] == "e" * 64 and log[0]["rows"] == 100 and log[0]["years"] == "2022"
    assert all(e["at"].endswith("+00:00") for e in log)
    with engine().connect() as connection:
        for statement in ("UPDATE events SET actor = 'x'", "DELETE FROM events"):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"):
                with connection.begin():
                    connection.execute(sa.text(statement))
    assert len(store.events()) == 4


def test_version_changes_with_every_change(backend):
    seen = [store.version()]
    outcome = add(2022, 7, "f" * 64)
    seen.append(store.version())
    store.set_active(outcome.source.id, False)
    seen.append(store.version())
    store.remove(outcome.source.id)
    seen.append(store.version())
    assert len(set(seen)) == 4


def test_unknown_source_is_a_swedish_error(backend):
    with pytest.raises(store.StoreError, match="finns inte"):
        store.remove("saknas")


def test_the_schema_is_the_newest_migration_and_agrees_with_the_declared_tables(backend):
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from kaa.store import tables

    cfg = Config()
    cfg.set_main_option("script_location", str(db.MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_current_head() == db.SCHEMA_VERSION
    with engine().connect() as connection:
        assert connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == db.SCHEMA_VERSION
        assert compare_metadata(MigrationContext.configure(connection), tables.metadata) == []


# --- Identity: names are safe, unique, never an id -------------------------------------------------


def test_personnummer_in_a_name_or_file_name_never_reach_the_database(backend, kaa_data_dir):
    add(2021, 9, "g" * 64, name="Uttag 050312-2384")
    add(2022, 9, "h" * 64, filnamn="uttag 040704 5558.csv")
    names = [(s.name, s.filnamn, s.label) for s in store.sources()]
    text = repr(names)
    for digits in ("050312", "2384", "040704", "5558"):
        assert digits not in text, names
    assert names[0][0].startswith("Uttag ") and "•••" in names[0][0]
    if backend == "sqlite":
        raw = (kaa_data_dir / config.SQLITE_NAME).read_bytes()
        assert b"050312" not in raw and b"040704" not in raw


def test_a_name_loses_control_and_direction_characters_and_is_limited_in_length(backend):
    outcome = add(2021, 9, "i" * 64, name="Kista\u202e gpj.exe\x07 " + "x" * 500)
    name = outcome.source.name
    assert "\u202e" not in name and "\x07" not in name
    assert len(name) <= 80 and name.startswith("Kista")


def test_an_id_is_never_taken_as_a_name_and_names_stay_unique(backend):
    first = add(2020, 40, "j" * 64, name="KAA 2020")
    with pytest.raises(store.StoreError, match="ser ut som en källas id"):
        add(2021, 1, "k" * 64, name=first.source.id)
    second = add(2021, 50, "l" * 64, name="kaa 2020")
    assert second.source.name == "kaa 2020 (2)"
    assert second.source.label != first.source.label
    # Both can be deactivated and removed, by name or by id.
    store.set_active("KAA 2020", False)
    assert [s.aktiv for s in store.sources()] == [False, True]
    store.remove(second.source.id)
    store.remove(first.source.id)
    assert store.sources() == []


# --- Processes: kill, concurrency, a second reader -------------------------------------------------


def _run(code: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


IMPORT_ONE = """
    import sys
    sys.path.insert(0, ".")
    import pandas as pd
    from kaa import store
    from kaa.facts import normalize_facts
    rows = [{{"ar": "{year}", "jobbtorg": "Jobbtorg City", "kon": k, "measure": "inskrivna", "value": "30"}}
            for k in ("Kvinna", "Man")]
    print(store.add_source(normalize_facts(pd.DataFrame(rows)), digest="{digest}" * 64, filnamn="x.csv",
                           name="{name}", rader=2, varningar=[], typ="register").new)
"""


def test_two_processes_importing_at_once_both_land(backend):
    env = dict(os.environ)
    procs = [_run(IMPORT_ONE.format(year=2023 + i, digest=d, name="Samtidig"), env) for i, d in enumerate("mn")]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert out.strip() == "True"
    current = store.sources()
    assert sorted(s.ar for s in current) == [(2023,), (2024,)]
    assert sorted(s.name for s in current) == ["Samtidig", "Samtidig (2)"]


KILLED_MID_IMPORT = """
    import os, sys, time
    sys.path.insert(0, ".")
    import pandas as pd
    from kaa import store
    from kaa.facts import normalize_facts
    from kaa.store import records
    real = records.insert_facts
    def stalled(connection, pk, facts):
        real(connection, pk, facts)  # the source and its facts are written, not yet committed
        open(os.environ["READY"], "w").close()
        time.sleep(120)
    records.insert_facts = stalled
    rows = [{"ar": "2020", "jobbtorg": "Jobbtorg City", "kon": k, "measure": "inskrivna", "value": "1"}
            for k in ("Kvinna", "Man")]
    store.add_source(normalize_facts(pd.DataFrame(rows)), digest="o" * 64, filnamn="x.csv", name="död",
                     rader=2, varningar=[], typ="register")
"""


def test_a_kill_mid_import_leaves_the_store_as_before(backend, tmp_path):
    add(2021, 25, "p" * 64, name="före")
    before = (store.sources(), store.events(), store.version())
    ready = tmp_path / "ready"
    proc = _run(KILLED_MID_IMPORT, {**os.environ, "READY": str(ready)})
    deadline = time.time() + 90
    while not ready.exists():
        assert proc.poll() is None, proc.communicate()[1]
        assert time.time() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    time.sleep(0.2)  # PostgreSQL notices the closed connection and rolls its transaction back
    assert (store.sources(), store.events(), store.version()) == before
    assert inskrivna(2021) == 50 and inskrivna(2020) == 980
    assert add(2022, 9, "q" * 64).new  # the store takes imports afterwards


SHOW_2024 = """
    import sys
    sys.path.insert(0, ".")
    from kaa import metrics, store
    table = metrics.table(store.load_facts(), ["ar"], measures=["inskrivna"])
    print(store.version(), ",".join(str(y) for y in table["ar"]))
"""


def test_an_import_in_one_process_is_seen_by_another_at_its_next_run(backend):
    def other_process() -> list[str]:
        proc = _run(SHOW_2024, dict(os.environ))
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        return out.split()

    version_before, years_before = other_process()
    assert "2024" not in years_before.split(",")
    proc = _run(IMPORT_ONE.format(year=2024, digest="r", name="Annan process"), dict(os.environ))
    assert proc.communicate(timeout=120)[0].strip() == "True"
    version_after, years_after = other_process()
    assert version_after != version_before and "2024" in years_after.split(",")
    assert store.version() == version_after  # and this process, at its next run, sees the same


def test_nothing_in_the_data_directory_but_the_database_is_ever_touched(backend, kaa_data_dir):
    (kaa_data_dir / "own.parquet").write_bytes(b"the analyst's own file")
    (kaa_data_dir / "manifest.json.bak").write_text("{}", encoding="utf-8")
    (kaa_data_dir / ".tmp-notes.txt").write_text("keep me", encoding="utf-8")
    (kaa_data_dir / "sub").mkdir()
    (kaa_data_dir / "sub" / "x.parquet").write_bytes(b"x")
    foreign = files(kaa_data_dir)
    outcome = add(2021, 5, "s" * 64)
    store.set_active(outcome.source.id, False)
    store.remove(outcome.source.id)
    after = files(kaa_data_dir)
    assert {k: v for k, v in after.items() if k in foreign} == foreign
    assert set(after) - set(foreign) <= ({config.SQLITE_NAME} if backend == "sqlite" else set())


def test_reading_an_empty_store_creates_nothing(kaa_data_dir):
    assert store.sources() == [] and store.events() == []
    assert len(store.load_facts()) > 0 and store.version()
    assert list(kaa_data_dir.iterdir()) == []


# --- The Parquet store of earlier versions ------------------------------------------------------------


def _old_store(directory: Path) -> None:
    """A store as the Parquet version wrote it: manifest.json and one Parquet file per source."""
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    entries = []
    for i, (year, value, name) in enumerate([(2020, 40, "Gammal 2020"), (2021, 12, "Uttag 050312-2384")]):
        source_id = f"kalla-2026112{i}101010-{'ab' * 4}"
        frame = facts_for(year, value).assign(source=f"Import: {name} (2026-11-2{i})")
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), directory / f"{source_id}.parquet")
        entries.append({"id": source_id, "name": name, "filnamn": f"{name}.csv", "sha256": str(i) * 64,
                        "importerad": f"2026-11-2{i}T10:10:10", "ar": [year], "rader": 10, "varningar": [],
                        "aktiv": i == 0, "typ": "register"})
    (directory / "manifest.json").write_text(json.dumps({"version": 1, "sources": entries}), encoding="utf-8")


def test_an_old_parquet_store_is_carried_over_once_and_its_files_are_left_untouched(kaa_data_dir):
    _old_store(kaa_data_dir)
    before = files(kaa_data_dir)
    current = store.sources()
    assert [s.id for s in current] == ["kalla-20261120101010-abababab", "kalla-20261121101010-abababab"]
    assert [s.aktiv for s in current] == [True, False]
    assert "050312" not in current[1].name and current[1].name.startswith("Uttag ")
    assert inskrivna(2020) == 80
    log = store.events()
    assert log[0]["action"] == "migrate" and "2 källor" in log[0]["detail"]
    store.remove(current[0].id)
    assert [s.id for s in store.sources()] == [current[1].id]  # a removed source does not come back
    assert {k: v for k, v in files(kaa_data_dir).items() if k != config.SQLITE_NAME} == before


def test_an_unreadable_old_manifest_is_noted_and_nothing_is_lost(kaa_data_dir):
    (kaa_data_dir / "manifest.json").write_text("{inte json", encoding="utf-8")
    before = files(kaa_data_dir)
    assert store.sources() == []
    assert "kunde inte läsas" in store.events()[0]["detail"]
    assert add(2021, 5, "t" * 64).new
    assert {k: v for k, v in files(kaa_data_dir).items() if k != config.SQLITE_NAME} == before


# --- Faults: each a Swedish sentence, and nothing stored is lost ------------------------------------


def test_a_damaged_source_is_named_and_can_still_be_removed(backend):
    good = add(2020, 40, "u" * 64, name="Hel")
    bad = add(2021, 12, "v" * 64, name="Trasig")
    with engine().begin() as connection:
        connection.execute(sa.text(
            "UPDATE facts SET measure = 'okänt' WHERE source_pk = (SELECT pk FROM sources WHERE id = :id)"),
            {"id": bad.source.id})
    with pytest.raises(store.StoreError, match="Trasig.*kan inte läsas.*Ladda upp") as wide:
        store.load_facts()
    # The command line's narrow question before an import names it in the same words.
    with pytest.raises(store.StoreError) as narrow:
        store.replaced_published_years([2020])
    assert str(narrow.value) == str(wide.value)
    assert [s.name for s in store.sources()] == ["Hel", "Trasig"]  # the list (and its buttons) still work
    store.set_active(bad.source.id, False)
    assert inskrivna(2020) == 80
    store.remove(bad.source.id)
    assert [s.id for s in store.sources()] == [good.source.id]


def test_a_file_that_is_not_a_database_is_a_swedish_error(kaa_data_dir):
    (kaa_data_dir / config.SQLITE_NAME).write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(store.StoreError, match="skadad eller är inte"):
        store.sources()


def test_an_unreachable_database_server_is_a_swedish_error(monkeypatch):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("KAA_DATABASE_URL", f"postgresql+psycopg://kaa:hemligt@127.0.0.1:{port}/kaa")
    try:
        with pytest.raises(store.StoreError, match="går inte att nå") as caught:
            store.sources()
        assert "hemligt" not in str(caught.value)  # the password is never shown
        with pytest.raises(store.StoreError, match="går inte att nå"):
            add(2021, 1, "w" * 64)
    finally:
        db.forget_engines()


def test_loading_the_driver_ahead_connects_to_nothing_and_leaves_faults_to_the_first_use(monkeypatch, kaa_data_dir):
    store.load_driver()  # the embedded store: an engine, but no database file
    assert not (kaa_data_dir / config.SQLITE_NAME).exists()
    monkeypatch.setenv("KAA_DATABASE_URL", "ingendatabas://server/kaa")
    try:
        store.load_driver()  # says nothing ...
        with pytest.raises(store.StoreError, match="KAA_DATABASE_URL går inte att använda"):
            store.sources()  # ... the first use does, as ever
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        monkeypatch.setenv("KAA_DATABASE_URL", f"postgresql+psycopg://kaa@127.0.0.1:{port}/kaa")
        store.load_driver()  # a server that does not answer: the connection tried ahead fails in silence
        with pytest.raises(store.StoreError, match="går inte att nå"):
            store.sources()
    finally:
        db.forget_engines()


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small file system needs root")


@pytest.fixture
def small_disk(tmp_path, monkeypatch):
    """A real, tiny tmpfs as KAA_DATA_DIR."""
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=160k", "tmpfs", str(mount)], check=True)
    monkeypatch.setenv("KAA_DATA_DIR", str(mount))
    yield mount
    db.forget_engines()
    subprocess.run(["umount", "-l", str(mount)], check=False)


@needs_root
def test_a_full_disk_is_a_swedish_error_and_what_was_stored_stays(small_disk):
    assert add(2020, 40, "x" * 64, name="Före").new
    before = (store.sources(), store.events())
    free = os.statvfs(small_disk)
    with open(small_disk / "filler", "ab") as handle:
        handle.write(b"\0" * (free.f_bavail * free.f_frsize))
    big = normalize_facts(pd.DataFrame([{"ar": "2021", "jobbtorg": "Jobbtorg Kista", "kon": "Kvinna",
                                         "measure": "inskrivna", "value": "1", "kalla": "x" * 3000}]))
    with pytest.raises(store.StoreError, match="Disken är full"):
        store.add_source(big, digest="y" * 64, filnamn="x.csv", name="Stor", rader=1, varningar=[], typ="tidy")
    (small_disk / "filler").unlink()
    assert (store.sources(), store.events()) == before
    assert inskrivna(2020) == 80


@needs_root
def test_a_read_only_store_is_read_and_refuses_changes_in_swedish(small_disk):
    outcome = add(2020, 40, "z" * 64, name="Skrivskyddad")
    db.forget_engines()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    assert inskrivna(2020) == 80  # reading still works
    for change in (lambda: store.set_active(outcome.source.id, False), lambda: add(2021, 1, "1" * 64)):
        with pytest.raises(store.StoreError, match="skrivskyddat"):
            change()
    assert [s.aktiv for s in store.sources()] == [True]


def test_the_embedded_database_is_a_plain_sqlite_file_with_only_aggregates(kaa_data_dir):
    add(2020, 40, "2" * 64, name="Aggregat")
    with sqlite3.connect(kaa_data_dir / config.SQLITE_NAME) as connection:
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        columns = {r[1] for r in connection.execute("PRAGMA table_info(facts)")}
        remembered = {r[1] for r in connection.execute("PRAGMA table_info(skydd)")}
    assert tables == {"alembic_version", "sources", "facts", "events", "skydd"}
    assert "person_id" not in columns
    assert remembered == {"pk", "nyckel", "koder"}  # a year's key and one label code per figure


def test_the_command_line_shows_the_event_log_with_the_os_user(kaa_data_dir, tmp_path):
    from kaa import demo

    path = tmp_path / "uttag.csv"
    demo.write(demo.generate(300, [2021], seed=1), path)
    env = {**os.environ, "KAA_DATA_DIR": str(kaa_data_dir)}

    def kaa(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "kaa", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120, stdin=subprocess.DEVNULL)
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
        return done.stdout

    assert "tom" in kaa("events")
    kaa("import", str(path), "--name", "Logg 2021")
    kaa("deactivate", "Logg 2021")
    lines = [line for line in kaa("events").splitlines() if "(kommandoraden)" in line]
    assert [line.split(" | ")[2] for line in lines] == ["inaktiverade", "importerade"]
    assert all(store.sources()[0].id in line and "| 300 | 2021 |" in line for line in lines)
    # `logg` is the Swedish name; csv and json carry the same events for processing, newest first.
    records = json.loads(kaa("logg", "--format", "json"))
    assert [r["handelse"] for r in records] == ["deactivate", "import"]
    assert records[1]["rader"] == 300 and records[1]["kalla"] == store.sources()[0].id
    assert all(r["vem"].endswith("(kommandoraden)") for r in records)
    rows = list(csv.DictReader(io.StringIO(kaa("logg", "--format", "csv"))))
    assert [(r["handelse"], r["rader"]) for r in rows] == [("deactivate", "300"), ("import", "300")]
    # The whole log unless fewer are asked for.
    source = store.sources()[0].id
    for _ in range(26):
        store.set_active(source, True, actor="test")
        store.set_active(source, False, actor="test")
    assert len(json.loads(kaa("logg", "--format", "json"))) == 54 == store.event_count()
    assert [r["handelse"] for r in json.loads(kaa("logg", "--format", "json", "--limit", "2"))] == [
        "deactivate", "activate"]


def test_a_database_of_an_earlier_schema_is_upgraded_in_place_with_its_data(backend):
    """Revision 0001 had no exempeldata column: a store written then is upgraded on first use."""
    from alembic import command
    from alembic.config import Config

    url = config.database_url()
    if backend == "sqlite":
        config.data_dir().mkdir(parents=True, exist_ok=True)
    old = sa.create_engine(url)
    with old.begin() as connection:
        cfg = Config()
        cfg.set_main_option("script_location", str(db.MIGRATIONS))
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0001")
        connection.execute(sa.text(
            "INSERT INTO sources (id, name, filnamn, sha256, importerad, ar, rader, varningar, aktiv, typ) VALUES "
            "('kalla-20251201101010-aaaaaaaa', 'Mallen', 'mall.csv', :sha, '2025-12-01T10:10:10', '2020', 3, "
            "'[\"exempeldata: 1 st.\"]', TRUE, 'register')"), {"sha": "3" * 64})
    old.dispose()
    db.forget_engines()
    (source,) = store.sources()
    assert source.exempeldata and source.label.endswith(", exempeldata")
    with engine().connect() as connection:
        assert connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == db.SCHEMA_VERSION


def test_an_import_of_demo_ids_is_marked_as_example_data(kaa_data_dir):
    from kaa import demo, extract

    buffer = __import__("io").BytesIO()
    demo.write(demo.generate(200, [2021], seed=2), buffer)
    data = buffer.getvalue()
    outcome = store.import_extract(extract.read_extract(data, "demo.csv"), data, "demo.csv", "Demo")
    assert outcome.source.exempeldata
    facts = store.load_facts()
    assert set(facts.loc[facts["ar"] == 2021, "source"]) == {outcome.source.label}
    assert outcome.source.label.endswith(", exempeldata")


def test_the_protection_is_remembered_in_the_store_and_nowhere_else(backend, kaa_data_dir):
    from kaa import demo, extract

    data = io.BytesIO()
    demo.write(demo.generate(800, [2021, 2022], seed=3), data, encoding="cp1252")
    store.import_extract(extract.read_extract(data.getvalue(), "demo.csv"), data.getvalue(), "demo.csv", "Demo")
    before, version = sorted(p.name for p in kaa_data_dir.rglob("*")), store.version()
    facts = store.load_facts()
    first = store.protect(facts, 5)
    with db.reading() as connection:
        kept = connection.execute(sa.select(sa.func.count()).select_from(tables.skydd)).scalar()
    assert kept == facts["ar"].nunique()  # one entry per year
    pd.testing.assert_frame_equal(store.protect(facts, 5), first)
    with db.reading() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(tables.skydd)).scalar() == kept
    assert sorted(p.name for p in kaa_data_dir.rglob("*")) == before  # no file beside the database
    assert store.version() == version  # remembering is not a change of the figures


def test_protecting_the_report_alone_creates_no_store(kaa_data_dir):
    store.protect(store.load_facts(), 5)
    assert not any(kaa_data_dir.iterdir())
