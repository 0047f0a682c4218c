"""Which topic members are *provisional*: posts still waiting in the topic pool that the end of a
run showed in their nearest topic (``TopicPool.flush_pool``). They are listed with the topic but
not counted in it: a topic's size, distinct authors, span, series and heat are over its other
(*counted*) members, so two loosely related posts attached at similarity 0.3 do not raise it.

The pool is the ``pool`` entry of ``topic_state`` (a JSON list of post ids, at most
``ClusterParams.pool_max``), saved in the same transaction as the assignments.
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

COUNTED = """(SELECT post_id, topic_id FROM post_topics
              WHERE topic_id IS NOT NULL AND post_id NOT IN (SELECT post_id FROM _pooled))"""
"""``post_topics`` without its provisional rows; needs ``_pooled`` registered (``pooled_table``)."""


def pooled_ids(store: Any) -> set[str]:
    """The ids of the posts waiting in the topic pool (those shown in a topic are provisional)."""
    raw = store.scalar("SELECT value FROM topic_state WHERE key = 'pool'")
    try:
        listed = json.loads(raw) if raw else []
    except ValueError:
        return set()
    return {str(p) for p in listed} if isinstance(listed, list) else set()


def pooled_table(store: Any) -> pa.Table:
    """``pooled_ids`` as a one-column Arrow table, to register as ``_pooled``."""
    return pa.table({"post_id": pa.array(sorted(pooled_ids(store)), pa.string())})
