"""Fixtures shared by the integration tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from api_seed import build


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The API seed store (``api_seed.build``), built once per session: copy it before writing."""
    db = tmp_path_factory.mktemp("seed") / "seed.duckdb"
    build(db)
    return db


@pytest.fixture()
def seeded_db_copy(tmp_path: Path, seeded_db: Path) -> Path:
    """A fresh copy of the seed store, for one test to change."""
    copy = tmp_path / "seed.duckdb"
    shutil.copy(seeded_db, copy)
    return copy
