"""Topic state in the store: the clusterer's topics and pool, post assignments, and history.

Tables (migration 2): ``topics`` (one row per topic id ever made; ``status`` active/merged),
``post_topics`` (post → topic, NULL while it waits in the pool), ``topic_events`` (created,
merged, split, moved) and ``topic_state`` (next id, step, pool, centring mean, per-language vector
sums); migration 6: ``topic_window`` (the posts since the last consolidation, for the neighbour vote).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import datetime

import numpy as np
import pyarrow as pa

from heard.listen.analysis.clustering import Assignment, ConsolidationResult, StreamingClusterer, TopicEvent
from heard.store.duckdb_store import DuckDBStore


def _vectors(table: pa.Table, column: str, dim: int | None = None) -> np.ndarray:
    col = table.column(column)
    col = col.chunk(0) if col.num_chunks == 1 else col.combine_chunks()
    flat = col.flatten().to_numpy(zero_copy_only=False).astype(np.float32, copy=False)
    n = len(col)
    if n == 0:
        return np.zeros((0, dim or 0), dtype=np.float32)
    return flat.reshape(n, -1)


def read_state(store: DuckDBStore) -> dict[str, str]:
    return {r["key"]: r["value"] for r in store.rows("SELECT key, value FROM topic_state")}


def load_clusterer(store: DuckDBStore, clusterer: StreamingClusterer) -> None:
    """Restore ``clusterer`` from the store (a fresh store leaves it empty)."""
    state = read_state(store)
    table = store.con.execute(
        "SELECT topic_id, centroid, coherence, size FROM topics WHERE status = 'active' ORDER BY topic_id"
    ).to_arrow_table()
    cents = _vectors(table, "centroid", clusterer.dim)
    topics = [
        {"topic_id": tid, "centroid": cents[i], "coherence": coh, "size": size}
        for i, (tid, coh, size) in enumerate(zip(table.column("topic_id").to_pylist(),
                                                  table.column("coherence").to_pylist(),
                                                  table.column("size").to_pylist()))
    ]
    pool_ids = json.loads(state.get("pool", "[]"))
    pool_vecs = np.zeros((0, clusterer.dim), dtype=np.float32)
    if pool_ids:
        probe = pa.table({"post_id": pool_ids, "ord": list(range(len(pool_ids)))})
        with store.registered("_pool_probe", probe):
            got = store.con.execute(
                "SELECT q.post_id, e.vec FROM _pool_probe q JOIN embeddings e USING (post_id) ORDER BY q.ord"
            ).to_arrow_table()
        pool_ids = got.column("post_id").to_pylist()
        pool_vecs = _vectors(got, "vec", clusterer.dim)
    mu = json.loads(state["mu"]) if state.get("mu") else None
    languages = json.loads(state["languages"]) if state.get("languages") else None
    clusterer.restore(topics, pool_ids, pool_vecs, int(state.get("next_id", 1)), int(state.get("step", 0)),
                      None if mu is None else np.asarray(mu, dtype=np.float32), languages)
    window = store.con.execute(
        "SELECT w.post_id, e.vec, pt.topic_id FROM topic_window w JOIN embeddings e USING (post_id) "
        "LEFT JOIN post_topics pt USING (post_id) ORDER BY w.seq"
    ).to_arrow_table()
    clusterer.restore_window(window.column("post_id").to_pylist(), _vectors(window, "vec", clusterer.dim),
                             window.column("topic_id").to_pylist())


def save_window(store: DuckDBStore, keys: Sequence[Hashable]) -> None:
    """Append posts to the vote window (see ``StreamingClusterer.window_keys``)."""
    if not keys:
        return
    start = int(store.scalar("SELECT coalesce(max(seq), 0) FROM topic_window")) + 1
    table = pa.table({"seq": pa.array(range(start, start + len(keys)), pa.int64()),
                      "post_id": pa.array([str(k) for k in keys], pa.string())})
    with store.registered("_window", table):
        store.con.execute("INSERT INTO topic_window SELECT seq, post_id FROM _window")


def clear_window(store: DuckDBStore) -> None:
    store.con.execute("DELETE FROM topic_window")


def members_from_store(store: DuckDBStore, dim: int) -> Callable[[int], tuple[list[Hashable], np.ndarray]]:
    def members(topic_id: int) -> tuple[list[Hashable], np.ndarray]:
        table = store.con.execute(
            "SELECT pt.post_id, e.vec FROM post_topics pt JOIN embeddings e USING (post_id) "
            "WHERE pt.topic_id = ? ORDER BY pt.post_id", [topic_id]
        ).to_arrow_table()
        return table.column("post_id").to_pylist(), _vectors(table, "vec", dim)
    return members


def save_assignments(store: DuckDBStore, assignments: Sequence[Assignment], now: datetime) -> None:
    """Upsert post → topic rows (the last assignment of a post in the list wins)."""
    if not assignments:
        return
    last: dict[Hashable, Assignment] = {}
    for a in assignments:
        last[a.key] = a
    rows = list(last.values())
    table = pa.table({
        "post_id": pa.array([str(a.key) for a in rows], pa.string()),
        "topic_id": pa.array([a.topic_id for a in rows], pa.int32()),
        "similarity": pa.array([a.similarity if a.topic_id is not None else None for a in rows], pa.float32()),
        "assigned_at": pa.array([now] * len(rows), pa.timestamp("us")),
    })
    with store.registered("_assign", table):
        store.con.execute(
            "INSERT INTO post_topics SELECT * FROM _assign ON CONFLICT (post_id) DO UPDATE SET "
            "topic_id = excluded.topic_id, similarity = excluded.similarity, assigned_at = excluded.assigned_at"
        )


def save_topics(store: DuckDBStore, clusterer: StreamingClusterer, only: Iterable[int] | None,
                model: str, now: datetime) -> None:
    """Upsert the clusterer's view (centroid, coherence, size) of ``only`` these topics (all when None)."""
    wanted = None if only is None else set(only)
    rows = [t for t in clusterer.topics() if wanted is None or t["topic_id"] in wanted]
    if not rows:
        return
    dim = clusterer.dim
    table = pa.table({
        "topic_id": pa.array([t["topic_id"] for t in rows], pa.int32()),
        "centroid": pa.FixedSizeListArray.from_arrays(
            pa.array(np.stack([t["centroid"] for t in rows]).astype(np.float32).ravel()), dim
        ).cast(pa.list_(pa.float32())),
        "coherence": pa.array([t["coherence"] for t in rows], pa.float32()),
        "size": pa.array([t["size"] for t in rows], pa.int32()),
    })
    with store.registered("_topics", table):
        store.con.execute(
            "INSERT INTO topics (topic_id, centroid, coherence, size, status, model, created_at, updated_at) "
            "SELECT topic_id, centroid, coherence, size, 'active', ?, ?, ? FROM _topics "
            "ON CONFLICT (topic_id) DO UPDATE SET centroid = excluded.centroid, coherence = excluded.coherence, "
            "size = excluded.size, status = 'active', model = excluded.model, updated_at = excluded.updated_at",
            [model, now, now],
        )


