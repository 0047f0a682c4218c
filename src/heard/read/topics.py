"""Topics as every surface reads them: the list (largest first, cursor-paged) and one topic's
detail. Both are lookups on the representation the topic operator precomputes at the end of each
run, so they stay fast on large stores.

RIGHTS.md §4: a topic is shown only when at least k distinct authors wrote in it; smaller ones
are counted as hidden, never listed or opened.
"""

from __future__ import annotations

import json
from datetime import datetime, tzinfo
from typing import Any

from heard.clock import is_span, parse_instant, parse_span, to_naive_utc
from heard.errors import InputError, MergedTopicError, NotFoundError
from heard.read.common import (
    MAX_CURSOR_CHARS,
    decode_cursor,
    encode_cursor,
    safe_row,
    timestamp,
)
from heard.read.days import UNITS, bucketed, zone_name
from heard.read import moderation
from heard.read.redact import redact
from heard.store.protocol import Reader
from heard.store.queries import common
from heard.store.queries import topics as stored

ONE_DOMAIN_MEAN = 0.5
"""Length of the posts' mean embedding above which topics come out coarse without ``--center``:
Teddy Cup 附件3 (one city's message board) 0.55; the six labelled sets of bench/topics_quality.py
0.33–0.45, the demo corpus 0.41, the held-out Biomedical and Pascal_Flickr 0.49 and 0.44."""
ONE_DOMAIN_MIN_POSTS = 1000
"""… measured over at least this many posts (a few posts on three subjects also share a mean)."""


def _require_topics(db: Reader) -> None:
    if not db.topics.available():
        path = getattr(db, "path", "the store")
        raise InputError(
            f"{path} has no topic tables yet (made by an older Heard)",
            f"run: heard topics --rebuild --db {path}",
        )


def parse_since(value: str | None, db: Reader) -> datetime | None:
    """``2020-01-31`` (UTC unless an offset is given) or ``24h``/``7d``/``2w`` before the newest
    stored post; a span reaching before the year 1 holds the whole data (None), as an issue
    list's window does (``heard posts --since 99999999d`` ended in a traceback)."""
    if not value:
        return None
    if is_span(value):
        newest = common.newest_post_time(db)
        if newest is None:
            return None
        span = parse_span(value, what="--since")
        try:
            result: datetime | None = newest - span
        except OverflowError:
            return None
        return result
    try:
        return parse_instant(value, what="--since")
    except InputError as exc:  # it takes spans too: say so
        raise InputError(
            exc.what,
            "use a span before the newest post such as 24h, 7d or 2w, or a date or date-time "
            "such as 2020-01-31 or 2020-01-31T12:00 (UTC unless an offset like +08:00 is given)",
        ) from exc


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    for key in ("keywords", "places", "orgs", "representative"):
        if key in row:
            row[key] = json.loads(row[key]) if row[key] else []
    for key in ("languages", "intents"):
        if key in row:
            row[key] = json.loads(row[key]) if row[key] else {}
    if "series" in row:
        series = json.loads(row["series"]) if row["series"] else {"unit": "day", "points": []}
        if isinstance(series, list):  # stored by Heard before the series had a unit (daily counts)
            series = {
                "unit": "day",
                "points": [{"t": f"{d}T00:00:00Z", "posts": n} for d, n in series],
            }
        row["series"] = series
    for key in ("sentiment_mean", "sentiment_trend", "coherence"):
        if row.get(key) is not None:
            row[key] = round(float(row[key]), 4)
    return row


Mark = tuple[datetime, int, int]
"""Where a walk through the topics stands: the instant its last page's sizes held as of, and the
(size, id) at or above which (as of then) every topic was shown."""

CURSOR_TAG = "topics/2"


def _stale_cursor() -> InputError:
    return InputError(
        "this topics cursor cannot be read: it is not one this server gave, or one given before "
        "the topic list was last changed",
        "start again from the first page (leave the cursor out)",
        field="cursor",
    )


def encode_mark(mark: Mark) -> str:
    """A walk's cursor: its mark, a few dozen characters however many topics it has shown."""
    return encode_cursor([CURSOR_TAG, *mark])


def decode_mark(cursor: str) -> Mark:
    """The mark ``encode_mark`` wrote; any other cursor (forged, cut, or one of an older Heard)
    is an ``InputError`` (a 400) saying to start again from the first page."""
    if len(cursor) > MAX_CURSOR_CHARS:
        raise _stale_cursor()
    try:
        tag, as_of, size, topic_id = decode_cursor(cursor, (str, timestamp, int, int))
    except NotFoundError:
        raise _stale_cursor() from None
    if tag != CURSOR_TAG:
        raise _stale_cursor()
    return to_naive_utc(as_of), size, topic_id


