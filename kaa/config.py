"""Where things live and how the environment tunes them, in one place.

- KAA_DATA_DIR: the directory of the embedded store (a SQLite file); default data/store/.
- KAA_DATABASE_URL: a SQLAlchemy URL (e.g. postgresql+psycopg://user@host/db) that puts the
  store on a shared database server instead; several dashboard processes can then share it.
- KAA_MIN_CELL: counts from 1 to KAA_MIN_CELL - 1 are masked (default 5; 0 turns masking off).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_DATA = Path(__file__).resolve().parent.parent / "data"
DEFAULT_STORE = REPO_DATA / "store"
SQLITE_NAME = "kaa.sqlite3"
DEFAULT_MIN_CELL = 5


def data_dir() -> Path:
    """The directory of the embedded store: $KAA_DATA_DIR, or data/store/."""
    return Path(os.environ.get("KAA_DATA_DIR") or DEFAULT_STORE)


def database_url() -> str:
    """$KAA_DATABASE_URL, or the embedded SQLite file under data_dir()."""
    url = os.environ.get("KAA_DATABASE_URL", "").strip()
    return url or f"sqlite:///{data_dir() / SQLITE_NAME}"


def min_cell() -> int:
    """Counts below this are masked as `<N` ($KAA_MIN_CELL, default 5; 0 turns masking off)."""
    text = os.environ.get("KAA_MIN_CELL", "").strip()
    return int(text) if text.isdigit() else DEFAULT_MIN_CELL
