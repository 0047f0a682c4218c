"""The server's app factory: ``create_app(settings)`` owns the store for the process's life."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI

from heard.api.errors import install_error_handlers
from heard.api.metrics import Metrics
from heard.api.middleware import HeardMiddleware
from heard.api.notifier import CaseNotifier
from heard.read.common import VersionedCache
from heard.api.upload import DEFAULT_MAX_BYTES, Uploader
from heard.auth import Accounts, LoginLimiter
from heard.api.routes.deps import known_query_only, show_department_numbers
from heard.read.redact import set_public_accounts
from heard.read.reindex import ensure_store_private
from heard.settings import Settings

API_DESCRIPTION = (
    "Heard's REST API. Authenticate with `Authorization: Bearer TOKEN` (create one with "
    "`heard users token NAME`, or while the server runs: POST /api/v1/tokens as an admin, or the "
    "/admin/tokens page). Every error has the shape "
    '`{"ok": false, "error": "…", "errors": ["…"], "status": N}`. '
    "Per-author views are refused (RIGHTS.md §4); aggregates need k ≥ 5 distinct authors."
)


def declare_auth_responses(app: FastAPI) -> None:
    """Every route that needs a role can answer 401 (no caller) and 403 (too low a role): say
    so in the OpenAPI document, which FastAPI cannot infer from the ``requires`` dependency. A
    route that reads a body answers 400 to one that does not parse (FastAPI's own check), and
    one that reads JSON answers 415 to a body of another type (``errors.wrong_body_type``). A
    route with parameters or a body answers 422 in the error shape (GeoReport's list under
    /open311/v2), not FastAPI's ``{detail}``. Every route can answer 503 while a PostgreSQL
    database cannot be reached (a restart), with ``Retry-After``."""
    from fastapi.dependencies.utils import get_flat_params

    from heard.api.errors import UNAVAILABLE, declared, georeport_declared, reads_json_body
    from heard.api.security import UNDECLARED, declared_role, iter_routes

    for path, route in iter_routes(app.routes):
        if not getattr(route, "include_in_schema", False):
            continue
        codes = [] if declared_role(route) in (None, UNDECLARED) else [401, 403]
        has_body = getattr(route, "body_field", None) is not None
        if has_body:
            codes.append(400)
            if reads_json_body(route):
                codes.append(415)
        if has_body or get_flat_params(route.dependant):
            if path.startswith("/open311/"):
                route.responses.setdefault(422, georeport_declared("Invalid input"))
            else:
                codes.append(422)
        if path.startswith("/open311/"):
            route.responses.setdefault(503, georeport_declared(UNAVAILABLE))
        else:
            codes.append(503)
        for code, spec in declared(*codes).items():
            route.responses.setdefault(code, spec)


def save_configured_departments(store: Any, settings: Settings) -> None:
    """Store the departments heard.toml or the preset configure (with the dashboard's edits),
    and retire those removed from it, as an ingest's case operator does: a case filed on the
    public form or opened for an issue before any ingest then shows its department's names,
    not its code."""
    from heard.answer.operator import configured_departments, file_departments

    from heard.answer.retired import retire_removed, settle_edits
    from heard.clock import utcnow

    # heard.toml's removal of a department wins over the dashboard's older edits of it
    settle_edits(store, [d.code for d in file_departments(settings)])
    configured = configured_departments(settings, store)
    if configured:
        store.cases.save_departments([d.to_dict() for d in configured])
        # a department removed from heard.toml: its open cases go to triage, said in each
        # case's timeline (heard.answer.retired)
        retire_removed(store, [d.code for d in configured], utcnow())


def create_app(
    settings: Settings,
    store: Any = None,
    *,
    limiter: LoginLimiter | None = None,
    max_upload_bytes: int = DEFAULT_MAX_BYTES,
) -> FastAPI:
    """Build the app. With ``store`` given the caller owns it; otherwise ``settings.db`` is opened
    here (one process owns a DuckDB file) and closed at shutdown."""
    from heard.store import open_store

    owned = store is None
    store = store if store is not None else open_store(settings.db)
    if owned:  # the store is ours to write: finish what a killed ingest left (labels, index)
        from heard.pipeline.pending import finish_pending

        finish_pending(store, settings)
        if not store.read_only:  # the departments configured now, with their names, as an
            save_configured_departments(store, settings)  # ingest stores them
    set_public_accounts(settings.public_accounts)  # which @handles every display may show
    show_department_numbers(settings, store)  # the departments' own numbers: not personal data
    ensure_store_private(store, settings.user_dict)  # nothing redacted can be found by search

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        from heard.stages.tokens import search_terms

        search_terms("东湖路")  # loads the segmenter's dictionary now, not in the first search
        if owned and not store.read_only:  # the server owns the store: it tells departments
            app.state.notifier.start()
        yield
        app.state.notifier.stop()
        if owned:
            store.close()

    app = FastAPI(
        title="Heard",
        version="0.1.0",
        description=API_DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    metrics = Metrics()
    db = store.reader()
    app.state.settings = settings
    app.state.db = db
    app.state.metrics = metrics
    app.state.cache = VersionedCache()
    app.state.accounts = Accounts(store)
    app.state.limiter = limiter or LoginLimiter()
    app.state.uploader = Uploader(settings, db, metrics, max_upload_bytes)
    app.state.notifier = CaseNotifier(store, settings, db.write_lock)
    install_error_handlers(app)

    from heard.api.routes import (
        cases,
        export,
        ingest,
        issues,
        open311,
        protect,
        read,
        system,
        tokens,
    )
    from heard.web import (
        admin_pages,
        department_pages,
        desk_pages,
        issue_pages,
        moderate_pages,
        pages,
        public_pages,
        statement_pages,
    )
    from heard.web.render import mount_static

    app.include_router(system.router)
    known_query = [Depends(known_query_only)]  # /api/v1: an unread parameter is a 422
    for router in (read, ingest, export, tokens, cases, protect, issues):
        app.include_router(router.router, dependencies=known_query)
    # ---- listen: more routers above this line ----
    # ---- answer: more routers below this line ----
    app.include_router(open311.router)

    # ---- protect: more routers below this line ----

    # ---- end of the sides' routers ----
    app.include_router(pages.router)
    app.include_router(issue_pages.router)
    app.include_router(public_pages.router)
    app.include_router(desk_pages.router)
    app.include_router(department_pages.router)
    app.include_router(moderate_pages.router)
    app.include_router(statement_pages.router)
    app.include_router(admin_pages.router)
    mount_static(app)
    declare_auth_responses(app)
    app.add_middleware(HeardMiddleware, metrics=metrics)
    return app
