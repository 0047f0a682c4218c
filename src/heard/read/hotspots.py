"""Hot spots and alerts, as the hot-spot engine (``heard.listen.hotspots``) computes and stores
them.

Hot spots are ranked live over a window ending at the newest post (stream time); topics with
fewer than k distinct authors in the window are only counted. Alerts come from the ``alerts``
table, those with fewer than k authors left out. Output passes through ``safe_row``.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from heard.errors import InputError
from heard.store.protocol import Reader
from heard.read.common import jsonable, safe_row
from heard.store.queries import common
from heard.store.queries import hotspots as q

DEFAULT_WINDOW = "7d"


ALL_ALERTS = 100_000
"""How many stored alerts a list as of ``--at`` reads before keeping those detected by then."""


def detected_by(alerts: list[dict[str, Any]], now: datetime | None) -> list[dict[str, Any]]:
    """The ``alerts`` detected at or before ``now`` (``--at``; all when None), in their order: an
    alert detected after it had not fired then (the brief and ``heard hot`` at ``--at`` listed
    alerts from days later)."""
    if now is None:
        return alerts
    from heard.clock import parse_instant, to_naive_utc

    cut = to_naive_utc(now)

    def detected(alert: dict[str, Any]) -> datetime:
        value = alert.get("detected_at")
        if isinstance(value, datetime):
            return to_naive_utc(value)
        return to_naive_utc(parse_instant(str(value))) if value else datetime.max

    return [a for a in alerts if detected(a) <= cut]


def _ready(db: Reader) -> bool:
    return {"topics", "post_topics"} <= db.tables() and bool(q.assigned_posts(db))


def hotspots(
    db: Reader, k: int, limit: int = 20, window: timedelta | None = None
) -> dict[str, Any]:
    if not _ready(db):
        return {"hotspots": [], "hidden_below_k": 0, "k": k, "window_seconds": None, "now": None}
    from heard.clock import parse_span
    from heard.listen.hotspots.ranking import rank_hotspots

    result = rank_hotspots(db, window or parse_span(DEFAULT_WINDOW), min_group_size=k, limit=limit)
    result["hotspots"] = [safe_row(h) for h in result["hotspots"]]
    return result


def alerts(db: Reader, k: int, limit: int = 50) -> list[dict[str, Any]]:
    """Stored alerts with their evidence as fired; a sample post removed since by a decision
    shows as a notice (``heard.read.moderation``), as on every other list. The alerts of one
    episode on topics merged since are one (``fold_merged_episodes``)."""
    from heard.read import moderation

    if "alerts" not in db.tables():
        return []
    rows = q.alert_rows(db, k, limit)
    out = []
    for r in rows:
        try:
            evidence = json.loads(r["evidence"])
        except ValueError:
            evidence = {}
        if not isinstance(evidence, dict):
            evidence = {"evidence": evidence}
        evidence.setdefault("alert_id", r["alert_id"])
        evidence.setdefault("topic_id", r["topic_id"])
        samples = evidence.get("sample_posts")
        if isinstance(samples, list):
            evidence["sample_posts"] = moderation.apply(
                db, [p for p in samples if isinstance(p, dict)]
            )
        out.append(safe_row(evidence))
    from heard.listen.analysis.bursts import BurstConfig
    from heard.listen.hotspots.episodes import fold_merged_episodes

    config = BurstConfig()  # one episode: as far apart as the engine's own check reaches
    return fold_merged_episodes(out, q.topic_merges(db), config.quiet_to_close + config.longest)


WINDOW_CHOICES = ("24h", "7d", "30d", "90d", "1y", "all")
"""The windows the dashboard offers; ``all`` is the whole span of the data (historical boards)."""
_WIDER = WINDOW_CHOICES
"""Where the advice for a quiet window looks, narrowest first: every offered window wider than the
one asked (``--window 24h`` on the demo: 7d, not 30d)."""


def data_span(db: Reader) -> tuple[Any, Any, int]:
    """First and last post time (naive UTC) and the number of posts."""
    return common.span(db)


def parse_window(
    db: Reader, text: str, *, what: str = "--window", now: datetime | None = None
) -> timedelta:
    """A window as people give it: ``24h``, ``7d``, ``90d``, ``1y``, or ``all`` (the data's whole
    span, so a board that ended years ago can be ranked over its own time). ``all`` reaches from
    the first post to ``now`` (``--at``) when that is after the newest post: a window ending
    later than the data still holds all of it."""
    from heard.clock import parse_span, to_naive_utc

    if str(text).strip().lower() == "all":
        lo, hi, _ = data_span(db)
        if lo is None:
            return timedelta(days=1)
        end: datetime = max(hi, to_naive_utc(now)) if now is not None else hi
        span: timedelta = end - lo
        return span + timedelta(days=1)
    try:
        return parse_span(text, what=what)
    except InputError as exc:  # a window also takes "all": say so
        raise InputError(exc.what, f"{exc.fix}; or all (the whole data)") from exc


def quiet_advice(db: Reader, k: int, window: timedelta, now: Any = None) -> dict[str, Any]:
    """Why a window shows no hot spot, and a window that does: the posts inside it, the span of
    the data, and the narrowest wider window offered (WINDOW_CHOICES) with at least one hot spot.

    An empty board is the usual first sight of a historical data set (附件3 ends in January 2020):
    the default window then holds few posts, and no topic reaches k distinct authors in it."""
    from heard.clock import parse_span
    from heard.listen.hotspots.ranking import rank_hotspots
    from heard.listen.hotspots.series import load_stream

    lo, hi, total = data_span(db)
    advice: dict[str, Any] = {
        "posts_total": total,
        "data_first": lo,
        "data_last": hi,
        "posts_in_window": 0,
        "suggest": None,
        "suggest_hotspots": 0,
    }
    if not total:
        empty: dict[str, Any] = jsonable(advice)
        return empty
    end = now or hi
    try:
        start = end - window
    except OverflowError:  # a window reaching before year 1 (--at 0001-01-03): all before end
        start = datetime.min
    advice["posts_in_window"] = q.posts_between(db, start, end)
    if _ready(db):
        stream = load_stream(db)
        for choice in _WIDER:
            span = parse_window(db, choice, now=now) if choice == "all" else parse_span(choice)
            if span <= window:
                continue
            found = rank_hotspots(db, span, now=now, min_group_size=k, limit=100, stream=stream)
            if found["hotspots"]:
                advice.update(suggest=choice, suggest_hotspots=len(found["hotspots"]))
                break
    result: dict[str, Any] = jsonable(advice)
    return result


def advice_text(
    advice: dict[str, Any],
    window: str,
    zone: Any,
    *,
    command: str | None = "heard hot",
    lang: str = "en",
) -> str:
    """The advice in one plain sentence (CLI, brief, dashboard), in English or Chinese."""
    from heard.clock import local_time

    zh = lang == "zh"
    if not advice.get("posts_total"):
        return "尚未存储任何帖子" if zh else "no posts are stored yet"
    first, last = local_time(advice["data_first"], zone), local_time(advice["data_last"], zone)
    n = advice["posts_in_window"]
    parts = [
        f"{window} 窗口内有 {n:,} 条帖子；数据时间范围为 {first} 至 {last}"
        if zh
        else f"the {window} window holds {n:,} post{'' if n == 1 else 's'}; the data runs from "
        f"{first} to {last}"
    ]
    if advice.get("suggest"):
        how = (
            f"{command} --window {advice['suggest']}"
            if command
            else (f"{advice['suggest']} 窗口" if zh else f"the {advice['suggest']} window")
        )
        found = advice["suggest_hotspots"]
        parts.append(
            f"可试试 {how}（{found} 个热点）"
            if zh
            else f"try {how} ({found} hot spot{'' if found == 1 else 's'})"
        )
    else:
        parts.append(
            "任何窗口内都还没有作者数足够的话题"
            if zh
            else "no window shows a topic with enough distinct authors yet"
        )
    return "；".join(parts) if zh else "; ".join(parts)
