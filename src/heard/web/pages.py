"""The dashboard: server-rendered pages (Jinja2, autoescaped), static CSS/JS, Plotly served from
the plotly package's own file. No inline script: charts read their data from a JSON data block."""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from heard.api.peer import client_address, is_https, limit_key
from heard.api.errors import ApiError
from heard.read import hotspots as hq
from heard.read.issues import with_issue_alerts
from heard.read import overview as oq
from heard.read import posts as pq
from heard.read import topics as tq
from heard.read.common import MAX_CURSOR_CHARS
from heard.api.security import LOGIN_CSRF_COOKIE, SESSION_COOKIE, check_login_csrf, requires
from heard.auth import PUBLIC, Role
from heard.errors import HeardError, InputError, MergedTopicError
from heard.web import charts
from heard.web.i18n import LANGS, pick_lang, translator
from heard.web.render import LANG_COOKIE, _zone, plotly_js_path, render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


# ---- login / logout / language ----------------------------------------------------------------
@router.get("/login", dependencies=[requires(PUBLIC)])
def login_form(request: Request, next: str = "/", error: str | None = None) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", next=_safe_next(next), login_csrf=token, error=error)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        max_age=3600,
        secure=is_https(request),
    )
    return response


@router.post("/login", dependencies=[requires(PUBLIC)])
def login(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    check_login_csrf(request, csrf_token)
    limiter = request.app.state.limiter
    keys = (f"ip:{limit_key(client_address(request))}", f"user:{username}")  # IPv6: its /64
    t = translator(
        pick_lang(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))
    )
    wait = limiter.retry_after(*keys)
    if wait > 0:
        response = render(
            request,
            "login.html",
            status=429,
            next=_safe_next(next),
            login_csrf=csrf_token,
            username=username,
            error=t("too_many", s=int(wait) + 1),
        )
        response.headers["Retry-After"] = str(int(wait) + 1)
        return response
    user = request.app.state.accounts.authenticate(username, password)
    if user is None:
        limiter.failed(*keys)
        return render(
            request,
            "login.html",
            status=401,
            next=_safe_next(next),
            login_csrf=csrf_token,
            error=t("login_failed"),
            username=username,
        )
    # only the name's own failures are forgiven: the address's stay, so one success does not
    # reopen it for another round of guesses on other names
    limiter.succeeded(keys[1])
    token, _csrf = request.app.state.accounts.start_session(user)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        max_age=12 * 3600,
        secure=is_https(request),
    )
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
def switch_lang(request: Request, code: str, next: str = "/") -> Response:
    if code not in LANGS:
        raise ApiError(404, f"no UI language {code!r}", ["available: " + ", ".join(LANGS)])
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        LANG_COOKIE, code, samesite="strict", max_age=365 * 86400, secure=is_https(request)
    )
    return response


@router.get("/vendor/plotly.min.js", dependencies=[requires(PUBLIC)])
def plotly_js() -> Response:
    return FileResponse(
        plotly_js_path(),
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )


# ---- pages ------------------------------------------------------------------------------------
def _db(request: Request):
    return request.app.state.db


def _k(request: Request) -> int:
    return request.app.state.settings.min_group_size


@router.get("/", dependencies=[requires(Role.viewer, page=True)])
def overview(request: Request) -> Response:
    db, k = _db(request), _k(request)
    data = request.app.state.cache.get(
        db.data_version, "overview", lambda: oq.overview(db, k, _zone(request))
    )
    topics = request.app.state.cache.get(
        db.data_version, ("topics", None, 10, None), lambda: tq.list_topics_json(db, k, limit=10)
    )
    hot = request.app.state.cache.get(
        db.data_version, ("hot", hq.DEFAULT_WINDOW, 5), lambda: hq.hotspots(db, k, 5)["hotspots"]
    )
    quiet = None
    if not hot and data["posts"]:
        span = hq.parse_window(db, hq.DEFAULT_WINDOW)
        quiet = request.app.state.cache.get(
            db.data_version, ("quiet", span), lambda: hq.quiet_advice(db, k, span)
        )
    t = translator(
        pick_lang(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))
    )
    return render(
        request,
        "overview.html",
        data=data,
        topics=topics["topics"],
        hotspots=hot,
        quiet=quiet,
        window=hq.DEFAULT_WINDOW,
        charts=charts.overview_charts(data, t, _zone(request)),
    )


