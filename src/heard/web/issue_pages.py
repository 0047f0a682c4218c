"""Dashboard pages of the listen side's issues: the list and one issue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from heard.api.security import requires
from heard.auth import Role
from heard.read import issues as iq
from heard.read.hotspots import WINDOW_CHOICES
from heard.web.render import render

router = APIRouter()


def _k(request: Request) -> int:
    return int(request.app.state.settings.min_group_size)


@router.get("/issues", dependencies=[requires(Role.viewer, page=True)], include_in_schema=False)
def issues_page(
    request: Request,
    window: Annotated[str, Query(pattern=r"^(all|\d{1,4}[mhdwy])$")] = iq.DEFAULT_WINDOW,
    q: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    db, k = request.app.state.db, _k(request)
    data = request.app.state.cache.get(
        db.data_version,
        ("issues-page", window, q),
        lambda: iq.list_issues(db, k, window=window, limit=50, q=q),
    )
    return render(
        request,
        "issues.html",
        issues=data["issues"],
        hidden=data["hidden_below_k"],
        window=window,
        windows=WINDOW_CHOICES,
        q=q or "",
    )


@router.get(
    "/issues/{issue_id}", dependencies=[requires(Role.viewer, page=True)], include_in_schema=False
)
def issue_page(request: Request, issue_id: int) -> Response:
    db, k = request.app.state.db, _k(request)
    issue = request.app.state.cache.get(
        db.data_version, ("issue-page", issue_id), lambda: iq.issue_detail(db, issue_id, k)
    )
    return render(request, "issue.html", issue=issue)
