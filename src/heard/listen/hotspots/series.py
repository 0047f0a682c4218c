"""Read the per-topic post stream back from the store, for ranking, alerts and charts.

Only what the analysis needs leaves the store: topic, time, the author's salted key (used for
distinct-author counts only, never shown), engagement and sentiment. Texts are read separately,
for sample posts, and are redacted before display.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import numpy as np

from heard.errors import InputError
from heard.read import moderation
from heard.read.redact import redact


def epoch(ts: datetime) -> float:
    """Stored naive-UTC timestamp → epoch seconds."""
    return ts.replace(tzinfo=timezone.utc).timestamp() if ts.tzinfo is None else ts.timestamp()


def from_epoch(seconds: float) -> datetime:
    """Epoch seconds → naive UTC (as stored)."""
    return datetime.fromtimestamp(seconds, timezone.utc).replace(tzinfo=None)


@dataclass
class TopicStream:
    """Posts that belong to a topic, in time order, as parallel arrays."""

    post_id: list[str]
    topic_id: np.ndarray
    t: np.ndarray
    author: list[str | None]
    likes: np.ndarray
    shares: np.ndarray
    dislikes: np.ndarray
    sentiment: np.ndarray

    def __len__(self) -> int:
        return len(self.post_id)

    def by_topic(self) -> dict[int, np.ndarray]:
        """Each topic's post positions, in time order (one sort, not a scan per topic)."""
        order = np.argsort(self.topic_id, kind="stable")
        cuts = np.flatnonzero(np.diff(self.topic_id[order])) + 1
        return {
            int(self.topic_id[group[0]]): group for group in np.split(order, cuts) if len(group)
        }

    def select(self, mask: np.ndarray) -> TopicStream:
        return self.take(np.flatnonzero(mask))

    def take(self, idx: np.ndarray) -> TopicStream:
        """The posts at positions ``idx`` (in that order)."""
        return TopicStream(
            [self.post_id[i] for i in idx],
            self.topic_id[idx],
            self.t[idx],
            [self.author[i] for i in idx],
            self.likes[idx],
            self.shares[idx],
            self.dislikes[idx],
            self.sentiment[idx],
        )


def require_topics(store: Any) -> None:
    if not store.topics.available():
        path = getattr(store, "path", "the store")
        raise InputError(
            f"{path} has no topic tables yet (made by an older Heard)",
            f"run: heard topics --rebuild --db {path}",
        )


def load_stream(
    store: Any, since: datetime | None = None, until: datetime | None = None
) -> TopicStream:
    """Every post assigned to an active topic (optionally within [since, until]), oldest first."""
    require_topics(store)
    col = store.hotspots.stream_columns(since, until)
    sentiment = np.array([np.nan if v is None else v for v in col["sentiment_score"]], dtype=float)
    return TopicStream(
        post_id=col["id"],
        topic_id=np.asarray(col["topic_id"], dtype=np.int64),
        t=np.asarray(col["t"], dtype=float),
        author=col["author_key"],
        likes=np.asarray(col["likes"], dtype=np.int64),
        shares=np.asarray(col["shares"], dtype=np.int64),
        dislikes=np.asarray(col["dislikes"], dtype=np.int64),
        sentiment=sentiment,
    )


def topic_info(store: Any, topic_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Label, keywords and places of the given topics (as the topics stage last wrote them)."""
    rows = store.hotspots.topic_rows(topic_ids)
    out = {}
    for r in rows:
        keywords = json.loads(r["keywords"]) if r["keywords"] else []
        places = json.loads(r["places"]) if r["places"] else []
        out[r["topic_id"]] = {
            "label": r["label"] or "",
            "keywords": [k["term"] if isinstance(k, dict) else k for k in keywords][:8],
            "places": [p[0] if isinstance(p, list) else p for p in places][:5],
        }
    return out


def most_engaged(stream: TopicStream, limit: int) -> list[str]:
    """The ids of the ``limit`` most engaged posts of ``stream`` (ties: oldest first), as
    ``sample_posts`` would order them — so a big topic's samples need no scan of its posts."""
    engagement = stream.likes + stream.shares + stream.dislikes
    order = np.lexsort((np.asarray(stream.post_id), stream.t, -engagement))
    return [stream.post_id[i] for i in order[:limit]]


def sample_posts(
    store: Any, post_ids: list[str], limit: int = 3, chars: int = 280
) -> list[dict[str, Any]]:
    """Up to ``limit`` of ``post_ids`` (most engaged first): id, time, title, redacted text.

    Authors are never included (RIGHTS.md §4); a post a decision removed has no text
    (``heard.read.moderation``).
    """
    rows = store.hotspots.sample_rows(post_ids, limit)
    out = []
    for r in rows:
        text = " ".join(redact(r["text"]).split())
        out.append(
            {
                "id": r["id"],
                "created_at": r["created_at"].isoformat(timespec="seconds") + "Z",
                "title": redact(r["title"]) if r["title"] else None,
                "text": text if len(text) <= chars else text[: chars - 1] + "…",
                "sentiment": r["sentiment_label"],
            }
        )
    return moderation.apply(store, out)  # a removed post shows as a notice here too


def bucket_counts(
    times: np.ndarray, start: float, end: float, bucket: float
) -> tuple[list[float], list[int]]:
    """Counts per ``bucket`` seconds over [start, end] (bucket starts, counts) for charts."""
    n = max(1, int(np.ceil((end - start) / bucket)))
    edges = start + np.arange(n + 1) * bucket
    counts, _ = np.histogram(times, bins=edges)
    return [float(e) for e in edges[:-1]], [int(c) for c in counts]
