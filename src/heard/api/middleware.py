"""Pure-ASGI middleware: security headers (strict CSP), metrics, refusal of per-author filters."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qsl

from heard.api.errors import error_body
from heard.api.form_body import FormEncodingError, form_charset, utf8_form
from heard.api.metrics import Metrics

# Scripts: only our own files (no inline script, no eval). Styles: plotly.js writes inline
# styles and <style> rules while drawing, so style-src allows inline; post text can never reach
# a style (templates autoescape, charts get plain strings).
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' "
    "data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'; object-src 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
AUTHOR_PARAMS = {
    "author",
    "author_key",
    "author_id",
    "authors",
    "user",
    "user_id",
    "handle",
    "username",
    "uid",
}
"""Query parameters that would select posts by person: refused everywhere (RIGHTS.md §4)."""


MAX_BODY_BYTES = 1024 * 1024
"""The largest request body any route but an upload reads (forms, JSON, Open311): a bigger one is
413 before it is read into memory. Uploads check their own limit (``upload_max_mb``)."""
UPLOAD_PATHS = ("/api/v1/ingest", "/upload")


class BodyTooLarge(Exception):
    """Raised from ``receive`` when a chunked body passes ``MAX_BODY_BYTES``."""


def _too_large(path: str) -> tuple[bytes, bytes]:
    """The 413 answer: GeoReport's shape under /open311/, Heard's everywhere else."""
    what = f"the request body is larger than {MAX_BODY_BYTES // 1024} KiB"
    if path.startswith("/open311/"):
        return b"application/json", json.dumps([{"code": 413, "description": what}]).encode()
    return b"application/json", json.dumps(error_body(413, what)).encode()


def _capped(receive: Any, limit: int, state: dict[str, int]) -> Any:
    """``receive`` that raises ``BodyTooLarge`` (and marks ``state``) once more than ``limit``
    body bytes came: a chunked body has no Content-Length to check first."""
    seen = 0

    async def wrapped() -> Any:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                state["too_large"] = 1
                raise BodyTooLarge
        return message

    return wrapped


class HeardMiddleware:
    def __init__(self, app, metrics: Metrics):
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        method = scope["method"]
        if method == "HEAD":  # answered as the GET, without its body (RFC 9110 §9.3.2)
            scope = {**scope, "method": "GET"}
        started = time.perf_counter()
        status_holder: dict[str, int] = {"status": 500}
        query = scope.get("query_string", b"").decode("latin-1")
        asked = {k.lower() for k, _ in parse_qsl(query, keep_blank_values=True)}
        if scope["path"] != "/logout" and asked & AUTHOR_PARAMS:
            bad = sorted(asked & AUTHOR_PARAMS)
            body = json.dumps(
                error_body(
                    400,
                    "per-author views are refused",
                    [
                        f"parameter(s) {', '.join(bad)}: Heard does not select, count or show "
                        f"posts by author "
                        "(RIGHTS.md §4: no dossiers, no per-person tracking)",
                        "fix: filter by topic, time, language, source or sentiment instead",
                    ],
                ),
                ensure_ascii=False,
            ).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 400,
                    "headers": [(b"content-type", b"application/json"), *SECURITY_HEADERS],
                }
            )
            await send({"type": "http.response.body", "body": body})
            self.metrics.observe(
                method, "(author filter refused)", 400, time.perf_counter() - started
            )
            return

        if scope["method"] not in ("GET", "HEAD", "OPTIONS") and not scope["path"].startswith(
            UPLOAD_PATHS
        ):
            length = dict(scope.get("headers", [])).get(b"content-length", b"0")
            if not length.isdigit() or int(length) > MAX_BODY_BYTES:
                await _refuse_large(scope, send)
                self.metrics.observe(method, "(body too large)", 413, time.perf_counter() - started)
                return
            receive = _capped(receive, MAX_BODY_BYTES, status_holder)
            charset = form_charset(dict(scope.get("headers", [])).get(b"content-type", b""))
            if charset is not None:  # a urlencoded form: read in its charset (form_body.py)
                try:
                    scope, receive = await _utf8_form(scope, receive, charset)
                except BodyTooLarge:
                    await _refuse_large(scope, send)
                    self.metrics.observe(
                        method, "(body too large)", 413, time.perf_counter() - started
                    )
                    return
                except FormEncodingError as exc:
                    await _refuse(scope, send, 400, exc.what, f"fix: {exc.fix}")
                    self.metrics.observe(
                        method, "(form encoding)", 400, time.perf_counter() - started
                    )
                    return

        async def send_wrapper(message):
            if status_holder.get("too_large"):  # the route answered a cut-off body: say why
                if message["type"] == "http.response.start":
                    status_holder["status"] = 413
                    await _refuse_large(scope, send)
                return
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                status_holder["started"] = 1
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [h for h in SECURITY_HEADERS if h[0] not in present]
                if not scope["path"].startswith("/static/"):
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body" and method == "HEAD":
                message = {**message, "body": b""}
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except BodyTooLarge:
            if status_holder.get("started"):
                raise
            status_holder["status"] = 413
            await _refuse_large(scope, send)
        finally:
            route = scope.get("route")
            name = getattr(route, "path", None) or "(unmatched)"
            self.metrics.observe(
                method, name, status_holder["status"], time.perf_counter() - started
            )


async def _refuse_large(scope: Any, send: Any) -> None:
    ctype, body = _too_large(scope["path"])
    headers = [(b"content-type", ctype), (b"connection", b"close"), *SECURITY_HEADERS]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _utf8_form(scope: Any, receive: Any, charset: str) -> tuple[Any, Any]:
    """The whole form body read (at most ``MAX_BODY_BYTES``: the cap came first) and replayed
    percent-encoded as UTF-8, with its new Content-Length."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = utf8_form(b"".join(chunks), charset)
    headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"content-length"]
    headers.append((b"content-length", str(len(body)).encode()))
    sent = False

    async def replay() -> Any:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: the client's disconnect, when it comes

    return {**scope, "headers": headers}, replay


async def _refuse(scope: Any, send: Any, status: int, what: str, fix: str) -> None:
    """An error answer from the middleware: GeoReport's shape under /open311/, Heard's elsewhere."""
    if scope["path"].startswith("/open311/"):
        body = json.dumps([{"code": status, "description": f"{what}; {fix}"}], ensure_ascii=False)
    else:
        body = json.dumps(error_body(status, what, [fix]), ensure_ascii=False)
    headers = [(b"content-type", b"application/json"), *SECURITY_HEADERS]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body.encode()})
