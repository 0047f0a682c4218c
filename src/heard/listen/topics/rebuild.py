"""Recompute every topic from the embeddings already stored (for databases made before topics,
or after changing the clustering parameters)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import numpy as np

from heard.listen.analysis.clustering import ClusterParams
from heard.errors import InputError
from heard.clock import utcnow
from heard.listen.topics.stage import TopicStage
from heard.testing import test_hook

CENTER_SAMPLE = 2000


def rebuild_topics(
    store: Any,
    seed: int = 0,
    params: ClusterParams | None = None,
    batch_size: int = 512,
    clock: Callable[[], datetime] = utcnow,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Drop all topic state and stream the stored posts (oldest first) through a fresh stage.

    Same store content + seed + parameters → same topics and ids. Returns a summary.
    """
    repo = store.topics
    total = repo.embedding_count()
    if not total:
        raise InputError(
            "no stored embeddings to build topics from",
            "ingest posts first (heard ingest FILE), then run this again",
        )
    dim = repo.embedding_dim()
    # one transaction: a rebuild killed half-way (kill -9, a power cut) left the topics cleared
    # and half rebuilt, unlabelled and hidden ("0 shown") until someone rebuilt them again; now
    # the store keeps its topics as they were unless the whole rebuild commits
    with store.transaction():
        repo.clear()
        stage = TopicStage(params=params, seed=seed, dim=dim, clock=clock)
        stage.bind(store, recover=False)  # the rebuild streams every post itself
        if stage.params.center:  # the mean of the first posts, not of a small first batch
            stage.clusterer.mu = repo.first_embeddings(CENTER_SAMPLE, dim).mean(axis=0)
        done = 0
        for ids, vecs, langs in repo.stream_embeddings(batch_size, dim):
            stage.add_vectors(ids, vecs, langs)
            stage.persist(store)
            test_hook("rebuild_batch")
            done += len(ids)
            if progress:
                progress(done, total)
        refreshed = stage.finish(store)
        repo.forget_consolidation()  # committed with the rest: nothing is owed after it
    # the figure 'heard topics' prints ("posts not in any topic yet"), read from the store after
    # the end-of-run work: the clusterer's pool alone missed posts that left it without a topic
    unassigned = store.topics.unassigned_count()
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
