"""The HTML brief: one self-contained file (``index.html``) with issues, top topics, hot spots with
their time series, alerts, sentiment and sample posts, and, when the store has them, each
department's record and the protect side's counts (``heard.report.sides``). plotly.js is inlined
from the plotly package, so the file opens offline with no CDN; every text from posts is
HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from jinja2 import Environment

from heard.read.display import neutralise
from heard.clock import DEFAULT_DISPLAY_ZONE, local_time, utcnow, zone_label, zone_named
from heard.errors import InputError
from heard.files import write_atomically
from heard.listen.hotspots import rank_hotspots, recent_alerts
from heard.read.hotspots import ALL_ALERTS, detected_by
from heard.read.issues import issues_as_of, list_issues, with_issue_alerts
from heard.report.sides import answer_section, protect_section
from heard.report.template import BRIEF, LANGS, STRINGS
from heard.store.protocol import Store
from heard.read.stats import brief_facts, sentiment_by_local_day
from heard.read.topics import labels_as_of, list_topics, topics_as_of
from heard.web.wording import evidence_words, mean2, p_text, word

SENTIMENT_COLOURS = {
    "negative": "#b3261e",
    "neutral": "#9aa5b1",
    "positive": "#2e7d32",
    "none": "#d0d7de",
}


class _Charts:
    """Renders figures as <div>s; the first one carries plotly.js inline, the rest reuse it."""

    def __init__(self) -> None:
        self.first = True

    def html(self, fig: go.Figure) -> str:
        fig.update_layout(
            margin={"l": 40, "r": 10, "t": 30, "b": 40}, height=260, template="plotly_white"
        )
        out = fig.to_html(
            full_html=False, include_plotlyjs=self.first, config={"displayModeBar": False}
        )
        self.first = False
        return out


def _spot_chart(charts: _Charts, spot: dict[str, Any], zone: tzinfo, zh: bool = False) -> str:
    series = spot["series"]
    fig = go.Figure(
        go.Bar(
            x=[local_time(s, zone, mark=False) for s in series["start"]],
            y=series["count"],
            marker_color="#b3261e",
            name="帖子" if zh else "posts",
        )
    )
    unit = _bucket_name(series["bucket_seconds"])
    title = (
        f"每{_ZH_UNITS.get(unit, unit)}帖子数（{zone_label(zone)}）"
        if zh
        else f"posts per {unit} ({zone_label(zone)})"
    )
    fig.update_layout(
        title=title,
        bargap=0.05,
        xaxis_title="时间" if zh else "time",
        yaxis_title="帖子数" if zh else "posts",
    )
    if max(series["count"], default=0) <= 8:  # counts: no 0.5 ticks
        fig.update_yaxes(dtick=1)
    return charts.html(fig)


_ZH_UNITS = {"hour": "小时", "day": "天", "week": "周", "minute": "分钟"}


def _bucket_name(seconds: float) -> str:
    """3600 → 'hour', 21600 → '6 hours', 86400 → 'day', 604800 → 'week', 900 → '15 min'."""
    for unit, one, many in (
        (604800, "week", "weeks"),
        (86400, "day", "days"),
        (3600, "hour", "hours"),
        (60, "minute", "min"),
    ):
        n, rest = divmod(int(seconds), unit)
        if n and not rest:
            return one if n == 1 else f"{n} {many}"
    return f"{int(seconds)} s"


def _sentiment_chart(
    charts: _Charts, store: Store, zone: tzinfo, zh: bool = False, until: datetime | None = None
) -> str:
    """Posts per local day (the deployment's zone) by sentiment label, as ``heard stats``
    counts days; those posted by ``until`` (``--at``) when given."""
    per = sentiment_by_local_day(store, zone, until)
    days = sorted({day for day, _ in per})
    fig = go.Figure()
    for label, colour in SENTIMENT_COLOURS.items():
        counts = {day: n for (day, lab), n in per.items() if lab == label}
        if counts:
            fig.add_bar(
                x=days,
                y=[counts.get(d, 0) for d in days],
                name=word(label, "zh" if zh else "en"),
                marker_color=colour,
            )
    title = (
        f"每日各情感帖子数（{zone_label(zone)}）"
        if zh
        else f"posts per day ({zone_label(zone)}) by sentiment"
    )
    fig.update_layout(barmode="stack", title=title, yaxis_title="帖子数" if zh else "posts")
    return charts.html(fig)


def build_report(
    store: Store,
    *,
    window: timedelta,
    min_group_size: int = 5,
    now: datetime | None = None,
    clock: Callable[[], datetime] = utcnow,
    hotspots: int = 5,
    topics: int = 15,
    issues: int = 10,
    timezone: str = DEFAULT_DISPLAY_ZONE,
    window_text: str | None = None,
    lang: str = "en",
) -> str:
    """The brief as one HTML string; times in ``timezone`` (the deployment's), marked. It leads
    with the ``issues`` hottest issues (one problem at one place), then hot spots and topics.

    ``now`` (``--at``) is the moment every section is written as of: the posts counted, the
    issues and topics (their messages by then, ``issues_as_of``, ``topics_as_of``), the hot
    spots, the alerts detected by then and the sentiment chart; topic labels are those of then
    where the store's label history holds them (``labels_as_of``), and the brief says how many
    show today's. Only the hot spots honoured it: the issues table showed messages and bursts
    from days after it."""

    zone = zone_named(timezone)
    if lang not in LANGS:
        raise InputError(f"no brief in language {lang!r}", "use --lang en or --lang zh")
    zh = lang == "zh"
    if not brief_facts(store)["posts"]:
        raise InputError(
            f"{store.path} holds no posts, so there is nothing to report",
            f"ingest something first: heard ingest FILE --db {store.path}",
        )
    facts = brief_facts(store, now)
    charts = _Charts()
    hot = rank_hotspots(store, window, now=now, min_group_size=min_group_size, limit=hotspots)
    if now is not None:  # the labels the topics bore then, where the store knows them
        labels_as_of(store, now, hot["hotspots"], terms_only=True)
    for spot in hot["hotspots"]:
        spot["chart"] = _spot_chart(charts, spot, zone, zh)
    hours = window.total_seconds() / 3600
    window_label = (
        (f"{hours / 24:g} 天" if zh else f"{hours / 24:g} days")
        if hours >= 48
        else (f"{hours:g} 小时" if zh else f"{hours:g} hours")
    )
    quiet = None
    if not hot[
        "hotspots"
    ]:  # a historical or quiet board: say what the window holds, and what shows data
        from heard.read.hotspots import advice_text, quiet_advice

        advice = quiet_advice(store, min_group_size, window, now)
        quiet = advice_text(advice, window_text or window_label, zone, command=None, lang=lang)
    sentiment_chart = _sentiment_chart(charts, store, zone, zh, now)
    env = Environment(autoescape=True, finalize=neutralise)  # no bidi override reaches the brief
    env.filters["when"] = (
        lambda value, minutes=True: "—"
        if value in (None, "")
        else local_time(value, zone, minutes=minutes)
    )
    env.filters.update(
        evidence=lambda ev: evidence_words(ev, lang),
        mean2=mean2,
        p_text=p_text,
        word=lambda key: word(str(key), lang),
    )
    return env.from_string(BRIEF).render(
        generated=local_time(clock(), zone),
        t=lambda key, **values: STRINGS[key][1 if zh else 0].format(**values),
        html_lang="zh-Hans" if zh else "en",
        zone=zone_label(zone),
        stats={k: facts[k] for k in ("posts", "first", "last", "models")},
        window_label=window_label,
        quiet=quiet,
        hot=hot,
        alerts=_alerts_by(store, min_group_size, now),
        topics=list_topics(store, min_group_size, limit=topics)
        if now is None
        else topics_as_of(store, min_group_size, now, limit=topics),
        issues=(
            list_issues(store, min_group_size, limit=issues)
            if now is None
            else issues_as_of(store, min_group_size, now, limit=issues)
        )["issues"],
        sentiment_chart=sentiment_chart,
        k=min_group_size,
        at_past=now is not None,
        sides_held=facts["sides"],
        # today's records only: a brief of a past moment says it leaves them out
        answer=answer_section(store, clock()) if now is None else None,
        protect=protect_section(store, zh) if now is None else None,
        as_of=None if now is None else local_time(now, zone),
    )


ALERTS_SHOWN = 20


def _alerts_by(store: Store, k: int, now: datetime | None) -> list[dict[str, Any]]:
    """The newest alerts, topics' and issues' together; those detected by ``now`` when given (an
    alert detected after ``--at`` had not fired then)."""
    if now is None:
        return with_issue_alerts(store, k, recent_alerts(store, limit=ALERTS_SHOWN), ALERTS_SHOWN)
    every = with_issue_alerts(store, k, recent_alerts(store, limit=ALL_ALERTS), ALL_ALERTS)
    return detected_by(every, now)[:ALERTS_SHOWN]


def write_report(store: Store, out: Path, **kwargs: Any) -> Path:
    """Write the brief to ``out/index.html`` (``out`` is created) and return its path."""
    out = Path(out)
    html = build_report(store, **kwargs)  # an empty store is refused before a folder is made
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"cannot create the report folder {out}: {exc}", "choose another --out"
        ) from exc
    path = out / "index.html"
    try:
        write_atomically(path, html.encode("utf-8"))
    except OSError as exc:
        raise InputError(
            f"cannot write {path}: {exc.strerror or exc}", "choose another --out"
        ) from exc
    return path


__all__ = ["build_report", "write_report"]
