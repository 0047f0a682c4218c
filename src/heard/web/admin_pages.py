"""Dashboard pages for handing things on and running the server: export downloads (analyst) and
API tokens (admin; the CLI is locked out of the store while ``heard serve`` runs)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from heard.auth import Role
from heard.clock import zone_named
from heard.api.security import requires
from heard.errors import InputError
from heard.read import export as ex
from heard.web.render import render

router = APIRouter(include_in_schema=False)


def _export_page(request: Request, status: int = 200, **context: Any) -> Response:
    return render(
        request, "export.html", status=status, whats=ex.WHATS, formats=ex.FORMATS, **context
    )


@router.get("/export", dependencies=[requires(Role.analyst, page=True)])
def export_page(request: Request) -> Response:
    return _export_page(request)


@router.get("/export/posts", dependencies=[requires(Role.analyst, page=True)])
def export_posts(
    request: Request,
    since: Annotated[str, Query(alias="from", max_length=10)] = "",
    to: Annotated[str, Query(max_length=10)] = "",
    lang: Annotated[str, Query(max_length=3)] = "",
    topic: Annotated[str, Query(max_length=12)] = "",
    sentiment: Annotated[str, Query(max_length=10)] = "",
    fmt: Annotated[str, Query(alias="format", max_length=10)] = "csv",
) -> Response:
    """The Export page's posts form: days are the deployment's local days (``from`` at its
    start, ``to`` at its end), turned into the UTC instants the export API reads; the file
    comes from ``/api/v1/export`` (a 303 to it), so both give the same bytes."""
    from urllib.parse import urlencode

    typed = {"from": since, "to": to, "lang": lang, "topic": topic, "sentiment": sentiment}
    try:
        query: dict[str, str] = {"what": "posts", "format": fmt}
        zone = zone_named(request.app.state.settings.timezone)
        for key, value, days in (("since", since, 0), ("until", to, 1)):
            if value.strip():
                day = _local_day(value.strip(), key)
                start = datetime.combine(day + timedelta(days=days), time(0), tzinfo=zone)
                query[key] = start.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        if "since" in query and "until" in query and query["since"] >= query["until"]:
            raise InputError("the last day is before the first", "choose a later last day")
        if topic.strip() and not topic.strip().isdigit():
            raise InputError(f"topic {topic!r} is not a topic number", "give a number, e.g. 3")
        if fmt not in ex.FORMATS:
            raise InputError(f"unknown format {fmt!r}", "choose one of: " + ", ".join(ex.FORMATS))
        for key, value in (("lang", lang), ("topic", topic), ("sentiment", sentiment)):
            if value.strip():
                query[key] = value.strip()
    except InputError as exc:
        return _export_page(request, status=400, error=exc.what, fix=exc.fix, typed=typed)
    return RedirectResponse("/api/v1/export?" + urlencode(query), status_code=303)


def _local_day(value: str, key: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(
            f"{value!r} is not a day", "write it as YYYY-MM-DD, e.g. 2026-11-05", field=key
        ) from None


def _tokens_page(request: Request, status: int = 200, **context) -> Response:
    accounts = request.app.state.accounts
    return render(
        request,
        "tokens.html",
        status=status,
        users=accounts.list_users(),
        tokens=accounts.list_tokens(),
        **context,
    )


@router.get("/admin/tokens", dependencies=[requires(Role.admin, page=True)])
def tokens_page(request: Request) -> Response:
    return _tokens_page(request)


@router.post("/admin/tokens", dependencies=[requires(Role.admin, page=True)])
def create_token(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    label: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        token_id, token = request.app.state.accounts.create_token(username, label)
    except InputError as exc:
        return _tokens_page(request, status=400, error=exc.what)
    # shown once; pages are sent with Cache-Control: no-store (the middleware), so it is not kept
    return _tokens_page(
        request, created={"token_id": token_id, "token": token, "username": username}
    )


@router.post("/admin/tokens/{token_id}/revoke", dependencies=[requires(Role.admin, page=True)])
def revoke_token(request: Request, token_id: str) -> Response:
    try:
        request.app.state.accounts.revoke_token(token_id)
    except InputError as exc:
        return _tokens_page(request, status=404, error=exc.what)
    return RedirectResponse("/admin/tokens", status_code=303)
