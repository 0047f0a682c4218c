"""A run's end computes topic representations a few topics and a few thousand members at a time
(memory); the stored representation is the same as computed all at once."""

from __future__ import annotations

import shutil
from datetime import datetime

from heard.listen.topics import represent
from heard.store import open_store
from heard.store.repos import topics as topics_repo

NOW = datetime(2026, 12, 6, 12, 0)


def _refresh(db) -> list[dict]:
    with open_store(db) as store:
        n = represent.refresh_representation(store, None, NOW)
        assert n >= 2
        return store.rows("SELECT * FROM topics WHERE status = 'active' ORDER BY topic_id")


def test_representation_in_parts_equals_all_at_once(seeded_db_copy, tmp_path, monkeypatch):
    other = tmp_path / "other.duckdb"
    shutil.copy(seeded_db_copy, other)
    whole = _refresh(seeded_db_copy)
    monkeypatch.setattr(represent, "TOPICS_AT_ONCE", 1)
    monkeypatch.setattr(topics_repo, "SIMILARITY_ROWS", 3)
    parts = _refresh(other)
    assert parts == whole
    assert all(r["label"] and r["representative"] != "[]" for r in whole)
    assert max(r["size"] for r in whole) > 3  # more members than one part of the similarity
