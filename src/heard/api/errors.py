"""One JSON error shape for every error the server returns:

    {"ok": false, "error": "what happened", "errors": ["detail", "fix: …"], "status": 404}

Input errors are 4xx, never 500. A 500 says nothing about internals (the log has the traceback).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from heard.clock import SPAN_HINT, WINDOW_PATTERN
from heard.errors import (
    ConflictError,
    HeardError,
    InputError,
    NotFoundError,
    StoreLockedError,
    StoreUnavailableError,
)

log = logging.getLogger("heard.api")

ERROR_KEYS = ("ok", "error", "errors", "status")


class ApiError(HeardError):
    """Raise from a route to answer with the error shape (the read layer raises ``InputError`` /
    ``NotFoundError`` instead, which the handlers map to 400 / 404)."""

    def __init__(
        self,
        status: int,
        error: str,
        errors: list[str] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(error)
        self.status = status
        self.error = error
        self.errors = errors or []
        self.headers = headers or {}


def fix_lines(exc: HeardError) -> list[str]:
    """An error's fix as the API's ``errors`` carry it, naming the body field to fix where the
    error names one (``InputError.field``; the CLI names its option, a page its form label)."""
    if not exc.fix:
        return []
    field = getattr(exc, "field", None)
    return [f"fix: {exc.fix}" + (f' (field "{field}")' if field else "")]


def status_of(exc: InputError) -> int:
    """The HTTP status of an input error, the same on the API and the pages: 404 for what does
    not exist, 409 for a state that refuses the request (``ConflictError``), else 400."""
    if isinstance(exc, NotFoundError):
        return 404
    return 409 if isinstance(exc, ConflictError) else 400


class LoginRequired(Exception):
    """An anonymous browser asked for a page: send it to the login form."""

    def __init__(self, next_path: str):
        self.next_path = next_path


def error_body(status: int, error: str, errors: list[str] | None = None) -> dict[str, Any]:
    return {"ok": False, "error": error, "errors": list(errors or []), "status": status}


def error_response(
    status: int, error: str, errors: list[str] | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(error_body(status, error, errors), status_code=status, headers=headers)


RETRY_AFTER_S = 5
"""Seconds a 503 for a database that went away asks the client to wait (``Retry-After``)."""

_STATUS_TEXT = {
    400: "bad request",
    401: "authentication required",
    403: "forbidden",
    404: "not found",
    405: "method not allowed",
    409: "conflict",
    413: "request too large",
    415: "unsupported media type",
    422: "invalid input",
    429: "too many requests",
}


_WHY = {
    400: "The input is not one this route can use (the error says which and how to fix it)",
    401: "No valid session or bearer token",
    403: "The caller's role may not do this",
    404: "No such resource",
    409: "The resource is not in a state that allows this",
    413: "The request is too large",
    415: "The body is not of a type this route reads",
    422: "A parameter or body field the schema does not allow (the errors name which)",
    503: "The database cannot be reached now (PostgreSQL restarting): try again after "
    "Retry-After seconds",
}
UNAVAILABLE = _WHY[503]
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": list(ERROR_KEYS),
    "properties": {
        "ok": {"type": "boolean", "const": False},
        "error": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "string"}},
        "status": {"type": "integer"},
    },
}


GEOREPORT_ERROR_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
    },
}
"""Open311 GeoReport v2's error list, the shape of every /open311/v2 error."""