def _at_or_above(row: dict[str, Any], size: int, topic_id: int) -> bool:
    """Whether ``row`` ranks at or above (size, id) in the list's order (largest first, then id)."""
    return (-int(row["size"]), int(row["topic_id"])) <= (-size, topic_id)


def _walk(
    db: Reader, k: int, limit: int, mark: Mark | None, q: str | None, **filters: Any
) -> tuple[list[dict[str, Any]], bool, Mark | None]:
    """The next page of a walk after ``mark``, whether more follow, and the page's mark. The
    topics that grew past ``mark`` since it was given (posts stored between pages) come first,
    all of them, even when they are more than ``limit``: the next mark leaves them out."""
    wanted = limit + 1
    while True:
        rows, as_of = stored.walk_page(
            db, k, limit=None if q else wanted, after=mark, q=q, **filters
        )
        if q:
            rows = [r for r in rows if _holds(r, q)]
        grown = sum(1 for r in rows if mark and _at_or_above(r, mark[1], mark[2]))
        if q or len(rows) < wanted or grown < len(rows):
            break
        wanted *= 2
    page = rows[: max(limit, grown)]
    if not page or as_of is None:
        return page, False, None
    last = page[-1]
    cut = (int(last["size"]), int(last["topic_id"]))
    if mark and _at_or_above(last, mark[1], mark[2]):
        cut = (mark[1], mark[2])
    return page, len(rows) > len(page), (as_of, *cut)


def list_topics(
    db: Reader,
    k: int,
    *,
    since: datetime | None = None,
    min_size: int = 1,
    limit: int | None = None,
    cursor: str | None = None,
    q: str | None = None,
) -> dict[str, Any]:
    """Active topics with at least ``k`` distinct authors, biggest first; how many are hidden
    below k; how many posts wait in no topic. ``q`` filters on label and keywords.

    ``cursor`` (a previous page's ``next_cursor``) carries the walk's mark (``Mark``): the
    instant its last page was read and the (size, id) it reached. A topic is left out when it
    stood at or above that mark as of that instant (its size then is its size less the posts
    assigned to it since), so a topic that grows between two pages comes once, neither twice
    nor never, and the cursor stays the same length however far the walk goes. (It carried the
    ids of every topic shown: past about 14,000 scattered ids it outgrew ``MAX_CURSOR_CHARS``.)
    A cursor this server cannot read is an ``InputError`` saying to start from the first page.

    The guarantee: a topic still active at the last page is listed at least once, whatever
    grew, shrank or merged between pages; a topic that grew by a merge counts what the merge
    brought as grown since (it used to count as shown when a merge took it past the mark, and
    the walk skipped it). A topic merged away between pages may have been listed before it was,
    and one that both took new posts and absorbed a topic holding some of them may come twice:
    a repeat, never a skip."""
    if not db.topics.available():
        return {
            "topics": [],
            "next_cursor": None,
            "hidden_below_k": 0,
            "k": k,
            "unassigned_posts": 0,
            "note": "no topics yet: ingest posts first",
        }
    mark = decode_mark(cursor) if cursor else None
    filters: dict[str, Any] = {"min_size": min_size, "since": since}
    if q:
        hidden = _matching(db, k, q, **filters)[1]
    else:
        hidden = stored.hidden_below_k(db, k, **filters)
    rows, more, reached = (
        _walk(db, k, int(limit), mark, q, **filters) if limit else ([], False, None)
    )
    if not limit:
        rows = _matching(db, k, q, **filters)[0] if q else stored.list_page(db, k, **filters)
    pooled = stored.unassigned_posts(db)
    topics = [_decode(r) for r in rows]
    for t in topics:
        t["label"] = redact(t.get("label"))
    return {
        "topics": topics,
        "hidden_below_k": hidden,
        "k": k,
        "unassigned_posts": pooled,
        "provisional_posts": stored.provisional_posts(db),  # shown in a topic, not counted
        "next_cursor": encode_mark(reached) if more and reached else None,
    }


