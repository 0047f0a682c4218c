"""RIGHTS.md §4: posts without an author key never help a group pass the k ≥ 5 threshold."""

from __future__ import annotations

from datetime import datetime, timezone

from heard.read.overview import _grouped
from heard.records import Post
from heard.store import open_store


def test_authorless_posts_do_not_count_as_distinct_authors(tmp_path):
    t0 = datetime(2026, 11, 1, tzinfo=timezone.utc)
    posts = [
        Post(id=f"s:{i}", source="s", external_id=str(i), text=f"anonymous post {i}", created_at=t0)
        for i in range(8)
    ]  # eight posts, no author keys: zero known authors
    posts += [
        Post(
            id=f"t:{i}",
            source="t",
            external_id=str(i),
            text=f"signed post {i}",
            created_at=t0,
            author_key=f"key{i}",
        )
        for i in range(5)
    ]
    with open_store(tmp_path / "k.duckdb") as store:
        store.write_batch(posts, {}, {})
        groups = _grouped(store, "source", k=5)
    shown = {g["key"]: g["posts"] for g in groups if not g.get("suppressed")}
    assert shown == {"t": 5}
    assert [g["posts"] for g in groups if g.get("suppressed")] == [8]