def declared(*codes: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: the error statuses it can answer, each with the error shape
    (so the served OpenAPI document lists every status a route returns)."""
    return {
        code: {
            "description": _WHY.get(code, _STATUS_TEXT.get(code, "error")),
            "content": {"application/json": {"schema": ERROR_SCHEMA}},
        }
        for code in codes
    }


def georeport_declared(why: str) -> dict[str, Any]:
    """One /open311/v2 error response for ``responses=``: GeoReport's ``[{code, description}]``."""
    return {"description": why, "content": {"application/json": {"schema": GEOREPORT_ERROR_SCHEMA}}}


def one_of(values: Any) -> Any:
    """The type of a parameter that takes one of ``values`` (an ``enum`` in the OpenAPI document;
    anything else is a 422 that names them)."""
    from typing import Literal

    return Literal[tuple(values)]


def allowed_methods(request: Request) -> list[str]:
    """Every method some route answers at this request's path (a 405's ``Allow``): routes of
    one path are declared one per method, and Starlette names only the first it tried. Of the
    templates that match, the one with the fewest parameters wins, as in OpenAPI."""
    from starlette.routing import compile_path

    from heard.api.route_tree import iter_routes

    by_params: dict[int, set[str]] = {}
    for path, route in iter_routes(request.app.routes):
        if getattr(route, "methods", None) and compile_path(path)[0].match(request.url.path):
            by_params.setdefault(path.count("{"), set()).update(route.methods)
    # the most concrete path is the resource (as OpenAPI matches): /review/queue, not
    # /review/{flag_id}
    allowed = by_params[min(by_params)] if by_params else set()
    if "GET" in allowed:
        allowed.add("HEAD")  # answered as the GET (HeardMiddleware)
    return sorted(allowed)


def _is_json(content_type: str) -> bool:
    main = content_type.split(";", 1)[0].strip().lower()
    return main == "application/json" or (
        main.startswith("application/") and main.endswith("+json")
    )


def reads_json_body(route: Any) -> bool:
    """Whether ``route`` reads its body as JSON (a model parameter), not as a form."""
    from fastapi import params

    field = getattr(route, "body_field", None)
    return field is not None and not isinstance(field.field_info, params.Form)


def wrong_body_type(request: Request, exc: RequestValidationError) -> str | None:
    """The body's media type when a JSON route's body failed because it is not JSON (text/plain,
    a form): FastAPI then validates the raw bytes and answered 422 "Input should be a valid
    dictionary", which does not say that only the Content-Type was wrong. No Content-Type at
    all is read as JSON, as FastAPI does."""
    ctype = request.headers.get("content-type", "")
    if not ctype or _is_json(ctype) or not reads_json_body(request.scope.get("route")):
        return None
    if not any(tuple(err.get("loc", ()))[:1] == ("body",) for err in exc.errors()):
        return None
    return ctype.split(";", 1)[0].strip() or ctype


def _validation_messages(exc: RequestValidationError, request: Request) -> list[str]:
    out = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()))
        out.append(f"{where}: {_in_words(err, request)}")
    return out


def _in_words(err: dict[str, Any], request: Request) -> str:
    """A validation error's message. A value that does not match a parameter's pattern is said
    in words, not by the pattern (pydantic says "String should match pattern
    '^(all|[1-9]\\d{0,5}[mhdwy])$'"): a time window how to write one, any other parameter its
    description."""
    if err.get("type") != "string_pattern_mismatch":
        return str(err.get("msg", "invalid"))
    value = str(err.get("input"))[:20]
    if (err.get("ctx") or {}).get("pattern") == WINDOW_PATTERN:
        return f"{value!r} is not a time window: {SPAN_HINT}, or all"
    loc = tuple(err.get("loc", ()))
    said = _parameter_description(request, loc[-1]) if loc[:1] == ("query",) else None
    return f"{value!r} is not a valid value" + (f": {said}" if said else "")


def _parameter_description(request: Request, name: Any) -> str | None:
    """The description a route gives its query parameter ``name`` (dependencies included)."""
    pending = [getattr(request.scope.get("route"), "dependant", None)]
    while pending:
        dependant = pending.pop()
        if dependant is None:
            continue
        for param in dependant.query_params:
            if param.alias == name:
                return getattr(param.field_info, "description", None)
        pending.extend(dependant.dependencies)
    return None


_NOT_PAGES = ("/api/", "/static/", "/vendor/", "/health", "/metrics")


def _wants_page(request: Request) -> bool:
    """A browser asking for a dashboard page (not the API): it gets an HTML error page."""
    return not request.url.path.startswith(_NOT_PAGES) and "text/html" in request.headers.get(
        "accept", ""
    )


