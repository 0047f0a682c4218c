"""The ingest path's store calls never make DuckDB search the import path for pandas.

DuckDB's Python client tries ``import pandas`` twice for every Python value bound as a parameter;
without pandas installed each try walks the import path again. A 512-value list parameter in the
duplicate-text probe cost ~75 ms per ingest batch, so probes go in as registered Arrow tables.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

from heard.records import Post, content_hash
from heard.store import open_store


class _CountingFinder:
    """A meta-path finder that only records the imports Python had to search for."""

    def __init__(self) -> None:
        self.searched: list[str] = []

    def find_spec(self, name, path=None, target=None):
        self.searched.append(name)
        return None


def test_ingest_probes_and_writes_never_search_for_pandas(tmp_path):
    posts = [
        Post(
            id=f"t:{i}",
            source="t",
            external_id=str(i),
            text=f"路灯坏了 {i % 250}",
            created_at=datetime(2026, 11, 1, tzinfo=UTC),
        )
        for i in range(500)
    ]
    store = open_store(tmp_path / "heard.duckdb")
    store.write_batch(posts[:250], {}, {}, [], "t", None)
    finder = _CountingFinder()
    sys.meta_path.insert(0, finder)
    try:
        stored = store.existing_ids([p.id for p in posts])
        known = store.known_text_hashes([content_hash(p.text) for p in posts] + ["no-such-hash"])
        store.write_batch(posts[250:], {}, {}, [], "t", None)
    finally:
        sys.meta_path.remove(finder)
        store.close()
    assert stored == {p.id for p in posts[:250]}
    assert known == {content_hash(p.text) for p in posts[:250]}  # texts repeat every 250 posts
    assert "pandas" not in finder.searched


def test_bound_parameters_never_search_for_pandas(tmp_path):
    """Every other store call (topic state and events by ``executemany``, bound parameters) binds
    Python values; the store stops DuckDB's client from searching for a pandas that is not
    installed, while ``import pandas`` still fails as it would without the store."""
    store = open_store(tmp_path / "heard.duckdb")
    finder = _CountingFinder()
    sys.meta_path.append(finder)  # reached only when every finder before it, the path's too, failed
    try:
        store.topics.write_state({f"k{i}": str(i) for i in range(50)})
        assert store.scalar("SELECT count(*) FROM topic_state WHERE value <> ?", ["7"]) == 49
    finally:
        sys.meta_path.remove(finder)
        store.close()
    assert "pandas" not in finder.searched
    if "pandas" not in sys.modules:  # not installed: importing it still fails as it did
        try:
            import pandas  # noqa: F401
        except ModuleNotFoundError as exc:
            assert exc.name == "pandas"
        else:  # pragma: no cover
            raise AssertionError("import pandas succeeded")
