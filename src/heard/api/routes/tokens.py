"""API tokens while the server runs (admin): list, create, revoke. The CLI cannot open the store
while ``heard serve`` owns it, so an admin makes tokens here (or on the /admin/tokens page)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from heard.api.errors import declared
from heard.api.security import requires
from heard.auth import Role
from heard.read.common import jsonable

router = APIRouter(prefix="/api/v1", tags=["admin"])


class NewToken(BaseModel):
    username: Annotated[
        str, Field(min_length=1, max_length=64, description="Whose token (it acts with their role)")
    ]
    label: Annotated[str, Field(max_length=200, description="What the token is for")] = ""


@router.get(
    "/tokens",
    dependencies=[requires(Role.admin)],
    summary="API tokens: ids and labels, never the tokens (admin)",
)
def list_tokens(request: Request) -> dict[str, Any]:
    return {"ok": True, "tokens": jsonable(request.app.state.accounts.list_tokens())}


@router.post(
    "/tokens",
    dependencies=[requires(Role.admin)],
    status_code=201,
    summary="Create an API token (admin); the token is in this answer only",
    responses=declared(404),
)
def create_token(request: Request, body: NewToken) -> dict[str, Any]:
    token_id, token = request.app.state.accounts.create_token(body.username, body.label)
    return {
        "ok": True,
        "token_id": token_id,
        "username": body.username,
        "token": token,
        "note": "send it as 'Authorization: Bearer TOKEN'; it is shown only now",
    }
