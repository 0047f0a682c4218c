"""GET /api/v1/export: posts, topics or alerts as a file (analyst and above), redacted."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from heard.clock import WINDOW_PATTERN
from heard.api.routes.deps import db_of, k_of, utc_naive
from heard.api.routes.read import Instant, Intent, Lang, Sentiment
from heard.api.security import requires
from heard.auth import Role
from heard.read import export as ex

router = APIRouter(prefix="/api/v1", tags=["export"])


@router.get(
    "/export",
    dependencies=[requires(Role.analyst)],
    summary="Download posts, topics, issues or alerts as CSV, XLSX, Parquet or JSONL (redacted)",
    responses={
        200: {
            "content": {m: {} for m in ex.MEDIA_TYPES.values()},
            "description": "The file, as an attachment",
        },
        400: {"description": "An unknown export format, or a filter this export does not take"},
        404: {"description": "A topic with fewer than k distinct authors"},
    },
)
async def export(
    request: Request,
    what: Annotated[
        Literal["posts", "topics", "issues", "alerts"], Query(description="What to export")
    ] = "posts",
    format: Annotated[
        Literal["csv", "xlsx", "parquet", "jsonl"], Query(description="File format")
    ] = "csv",
    since: Annotated[
        Instant | None,
        Query(description="posts created, alerts detected, at or after; topics seen since"),
    ] = None,
    until: Annotated[
        Instant | None, Query(description="posts created, alerts detected, before")
    ] = None,
    lang: Lang = None,
    source: Annotated[str | None, Query(max_length=200, description="posts: this source")] = None,
    topic: Annotated[int | None, Query(ge=0, description="posts: of this topic")] = None,
    sentiment: Sentiment | None = None,
    intent: Intent | None = None,
    q: Annotated[
        str | None,
        Query(max_length=100, description="topics: label or keyword; issues: place, problem"),
    ] = None,
    min_size: Annotated[
        int | None, Query(ge=1, description="topics: at least this many posts")
    ] = None,
    window: Annotated[
        str | None,
        Query(
            max_length=10,
            pattern=WINDOW_PATTERN,
            description="issues: with a message in this span before the newest post (7d, all)",
        ),
    ] = None,
) -> StreamingResponse:
    """Each export takes the filters of the list it exports (``/api/v1/posts``,
    ``/api/v1/topics``, ``/api/v1/issues``); one it does not take is a 400."""
    ex.check(what, format)
    f = ex.ExportFilter(
        since=utc_naive(since), until=utc_naive(until), lang=lang, source=source, topic=topic,
        sentiment=sentiment, intent=intent, q=q, min_size=min_size, window=window,
    )  # fmt: skip
    ex.check_filter(what, f)
    db = db_of(request)
    payload, n = await run_in_threadpool(ex.export, db, what, format, k_of(request), f)
    return StreamingResponse(
        ex.chunks(payload),
        media_type=ex.MEDIA_TYPES[format],
        headers={
            "Content-Disposition": f'attachment; filename="{ex.filename(what, format)}"',
            "Content-Length": str(len(payload)),
            "X-Heard-Rows": str(n),
        },
    )
