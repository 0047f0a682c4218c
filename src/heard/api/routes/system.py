"""/health (anyone), /metrics (viewer; Prometheus text), the OpenAPI schema, its HTML
reference /api/v1/docs (anyone; /docs leads there) and the API's root /api/v1 (anyone: where
the reference is, and every route)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse

from heard.api.security import requires
from heard.auth import PUBLIC, Role
from heard.read.stats import store_health

router = APIRouter(tags=["system"])


@router.get("/health", dependencies=[requires(PUBLIC)], summary="Liveness and the store's state")
def health(request: Request) -> dict[str, Any]:
    state = store_health(request.app.state.db)
    return {
        "ok": True,
        "status": "ok",
        "schema_version": state["schema_version"],
        "search_index": state["search_index"],
    }


@router.get(
    "/metrics",
    dependencies=[requires(Role.viewer)],
    response_class=PlainTextResponse,
    summary="Prometheus metrics (text format)",
)
def metrics(request: Request) -> PlainTextResponse:
    state = store_health(request.app.state.db)
    extra = {"heard_posts": state["posts"], "heard_quarantined_rows": state["quarantined_rows"]}
    return PlainTextResponse(
        request.app.state.metrics.render(extra),
        media_type="text/plain; version=0.0.4; charset=utf-8",
    )


@router.get("/api/v1/openapi.json", dependencies=[requires(PUBLIC)], include_in_schema=False)
def openapi(request: Request) -> JSONResponse:
    return JSONResponse(request.app.openapi())


@router.get("/api/v1", dependencies=[requires(PUBLIC)], include_in_schema=False)
@router.get("/api/v1/", dependencies=[requires(PUBLIC)], include_in_schema=False)
def api_root(request: Request) -> dict[str, Any]:
    """What someone who opens the API's root first needs: the reference, the schema, and each
    route with its methods (the schema's paths; who may call which is in the reference)."""
    from heard import __version__

    paths = request.app.openapi().get("paths", {})
    return {
        "ok": True,
        "name": "Heard API",
        "version": __version__,
        "docs": "/api/v1/docs",
        "openapi": "/api/v1/openapi.json",
        "routes": [
            {"path": path, "methods": sorted(m.upper() for m in operations)}
            for path, operations in sorted(paths.items())
        ],
    }


@router.get("/api/v1/docs", dependencies=[requires(PUBLIC)], include_in_schema=False)
def reference(request: Request) -> HTMLResponse:
    """The API reference, readable in a browser, with no script to download."""
    from heard.api.reference import reference_html

    return HTMLResponse(reference_html(request.app.openapi(), "/api/v1/openapi.json"))


@router.get("/docs", dependencies=[requires(PUBLIC)], include_in_schema=False)
def reference_elsewhere() -> RedirectResponse:
    """Where FastAPI apps keep their docs: people type it."""
    return RedirectResponse("/api/v1/docs", status_code=307)