@router.get("/topics", dependencies=[requires(Role.viewer, page=True)])
def topics_page(
    request: Request,
    q: Annotated[str | None, Query(max_length=100)] = None,
    cursor: Annotated[str | None, Query(max_length=MAX_CURSOR_CHARS)] = None,
) -> Response:
    db, k = _db(request), _k(request)
    data = request.app.state.cache.get(
        db.data_version,
        ("topics", q, 50, cursor),
        lambda: tq.list_topics_json(db, k, limit=50, cursor=cursor, q=q),
    )
    nxt = (
        "/topics?"
        + urlencode({k_: v for k_, v in {"q": q, "cursor": data["next_cursor"]}.items() if v})
        if data["next_cursor"]
        else None
    )
    return render(request, "topics.html", topics=data["topics"], q=q or "", next_url=nxt)


@router.get("/topics/{topic_id}", dependencies=[requires(Role.viewer, page=True)])
def topic_page(request: Request, topic_id: int, merged: int | None = None) -> Response:
    db, k = _db(request), _k(request)
    try:
        topic = request.app.state.cache.get(
            db.data_version,
            ("topic", topic_id),
            lambda: tq.topic_detail_json(db, topic_id, k, _zone(request)),
        )
    except MergedTopicError as exc:  # a history link, an old alert, a bookmark: its survivor
        return RedirectResponse(f"/topics/{exc.into}?merged={topic_id}", status_code=303)
    t = translator(
        pick_lang(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))
    )
    return render(
        request,
        "topic.html",
        topic=topic,
        charts=charts.topic_charts(topic, t, _zone(request)),
        merged=merged,
    )


@router.get("/hotspots", dependencies=[requires(Role.viewer, page=True)])
def hotspots_page(
    request: Request, window: Annotated[str, Query(max_length=10)] = "7d"
) -> Response:
    db, k = _db(request), _k(request)
    span = hq.parse_window(db, window, what="window")
    hot = request.app.state.cache.get(
        db.data_version, ("hot", span, 20), lambda: hq.hotspots(db, k, 20, span)
    )
    quiet = None
    if not hot[
        "hotspots"
    ]:  # a historical or quiet board: what the window holds, and what shows data
        quiet = request.app.state.cache.get(
            db.data_version, ("quiet", span), lambda: hq.quiet_advice(db, k, span)
        )
    return render(
        request,
        "hotspots.html",
        hot=hot,
        window=window,
        alerts=with_issue_alerts(db, k, hq.alerts(db, k, 100), 100),
        windows=hq.WINDOW_CHOICES,
        quiet=quiet,
    )


_SENTIMENT_OR_ANY = "^(" + "|".join(pq.SENTIMENTS) + ")?$"
"""The form's "any" sends an empty value; anything else unknown is a 422 page, as in the API
(an unknown sentiment was dropped silently and the page showed every post as if filtered)."""


@router.get("/search", dependencies=[requires(Role.viewer, page=True)])
def search_page(
    request: Request,
    q: Annotated[str | None, Query(max_length=pq.MAX_QUERY_CHARS)] = None,
    lang: Annotated[str | None, Query(pattern=r"^([a-z]{2,3}|und)?$")] = None,
    sentiment: Annotated[str | None, Query(pattern=_SENTIMENT_OR_ANY)] = None,
    source: Annotated[str | None, Query(max_length=200)] = None,
    topic: Annotated[int | None, Query(ge=0)] = None,
    cursor: Annotated[str | None, Query(max_length=MAX_CURSOR_CHARS)] = None,
) -> Response:
    f = pq.PostFilter(
        q=q or None,
        lang=lang or None,
        source=source or None,
        sentiment=sentiment or None,
        topic=None if topic is None else str(topic),
    )
    result = (
        pq.search(_db(request), f, 20, cursor, _k(request))
        if (q or lang or sentiment or source or topic is not None)
        else {"posts": [], "next_cursor": None, "query_terms": []}
    )
    params = {"q": q, "lang": lang, "sentiment": sentiment, "source": source, "topic": topic}
    nxt = None
    if result["next_cursor"]:
        nxt = "/search?" + urlencode(
            {
                **{k: v for k, v in params.items() if v not in (None, "")},
                "cursor": result["next_cursor"],
            }
        )
    return render(
        request,
        "search.html",
        result=result,
        params=params,
        searched=bool(q or lang or sentiment or source or topic is not None),
        next_url=nxt,
    )