def topics_as_of(db: Reader, k: int, at: datetime, limit: int | None = None) -> dict[str, Any]:
    """``list_topics`` as the board stood at ``at`` (``--at``): each active topic's posts, authors,
    first and last seen and mean sentiment counted over its members posted by then, those with
    at least ``k`` authors by then, biggest first. Each label is the one the topic bore at ``at``
    where the store's label history knows it (``labels_as_of``; ``labels_now`` counts those that
    show today's label instead); keywords are the topic's own. Its sentiment trend is not
    measured as of ``at`` (None). At or after the newest post that is the stored list."""
    at = to_naive_utc(at)
    newest = common.newest_post_time(db)
    if not db.topics.available() or newest is None or at >= newest:
        listed = list_topics(db, k, limit=limit)
        return {**listed, "labels_now": labels_as_of(db, at, listed["topics"])}
    counted = {int(r["topic_id"]): r for r in stored.counted_until(db, at)}
    rows, hidden = [], 0
    for row in stored.list_page(db, 0):
        then = counted.get(int(row["topic_id"]))
        if then is None:
            continue
        row = {**row, **then, "sentiment_trend": None}
        if (row["n_authors"] or 0) < k:
            hidden += 1
        else:
            rows.append(row)
    rows.sort(key=lambda r: (-int(r["size"]), int(r["topic_id"])))
    topics = [_decode(r) for r in (rows[:limit] if limit else rows)]
    labels_now = labels_as_of(db, at, topics)
    for t in topics:
        t["label"] = redact(t.get("label"))
    return {
        "topics": topics,
        "hidden_below_k": hidden,
        "k": k,
        "unassigned_posts": stored.unassigned_posts(db),
        "next_cursor": None,
        "as_of": at,
        "labels_now": labels_now,
    }


def _holds(row: dict[str, Any], q: str) -> bool:
    """Whether the topic's label (as shown: redacted) or one of its keywords holds ``q``. The
    stored keywords are JSON, so matching them as text found ``weight``, ``term`` and the digits
    of every weight (``?q=12`` for the 12路 bus listed nearly every topic): the SQL's match on
    that text only narrows the rows read; the match is made here."""
    needle = q.lower()
    terms = json.loads(row["keywords"]) if row.get("keywords") else []
    words = [redact(row.get("label")) or ""] + [
        str(t.get("term", "")) if isinstance(t, dict) else str(t) for t in terms
    ]
    return any(needle in w.lower() for w in words)


def labels_as_of(
    db: Reader, at: datetime, rows: list[dict[str, Any]], terms_only: bool = False
) -> int:
    """Give each of ``rows`` (topics or hot spots, by ``topic_id``) the label and keywords its
    topic bore at board time ``at`` (``stored.labels_until``), with ``label_as_of`` True; a topic
    the store holds no label of by then keeps today's, ``label_as_of`` False. Returns how many kept
    today's. ``terms_only``: the rows' keywords are plain terms (hot spots), not ``{"term",
    "weight"}``. The brief at ``--at`` showed every topic's label of today: words of posts written
    after ``at``."""
    at = to_naive_utc(at)
    newest = common.newest_post_time(db)
    if newest is None or at >= newest:  # the labels of now are those of then
        for row in rows:
            row["label_as_of"] = True
        return 0
    then = stored.labels_until(db, at)
    now = 0
    for row in rows:
        known = then.get(int(row["topic_id"]))
        row["label_as_of"] = known is not None
        if known is None:
            now += 1
        else:
            row["label"] = redact(known["label"])
            kws = known["keywords"]
            row["keywords"] = (
                [k.get("term") if isinstance(k, dict) else k for k in kws] if terms_only else kws
            )
    return now


def _matching(
    db: Reader, k: int, q: str, *, min_size: int, since: datetime | None
) -> tuple[list[dict[str, Any]], int]:
    """The topics that hold ``q`` (``_holds``), largest first; and how many of those have fewer
    than ``k`` authors."""
    kept, hidden = [], 0
    for row in stored.list_page(db, 0, min_size=min_size, since=since, q=q):
        if not _holds(row, q):
            continue
        if (row.get("n_authors") or 0) < k:
            hidden += 1
        else:
            kept.append(row)
    return kept, hidden


