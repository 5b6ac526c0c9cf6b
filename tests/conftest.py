"""Shared fixtures: every test gets its own empty data directory."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # so plain `pytest` works as well as `python -m pytest`
    sys.path.insert(0, str(REPO_ROOT))

from kaa import published  # noqa: E402


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
