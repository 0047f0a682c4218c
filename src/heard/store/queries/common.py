"""SQL that several read concerns share: the columns of a post any reader may see, posts by id,
whole-store counts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from heard.store.protocol import Reader

POST_COLUMNS = (
    "p.id, p.source, p.external_id, p.title, p.text, p.lang, p.created_at, p.likes, p.shares, "
    "p.replies, "
    "p.dislikes, p.place, p.url, p.sentiment_score, p.sentiment_label, p.intent_label"
)
"""The columns of a post any reader may see (``p`` = posts); author keys and internals never."""


def marks(n: int) -> str:
    """``?, ?, …``: ``n`` placeholders for a literal IN list."""
    return ", ".join("?" * n)


def posts_by_ids(db: Reader, ids: Sequence[str]) -> list[dict[str, Any]]:
    """The posts of ``ids`` (``POST_COLUMNS``), in no particular order."""
    return db.rows(  # a literal IN list lets DuckDB use the primary-key index
        f"SELECT {POST_COLUMNS} FROM posts p WHERE p.id IN ({marks(len(ids))})", list(ids)
    )


def post_count(db: Reader) -> int:
    return int(db.scalar("SELECT count(*) FROM posts"))


def quarantine_count(db: Reader) -> int:
    return int(db.scalar("SELECT count(*) FROM quarantine"))


def newest_post_time(db: Reader) -> Any:
    """The newest stored post's time (naive UTC), ``None`` in an empty store."""
    return db.scalar("SELECT max(created_at) FROM posts")


def span(db: Reader, until: datetime | None = None) -> tuple[Any, Any, int]:
    """First and last post time (naive UTC) and the number of posts, in one query; of the posts
    posted at or before ``until`` (naive UTC) when given."""
    where, params = ("", []) if until is None else (" WHERE created_at <= ?", [until])
    row = db.rows(
        f"SELECT min(created_at) AS lo, max(created_at) AS hi, count(*) AS n FROM posts{where}",
        params,
    )[0]
    return row["lo"], row["hi"], row["n"]