def topic_detail(
    db: Reader, topic_id: int, min_group_size: int, zone: tzinfo | None = None
) -> dict[str, Any]:
    """One topic: keywords, series, languages, places, organisations, representative posts, history.

    Every part is read from the representation stored at the end of the last run, so it stays a
    lookup on large stores; but for the series, which is counted per hour, day or week of
    ``zone`` (the deployment's, ``heard.read.days``) when one is given: the stored one counts
    UTC days. ``db`` is the store or the server's reader; a topic that cannot be
    shown raises
    ``NotFoundError`` saying why (404 in the API, exit code 2 in the CLI).
    """
    _require_topics(db)
    rows = stored.topic_rows(db, topic_id)
    for r in rows:
        r.pop("centroid", None)  # a vector: nothing a reader is shown
    if not rows:
        raise NotFoundError(
            f"there is no topic {topic_id}", "list the topics: heard topics, or /api/v1/topics"
        )
    topic = _decode(rows[0])
    if topic["status"] == "merged":
        raise MergedTopicError(
            f"topic {topic_id} was merged into topic {topic['merged_into']}",
            f"see: heard topic {topic['merged_into']}",
            int(topic["merged_into"]),
        )
    if (topic.get("n_authors") or 0) < min_group_size:
        raise NotFoundError(
            f"topic {topic_id} has fewer than {min_group_size} distinct authors, so it is not "
            f"shown "
            "(RIGHTS.md §4: aggregates need k ≥ min_group_size authors)",
            "list the topics that can be shown: heard topics, or /api/v1/topics",
            ["topics with fewer than k distinct authors are not shown (RIGHTS.md §4)"],
        )
    ids = topic.pop("representative")
    posts = common.posts_by_ids(db, ids) if ids else []
    order = {pid: i for i, pid in enumerate(ids)}
    posts.sort(key=lambda p: order[p["id"]])
    for p in posts:
        p["text"] = redact(p["text"])
        if p["title"]:
            p["title"] = redact(p["title"])
    if zone is not None:
        topic["series"] = local_series(db, topic_id, topic["series"]["unit"], zone)
    topic["representative_posts"] = moderation.apply(db, posts)
    topic["provisional"] = stored.provisional_posts(db, topic_id)  # shown, not counted
    topic["history"] = stored.topic_events(db, topic_id)
    for event in topic["history"]:
        event["detail"] = json.loads(event["detail"]) if event["detail"] else {}
    _mark_links(db, topic_id, topic["history"], min_group_size)
    return topic


def _mark_links(db: Reader, topic_id: int, history: list[dict[str, Any]], k: int) -> None:
    """``linked`` on each event: whether the topic on its other side can be opened (a topic under
    k authors is a 404, so its id is shown without a link)."""
    others = {e["other_id"] if e["topic_id"] == topic_id else e["topic_id"] for e in history}
    others.discard(None)
    opens = stored.topics_that_open(db, sorted(others), k)
    for e in history:
        other = e["other_id"] if e["topic_id"] == topic_id else e["topic_id"]
        e["linked"] = other in opens


def local_series(db: Reader, topic_id: int, unit: str, zone: tzinfo) -> dict[str, Any]:
    """A topic's series per ``unit`` (the stored series' own: hour, day or week) of ``zone``:
    ``{"unit", "days_in", "points": [{"t", "posts", "sentiment"}]}``, ``t`` the UTC instant
    (ISO, ``Z``) its local hour, day or week begins, as the overview's series."""
    unit = unit if unit in UNITS else "day"
    rows = [
        {"t": m["t"], "posts": 1, "score_sum": m["score"], "scored": m["score"] is not None}
        for m in stored.counted_members(db, topic_id)
    ]
    points = []
    for r in bucketed(rows, unit, zone, ("posts", "score_sum", "scored")):
        mean = round(float(r["score_sum"]) / r["scored"], 3) if r["scored"] else None
        points.append(
            {"t": r["t"].strftime("%Y-%m-%dT%H:%M:%SZ"), "posts": r["posts"], "sentiment": mean}
        )
    return {"unit": unit, "days_in": zone_name(zone), "points": points}


def one_domain_mean(store: Reader) -> float | None:
    """The length of the mean embedding of the posts the topic stage has seen, when it says the
    store holds one domain's posts (``ONE_DOMAIN_MEAN``, ``ONE_DOMAIN_MIN_POSTS``) and its topics
    are not centred yet; else None. Read from the stage's per-language vector sums (no scan)."""
    if not store.topics.available():
        return None
    state = store.topics.read_state()
    if state.get("mu") or not state.get("languages"):
        return None
    languages = json.loads(state["languages"])
    n = sum(count for count, _ in languages.values())
    if n < ONE_DOMAIN_MIN_POSTS:
        return None
    total = [sum(col) for col in zip(*(vector for _, vector in languages.values()))]
    length = sum(x * x for x in total) ** 0.5 / n
    return round(length, 3) if length >= ONE_DOMAIN_MEAN else None


def list_topics_json(db: Reader, k: int, **options: Any) -> dict[str, Any]:
    """``list_topics`` shaped for JSON and templates (ISO times, decoded lists), as the API and
    the dashboard show it."""
    data = list_topics(db, k, **options)
    return {**data, "topics": [safe_row(t) for t in data["topics"]]}


def topic_detail_json(
    db: Reader, topic_id: int, k: int, zone: tzinfo | None = None
) -> dict[str, Any]:
    """``topic_detail`` shaped for JSON and templates."""
    return safe_row(topic_detail(db, topic_id, k, zone))
