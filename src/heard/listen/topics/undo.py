"""Undo a topic merge: the absorbed topic gets its id and its posts back.

A merge event keeps the posts the absorbed topic held at the merge (``topic_merge_members``).
Undoing it moves those of them that are still in the topic that took them (the survivor, or
whichever topic the survivor was merged into later) back to the absorbed id, makes that id active
again, and recomputes both topics' centroids, coherences and sizes from their members, in the
space the topics live in (centred when the store's topics are). The undo is recorded as an
``unmerged`` event. Posts the neighbour vote moved elsewhere since stay where they are.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import numpy as np

from heard.clock import utcnow
from heard.errors import InputError
from heard.listen.analysis.entities import EntityExtractor
from heard.listen.analysis.topic_records import _unit
from heard.listen.topics.represent import refresh_representation
from heard.listen.topics.stage import MODEL_VERSION


def undo_merge(
    store: Any,
    event_id: int,
    clock: Callable[[], datetime] = utcnow,
    entities: EntityExtractor | None = None,
) -> dict[str, Any]:
    """Undo merge event ``event_id``; returns what was restored."""
    repo = store.topics
    event = repo.event(event_id)
    how = "see a topic's history, with its event numbers, with: heard topic ID"
    if event is None:
        raise InputError(f"there is no topic event {event_id}", how)
    if event["kind"] != "merged":
        raise InputError(f"event {event_id} is a '{event['kind']}' event, not a merge", how)
    absorbed, survivor = int(event["topic_id"]), int(event["other_id"])
    status = repo.topic_status(absorbed)
    if status is not None and status[0] == "active":
        raise InputError(f"topic {absorbed} is active: merge {event_id} was undone already", how)
    holder = _current(repo, survivor)
    now = clock()
    state = repo.read_state()
    mu = np.asarray(json.loads(state["mu"]), np.float32) if state.get("mu") else None
    pooled = set(json.loads(state.get("pool", "[]")))
    dim = repo.embedding_dim()
    with store.transaction():
        moved = repo.undo_merge(event_id, absorbed, holder, now)
        if not moved:
            raise InputError(
                f"merge {event_id} ({absorbed} → {survivor}) has no recorded posts still in "
                f"topic {holder}",
                "merges made before Heard kept the absorbed topic's posts (and those of the "
                "neighbour vote, which empties a topic) cannot be undone; rebuild instead: "
                "heard topics --rebuild",
            )
        counted = {int(k): int(v) for k, v in json.loads(state.get("counted", "{}")).items()}
        rows = []
        for tid in (absorbed, holder):
            ids, vecs = repo.members(tid, dim)
            core = np.asarray(
                [i for i, post in enumerate(ids) if post not in pooled], dtype=np.int64
            )
            vecs = vecs[core] if len(core) else np.zeros((0, dim), np.float32)
            if mu is not None and len(vecs):
                vecs = _unit(vecs - mu)
            total = vecs.astype(np.float64).sum(axis=0)
            norm = float(np.linalg.norm(total))
            rows.append((tid, total / max(norm, 1e-12), norm / max(len(vecs), 1), len(vecs)))
            counted[tid] = len(vecs)
        repo.upsert_topics(
            [r[0] for r in rows],
            np.stack([r[1] for r in rows]).astype(np.float32),
            [r[2] for r in rows],
            [r[3] for r in rows],
            MODEL_VERSION,
            now,
        )
        repo.write_state({"counted": json.dumps({str(t): n for t, n in sorted(counted.items())})})
        repo.append_events(
            [("unmerged", absorbed, holder, {"event": event_id, "posts": moved})], now
        )
    refresh_representation(store, [absorbed, holder], now, entities)
    return {"event": event_id, "restored": absorbed, "from": holder, "posts": moved}


def _current(repo: Any, topic_id: int) -> int:
    """The active topic ``topic_id`` is now part of (following later merges)."""
    seen = {topic_id}
    while True:
        status = repo.topic_status(topic_id)
        if status is None or status[0] == "active" or status[1] is None:
            return topic_id
        topic_id = int(status[1])
        if topic_id in seen:  # a cycle cannot happen; stop rather than loop
            return topic_id
        seen.add(topic_id)
