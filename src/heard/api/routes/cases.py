"""Case endpoints: departments, their record and each case's public view (anyone); the queue and
one case (responder: its own department only; analyst and admin: every queue, triage included),
and the moves a responder makes — status, reassignment, reply. A reply is the text a person
sends, published as the department's (RIGHTS.md §6)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from heard.answer import cases as workflow
from heard.answer.intake import days_for
from heard.api.errors import ApiError, fix_lines
from heard.api.errors import declared, one_of
from heard.api.routes.deps import case_moved, configured_of, db_of, departments_of, work_zone
from heard.api.security import identify, requires
from heard.auth import PUBLIC, Role
from heard.auth.roles import may_work_case
from heard.clock import utcnow
from heard.errors import InputError, NotFoundError
from heard.read import cases as rq
from heard.read.common import jsonable

CaseState = one_of(workflow.STATES)
"""A FixMyStreet state of a case (``heard.answer.cases.STATES``)."""

router = APIRouter(prefix="/api/v1", tags=["cases"])


NO_DEPARTMENT = (
    "this responder account is tied to no department, so it has no queue",
    ["fix: an admin ties it to one: heard users add NAME --role responder --department CODE"],
)


class StatusChange(BaseModel):
    status: str = Field(max_length=40)
    note: str | None = Field(None, max_length=2000)


class Reassignment(BaseModel):
    department: str = Field(max_length=48)
    note: str | None = Field(None, max_length=2000)


class Reply(BaseModel):
    # up to four times the limit here, as the desk's form: the workflow counts the reply as it is
    # kept (line breaks as LF, trimmed) and answers 400 with its length over the limit
    text: str = Field(max_length=4 * workflow.MAX_REPLY_CHARS)
    close_as: str | None = Field(None, max_length=40)


def _configured(request: Request) -> list[str]:
    """The codes of the departments configured now (heard.toml, the preset, the admin's edits)."""
    return [d["code"] for d in departments_of(request)]


def _own_department(request: Request) -> tuple[Role, str | None, str]:
    user = identify(request).user
    assert user is not None  # requires(...) let only accounts through
    return user.role, request.app.state.accounts.department_of(user.username), user.username


@router.get(
    "/departments",
    dependencies=[requires(PUBLIC)],
    summary="Departments with their open and total cases",
)
def departments(request: Request) -> dict[str, Any]:
    return {"ok": True, "departments": rq.list_departments(db_of(request), configured_of(request))}


@router.post(
    "/departments/{department}/retire",
    dependencies=[requires(Role.admin)],
    summary="Retire a department (admin): out of service, its open cases to triage, its record "
    "kept; audited",
    responses=declared(404, 409),
)
def retire_department(request: Request, department: str) -> dict[str, Any]:
    """Whichever way the department came (heard.toml, the preset, the dashboard): no one is
    offered it or tells it anything any more, its open cases wait in triage (each with a note),
    and its record stays public, marked retired (``heard.answer.department_admin``). 409 for a
    department retired already or the last one in service; saving its form in the dashboard
    brings it back."""
    from heard.answer.department_admin import retire

    user = identify(request).user
    assert user is not None
    db = request.app.state.db
    try:
        with db.write_lock:
            done = retire(
                db.store, request.app.state.settings, department, utcnow(),
                account=user.username, role=user.role.name, via="api",
            )  # fmt: skip
    except NotFoundError as exc:
        raise ApiError(404, exc.what, fix_lines(exc)) from None
    except InputError as exc:
        raise ApiError(409, exc.what, fix_lines(exc)) from None
    db.changed()
    case_moved(request)
    return {"ok": True, **done}


@router.get(
    "/accountability",
    dependencies=[requires(PUBLIC)],
    summary="Each department's record: response rate, median/p90 days, overdue, reopened",
)
def accountability(request: Request) -> dict[str, Any]:
    record = rq.accountability(db_of(request), now=utcnow(), configured=configured_of(request))
    return {"ok": True, **jsonable(record)}


@router.get(
    "/public/departments/{department}",
    dependencies=[requires(PUBLIC)],
    summary="One department's public record and its newest cases (no account needed)",
    responses=declared(404),
)
def public_department(request: Request, department: str) -> dict[str, Any]:
    try:
        record = rq.department_record(
            db_of(request), department, now=utcnow(), configured=configured_of(request)
        )
    except NotFoundError as exc:
        raise ApiError(404, exc.what, ["fix: list departments at /api/v1/departments"]) from None
    return {"ok": True, **jsonable(record)}


@router.get(
    "/public/cases/{case_id}",
    dependencies=[requires(PUBLIC)],
    summary="One case as the public sees it: concern (redacted), status, reply, timeline",
    responses=declared(404),
)
def public_case(request: Request, case_id: str) -> dict[str, Any]:
    try:
        case = rq.public_case(db_of(request), case_id, now=utcnow())
    except NotFoundError as exc:
        raise ApiError(404, exc.what) from None
    return {"ok": True, "case": jsonable(case)}


@router.get(
    "/cases",
    dependencies=[requires(Role.responder)],
    summary="The case queue (a responder sees its own department's only)",
    responses=declared(400, 404),
)
def list_cases(
    request: Request,
    department: Annotated[str | None, Query(max_length=48)] = None,
    status: CaseState | None = None,
    overdue: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    role, own, _ = _own_department(request)
    if role == Role.responder:
        if own is None:
            raise ApiError(403, *NO_DEPARTMENT)
        if department not in (None, own):
            raise ApiError(
                403,
                f"a responder of {own} sees only its own queue",
                [f"fix: leave out department, or ask for department={own}"],
            )
        department = own
    try:
        if department is not None:
            rq.check_department(db_of(request), department, _configured(request))
        result = rq.list_cases(
            db_of(request),
            now=utcnow(),
            department=department,
            status=status,
            overdue=overdue,
            limit=limit,
        )
    except NotFoundError as exc:  # no such department
        raise ApiError(404, exc.what, fix_lines(exc)) from None
    except InputError as exc:
        raise ApiError(400, exc.what, fix_lines(exc)) from None
    return {"ok": True, **jsonable(result)}


def workable_case(request: Request, case_id: str) -> tuple[dict[str, Any], Role, str]:
    """The case, the caller's role and account name — 404 when there is no such case, 403 when
    the caller may not work it (a responder of another department). Also used by the desk
    pages."""
    role, own, username = _own_department(request)
    return _may_work(case_id, db_of(request).cases.case(case_id), role, own), role, username


def _may_work(case_id: str, case: dict[str, Any] | None, role: Role, own: str | None) -> Any:
    if case is None:
        raise ApiError(404, f"no case {case_id!r}", ["fix: list cases at /api/v1/cases"])
    if not may_work_case(role, own, case["department"]):
        raise ApiError(
            403,
            f"case {case_id} is {case['department']}'s; you work {own}'s queue",
            ["fix: ask an analyst to reassign it, or work your own queue"],
        )
    return case


@router.get(
    "/cases/{case_id}",
    dependencies=[requires(Role.responder)],
    summary="One case: concern, department and why, reply, timeline",
    responses=declared(404),
)
def get_case(request: Request, case_id: str) -> dict[str, Any]:
    workable_case(request, case_id)
    return {"ok": True, "case": jsonable(rq.case_detail(db_of(request), case_id, now=utcnow()))}


def apply_change(
    request: Request, case_id: str, make: Callable[[dict[str, Any]], workflow.Change]
) -> dict[str, Any]:
    """Apply the change ``make(case)`` builds from the case as stored under the write lock (a
    move read before it could be judged on a state another move had just changed); 404 or 403
    as ``workable_case``; a value no case can take (an unknown status, an empty reply) is a 400
    and a move the workflow refuses in the case's state a 409, each with its reason."""
    role, own, _ = _own_department(request)
    db = request.app.state.db
    with db.write_lock:
        case = _may_work(case_id, db.store.cases.case(case_id), role, own)
        try:
            workflow.apply(db.store, make(case), work_zone(request))
        except InputError as exc:
            code = 400 if isinstance(exc, workflow.BadValueError) else 409
            raise ApiError(code, exc.what, fix_lines(exc)) from None
        db.changed()  # (PostgreSQL's data_version is a read-only pair: += was a 500)
    case_moved(request)
    return {"ok": True}


@router.post(
    "/cases/{case_id}/status",
    dependencies=[requires(Role.responder)],
    summary="Change a case's status (FixMyStreet states)",
    responses=declared(400, 404, 409),
)
def change_status(request: Request, case_id: str, body: StatusChange) -> dict[str, Any]:
    _, role, username = workable_case(request, case_id)
    departments = departments_of(request)  # a reopened case's fresh deadline is its department's
    return apply_change(
        request,
        case_id,
        lambda case: workflow.change_status(
            case,
            body.status,
            utcnow(),
            role=role.name,
            actor=username,
            note=body.note,
            reopen_days=days_for(departments, case["department"]),
            zone=work_zone(request),
        ),  # fmt: skip
    )


@router.post(
    "/cases/{case_id}/reassign",
    dependencies=[requires(Role.responder)],
    summary="Move a case to another department (stored as a routing correction)",
    responses=declared(404, 409),
)
def reassign(request: Request, case_id: str, body: Reassignment) -> dict[str, Any]:
    _, role, username = workable_case(request, case_id)
    known = set(_configured(request)) | {d["code"] for d in db_of(request).cases.departments()}
    if body.department not in known:
        raise ApiError(
            400, f"no department {body.department!r}", ["fix: use a code from /api/v1/departments"]
        )
    return apply_change(
        request,
        case_id,
        lambda case: workflow.reassign(
            case, body.department, utcnow(), role=role.name, actor=username, note=body.note
        ),
    )


@router.post(
    "/cases/{case_id}/reply",
    dependencies=[requires(Role.responder)],
    summary="Publish the department's reply (written by a person), optionally closing",
    responses=declared(400, 404, 409),
)
def reply(request: Request, case_id: str, body: Reply) -> dict[str, Any]:
    _, role, username = workable_case(request, case_id)
    return apply_change(
        request,
        case_id,
        lambda case: workflow.reply(
            case,
            body.text,
            case["department"],
            utcnow(),
            role=role.name,
            actor=username,
            close_as=body.close_as,
        ),
    )


class IssueCase(BaseModel):
    department: str | None = Field(
        None, max_length=48, description="The department to hand it to (default: routed)"
    )


def open_issue_case(request: Request, issue_id: int, department: str | None) -> Any:
    """Open (or find) the case of an issue for the signed-in analyst or admin: ``Opened``;
    404 for an issue that is not shown, 400 for an unknown department or none to route by.
    Also used by the issue page's form."""
    from heard.answer.issue_cases import open_for_issue

    role, _, username = _own_department(request)
    db = request.app.state.db
    state = request.app.state
    if not hasattr(state, "issue_routers"):
        state.issue_routers = {}  # one router per department set, built on first need
    cache = state.issue_routers
    with db.write_lock:
        try:
            opened = open_for_issue(
                db.store, request.app.state.settings, issue_id, now=utcnow(), role=role.name,
                actor=username, department=department or None, router_cache=cache,
            )  # fmt: skip
        except NotFoundError as exc:
            raise ApiError(404, exc.what, fix_lines(exc)) from None
        except InputError as exc:
            raise ApiError(400, exc.what, fix_lines(exc)) from None
    if opened.created:
        db.changed()
        case_moved(request)
    return opened


@router.post(
    "/issues/{issue_id}/case",
    dependencies=[requires(Role.analyst)],
    status_code=201,
    summary="Hand an issue to its department as one case (analyst, admin); 200: it had one",
    responses={
        200: {"description": "The issue had its case already: that case, unchanged"},
        **declared(400, 404),
    },
)
def issue_case(
    request: Request, response: Response, issue_id: int, body: IssueCase | None = None
) -> dict[str, Any]:
    opened = open_issue_case(request, issue_id, body.department if body else None)
    case = jsonable(rq.case_detail(db_of(request), opened.case["case_id"], now=utcnow()))
    if not opened.created:
        response.status_code = 200
        return {"ok": True, "created": False, "case": case}
    return {
        "ok": True,
        "created": True,
        "case": case,
        "token": opened.token,
        "note": "the token disputes the case's closure at /public/cases/{id}; it is shown only "
        "now: pass it to the people who raised the issue",
    }
