"""The protect side's public pages — no account needed: the transparency figures, an author's
statements of reasons (with the post's notice token, posted in a form, never put in a URL) and
their one appeal per decision, and reporting a post. Tokens, appeals and reports count together
against the public limit per client address (``public_limiter``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from heard.api.errors import status_of
from heard.api.routes.deps import db_of, spend_public_action
from heard.api.routes.protect import file_report, locked_write
from heard.auth import PUBLIC
from heard.api.security import requires
from heard.errors import InputError, NotFoundError
from heard.protect.review import APPEAL_MAX, REPORT_NOTE_MAX, appeal_text
from heard.protect.taxonomy import LABELS, load_taxonomy
from heard.read import protect as rq
from heard.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/transparency", dependencies=[requires(PUBLIC)])
def transparency_page(request: Request) -> Response:
    return render(request, "transparency.html", figures=rq.transparency(db_of(request)))


@router.get("/statement", dependencies=[requires(PUBLIC)])
def statement_form(request: Request) -> Response:
    return render(request, "statement.html")


def _statements(request: Request, token: str, status: int = 200, **context: Any) -> Response:
    from heard.protect.review import Review

    try:
        post_id = locked_write(
            request, lambda store: Review(store).post_of_notice(token), changes=False
        )
    except NotFoundError as exc:
        return render(request, "statement.html", status=404, error=exc.what)
    found = rq.statements_of_post(db_of(request), post_id)
    return render(request, "statement.html", status=status, found=found, token=token, **context)


@router.post("/statement", dependencies=[requires(PUBLIC)])
def statements(request: Request, token: Annotated[str, Form(max_length=200)]) -> Response:
    spend_public_action(request)
    return _statements(request, token.strip())


@router.post("/statement/appeal", dependencies=[requires(PUBLIC)])
def appeal(
    request: Request,
    # missing: a wrong token or decision (404 on the page, the text kept), not a 422 page
    token: Annotated[str, Form(max_length=200)] = "",
    decision_id: Annotated[str, Form(max_length=40)] = "",
    # longer than an appeal may be, so that an over-long one is answered by ``appeal_text`` with
    # its length, on the page, the text kept to shorten (not by a bare 422)
    text: Annotated[str, Form(max_length=4 * APPEAL_MAX)] = "",
) -> Response:
    from heard.protect.review import Review

    spend_public_action(request)
    typed = {decision_id: text}
    try:
        appeal_text(text)
    except InputError as exc:
        return _statements(request, token.strip(), status=400, error=exc.what, typed=typed)
    try:
        locked_write(
            request,
            lambda store: Review(store).appeal_with_notice(token.strip(), decision_id, text),
        )
    except NotFoundError as exc:
        return render(request, "statement.html", status=404, error=exc.what)
    except InputError as exc:  # appealed already (once per decision): 409; else 400
        return _statements(
            request, token.strip(), status=status_of(exc), error=exc.what, typed=typed
        )
    return _statements(request, token.strip(), appealed=True)


def _report_page(request: Request, post: str, status: int = 200, **context: Any) -> Response:
    taxonomy = load_taxonomy()
    return render(
        request,
        "report_post.html",
        status=status,
        post=post,
        labels=[taxonomy[name] for name in LABELS],
        **context,
    )


@router.get("/report", dependencies=[requires(PUBLIC)])
def report_form(request: Request, post: Annotated[str, Query(max_length=300)] = "") -> Response:
    """The report form for a stored post; for no post or an unknown one the page says so at once
    and offers no form (it used to show the form, and the error came only after sending)."""
    from heard.read.posts import get_post

    if not post.strip():
        return _report_page(
            request, post, status=400, missing=True,
            error="no post named: open the report link under the post you want to report",
        )  # fmt: skip
    if get_post(db_of(request), post) is None:
        return _report_page(
            request, post, status=404, missing=True,
            error=f"no post {post!r}: the link may be mistyped, or the post was never stored",
        )  # fmt: skip
    return _report_page(request, post)


@router.post("/report", dependencies=[requires(PUBLIC)])
def report(
    request: Request,
    # a missing field is the form's to answer (on the page, the note kept), not a 422 page
    post: Annotated[str, Form(max_length=300)] = "",
    label: Annotated[str, Form(max_length=40)] = "",
    # longer than a note may be, so that an over-long one is answered on the page with its length
    # and the note kept to shorten (``Review.report``), not by a bare 422
    note: Annotated[str, Form(max_length=4 * REPORT_NOTE_MAX)] = "",
) -> Response:
    try:
        filed = file_report(request, post, label, note)
    except (InputError, NotFoundError) as exc:
        status = 404 if isinstance(exc, NotFoundError) else 400
        return _report_page(
            request, post, status=status, error=exc.what, note=note, chosen_label=label
        )
    return _report_page(request, post, sent=True, duplicate=filed["duplicate"])
