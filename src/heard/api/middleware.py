"""Pure-ASGI middleware: security headers (strict CSP), metrics, refusal of per-author filters."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qsl

from heard.api.errors import error_body
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


class HeardMiddleware:
    def __init__(self, app, metrics: Metrics):
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status_holder = {"status": 500}
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
                scope["method"], "(author filter refused)", 400, time.perf_counter() - started
            )
            return

        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [h for h in SECURITY_HEADERS if h[0] not in present]
                if not scope["path"].startswith("/static/"):
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            name = getattr(route, "path", None) or "(unmatched)"
            self.metrics.observe(
                scope["method"], name, status_holder["status"], time.perf_counter() - started
            )
