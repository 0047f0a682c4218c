"""Small shared pieces of the routers: the read view, k, time parsing."""

from __future__ import annotations

from datetime import datetime, timezone

from fastapi import Request

from heard.store.protocol import Reader


def db_of(request: Request) -> Reader:
    return request.app.state.db


def k_of(request: Request) -> int:
    return request.app.state.settings.min_group_size


def utc_naive(ts: datetime | None) -> datetime | None:
    if ts is None:
        return None
    return ts.astimezone(timezone.utc).replace(tzinfo=None) if ts.tzinfo else ts