def answer(
    request: Request,
    status: int,
    error: str,
    errors: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The JSON error shape for the API and scripts; the same words on an HTML page for a
    browser on the dashboard (an unknown topic showed raw JSON there). Under /open311/,
    GeoReport v2's error list, whatever raised it."""
    if request.url.path.startswith("/open311/"):
        text = "; ".join([error, *(errors or [])])
        return JSONResponse([{"code": status, "description": text}], status, headers=headers)
    if _wants_page(request):
        try:
            from heard.web.render import render

            response = render(
                request,
                "error.html",
                status=status,
                code=status,
                error=error,
                errors=list(errors or []),
            )
        except Exception:  # the page itself failed: the JSON answer still says what happened
            log.exception("error page failed on %s", request.url.path)
        else:
            for key, value in (headers or {}).items():
                response.headers[key] = value
            return response
    return error_response(status, error, errors, headers)


def georeport_xml_refusal(request: Request) -> Response | None:
    """The answer to a GeoReport ``.xml`` URL (``requests.xml``, ``services/water.xml`` …): 406,
    naming the ``.json`` URL to use, as GeoReport's XML error list (``<errors><error><code>
    <description>``) so that a client that asked for XML can read it. Heard speaks GeoReport v2
    in JSON only (discovery.json says so); the URL was a bare 404 "no route", as if the resource
    did not exist. None for any other URL."""
    from xml.sax.saxutils import escape

    path = request.url.path
    if not (path.startswith("/open311/") and path.endswith(".xml")):
        return None
    text = (
        "this server answers Open311 GeoReport v2 in JSON only (discovery.json lists the "
        f"formats: application/json): use {path[: -len('.xml')]}.json"
    )
    accept = request.headers.get("accept", "").lower()
    if "json" in accept and "xml" not in accept:  # the client reads JSON errors: say it so
        return JSONResponse([{"code": 406, "description": text}], 406)
    body = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f"<errors><error><code>406</code><description>{escape(text)}</description></error>"
        "</errors>\n"
    )
    return Response(body, 406, media_type="text/xml; charset=utf-8")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        return answer(request, exc.status, exc.error, exc.errors, exc.headers)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        from urllib.parse import quote

        return RedirectResponse("/login?next=" + quote(exc.next_path, safe="/"), status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = (
            exc.detail
            if isinstance(exc.detail, str)
            else _STATUS_TEXT.get(exc.status_code, "error")
        )
        errors = []
        refused = georeport_xml_refusal(request) if exc.status_code in (404, 405) else None
        if refused is not None:  # requests.xml and the like: JSON only, said in XML
            return refused
        if exc.status_code == 404 and detail == "Not Found":
            detail, errors = (
                "not found",
                [
                    f"no route or resource at {request.url.path}",
                    "fix: the routes are listed at /api/v1 and explained at /api/v1/docs",
                ],
            )
        elif exc.status_code == 405:
            detail, errors = (
                "method not allowed",
                [f"{request.method} is not allowed on {request.url.path}"],
            )
            allow = allowed_methods(request)
            if allow:
                headers = {**(getattr(exc, "headers", None) or {}), "Allow": ", ".join(allow)}
                return answer(request, 405, detail, errors, headers)
        return answer(
            request,
            exc.status_code,
            detail.lower()
            if detail[:1].isupper() and detail in ("Not Found", "Method Not Allowed")
            else detail,
            errors,
            getattr(exc, "headers", None),
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith("/open311/"):  # GeoReport v2's error list
            text = "; ".join(_validation_messages(exc, request)) or "invalid input"
            return JSONResponse([{"code": 422, "description": text}], status_code=422)
        sent = wrong_body_type(request, exc)
        if sent is not None:
            return answer(
                request,
                415,
                f"the body must be application/json, not {sent}",
                ["fix: send the body as a JSON object with 'Content-Type: application/json'"],
            )
        return answer(request, 422, "invalid input", _validation_messages(exc, request))

    @app.exception_handler(StoreLockedError)
    async def _locked(request: Request, exc: StoreLockedError) -> Response:
        return error_response(503, exc.what, [f"fix: {exc.fix}"] if exc.fix else [])

    @app.exception_handler(StoreUnavailableError)
    async def _unavailable(request: Request, exc: StoreUnavailableError) -> Response:
        """The database restarted under a write (or is down): nothing was stored by the
        statement that failed, the next request reconnects; a 500 said the server was broken."""
        log.warning("database unavailable on %s: %s", request.url.path, exc.what)
        return answer(
            request,
            503,
            "the database is not available right now (a restart or a failover?)",
            ["fix: try again in a few seconds"],
            {"Retry-After": str(RETRY_AFTER_S)},
        )

    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, exc: NotFoundError) -> Response:
        fix = [f"fix: {exc.fix}"] if exc.fix else []
        return answer(request, 404, exc.what, [*exc.details, *fix])

    @app.exception_handler(HeardError)
    async def _heard(request: Request, exc: HeardError) -> Response:
        status = status_of(exc) if isinstance(exc, InputError) else 500
        if status == 500:
            log.error("server error on %s: %s", request.url.path, exc)
        return answer(request, status, exc.what, fix_lines(exc))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal server error", ["the server log has the details"])
