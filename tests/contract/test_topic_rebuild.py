"""``heard topics --rebuild`` on both backends: the whole rebuild is one transaction (a rebuild
killed half-way keeps the topics as they were: tests/integration/test_kill_recovery.py), on
PostgreSQL too, where the batches' own transactions nest in it; and the same store and seed give
the same topics, the second rebuild as the first."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from test_store_contract import DIM, enrich, make_posts

from heard.listen.topics import rebuild_topics


def _topics(store: Any) -> list[tuple[Any, ...]]:
    return [
        tuple(r.values())
        for r in store.rows(
            "SELECT topic_id, size FROM topics WHERE status = 'active' ORDER BY topic_id"
        )
    ]


def test_a_rebuild_runs_whole_and_repeats(open_target: Any) -> None:
    store = open_target()
    posts = make_posts([f"post {i}" for i in range(60)])
    columns = enrich(posts)
    rng = np.random.default_rng(3)
    centres = rng.standard_normal((3, DIM)).astype(np.float32) * 4
    columns["embedding"] = centres[np.arange(60) % 3] + rng.standard_normal((60, DIM)).astype(
        np.float32
    )
    store.write_batch(posts, columns, {"langid": "l", "sentiment": "s", "embed": "e"})
    first = rebuild_topics(store, seed=0, batch_size=16)
    assert first["posts"] == 60 and first["topics"] >= 1
    before = _topics(store)
    assert before and sum(size for _, size in before) + first["unassigned"] == 60
    # the same store and seed, the same topics: the first rebuild's consolidation mark made the
    # second skip its end-of-run consolidation (3 topics, then 4)
    assert rebuild_topics(store, seed=0, batch_size=16)["topics"] == first["topics"]
    assert _topics(store) == before
    assert "topics_consolidated" not in store.pending_work()


def test_a_rebuild_that_fails_half_way_changes_nothing(
    open_target: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from heard.listen.topics import rebuild as module

    store = open_target()
    posts = make_posts([f"post {i}" for i in range(40)])
    store.write_batch(posts, enrich(posts), {"langid": "l", "sentiment": "s", "embed": "e"})
    rebuild_topics(store, seed=0, batch_size=8)
    before = _topics(store)

    def stop(point: str) -> None:
        if point == "rebuild_batch":
            raise KeyboardInterrupt  # Ctrl-C half-way through the batches

    monkeypatch.setattr(module, "test_hook", stop)
    with pytest.raises(KeyboardInterrupt):
        rebuild_topics(store, seed=1, batch_size=8)
    assert _topics(store) == before
