"""GET /api/v1/export: posts, topics or alerts as a file (analyst and above), redacted."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from heard.api.routes.deps import db_of, k_of
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
        400: {"description": "An unknown export format"},
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
) -> StreamingResponse:
    ex.check(what, format)
    db = db_of(request)
    payload, n = await run_in_threadpool(ex.export, db, what, format, k_of(request))
    return StreamingResponse(
        ex.chunks(payload),
        media_type=ex.MEDIA_TYPES[format],
        headers={
            "Content-Disposition": f'attachment; filename="{ex.filename(what, format)}"',
            "Content-Length": str(len(payload)),
            "X-Heard-Rows": str(n),
        },
    )
