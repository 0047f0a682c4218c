"""Dashboard pages for handing things on and running the server: export downloads (analyst) and
API tokens (admin; the CLI is locked out of the store while ``heard serve`` runs)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from heard.auth import Role
from heard.api.security import requires
from heard.errors import InputError
from heard.read import export as ex
from heard.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/export", dependencies=[requires(Role.analyst, page=True)])
def export_page(request: Request) -> Response:
    return render(request, "export.html", whats=ex.WHATS, formats=ex.FORMATS)


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
