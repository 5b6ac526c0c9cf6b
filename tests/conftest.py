"""Shared fixtures: every test gets its own empty data directory."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # so plain `pytest` works as well as `python -m pytest`
    sys.path.insert(0, str(REPO_ROOT))

from kaa import published  # noqa: E402


@pytest.fixture(autouse=True, scope="session")
def _served_on_this_machine():
    """AppTest runs the dashboard as `streamlit run` would on this machine (the project's config.toml says
    `address = "localhost"`), also when pytest is started outside the repository, where that file is not read."""
    from streamlit import config

    config.set_option("server.address", "localhost")


@pytest.fixture(autouse=True)
def kaa_data_dir(tmp_path, monkeypatch) -> Path:
    """Point KAA_DATA_DIR at an empty directory of this test's own, never at data/store/."""
    directory = tmp_path / "kaa_data"
    directory.mkdir()
    monkeypatch.setenv("KAA_DATA_DIR", str(directory))
    return directory


@pytest.fixture
def facts():
    """The report's published figures as a facts frame."""
    return published.load_published()


@pytest.fixture(scope="session")
def postgres_url():
    """One real PostgreSQL server for the whole run (tests/pgserver.py); each test gets its own database."""
    from tests.pgserver import postgres_server

    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, monkeypatch, kaa_data_dir) -> str:
    """Run the test on the embedded SQLite store and on a fresh database of a real PostgreSQL server."""
    from kaa.store import db

    if request.param == "postgresql":
        import sqlalchemy as sa

        server = request.getfixturevalue("postgres_url")
        name = f"t{abs(hash(request.node.nodeid)) % 10**12}"
        admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
        admin.dispose()
        monkeypatch.setenv("KAA_DATABASE_URL", server.rsplit("/", 1)[0] + f"/{name}")
    yield request.param
    db.forget_engines()
