"""The dashboard: server-rendered pages (Jinja2, autoescaped), static CSS/JS, Plotly served from
the plotly package's own file. No inline script: charts read their data from a JSON data block."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import jinja2
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from heard.api.errors import ApiError
from heard.read import hotspots as hq
from heard.read import overview as oq
from heard.read import posts as pq
from heard.read import topics as tq
from heard.api.security import LOGIN_CSRF_COOKIE, SESSION_COOKIE, check_login_csrf, requires
from heard.auth import PUBLIC, Role
from heard.clock import local_time, zone_label, zone_named
from heard.errors import HeardError, InputError
from heard.web import charts
from heard.web.i18n import LANGS, pick_lang, translator
from heard.web.wording import evidence_words, mean2, word

HERE = Path(__file__).parent
LANG_COOKIE = "heard_lang"
SHOW_CHARS = 1200
"""Longest post text shown in lists; the rest is counted, never silently cut."""

env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                         undefined=jinja2.ChainableUndefined, trim_blocks=True, lstrip_blocks=True)
router = APIRouter(include_in_schema=False)


def _clip(text: str | None) -> dict[str, Any]:
    text = text or ""
    return {"shown": text[:SHOW_CHARS], "more": max(0, len(text) - SHOW_CHARS)}


env.filters["clip"] = _clip


@jinja2.pass_context
def _when(context: Any, value: Any, minutes: bool = True) -> str:
    """A stored UTC time in the deployment's zone, marked (``2020-01-26 11:20 +08:00``)."""
    if value in (None, ""):
        return ""
    return local_time(value, context.get("tz") or zone_named(None), minutes=minutes)


env.filters["when"] = _when


@jinja2.pass_context
def _evidence(context: Any, ev: Any) -> str:
    return evidence_words(ev, context.get("lang", "en"))


@jinja2.pass_context
def _word(context: Any, key: Any) -> str:
    return word(str(key), context.get("lang", "en"))


env.filters["evidence"] = _evidence
env.filters["mean2"] = mean2
env.filters["word"] = _word


def plotly_js_path() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def mount_static(app: Any) -> None:
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    lang = pick_lang(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))
    caller = getattr(request.state, "caller", None)
    user = caller.user if caller else None
    html = env.get_template(template).render(
        t=translator(lang), lang=lang, other_lang=[x for x in LANGS if x != lang][0], user=user,
        csrf=caller.csrf_token if caller else None, path=request.url.path,
        here=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        k=request.app.state.settings.min_group_size, Role=Role, tz=_zone(request),
        tz_label=zone_label(_zone(request)), **context)
    return HTMLResponse(html, status_code=status)


def _zone(request: Request):
    return zone_named(request.app.state.settings.timezone)


def _safe_next(target: str | None) -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


# ---- login / logout / language ----------------------------------------------------------------
@router.get("/login", dependencies=[requires(PUBLIC)])
def login_form(request: Request, next: str = "/", error: str | None = None) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", next=_safe_next(next), login_csrf=token, error=error)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", max_age=3600,
                        secure=request.url.scheme == "https")
    return response


