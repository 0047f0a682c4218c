"""Read endpoints: posts, topics, hot spots, alerts, stats, quarantine, me."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BeforeValidator

from heard.api.errors import ApiError
from heard.errors import MergedTopicError
from heard.read import hotspots as hq
from heard.read import overview as oq
from heard.read import posts as pq
from heard.read import topics as tq
from heard.read.common import MAX_CURSOR_CHARS
from heard.clock import WINDOW_PATTERN
from heard.api.routes.deps import db_of, k_of, utc_naive, work_zone
from heard.api.errors import declared
from heard.api.security import requires
from heard.auth import Role

router = APIRouter(prefix="/api/v1", tags=["read"])

Lang = Annotated[
    str | None, Query(pattern=r"^([a-z]{2,3}|und)$", description="ISO 639-1 code, e.g. zh, en")
]
Cursor = Annotated[
    str | None,
    Query(
        max_length=MAX_CURSOR_CHARS,
        pattern=r"^[A-Za-z0-9_-]*$",
        description="The next_cursor of the page before, unchanged (base64url); one this "
        "server did not give names no page: 404",
    ),
]


_PLUS_READ_AS_SPACE = re.compile(r"(T\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d(?::?\d\d)?)$")
"""A date-time whose offset's ``+`` a URL turned into a space: ``?since=2026-11-05T08:00+08:00``
typed as it reads (``+`` must be ``%2B`` in a query string) arrives as ``…T08:00 08:00``."""


def _not_a_number(value: Any) -> Any:
    """A time is written as one (ISO 8601); pydantic would read ``0.5`` as seconds since 1970.
    An offset whose ``+`` the query string read as a space gets its ``+`` back (nothing else
    reads ``T08:00 08:00``), instead of a 422 about "extra characters" no one can see."""
    if isinstance(value, (int, float)) or (
        isinstance(value, str) and value.strip().lstrip("+-").replace(".", "", 1).isdigit()
    ):
        raise ValueError("a date-time in ISO 8601, e.g. 2026-11-02T08:00:00Z, not a number")
    if isinstance(value, str):
        return _PLUS_READ_AS_SPACE.sub(r"\1+\2", value)
    return value


Instant = Annotated[datetime, BeforeValidator(_not_a_number)]
Sentiment = Literal["negative", "neutral", "positive"]
Intent = Literal["complaint", "suggestion", "question", "praise", "incident_report", "other"]


@router.get(
    "/posts",
    dependencies=[requires(Role.viewer)],
    summary="Search posts (zh/en) with filters",
    responses=declared(400, 404),
)
def list_posts(
    request: Request,
    q: Annotated[
        str | None,
        Query(max_length=pq.MAX_QUERY_CHARS, description="Full-text query; all words must match"),
    ] = None,
    lang: Lang = None,
    source: Annotated[str | None, Query(max_length=200)] = None,
    topic: Annotated[int | None, Query(ge=0)] = None,
    sentiment: Sentiment | None = None,
    intent: Annotated[
        Intent | None, Query(description="What the post does: complain, suggest, ask …")
    ] = None,
    since: Instant | None = None,
    until: Instant | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    cursor: Cursor = None,
) -> dict[str, Any]:
    f = pq.PostFilter(
        q=q,
        lang=lang,
        source=source,
        topic=None if topic is None else str(topic),
        sentiment=sentiment,
        intent=intent,
        since=utc_naive(since),
        until=utc_naive(until),
    )
    return {"ok": True, **pq.search(db_of(request), f, limit, cursor, k_of(request))}


@router.get(
    "/posts/{post_id}",
    dependencies=[requires(Role.viewer)],
    summary="One post",
    responses=declared(404),
)
def get_post(request: Request, post_id: str) -> dict[str, Any]:
    post = pq.get_post(db_of(request), post_id, k_of(request))
    if post is None:
        raise ApiError(404, f"no post {post_id!r}", ["fix: ids look like source:external_id"])
    return {"ok": True, "post": post}


@router.get(
    "/topics",
    dependencies=[requires(Role.viewer)],
    summary="Topics, largest first",
    responses=declared(400, 404),
)
def list_topics(
    request: Request,
    q: Annotated[
        str | None, Query(max_length=100, description="Filter by label or keyword")
    ] = None,
    since: Annotated[
        Instant | None, Query(description="Only topics seen since this time (as heard topics)")
    ] = None,
    min_size: Annotated[
        int, Query(ge=1, le=10_000_000, description="Only topics with at least this many posts")
    ] = 1,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    db = db_of(request)
    seen = utc_naive(since)
    data = request.app.state.cache.get(
        db.data_version,
        ("topics", q, limit, cursor, seen, min_size),
        lambda: tq.list_topics_json(
            db, k_of(request), limit=limit, cursor=cursor, q=q, since=seen, min_size=min_size
        ),
    )
    return {"ok": True, **data}


@router.get(
    "/topics/{topic_id}",
    dependencies=[requires(Role.viewer)],
    summary="One topic: time series, keywords, places, representative posts",
    responses=declared(404),
)
def get_topic(request: Request, topic_id: int) -> dict[str, Any]:
    db = db_of(request)
    try:
        topic = request.app.state.cache.get(
            db.data_version,
            ("topic", topic_id),
            lambda: tq.topic_detail_json(db, topic_id, k_of(request), work_zone(request)),
        )
    except MergedTopicError as exc:
        raise ApiError(404, exc.what, [f"fix: see /api/v1/topics/{exc.into}"]) from None
    return {"ok": True, "topic": topic}


@router.get(
    "/hotspots",
    dependencies=[requires(Role.viewer)],
    summary="Hot spots over a window ending at the newest post, hottest first",
    responses=declared(400),
)
def list_hotspots(
    request: Request,
    window: Annotated[
        str,
        Query(
            max_length=10,
            pattern=WINDOW_PATTERN,
            description="A span before the newest post: 90m, 24h, 7d, 2w, 90d, 1y or all "
            "(a positive whole number without leading zeros, and a unit)",
        ),
    ] = hq.DEFAULT_WINDOW,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    db = db_of(request)
    span = hq.parse_window(db, window, what="window")
    data = request.app.state.cache.get(
        db.data_version, ("hot", span, limit), lambda: hq.hotspots(db, k_of(request), limit, span)
    )
    if not data["hotspots"]:  # why the window is empty, and a window that shows data
        data = {
            **data,
            "quiet": request.app.state.cache.get(
                db.data_version, ("quiet", span), lambda: hq.quiet_advice(db, k_of(request), span)
            ),
        }
    return {"ok": True, **data}


@router.get(
    "/alerts",
    dependencies=[requires(Role.viewer)],
    summary="Topic alerts and issue alerts, newest first",
)
def list_alerts(
    request: Request, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> dict[str, Any]:
    """``alerts``: the topics' burst alerts; ``issue_alerts``: the issues' (as ``heard hot --json``
    gives them; the dashboard and the brief list both)."""
    from heard.read.issues import recent_issue_alerts

    db, k = db_of(request), k_of(request)
    return {
        "ok": True,
        "alerts": hq.alerts(db, k, limit),
        "issue_alerts": recent_issue_alerts(db, k, limit),
    }


@router.get(
    "/stats",
    dependencies=[requires(Role.viewer)],
    summary="Volume, languages, sources, sentiment over time (k-suppressed)",
)
def stats(request: Request) -> dict[str, Any]:
    db = db_of(request)
    return {
        "ok": True,
        **request.app.state.cache.get(
            db.data_version, "overview", lambda: oq.overview(db, k_of(request), work_zone(request))
        ),
    }


@router.get(
    "/quarantine", dependencies=[requires(Role.analyst)], summary="Quarantined rows and why"
)
def quarantine(
    request: Request,
    reason: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    return {"ok": True, **oq.quarantine(db_of(request), limit, reason, offset)}


@router.get("/me", summary="Who am I")
def me(request: Request, caller=requires(Role.viewer)) -> dict[str, Any]:
    return {
        "ok": True,
        "username": caller.user.username,
        "role": caller.user.role.name,
        "via": caller.via,
    }


@router.get("/users", dependencies=[requires(Role.admin)], summary="Accounts (admin)")
def users(request: Request) -> dict[str, Any]:
    from heard.read.common import jsonable

    return {"ok": True, "users": jsonable(request.app.state.accounts.list_users())}


@router.delete(
    "/tokens/{token_id}",
    dependencies=[requires(Role.admin)],
    summary="Revoke an API token (admin)",
    responses=declared(404),
)
def revoke_token(request: Request, token_id: str) -> dict[str, Any]:
    request.app.state.accounts.revoke_token(token_id)
    return {"ok": True, "revoked": token_id}
