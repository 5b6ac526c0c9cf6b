"""Where the figures come from: the published report, plus imported sources under KAA_DATA_DIR."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from kaa.published import DATA_DIR, PUBLISHED_CSV, load_published

DEFAULT_STORE = DATA_DIR / "store"


def data_dir() -> Path:
    """The directory imported sources live in: $KAA_DATA_DIR, or data/store/."""
    return Path(os.environ.get("KAA_DATA_DIR") or DEFAULT_STORE)


def load_facts() -> pd.DataFrame:
    """Every figure the dashboard and CLI show, as one facts frame."""
    return load_published()


def available_years(facts: pd.DataFrame) -> list[int]:
    return sorted(int(y) for y in facts["ar"].unique())


def version() -> str:
    """Changes whenever the figures on disk change; the dashboard's cache key."""
    stamps = [PUBLISHED_CSV.stat().st_mtime_ns]
    manifest = data_dir() / "manifest.json"
    if manifest.exists():
        stamps.append(manifest.stat().st_mtime_ns)
    return "-".join(map(str, stamps))
