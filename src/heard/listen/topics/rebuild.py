"""Recompute every topic from the embeddings already stored (for databases made before topics,
or after changing the clustering parameters)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import numpy as np
import pyarrow as pa

from heard.listen.analysis.clustering import ClusterParams
from heard.errors import InputError
from heard.store.duckdb_store import DuckDBStore
from heard.listen.topics.persist import _vectors
from heard.clock import utcnow
from heard.listen.topics.stage import TopicStage

TOPIC_TABLES = ("topics", "post_topics", "topic_events", "topic_state", "topic_window")
CENTER_SAMPLE = 2000


def rebuild_topics(store: DuckDBStore, seed: int = 0, params: ClusterParams | None = None,
                   batch_size: int = 512, clock: Callable[[], datetime] = utcnow,
                   progress: Callable[[int, int], None] | None = None) -> dict:
    """Drop all topic state and stream the stored posts (oldest first) through a fresh stage.

    Same store content + seed + parameters → same topics and ids. Returns a summary.
    """
    total = store.scalar("SELECT count(*) FROM embeddings")
    if not total:
        raise InputError("no stored embeddings to build topics from",
                         "ingest posts first (heard ingest FILE), then run this again")
    dim = store.scalar("SELECT len(vec) FROM embeddings LIMIT 1")
    store.con.execute("BEGIN")
    for table in TOPIC_TABLES:
        store.con.execute(f"DELETE FROM {table}")
    store.con.execute("COMMIT")
    stage = TopicStage(params=params, seed=seed, dim=dim, clock=clock)
    stage.bind(store, recover=False)  # the rebuild streams every post itself
    if stage.params.center:  # the mean of the first posts, not of a small first batch
        first = store.con.execute(
            "SELECT e.vec FROM embeddings e JOIN posts p ON p.id = e.post_id "
            f"ORDER BY p.created_at, p.id LIMIT {CENTER_SAMPLE}"
        ).to_arrow_table()
        stage.clusterer.mu = _vectors(first, "vec", dim).mean(axis=0)
    reader_con = store.con.cursor()  # a second cursor: reading streams while the stage writes
    try:
        reader = reader_con.execute(
            "SELECT e.post_id, e.vec, p.lang FROM embeddings e JOIN posts p ON p.id = e.post_id "
            "ORDER BY p.created_at, p.id"
        ).to_arrow_reader(batch_size)
        done = 0
        for record_batch in reader:
            if record_batch.num_rows == 0:
                continue
            table = pa.Table.from_batches([record_batch])
            stage.add_vectors(table.column("post_id").to_pylist(), _vectors(table, "vec", dim),
                              table.column("lang").to_pylist())
            stage.persist(store)
            done += record_batch.num_rows
            if progress:
                progress(done, total)
    finally:
        reader_con.close()
    refreshed = stage.finish(store)
    # the figure 'heard topics' prints ("posts not in any topic yet"), read from the store after
    # the end-of-run work: the clusterer's pool alone missed posts that left it without a topic
    unassigned = store.scalar("SELECT count(*) FROM post_topics WHERE topic_id IS NULL")
    mu = stage.clusterer.mu
    return {
        "posts": done,
        "topics": len(stage.clusterer.ids),
        "pooled": unassigned,
        "unassigned": unassigned,
        "mean_length": None if mu is None else round(float(np.linalg.norm(mu)), 3),
        "refreshed": refreshed,
        "params": stage.params.describe(),
        "seed": seed,
    }