def apply_consolidation(store: DuckDBStore, result: ConsolidationResult, now: datetime) -> None:
    """Relabel the posts of merged topics and mark those topics merged (their rows are kept)."""
    for absorbed, survivor in sorted(result.merged.items()):
        store.con.execute("UPDATE post_topics SET topic_id = ? WHERE topic_id = ?", [survivor, absorbed])
        store.con.execute(
            "UPDATE topics SET status = 'merged', merged_into = ?, updated_at = ? WHERE topic_id = ?",
            [survivor, now, absorbed],
        )
    save_assignments(store, result.moved, now)


def save_events(store: DuckDBStore, events: Sequence[TopicEvent], now: datetime) -> None:
    if not events:
        return
    start = int(store.scalar("SELECT coalesce(max(event_id), 0) FROM topic_events")) + 1
    store.con.executemany(
        "INSERT INTO topic_events VALUES (?, ?, ?, ?, ?, ?)",
        [[start + i, now, e.kind, e.topic_id, e.other_id, json.dumps(e.detail, ensure_ascii=False)]
         for i, e in enumerate(events)],
    )


def save_state(store: DuckDBStore, clusterer: StreamingClusterer, params: str) -> None:
    state = {
        "next_id": str(clusterer.next_id),
        "step": str(clusterer.step),
        "pool": json.dumps([str(k) for k in clusterer.pool_keys]),
        "params": params,
    }
    if clusterer.mu is not None:
        state["mu"] = json.dumps([round(float(x), 7) for x in clusterer.mu])
    if clusterer.language_counts:  # per language: [posts, sum of their vectors]
        state["languages"] = json.dumps({
            lang: [n, [float(x) for x in clusterer.language_sums[lang]]]
            for lang, n in sorted(clusterer.language_counts.items())})
    store.con.executemany("INSERT OR REPLACE INTO topic_state VALUES (?, ?)", list(state.items()))