@router.post("/login", dependencies=[requires(PUBLIC)])
def login(request: Request, username: Annotated[str, Form(max_length=64)],
          password: Annotated[str, Form(max_length=1024)], csrf_token: Annotated[str, Form(max_length=200)] = "",
          next: Annotated[str, Form(max_length=2000)] = "/") -> Response:
    check_login_csrf(request, csrf_token)
    limiter = request.app.state.limiter
    client = request.client.host if request.client else "?"
    keys = (f"ip:{client}", f"user:{username}")
    t = translator(pick_lang(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language")))
    wait = limiter.retry_after(*keys)
    if wait > 0:
        response = render(request, "login.html", status=429, next=_safe_next(next),
                          login_csrf=csrf_token, error=t("too_many", s=int(wait) + 1))
        response.headers["Retry-After"] = str(int(wait) + 1)
        return response
    user = request.app.state.accounts.authenticate(username, password)
    if user is None:
        limiter.failed(*keys)
        return render(request, "login.html", status=401, next=_safe_next(next), login_csrf=csrf_token,
                      error=t("login_failed"))
    limiter.succeeded(*keys)
    token, _csrf = request.app.state.accounts.start_session(user)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict", max_age=12 * 3600,
                        secure=request.url.scheme == "https")
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout", dependencies=[requires(Role.viewer, page=True)])
def logout(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        request.app.state.accounts.end_session(token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/lang/{code}", dependencies=[requires(PUBLIC)])
def switch_lang(code: str, next: str = "/") -> Response:
    if code not in LANGS:
        raise ApiError(404, f"no UI language {code!r}", ["available: " + ", ".join(LANGS)])
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(LANG_COOKIE, code, samesite="strict", max_age=365 * 86400)
    return response


@router.get("/vendor/plotly.min.js", dependencies=[requires(PUBLIC)])
def plotly_js() -> Response:
    return FileResponse(plotly_js_path(), media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})


# ---- pages ------------------------------------------------------------------------------------
def _db(request: Request):
    return request.app.state.db


def _k(request: Request) -> int:
    return request.app.state.settings.min_group_size


@router.get("/", dependencies=[requires(Role.viewer, page=True)])
def overview(request: Request) -> Response:
    db, k = _db(request), _k(request)
    data = request.app.state.cache.get(db.data_version, "overview", lambda: oq.overview(db, k))
    topics = request.app.state.cache.get(db.data_version, ("topics", None, 10, None),
                                         lambda: tq.list_topics(db, k, 10))
    hot = request.app.state.cache.get(db.data_version, ("hot", hq.DEFAULT_WINDOW, 5),
                                      lambda: hq.hotspots(db, k, 5)["hotspots"])
    quiet = None
    if not hot and data["posts"]:
        span = hq.parse_window(db, hq.DEFAULT_WINDOW)
        quiet = request.app.state.cache.get(db.data_version, ("quiet", span), lambda: hq.quiet_advice(db, k, span))
    t = translator(pick_lang(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language")))
    return render(request, "overview.html", data=data, topics=topics["topics"], hotspots=hot, quiet=quiet,
                  window=hq.DEFAULT_WINDOW,
                  charts=charts.overview_charts(data, t, _zone(request)))


@router.get("/topics", dependencies=[requires(Role.viewer, page=True)])
def topics_page(request: Request, q: Annotated[str | None, Query(max_length=100)] = None,
                cursor: Annotated[str | None, Query(max_length=500)] = None) -> Response:
    db, k = _db(request), _k(request)
    data = request.app.state.cache.get(db.data_version, ("topics", q, 50, cursor),
                                       lambda: tq.list_topics(db, k, 50, cursor, q))
    nxt = "/topics?" + urlencode({k_: v for k_, v in {"q": q, "cursor": data["next_cursor"]}.items() if v}) \
        if data["next_cursor"] else None
    return render(request, "topics.html", topics=data["topics"], q=q or "", next_url=nxt)


@router.get("/topics/{topic_id}", dependencies=[requires(Role.viewer, page=True)])
def topic_page(request: Request, topic_id: int) -> Response:
    db, k = _db(request), _k(request)
    topic = request.app.state.cache.get(db.data_version, ("topic", topic_id), lambda: tq.topic_detail(db, topic_id, k))
    t = translator(pick_lang(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language")))
    return render(request, "topic.html", topic=topic, charts=charts.topic_charts(topic, t, _zone(request)))


@router.get("/hotspots", dependencies=[requires(Role.viewer, page=True)])
def hotspots_page(request: Request, window: Annotated[str, Query(max_length=10)] = "7d") -> Response:
    db, k = _db(request), _k(request)
    span = hq.parse_window(db, window, what="window")
    hot = request.app.state.cache.get(db.data_version, ("hot", span, 20), lambda: hq.hotspots(db, k, 20, span))
    quiet = None
    if not hot["hotspots"]:  # a historical or quiet board: what the window holds, and what shows data
        quiet = request.app.state.cache.get(db.data_version, ("quiet", span), lambda: hq.quiet_advice(db, k, span))
    return render(request, "hotspots.html", hot=hot, window=window, alerts=hq.alerts(db, k, 100),
                  windows=hq.WINDOW_CHOICES, quiet=quiet)


@router.get("/search", dependencies=[requires(Role.viewer, page=True)])
def search_page(request: Request, q: Annotated[str | None, Query(max_length=pq.MAX_QUERY_CHARS)] = None,
                lang: Annotated[str | None, Query(max_length=3)] = None,
                sentiment: Annotated[str | None, Query(max_length=10)] = None,
                source: Annotated[str | None, Query(max_length=200)] = None,
                topic: Annotated[int | None, Query(ge=0)] = None,
                cursor: Annotated[str | None, Query(max_length=500)] = None) -> Response:
    if sentiment and sentiment not in pq.SENTIMENTS:
        sentiment = None
    f = pq.PostFilter(q=q or None, lang=lang or None, source=source or None, sentiment=sentiment,
                      topic=None if topic is None else str(topic))
    result = pq.search(_db(request), f, 20, cursor) if (q or lang or sentiment or source or topic is not None) \
        else {"posts": [], "next_cursor": None, "query_terms": []}
    params = {"q": q, "lang": lang, "sentiment": sentiment, "source": source, "topic": topic}
    nxt = None
    if result["next_cursor"]:
        nxt = "/search?" + urlencode({**{k: v for k, v in params.items() if v not in (None, "")},
                                      "cursor": result["next_cursor"]})
    return render(request, "search.html", result=result, params=params, searched=bool(q or lang or sentiment
                  or source or topic is not None), next_url=nxt)


@router.get("/quarantine", dependencies=[requires(Role.analyst, page=True)])
def quarantine_page(request: Request, reason: Annotated[str | None, Query(max_length=100)] = None,
                    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> Response:
    data = oq.quarantine(_db(request), 100, reason or None, offset)
    return render(request, "quarantine.html", data=data, reason=reason or "")


@router.get("/upload", dependencies=[requires(Role.analyst, page=True)])
def upload_form(request: Request) -> Response:
    return render(request, "upload.html", result=None, error=None)


@router.post("/upload", dependencies=[requires(Role.analyst, page=True)])
async def upload(request: Request) -> Response:
    uploader = request.app.state.uploader
    form = await request.form(max_files=1, max_fields=20, max_part_size=uploader.max_bytes)
    upload_file = form.get("file")
    preset = form.get("preset") if isinstance(form.get("preset"), str) else None
    if not isinstance(upload_file, UploadFile) or not upload_file.filename:
        return render(request, "upload.html", status=400, result=None, error="no file chosen")
    try:
        result = await run_in_threadpool(uploader.ingest_file, upload_file.file, upload_file.filename,
                                         preset=preset or None)
    except ApiError as exc:
        return render(request, "upload.html", status=exc.status, result=None,
                      error=" · ".join([exc.error, *exc.errors]))
    except HeardError as exc:  # bad input (400) or the server's models/store (500): say which
        status = 400 if isinstance(exc, InputError) else 500
        return render(request, "upload.html", status=status, result=None,
                      error=exc.what + (f" · fix: {exc.fix}" if exc.fix else ""))
    return render(request, "upload.html", result=result, error=None)
