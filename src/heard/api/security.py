"""Who is calling, and may they: every route declares the least role it needs with ``requires``.

- Scripts send ``Authorization: Bearer hrd_…`` (an API token; no CSRF needed, no cookie sent).
- Browsers carry the ``heard_session`` cookie (HttpOnly, SameSite=Strict); every unsafe request
  made with it must also carry the session's CSRF token (form field ``csrf_token`` or header
  ``X-CSRF-Token``).

``requires(role)`` returns a dependency whose callable carries ``heard_role``, so a test can list
every route and what it declared (``declared_role``).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Request

from heard.api.errors import ApiError, LoginRequired
from heard.api.route_tree import iter_routes  # noqa: F401 - the tests and the app use it here
from heard.auth import Role, User

SESSION_COOKIE = "heard_session"
LOGIN_CSRF_COOKIE = "heard_login_csrf"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
_UNSET = object()


@dataclass(frozen=True, slots=True)
class Caller:
    user: User | None
    csrf_token: str | None = None
    via: str = "anonymous"  # "session" | "token" | "anonymous"


def identify(request: Request) -> Caller:
    """Resolve the caller once per request (cached on ``request.state``)."""
    cached = getattr(request.state, "caller", None)
    if cached is not None:
        return cached
    accounts = request.app.state.accounts
    caller = Caller(None)
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        user = accounts.user_for_token(auth[7:].strip())
        if user is None:
            raise ApiError(
                401,
                "the API token is unknown or revoked",
                ["fix: create one with `heard users token NAME`"],
                {"WWW-Authenticate": "Bearer"},
            )
        caller = Caller(user, via="token")
    elif token := request.cookies.get(SESSION_COOKIE):
        session = accounts.session(token)
        if session is not None:
            caller = Caller(session.user, session.csrf_token, via="session")
    request.state.caller = caller
    return caller


FORM_MAX_FILES = 1
FORM_MAX_FIELDS = 20
"""A dashboard form's limits: the upload sends one file, the largest form a dozen fields."""


async def _check_csrf(request: Request, expected: str | None) -> None:
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        # the first parse is the one a route gets (Starlette keeps it): the tightest limits any
        # form needs (the upload: one file), not the defaults of 1,000 files and fields
        form = await request.form(max_files=FORM_MAX_FILES, max_fields=FORM_MAX_FIELDS)
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(sent, expected):
        raise ApiError(
            403,
            "the form's CSRF token is missing or stale",
            ["fix: reload the page and submit the form again"],
        )


def requires(role: Role | None, *, page: bool = False) -> Any:
    """Dependency that lets through callers with at least ``role`` (``None``: anyone).

    ``page=True``: an anonymous browser is redirected to the login form instead of a 401.
    """

    async def check(request: Request) -> Caller:
        caller = identify(request)
        if role is not None:
            if caller.user is None:
                if page:
                    target = request.url.path + (
                        f"?{request.url.query}" if request.url.query else ""
                    )
                    raise LoginRequired(target)
                raise ApiError(
                    401,
                    "authentication required",
                    ["fix: log in at /login, or send 'Authorization: Bearer TOKEN'"],
                    {"WWW-Authenticate": "Bearer"},
                )
            if not caller.user.can(role):
                raise ApiError(
                    403,
                    f"this needs the {role.name} role",
                    [
                        f"you are {caller.user.username} ({caller.user.role.name})",
                        "fix: ask an admin: heard users add NAME --role " + role.name,
                    ],
                )
        if request.method in UNSAFE and caller.via == "session":
            await _check_csrf(request, caller.csrf_token)
        return caller

    check.heard_role = role  # type: ignore[attr-defined]
    check.heard_page = page  # type: ignore[attr-defined]
    return Depends(check)


def declared_role(route: Any) -> Any:
    """The role a route declared with ``requires`` (``_UNSET`` when it declared none)."""
    dependant = getattr(route, "dependant", None)
    stack = list(dependant.dependencies) if dependant else []
    while stack:
        dep = stack.pop()
        if hasattr(dep.call, "heard_role"):
            return dep.call.heard_role
        stack.extend(dep.dependencies)
    return _UNSET


UNDECLARED = _UNSET


def check_login_csrf(request: Request, sent: str | None) -> None:
    """Double-submit check for the login form (no session yet): form field == cookie."""
    expected = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not expected or not sent or not hmac.compare_digest(sent, expected):
        raise ApiError(
            403,
            "the login form's CSRF token is missing or stale",
            ["fix: reload the login page and try again"],
        )
