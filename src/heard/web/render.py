"""Rendering dashboard pages: the Jinja2 environment (autoescaped; no bidi override or control
character reaches a page), its filters, static files, and ``render``. Used by the pages and by
the API's error handler (an HTML error page for a browser), so it imports nothing of the API."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from heard.auth import Role
from heard.errors import HeardError
from heard.clock import local_time, zone_label, zone_named
from heard.read.display import neutralise
from heard.web.i18n import LANGS, pick_lang, translator
from heard.web.public_errors import said
from heard.web.timeline_words import note_words
from heard.web.wording import evidence_words, mean2, word

HERE = Path(__file__).parent
LANG_COOKIE = "heard_lang"
SHOW_CHARS = 1200
"""Longest post text shown in lists; the rest is counted, never silently cut."""

env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=True,
    undefined=jinja2.ChainableUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    finalize=neutralise,
)  # no bidi override or control character reaches a page


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


@functools.cache
def _label_titles() -> dict[str, tuple[str, str]]:
    from heard.protect.taxonomy import load_taxonomy

    return {name: (label.title, label.title_zh) for name, label in load_taxonomy().labels.items()}


@jinja2.pass_context
def _label_name(context: Any, name: Any) -> str:
    """A harm label's title in the page's language (``scam_fraud`` → "Scam / fraud", "诈骗")."""
    pair = _label_titles().get(str(name))
    return (pair[1] if context.get("lang") == "zh" else pair[0]) if pair else str(name)


@jinja2.pass_context
def _named(context: Any, key: Any, kind: str) -> str:
    """A stored key in words when the dashboard's strings have ``kind_key``, else the key."""
    t = context.get("t")
    wanted = f"{kind}_{key}"
    text = t(wanted) if t else wanted
    return str(key) if text == wanted else text


env.filters["label_name"] = _label_name
env.filters["named"] = _named
env.filters["evidence"] = _evidence
env.filters["mean2"] = mean2
env.filters["word"] = _word


@jinja2.pass_context
def _note(context: Any, event: Any) -> str:
    """A timeline event's note in the page's language (``timeline_words``)."""
    return note_words(event, context.get("lang", "en"))


env.filters["note"] = _note


@jinja2.pass_context
def _said(context: Any, error: Any) -> str:
    """A public form's reason in the page's language (``public_errors``)."""
    return said(None if error is None else str(error), context.get("lang", "en"))


env.filters["said"] = _said


def reason_of(request: Request, exc: HeardError) -> str:
    """A refusal as a page shows it: what happened, the fix, and the form field to fix by its
    label in the page's language (``InputError.field``; the CLI names its option instead)."""
    fix = exc.fix or ""
    field = getattr(exc, "field", None)
    if field:
        lang = pick_lang(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))
        label = translator(lang)(field)
        fix = f"{fix} (“{label}”)" if fix else f"“{label}”"
    return exc.what + (f" — {fix}" if fix else "")


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
        t=translator(lang),
        lang=lang,
        other_lang=[x for x in LANGS if x != lang][0],
        user=user,
        csrf=caller.csrf_token if caller else None,
        path=request.url.path,
        # the answer to a form (a receipt's token, a new API token, an author's notice token is
        # shown once): the language switch opens another tab, so this page stays on screen
        answered_post=request.method != "GET",
        here=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        k=request.app.state.settings.min_group_size,
        Role=Role,
        tz=_zone(request),
        tz_label=zone_label(_zone(request)),
        **context,
    )
    return HTMLResponse(html, status_code=status)


def _zone(request: Request):
    return zone_named(request.app.state.settings.timezone)
