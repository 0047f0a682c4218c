"""The answer side's public pages — no account needed (RIGHTS.md §8: the public can scrutinise
the institution): every department's record, one department, one case with its reply and
timeline, the form to write to a department, finding a case by its token, and disputing a
closure. Texts are redacted exactly as the API's; nothing about a sender is stored or shown."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from heard.answer import intake
from heard.answer.cases import TRIAGE, BadValueError
from heard.api.errors import ApiError, fix_lines
from heard.api.routes.deps import (
    configured_of,
    case_moved,
    db_of,
    department_names_of,
    departments_of,
    intake_receipts,
    refund_public_action,
    sender_address,
    spend_public_action,
    work_zone,
)
from heard.api.security import requires
from heard.auth import PUBLIC
from heard.clock import utcnow
from heard.errors import InputError, NotFoundError
from heard.read import cases as cq
from heard.web.render import render

router = APIRouter(include_in_schema=False)
CHANNEL = "heard-form"
"""The source of concerns written on the public form (an ordinary source: they join topics)."""


@router.get("/public/departments", dependencies=[requires(PUBLIC)])
def departments_page(request: Request) -> Response:
    record = cq.accountability(db_of(request), now=utcnow(), configured=configured_of(request))
    rows = [r for r in record["departments"] if r["department"] != TRIAGE]
    return render(request, "public_departments.html", rows=rows, total=record["total"])


@router.get("/public/departments/{department}", dependencies=[requires(PUBLIC)])
def department_page(request: Request, department: str) -> Response:
    try:
        record = cq.department_record(
            db_of(request), department, now=utcnow(), configured=configured_of(request)
        )
    except NotFoundError as exc:
        raise ApiError(404, exc.what, fix_lines(exc)) from None
    return render(request, "public_department.html", d=record)


def _case_page(request: Request, case_id: str, status: int = 200, **context: object) -> Response:
    try:
        case = cq.public_case(db_of(request), case_id, now=utcnow())
    except NotFoundError as exc:
        raise ApiError(404, exc.what, ["fix: find your case with its token at /public/track"])
    names = department_names_of(request)  # the timeline names its moves, retired ones too
    return render(request, "public_case.html", status=status, case=case, names=names, **context)


@router.get("/public/cases/{case_id}", dependencies=[requires(PUBLIC)])
def case_page(request: Request, case_id: str, disputed: bool = False) -> Response:
    return _case_page(request, case_id, disputed=disputed)


@router.post("/public/cases/{case_id}/dispute", dependencies=[requires(PUBLIC)])
def dispute(
    request: Request,
    case_id: str,
    # a missing token is a wrong one (404, the reason kept in the form), not a 422 error page
    token: Annotated[str, Form(max_length=200)] = "",
    # four times the limit here: a browser sends each line break its maxlength counted once as
    # CR LF, and a reason over the limit comes back in the form with its length (intake.dispute)
    note: Annotated[str, Form(max_length=4 * intake.MAX_NOTE)] = "",
) -> Response:
    spend_public_action(request)
    try:
        intake.dispute(
            db_of(request), case_id, token.strip(), note, utcnow(), departments_of(request),
            zone=work_zone(request),
        )  # fmt: skip
    except NotFoundError as exc:  # a mistyped token: the reason stays, to send again
        return _case_page(request, case_id, status=404, error=exc.what, dispute_note=note)
    except BadValueError as exc:  # a reason too long: kept, to shorten
        return _case_page(request, case_id, status=400, error=exc.what, dispute_note=note)
    except InputError as exc:
        return _case_page(request, case_id, status=409, error=exc.what, dispute_note=note)
    case_moved(request)
    return RedirectResponse(f"/public/cases/{case_id}?disputed=1", status_code=303)


@router.get("/public/report", dependencies=[requires(PUBLIC)])
def report_form(
    request: Request, department: Annotated[str | None, Query(max_length=48)] = None
) -> Response:
    return render(
        request,
        "public_report.html",
        departments=departments_of(request),
        request_department=department,
        submission=_new_submission(),
    )


def _new_submission() -> str:
    """The form's one-time number: sent twice (a double click, the page sent again), it files
    one concern (``heard.answer.repeats``); another form, another concern."""
    import secrets

    return secrets.token_urlsafe(16)


@router.post("/public/report", dependencies=[requires(PUBLIC)])
async def report(
    request: Request,
    # an empty field is the form's to answer (400, with what was typed), not a 422 error page
    department: Annotated[str, Form(max_length=48)] = "",
    # four times the limit at the HTTP layer: a concern just over it comes back in the form with
    # its length (intake.check_text), instead of an error page that loses what was typed
    text: Annotated[str, Form(max_length=4 * intake.MAX_TEXT)] = "",
    submission: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    spend_public_action(request)
    departments = {d["code"]: d for d in departments_of(request)}
    chosen = departments.get(department)
    given = submission.strip()
    submission = given or _new_submission()  # kept when the form comes back to be corrected
    if chosen is None:
        return render(
            request, "public_report.html", status=400, departments=list(departments.values()),
            error=f"no department {department!r}", text=text, submission=submission,
        )  # fmt: skip
    # a form without its number (sent by a script): the client's address tells senders apart
    sender = ("form", given) if given else ("address", sender_address(request))
    try:
        filed = await run_in_threadpool(
            intake.file_concern, request.app.state.uploader, db_of(request),
            text=text, department=chosen, channel=CHANNEL, now=utcnow(), zone=work_zone(request),
            receipts=intake_receipts(request), repeat_of=sender,
        )  # fmt: skip
    except InputError as exc:
        return render(
            request, "public_report.html", status=400, departments=list(departments.values()),
            error=exc.what, text=text, submission=submission,
        )  # fmt: skip
    if not filed.repeated:
        case_moved(request)
    # the token is in this page only; pages are sent with Cache-Control: no-store
    return render(request, "public_filed.html", filed=filed, department=chosen)


@router.get("/public/track", dependencies=[requires(PUBLIC)])
def track_form(request: Request) -> Response:
    return render(request, "public_track.html")


@router.post("/public/track", dependencies=[requires(PUBLIC)])
def track(request: Request, token: Annotated[str, Form(max_length=200)] = "") -> Response:
    """The token is posted, never put in a URL (it would stay in logs and browser history)."""
    from heard.answer.cases import hash_token

    spend_public_action(request)  # counted at once: lookups sent together cannot all pass
    if not token.strip():  # nothing to look up: not a guess, so not counted as a wrong one
        refund_public_action(request)
        return render(
            request, "public_track.html", status=400, error="enter the token from your receipt"
        )
    found = cq.case_id_for_token(db_of(request), hash_token(token.strip()))
    if found is None:  # a wrong token counts: no guessing
        return render(request, "public_track.html", status=404, error="no case for this token")
    refund_public_action(request)  # the right token is no guess
    return RedirectResponse(f"/public/cases/{found}", status_code=303)
