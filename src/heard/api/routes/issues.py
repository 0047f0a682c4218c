"""Issue endpoints: the list (hottest first) and one issue with its messages (viewer)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from heard.clock import WINDOW_PATTERN
from heard.api.routes.deps import db_of, k_of
from heard.api.errors import declared
from heard.api.security import requires
from heard.auth import Role
from heard.read import issues as iq

router = APIRouter(prefix="/api/v1", tags=["listen"])


@router.get(
    "/issues",
    dependencies=[requires(Role.viewer)],
    summary="Issues (one problem at one place or of one group), hottest first",
    responses=declared(400),
)
def list_issues(
    request: Request,
    window: Annotated[
        str,
        Query(
            max_length=10,
            pattern=WINDOW_PATTERN,  # as /hotspots and heard issues
            description="Only issues with a message in this span before the newest post: 7d, "
            "30d, 90d, 1y or all",
        ),
    ] = iq.DEFAULT_WINDOW,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    q: Annotated[str | None, Query(max_length=100, description="Place or problem contains")] = None,
) -> dict[str, Any]:
    from heard.read.common import jsonable

    db = db_of(request)
    result = request.app.state.cache.get(
        db.data_version,
        ("issues", window, limit, q),
        lambda: jsonable(iq.list_issues(db, k_of(request), window=window, limit=limit, q=q)),
    )
    return {"ok": True, **result}


@router.get(
    "/issues/{issue_id}",
    dependencies=[requires(Role.viewer)],
    summary="One issue: place, problem, heat, burst test and its messages",
    responses={404: {"description": "No such issue, or one with fewer than k authors"}},
)
def get_issue(
    request: Request,
    issue_id: int,
    messages: Annotated[int, Query(ge=0, le=500)] = 50,
) -> dict[str, Any]:
    from heard.read.common import jsonable

    db = db_of(request)
    issue = request.app.state.cache.get(
        db.data_version,
        ("issue", issue_id, messages),
        lambda: jsonable(iq.issue_detail(db, issue_id, k_of(request), messages=messages)),
    )
    return {"ok": True, "issue": issue}
