"""Post search: full text (Chinese and English, BM25 over segmented words) with filters and
cursor pagination. Ordering: best match first with a query, newest first without."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from heard.errors import NotFoundError
from heard.store.protocol import Reader
from heard.read.common import decode_cursor, encode_cursor, no_page, safe_row, timestamp
from heard.read import moderation
from heard.store.queries import common
from heard.store.queries import posts as q
from heard.store.queries.posts import topic_authors

SENTIMENTS = ("negative", "neutral", "positive")
MAX_QUERY_CHARS = 500
K = 5
"""The least ``min_group_size`` (k) a deployment may set; each surface passes its own."""


@dataclass
class PostFilter:
    q: str | None = None
    lang: str | None = None
    source: str | None = None
    topic: str | None = None
    sentiment: str | None = None
    intent: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def search_terms(query: str) -> str:
    """Segment a query the way posts were segmented at ingest (the tokens stage's own function)."""
    from heard.stages.tokens import search_terms as stage_terms

    terms = stage_terms(query)
    return " ".join(terms) if isinstance(terms, (list, tuple)) else str(terms)


def store_query(db: Reader, f: PostFilter, k: int = K) -> q.PostWhere:
    """What the store filters on for ``f`` (everything but the query text): the one way a posts
    filter becomes a store query, for the post list (``search``) and its export
    (``heard.read.export``) alike. A topic with fewer than ``k`` distinct authors lists no
    posts: a ``NotFoundError`` (RIGHTS.md §4, as its topic page)."""
    authors = None if f.topic is None else topic_authors(db, f.topic)
    if authors is not None and authors < k:
        raise NotFoundError(
            f"topic {f.topic} has fewer than {k} distinct authors, so it is not shown "
            "(RIGHTS.md §4: aggregates need k ≥ min_group_size authors)",
            "list the topics that can be shown: heard topics, or /api/v1/topics",
        )
    return q.PostWhere(
        lang=f.lang,
        source=f.source,
        sentiment=f.sentiment,
        intent=f.intent,
        since=f.since,
        until=f.until,
        topic=f.topic,
    )


PII_NOTE = (
    "personal data in the query (a phone or ID number, a card, an e-mail address, an "
    "address, an @handle) is never searched: it is not in the index (RIGHTS.md §4, §7)"
)


def _holds_pii(query: str) -> bool:
    from heard.read.redact import redact_for_search

    return redact_for_search(query) != query


def search(
    db: Reader, f: PostFilter, limit: int = 20, cursor: str | None = None, k: int = K
) -> dict[str, Any]:
    """One page of posts and the cursor of the next (``None`` on the last page). A post's
    ``topic_id`` is given only for a topic of at least ``k`` distinct authors, and the posts of
    a smaller topic are not listed by it (RIGHTS.md §4, as its topic page and the exports)."""
    where = store_query(db, f, k)
    terms = search_terms(f.q) if f.q else ""
    note = {"query_note": PII_NOTE} if f.q and _holds_pii(f.q) else {}
    if f.q and not terms.strip():
        return {"posts": [], "next_cursor": None, "query_terms": [], **note}
    if terms:  # a removed post's words must not find it (its notice would confirm them)
        where = replace(where, exclude=tuple(moderation.hidden_ids(db)))
    if not terms:
        rows, next_cursor = _newest(db, where, limit, cursor)
    else:
        rows, next_cursor = _matching(db, terms, where, limit, cursor)
        whole = unsplit_terms(f.q or "")
        # a typed word the segmenter cut when alone (补上 → 补 上) is one word in the posts
        if not rows and whole != terms and (not cursor or not _matching(db, terms, where, 1)[0]):
            terms = whole
            rows, next_cursor = _matching(db, terms, where, limit, cursor)
    return {
        "posts": moderation.apply(db, with_topics(db, [safe_row(r) for r in rows], k)),
        "next_cursor": next_cursor,
        "query_terms": terms.split() if terms else [],
        **note,
    }


def _matching(
    db: Reader, terms: str, where: q.PostWhere, limit: int, cursor: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    if db.has_search_index():
        return _best_match(db, terms, where, limit, cursor)
    return _scan_match(db, terms, where, limit, cursor)


def unsplit_terms(query: str) -> str:
    """The query's terms with each typed word the segmenter splits alone kept whole (the tokens
    stage's ``unsplit_terms``): what a search that found nothing tries next."""
    from heard.stages.tokens import unsplit_terms as stage_unsplit

    return str(stage_unsplit(query))


def with_topics(db: Reader, posts: list[dict[str, Any]], k: int = K) -> list[dict[str, Any]]:
    """Each post with ``topic_id``: the topic it is in (``None`` when unassigned, or when the
    topic has fewer than ``k`` distinct authors), so a list can link a post to its topic. One
    lookup by primary key for the page, not a join over the store."""
    if not posts or not {"post_topics", "topics"} <= db.tables():
        return [{**p, "topic_id": None} for p in posts]
    found = q.topics_of(db, [p["id"] for p in posts], k)
    return [{**p, "topic_id": found.get(p["id"])} for p in posts]


def _page(
    rows: list[dict[str, Any]], limit: int, key: tuple[str, str]
) -> tuple[list[dict[str, Any]], str | None]:
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = encode_cursor([rows[-1][key[0]], rows[-1][key[1]]]) if more and rows else None
    for row in rows:
        row.pop("docid", None)
    return rows, nxt


def _newest(
    db: Reader, where: q.PostWhere, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    before = None
    if cursor:
        ts, last_id = decode_cursor(cursor, (timestamp, str))
        before = (ts, last_id)
    rows = q.newest(db, where, limit + 1, before)
    return _page(rows, limit, ("created_at", "id"))


def _best_match(
    db: Reader, terms: str, where: q.PostWhere, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """Best match first, ties newest-indexed first (``docid``). The ranking reads only ids and the
    filtered columns; the page's posts are then fetched by primary key.

    Every page is scored by the index statistics the first page was (``search_stats``, carried
    in the cursor): an ingest between two pages rebuilds the index, and scored afresh the next
    page cut the new ranking at the old page's score, so posts came twice or never."""
    after: tuple[float, int] | None = None
    if cursor:  # (score, docid, documents, mean length, each term's documents by term)
        names = sorted(db.search_stats(terms)["df"])
        score, docid, num_docs, avgdl, *df = decode_cursor(
            cursor, (float, int, int, float, *[int] * len(names))
        )
        counts_fit = 0 <= docid < 2**63 and all(0 <= n <= num_docs < 2**63 for n in df)
        if not (counts_fit and 0 <= score < math.inf and 0 < avgdl < math.inf):
            raise no_page()  # a forged one: its numbers would overflow or divide by 0
        after = (score, docid)
        stats = {"num_docs": num_docs, "avgdl": avgdl, "df": dict(zip(names, df))}
    else:
        stats = db.search_stats(terms)
    top = q.ranked(db, terms, where, limit + 1, after, stats)  # the store ranks (BM25)
    if not top:
        return [], None
    posts = {r["id"]: r for r in common.posts_by_ids(db, [t["name"] for t in top])}
    rows = [
        {**posts[t["name"]], "score": t["score"], "docid": t["docid"]}
        for t in top
        if t["name"] in posts
    ]
    page, more = _page(rows, limit, ("score", "docid"))
    if more is None:
        return page, None
    frozen = [stats["num_docs"], stats["avgdl"], *(stats["df"][t] for t in sorted(stats["df"]))]
    return page, encode_cursor([*decode_cursor(more, (float, int)), *frozen])


def _scan_match(
    db: Reader, terms: str, where: q.PostWhere, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """No index yet (a store written before its first search-index build): every term must
    appear."""
    before_id = None
    if cursor:
        _, before_id = decode_cursor(cursor, (float, str))
    rows = q.scan_match(db, terms.split(), where, limit + 1, before_id)
    return _page(rows, limit, ("score", "id"))


def get_post(db: Reader, post_id: str, k: int = K) -> dict[str, Any] | None:
    row = q.post_by_id(db, post_id)
    return moderation.apply(db, with_topics(db, [safe_row(row)], k))[0] if row else None
