"""Small shared pieces of the routers: the read view, k, time parsing, the public limiter."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.exceptions import RequestValidationError

from heard.api.peer import client_address, limit_key
from heard.auth.ratelimit import LoginLimiter
from heard.store.protocol import Reader

PUBLIC_ACTIONS_PER_HOUR = 20
"""Concerns filed, closures disputed and wrong tokens tried, together, per client address and
hour, over every public channel (the web form and Open311)."""


def _query_names(dependant: Any) -> set[str]:
    """Every query parameter a route reads, through its dependencies too."""
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def known_query_only(request: Request) -> None:
    """A query parameter the route does not read is a 422 that names the ones it does:
    ``/api/v1/posts?query=water`` answered every post, unfiltered, as if the search were made
    (the parameter is ``q``). Applied to the /api/v1 routers (Open311 clients send their own)."""
    dependant = getattr(request.scope.get("route"), "dependant", None)
    if dependant is None:
        return
    known = _query_names(dependant)
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        takes = ", ".join(sorted(known)) or "no query parameters"
        raise RequestValidationError(
            [
                {
                    "loc": ("query", name),
                    "msg": f"unknown parameter; this endpoint takes: {takes}",
                    "type": "extra_forbidden",
                }
                for name in unknown
            ]
        )


def db_of(request: Request) -> Reader:
    return request.app.state.db


def work_zone(request: Request) -> ZoneInfo:
    """The institution's time zone (the ``timezone`` setting): deadlines count its working days."""
    return ZoneInfo(request.app.state.settings.timezone)


def k_of(request: Request) -> int:
    return request.app.state.settings.min_group_size


def utc_naive(ts: datetime | None) -> datetime | None:
    """``ts`` in UTC, naive; a time that leaves the years 1 to 9999 in UTC is a 400."""
    if ts is None:
        return None
    try:
        return ts.astimezone(timezone.utc).replace(tzinfo=None) if ts.tzinfo else ts
    except OverflowError:  # 9999-12-31T23:00-12:00 is in year 10000 in UTC
        from heard.errors import InputError

        raise InputError(
            f"{ts.isoformat()} is outside the years 1 to 9999 once it is in UTC",
            "give a time between 0001-01-02 and 9999-12-30",
        ) from None


def public_limiter(request: Request) -> tuple[LoginLimiter, str]:
    """The one window of public submissions, disputes and wrong tokens per client address (an
    IPv6 client's /64: ``heard.api.peer.limit_key``)."""
    state = request.app.state
    if not hasattr(state, "public_limiter"):
        state.public_limiter = LoginLimiter(max_failures=PUBLIC_ACTIONS_PER_HOUR, window_s=3600.0)
    return state.public_limiter, "public:" + limit_key(client_address(request))


def intake_receipts(request: Request) -> Any:
    """The receipts of the concerns filed in the last minutes, so that one sent twice (a 311
    app's retry, a double click) is filed once (``heard.answer.repeats``)."""
    from heard.answer.repeats import Receipts

    state = request.app.state
    if not hasattr(state, "intake_receipts"):
        state.intake_receipts = Receipts()
    return state.intake_receipts


def sender_address(request: Request) -> str:
    """What stands for a sender who says nothing of themselves: the client's address (an IPv6
    client's /64, as the public limit counts it)."""
    return limit_key(client_address(request))


def configured_of(request: Request) -> list[Any]:
    """The departments configured now: heard.toml's or the preset's, with the admin's edits."""
    from heard.answer.operator import configured_departments

    return configured_departments(request.app.state.settings, db_of(request))


def show_department_numbers(settings: Any, store: Any = None) -> None:
    """Hand the configured departments' published numbers (heard.toml's, with the dashboard's
    edits) to the redaction every display goes through: a department's hotline in its reply is
    shown as written."""
    from heard.answer.operator import configured_departments
    from heard.read.redact import set_public_numbers

    set_public_numbers(p for d in configured_departments(settings, store) for p in d.phones)


def departments_of(request: Request) -> list[dict[str, Any]]:
    """The departments a concern can be sent to: those stored and those configured now (triage
    is not one: it is where the router's unsure cases wait; nor is a department removed from the
    configuration, ``heard.answer.retired``)."""
    return [d for d in department_names_of(request).values() if not d["retired"]]


def department_names_of(request: Request) -> dict[str, dict[str, Any]]:
    """Every department by code, retired ones included (``retired`` true): what a timeline needs
    to name the departments a case passed through."""
    from heard.answer.cases import TRIAGE
    from heard.read.cases import list_departments

    return {
        d["code"]: d
        for d in list_departments(db_of(request), configured_of(request))
        if d["code"] != TRIAGE
    }


def case_moved(request: Request) -> None:
    """A case was opened, moved or disputed: the server's notifier scans soon."""
    notifier = getattr(request.app.state, "notifier", None)
    if notifier is not None:
        notifier.wake()


def spend_public_action(request: Request, count: bool = True) -> None:
    """A 429 (with ``Retry-After``) when this address has used its hour's public actions; else,
    with ``count``, this action is counted (accepted or not: a wrong token counts too). Every
    public page and endpoint that writes or tries a token goes through here."""
    from heard.api.errors import ApiError

    limiter, key = public_limiter(request)
    wait = limiter.take(key) if count else limiter.retry_after(key)  # look and count in one step
    if wait > 0:
        raise ApiError(
            429,
            "too many requests from this address in the last hour",
            [f"fix: try again in {int(wait // 60) + 1} minutes"],
            {"Retry-After": str(int(wait) + 1)},
        )


def refund_public_action(request: Request) -> None:
    """Take back the action ``spend_public_action`` counted: it turned out not to be one (a
    right token, a submission refused before anything was read from it)."""
    limiter, key = public_limiter(request)
    limiter.refund(key)
