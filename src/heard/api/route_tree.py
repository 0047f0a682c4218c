"""Walking an app's routes, included routers too (for role checks, 405 ``Allow`` headers and
tests)."""

from __future__ import annotations

from typing import Any


def iter_routes(routes: Any, prefix: str = "") -> Any:
    """Every route of an app as ``(full path, route)``, looking inside included routers."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            context = getattr(route, "include_context", None)
            yield from iter_routes(inner.routes, prefix + (getattr(context, "prefix", "") or ""))
        else:
            yield prefix + getattr(route, "path", ""), route