@router.get("/quarantine", dependencies=[requires(Role.analyst, page=True)])
def quarantine_page(
    request: Request,
    reason: Annotated[str | None, Query(max_length=100)] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    data = oq.quarantine(_db(request), 100, reason or None, offset)
    return render(request, "quarantine.html", data=data, reason=reason or "")


def _upload_page(
    request: Request,
    status: int = 200,
    result: dict[str, object] | None = None,
    error: str | None = None,
) -> Response:
    """The upload page; its file input offers every suffix an upload takes (``.json`` was
    missing: a JSON file could not be picked in the browser's file chooser)."""
    from heard.api.upload import SUFFIXES

    accept = ",".join(SUFFIXES)
    return render(request, "upload.html", status=status, result=result, error=error, accept=accept)


def _missing_column_advice(t, exc, preset: str | None) -> str:
    """What to do on this form, which has no --map, when the file lacks the column of a field
    (``MissingColumnError``): rename the column to a name the field map reads for *that* field
    (it said 'text' for the time column too), pick another preset, or map it on the server."""
    # the field's own name first where the map reads it (default: 'text', not 'full_text')
    wanted = sorted(exc.wanted, key=lambda name: name != exc.target)
    names = ", ".join(wanted[1:4]) + ("…" if len(wanted) > 4 else "")
    named = t("upload_map_or", first=wanted[0], rest=names) if names else wanted[0]
    what = t(f"field_{exc.target}")
    fix = t(
        "upload_map",
        what=exc.target if what == f"field_{exc.target}" else what,
        names=named if wanted else exc.target,
        other_preset=t("upload_map_preset") if preset and preset != "default" else "",
        preset=f" --preset {preset}" if preset else "",
        target=exc.target,
    )
    return fix + (t("upload_no_time") if exc.target == "created_at" else "")


@router.get("/upload", dependencies=[requires(Role.analyst, page=True)])
def upload_form(request: Request) -> Response:
    return _upload_page(request)


@router.post("/upload", dependencies=[requires(Role.analyst, page=True)])
async def upload(request: Request) -> Response:
    uploader = request.app.state.uploader
    form = await request.form(max_files=1, max_fields=20, max_part_size=uploader.max_bytes)
    upload_file = form.get("file")
    preset = form.get("preset") if isinstance(form.get("preset"), str) else None
    if not isinstance(upload_file, UploadFile) or not upload_file.filename:
        return _upload_page(request, 400, error="no file chosen")
    try:
        result = await run_in_threadpool(
            uploader.ingest_file, upload_file.file, upload_file.filename, preset=preset or None
        )
    except ApiError as exc:
        return _upload_page(request, exc.status, error=" · ".join([exc.error, *exc.errors]))
    except HeardError as exc:  # bad input (400) or the server's models/store (500): say which
        from heard.connectors.header import MissingColumnError

        status = 400 if isinstance(exc, InputError) else 500
        fix = exc.fix
        if isinstance(exc, MissingColumnError):  # this form has no --map: what to do here
            lang = pick_lang(
                request.cookies.get(LANG_COOKIE), request.headers.get("accept-language")
            )
            fix = _missing_column_advice(translator(lang), exc, preset or None)
        return _upload_page(request, status, error=exc.what + (f" · fix: {fix}" if fix else ""))
    return _upload_page(request, result=result)
