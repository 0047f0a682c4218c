"""The responder's desk: a department's case queue and one case with the moves a responder makes
(status, reply, reassignment). The same checks and workflow as the API (``api/routes/cases``): a
responder works its own department's queue only; analysts and admins work every queue, triage
included. A reply is written by a person and published as the department's (RIGHTS.md §6)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from heard.answer import cases as workflow
from heard.answer.intake import days_for
from heard.api.errors import ApiError, fix_lines
from heard.api.routes.cases import NO_DEPARTMENT, apply_change, workable_case
from heard.api.routes.deps import (
    configured_of,
    db_of,
    department_names_of,
    departments_of,
    work_zone,
)
from heard.api.security import identify, requires
from heard.auth import Role
from heard.clock import utcnow
from heard.errors import InputError, NotFoundError
from heard.read import cases as cq
from heard.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/desk", dependencies=[requires(Role.responder, page=True)])
def queue(
    request: Request,
    department: Annotated[str | None, Query(max_length=48)] = None,
    status: Annotated[str | None, Query(max_length=40)] = None,
    overdue: bool = False,
) -> Response:
    user = identify(request).user
    assert user is not None
    own = request.app.state.accounts.department_of(user.username)
    page = {
        "department": department or "",
        "status_filter": status or "",
        "overdue": overdue,
        "own": own,
        "choose_department": user.role >= Role.analyst,
        "departments": cq.list_departments(db_of(request), configured_of(request)),
        "states": workflow.STATES,
        "username": user.username,
    }
    if user.role == Role.responder:
        if own is None:
            raise ApiError(403, *NO_DEPARTMENT)
        department = page["department"] = own  # its queue is its department's, whatever the URL
        names = department_names_of(request)
        page["retired_department"] = own in names and names[own]["retired"]
    try:
        if department:
            cq.check_department(db_of(request), department, list(department_names_of(request)))
        listed = cq.list_cases(
            db_of(request),
            now=utcnow(),
            department=department or None,
            status=status or None,
            overdue=overdue,
            limit=200,
        )
    except NotFoundError as exc:  # no such department
        if user.role == Role.responder:  # its own, not configured nor stored: it cannot choose
            # another, so the desk opens empty and says how an admin fixes the account
            return render(request, "desk.html", cases=[], total=0, unknown_department=True, **page)
        raise ApiError(404, exc.what, fix_lines(exc)) from None
    except InputError as exc:
        raise ApiError(400, exc.what, fix_lines(exc)) from None
    return render(request, "desk.html", cases=listed["cases"], total=listed["total"], **page)


def _case_page(request: Request, case_id: str, status: int = 200, **context: Any) -> Response:
    workable_case(request, case_id)  # 404 / 403 before anything is shown
    case = cq.case_detail(db_of(request), case_id, now=utcnow())
    departments = departments_of(request)
    return render(
        request,
        "desk_case.html",
        status=status,
        case=case,
        states=workflow.STATES,
        closed_states=workflow.CLOSED_STATES,
        departments=departments,
        names=department_names_of(request),  # the timeline names its moves, retired ones too
        **context,
    )


@router.get("/desk/cases/{case_id}", dependencies=[requires(Role.responder, page=True)])
def case_page(request: Request, case_id: str) -> Response:
    return _case_page(request, case_id)


def _move(
    request: Request, case_id: str, make: Any, typed: dict[str, str], then: str | None = None
) -> Response:
    try:
        apply_change(request, case_id, make)
    except ApiError as exc:  # a move refused (409) or a value no case takes (400): the page
        if exc.status not in (400, 409):  # again, with the reason and what was typed, to fix
            raise
        return _case_page(
            request, case_id, status=exc.status, error=exc.error, fixes=exc.errors, typed=typed
        )
    return RedirectResponse(then or f"/desk/cases/{case_id}", status_code=303)


@router.post("/desk/cases/{case_id}/status", dependencies=[requires(Role.responder, page=True)])
def change_status(
    request: Request,
    case_id: str,
    status: Annotated[str, Form(max_length=40)] = "",  # empty: the page says why (400)
    note: Annotated[str, Form(max_length=4 * workflow.MAX_NOTE_CHARS)] = "",  # kept, as a reply
) -> Response:
    _, role, username = workable_case(request, case_id)
    departments = departments_of(request)  # a reopened case's fresh deadline is its department's
    return _move(
        request,
        case_id,
        lambda case: workflow.change_status(
            case,
            status,
            utcnow(),
            role=role.name,
            actor=username,
            note=note.strip() or None,
            reopen_days=days_for(departments, case["department"]),
            zone=work_zone(request),
        ),  # fmt: skip
        {"form": "status", "status": status, "note": note},
    )


@router.post("/desk/cases/{case_id}/reply", dependencies=[requires(Role.responder, page=True)])
def reply(
    request: Request,
    case_id: str,
    # empty, or up to four times the limit: the page again with the reason and the reply kept
    # (workflow.reply says what is wrong), not a 422 error page that loses what was written
    text: Annotated[str, Form(max_length=4 * workflow.MAX_REPLY_CHARS)] = "",
    close_as: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    _, role, username = workable_case(request, case_id)
    return _move(
        request,
        case_id,
        lambda case: workflow.reply(
            case, text, case["department"], utcnow(), role=role.name, actor=username,
            close_as=close_as or None,
        ),
        {"form": "reply", "text": text, "close_as": close_as},
    )  # fmt: skip


@router.post("/desk/cases/{case_id}/reassign", dependencies=[requires(Role.responder, page=True)])
def reassign(
    request: Request,
    case_id: str,
    department: Annotated[str, Form(max_length=48)] = "",  # empty: "no department ''" (400)
    note: Annotated[str, Form(max_length=4 * workflow.MAX_NOTE_CHARS)] = "",  # kept, as a reply
) -> Response:
    _, role, username = workable_case(request, case_id)
    typed = {"form": "reassign", "department": department, "note": note}
    if department not in {d["code"] for d in departments_of(request)}:
        return _case_page(
            request, case_id, status=400, error=f"no department {department!r}", typed=typed
        )
    return _move(
        request,
        case_id,
        lambda case: workflow.reassign(
            case, department, utcnow(), role=role.name, actor=username, note=note.strip() or None
        ),
        typed,
        then="/desk",  # a responder may no longer see the case once it is another department's
    )
