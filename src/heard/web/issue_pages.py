"""Dashboard pages of the listen side's issues: the list and one issue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from heard.answer import cases as workflow
from heard.api.routes.deps import department_names_of, departments_of
from heard.api.security import identify, requires
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
    window: Annotated[str, Query(max_length=10)] = iq.DEFAULT_WINDOW,  # read as hot spots do
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
    user = identify(request).user
    may_open = user is not None and user.role >= Role.analyst and not issue.get("case")
    case = issue.get("case") or {}
    works_it = user is not None and (
        user.role >= Role.analyst
        or (
            user.role == Role.responder
            and request.app.state.accounts.department_of(user.username) == case.get("department")
        )
    )  # the desk's page of the case; anyone else the public one (a responder: its own queue)
    return render(
        request,
        "issue.html",
        issue=issue,
        departments=departments_of(request) if may_open else [],
        case_at_desk=works_it,
    )


@router.post(
    "/issues/{issue_id}/case",
    dependencies=[requires(Role.analyst, page=True)],
    include_in_schema=False,
)
def open_case(
    request: Request,
    issue_id: int,
    department: Annotated[str, Form(max_length=48)] = "",
) -> Response:
    """The issue page's form: hand the issue over as one case (the API's checks and workflow).
    A new case's page shows its public token once; an issue with a case goes to that case."""
    from heard.api.routes.cases import open_issue_case
    from heard.clock import utcnow
    from heard.read import cases as cq

    opened = open_issue_case(request, issue_id, department.strip() or None)
    case_id = opened.case["case_id"]
    if not opened.created:
        return RedirectResponse(f"/desk/cases/{case_id}", status_code=303)
    case = cq.case_detail(request.app.state.db, case_id, now=utcnow())
    departments = departments_of(request)
    return render(
        request, "desk_case.html", status=201, case=case, token=opened.token,
        states=workflow.STATES, closed_states=workflow.CLOSED_STATES,
        departments=departments, names=department_names_of(request),
    )  # fmt: skip
