"""Read topics back: the list and one topic's detail. Both are lookups on rows precomputed at the
end of each run, so they stay fast on large stores.

RIGHTS.md §4: a topic is shown only when at least ``min_group_size`` distinct authors wrote in it
(k ≥ 5); smaller ones are counted as hidden, never listed or opened.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from heard.clock import is_span, parse_instant, parse_span
from heard.errors import InputError
from heard.read.stats import POST_COLUMNS
from heard.read.redact import redact
from heard.store.duckdb_store import DuckDBStore
from heard.listen.topics.persist import read_state


ONE_DOMAIN_MEAN = 0.5
"""Length of the posts' mean embedding above which topics come out coarse without ``--center``:
Teddy Cup 附件3 (one city's message board) 0.55; the six labelled sets of bench/topics_quality.py
0.33–0.45, the demo corpus 0.41, the held-out Biomedical and Pascal_Flickr 0.49 and 0.44."""
ONE_DOMAIN_MIN_POSTS = 1000
"""… measured over at least this many posts (a few posts on three subjects also share a mean)."""


def has_topics(store: DuckDBStore) -> bool:
    return bool(store.scalar(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'topics'"
    ))


def _require_topics(store: DuckDBStore) -> None:
    if not has_topics(store):
        path = getattr(store, "path", "the store")
        raise InputError(
            f"{path} has no topic tables yet (made by an older Heard)",
            f"run: heard topics --rebuild --db {path}",
        )


def parse_since(value: str | None, store: DuckDBStore) -> datetime | None:
    """``2020-01-31`` (UTC unless an offset is given) or ``24h``/``7d``/``2w`` before the newest
    stored post."""
    if not value:
        return None
    if is_span(value):
        newest = store.scalar("SELECT max(created_at) FROM posts")
        if newest is None:
            return None
        return newest - parse_span(value, what="--since")
    return parse_instant(value, what="--since")


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    for key in ("keywords", "places", "orgs", "representative"):
        if key in row:
            row[key] = json.loads(row[key]) if row[key] else []
    if "languages" in row:
        row["languages"] = json.loads(row["languages"]) if row["languages"] else {}
    if "series" in row:
        series = json.loads(row["series"]) if row["series"] else {"unit": "day", "points": []}
        if isinstance(series, list):  # stored by Heard before the series had a unit (daily counts)
            series = {"unit": "day", "points": [{"t": f"{d}T00:00:00Z", "posts": n} for d, n in series]}
        row["series"] = series
    for key in ("sentiment_mean", "sentiment_trend", "coherence"):
        if row.get(key) is not None:
            row[key] = round(float(row[key]), 4)
    return row


def list_topics(store: DuckDBStore, min_group_size: int, since: datetime | None = None,
                min_size: int = 1, limit: int | None = None) -> dict[str, Any]:
    """Active topics with at least ``min_group_size`` authors, biggest first, and how many are hidden."""
    _require_topics(store)
    where = "status = 'active' AND size >= ?"
    params: list[Any] = [min_size]
    if since is not None:
        where += " AND last_seen >= ?"
        params.append(since)
    rows = store.rows(
        f"""SELECT topic_id, label, keywords, size, n_authors, first_seen, last_seen, sentiment_mean,
                   sentiment_trend, places, orgs
            FROM topics WHERE {where} AND n_authors >= ? ORDER BY size DESC, topic_id
            {'LIMIT ' + str(int(limit)) if limit else ''}""",
        [*params, min_group_size],
    )
    hidden = store.scalar(
        f"SELECT count(*) FROM topics WHERE {where} AND coalesce(n_authors, 0) < ?", [*params, min_group_size]
    )
    pooled = store.scalar("SELECT count(*) FROM post_topics WHERE topic_id IS NULL")
    return {"topics": [_decode(r) for r in rows], "hidden_below_k": hidden, "k": min_group_size,
            "unassigned_posts": pooled}


def topic_detail(store: DuckDBStore, topic_id: int, min_group_size: int) -> dict[str, Any]:
    """One topic: keywords, series, languages, places, organisations, representative posts, history.

    Every part is read from the representation stored at the end of the last run, so it stays a
    lookup on large stores. ``store`` is anything with ``rows``/``scalar`` (the store, or the API's
    per-thread view); a topic that cannot be shown raises ``InputError`` saying why.
    """
    _require_topics(store)
    rows = store.rows("SELECT * EXCLUDE (centroid) FROM topics WHERE topic_id = ?", [topic_id])
    if not rows:
        raise InputError(f"there is no topic {topic_id}", "list the topics with: heard topics")
    topic = _decode(rows[0])
    if topic["status"] == "merged":
        raise InputError(
            f"topic {topic_id} was merged into topic {topic['merged_into']}",
            f"see: heard topic {topic['merged_into']}",
        )
    if (topic.get("n_authors") or 0) < min_group_size:
        raise InputError(
            f"topic {topic_id} has fewer than {min_group_size} distinct authors, so it is not shown "
            "(RIGHTS.md §4: aggregates need k ≥ min_group_size authors)",
            "list the topics that can be shown with: heard topics",
        )
    ids = topic.pop("representative")
    posts = store.rows(  # a literal IN list lets DuckDB use the primary-key index
        f"SELECT {POST_COLUMNS} FROM posts p WHERE p.id IN ({', '.join('?' * len(ids))})", ids
    ) if ids else []
    order = {pid: i for i, pid in enumerate(ids)}
    posts.sort(key=lambda p: order[p["id"]])
    for p in posts:
        p["text"] = redact(p["text"])
        if p["title"]:
            p["title"] = redact(p["title"])
    topic["representative_posts"] = posts
    topic["history"] = store.rows(
        "SELECT event_at AS at, kind, topic_id, other_id, detail FROM topic_events "
        "WHERE topic_id = ? OR other_id = ? ORDER BY event_id", [topic_id, topic_id]
    )
    for event in topic["history"]:
        event["detail"] = json.loads(event["detail"]) if event["detail"] else {}
    return topic


def one_domain_mean(store: DuckDBStore) -> float | None:
    """The length of the mean embedding of the posts the topic stage has seen, when it says the
    store holds one domain's posts (``ONE_DOMAIN_MEAN``, ``ONE_DOMAIN_MIN_POSTS``) and its topics
    are not centred yet; else None. Read from the stage's per-language vector sums (no scan)."""
    if not has_topics(store):
        return None
    state = read_state(store)
    if state.get("mu") or not state.get("languages"):
        return None
    languages = json.loads(state["languages"])
    n = sum(count for count, _ in languages.values())
    if n < ONE_DOMAIN_MIN_POSTS:
        return None
    total = [sum(col) for col in zip(*(vector for _, vector in languages.values()))]
    length = sum(x * x for x in total) ** 0.5 / n
    return round(length, 3) if length >= ONE_DOMAIN_MEAN else None
