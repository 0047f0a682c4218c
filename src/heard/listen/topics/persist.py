"""The topic operator's state, as the store's topics repository keeps it: the clusterer's topics
and pool, post assignments, the vote window and the history. Translation only: the SQL is in
``heard.store`` (``store.topics``).
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable, Sequence
from datetime import datetime
from typing import Any

import numpy as np

from heard.errors import StoreError
from heard.listen.analysis.clustering import (
    Assignment,
    ConsolidationResult,
    StreamingClusterer,
    TopicEvent,
)


def read_state(store: Any) -> dict[str, str]:
    result: dict[str, str] = store.topics.read_state()
    return result


def load_clusterer(store: Any, clusterer: StreamingClusterer) -> None:
    """Restore ``clusterer`` from the store (a fresh store leaves it empty)."""
    repo = store.topics
    state = repo.read_state()
    ids, cents, coherences, sizes = repo.active_topics(clusterer.dim)
    # the posts counted in each topic's centroid: the stored size also counts the posts shown
    # there provisionally (``StreamingClusterer.flush_pool``), which are not in its sum
    counted = {int(k): int(v) for k, v in json.loads(state.get("counted", "{}")).items()}
    topics = [
        {"topic_id": tid, "centroid": cents[i], "coherence": coh, "size": counted.get(tid, size)}
        for i, (tid, coh, size) in enumerate(zip(ids, coherences, sizes))
    ]
    pool_ids = json.loads(state.get("pool", "[]"))
    pool_vecs = np.zeros((0, clusterer.dim), dtype=np.float32)
    if pool_ids:
        pool_ids, pool_vecs = repo.embeddings_of(pool_ids, clusterer.dim)
    mu = json.loads(state["mu"]) if state.get("mu") else None
    languages = json.loads(state["languages"]) if state.get("languages") else None
    clusterer.restore(
        topics,
        pool_ids,
        pool_vecs,
        int(state.get("next_id", 1)),
        int(state.get("step", 0)),
        None if mu is None else np.asarray(mu, dtype=np.float32),
        languages,
        repo.topics_of(pool_ids) if pool_ids else None,
    )
    new = int(state["window_new"]) if state.get("window_new") else None
    clusterer.restore_window(*repo.window(clusterer.dim), new=new)


def save_window(store: Any, keys: Sequence[Hashable]) -> None:
    """Append posts to the vote window (see ``StreamingClusterer.window_keys``)."""
    store.topics.append_window([str(k) for k in keys])


def clear_window(store: Any) -> None:
    store.topics.clear_window()


def trim_window(store: Any, keep: int) -> None:
    """Keep the window's last ``keep`` posts (the voters of the next vote)."""
    store.topics.trim_window(keep)


class StoreMembers:
    """Topics' members as a consolidation reads them (``MemberSource``), from the store."""

    def __init__(self, store: Any, dim: int) -> None:
        self.store, self.dim = store, dim

    def __call__(self, topic_id: int) -> tuple[list[Hashable], np.ndarray]:
        ids, vecs = self.store.topics.members(topic_id, self.dim)
        return list(ids), vecs

    def keys(self, topic_id: int) -> list[Hashable]:
        return list(self.store.topics.member_ids(topic_id))

    def vectors(self, keys: Sequence[Hashable]) -> np.ndarray:
        found, vecs = self.store.topics.embeddings_of([str(k) for k in keys], self.dim)
        if len(found) != len(keys):  # keys() lists members with an embedding only
            raise StoreError(
                f"{len(keys) - len(found)} topic members lost their embedding mid-consolidation",
                "run the command again",
            )
        result: np.ndarray = vecs
        return result


def members_from_store(store: Any, dim: int) -> StoreMembers:
    return StoreMembers(store, dim)


def save_assignments(store: Any, assignments: Sequence[Assignment], now: datetime) -> None:
    """Upsert post → topic rows (the last assignment of a post in the list wins)."""
    last: dict[Hashable, Assignment] = {}
    for a in assignments:
        last[a.key] = a
    store.topics.save_assignments(
        [
            (str(a.key), a.topic_id, a.similarity if a.topic_id is not None else None)
            for a in last.values()
        ],
        now,
    )


def save_topics(
    store: Any, clusterer: StreamingClusterer, only: Iterable[int] | None, model: str, now: datetime
) -> None:
    """Upsert the clusterer's view (centroid, coherence, size) of ``only`` these topics (all when
    None)."""
    wanted = None if only is None else set(only)
    rows = [t for t in clusterer.topics() if wanted is None or t["topic_id"] in wanted]
    if not rows:
        return
    store.topics.upsert_topics(
        [t["topic_id"] for t in rows],
        np.stack([t["centroid"] for t in rows]),
        [t["coherence"] for t in rows],
        [t["size"] for t in rows],
        model,
        now,
    )


def apply_consolidation(store: Any, result: ConsolidationResult, now: datetime) -> None:
    """Relabel the posts of merged topics and mark those topics merged (their rows are kept)."""
    for absorbed, survivor in sorted(result.merged.items()):
        store.topics.merge(absorbed, survivor, now)
    save_assignments(store, result.moved, now)


def save_events(store: Any, events: Sequence[TopicEvent], now: datetime) -> None:
    """The history; for a merge, also the absorbed topic's posts (to undo it)."""
    ids = store.topics.append_events(
        [(e.kind, e.topic_id, e.other_id, e.detail) for e in events], now
    )
    for event_id, event in zip(ids, events):
        if event.kind == "merged" and event.members:
            store.topics.save_merge_members(event_id, [str(k) for k in event.members])


def save_state(store: Any, clusterer: StreamingClusterer, params: str) -> None:
    state = {
        "next_id": str(clusterer.next_id),
        "step": str(clusterer.step),
        "pool": json.dumps([str(k) for k in clusterer.pool_keys]),
        "params": params,
        "window_new": str(clusterer.window_new),
        "counted": json.dumps({str(t): int(n) for t, n in zip(clusterer.ids, clusterer.sizes)}),
    }
    if clusterer.mu is not None:
        state["mu"] = json.dumps([round(float(x), 7) for x in clusterer.mu])
    if clusterer.language_counts:  # per language: [posts, sum of their vectors]
        state["languages"] = json.dumps(
            {
                lang: [n, [float(x) for x in clusterer.language_sums[lang]]]
                for lang, n in sorted(clusterer.language_counts.items())
            }
        )
    store.topics.write_state(state)
