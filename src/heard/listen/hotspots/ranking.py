"""Hot-spot ranking: every topic's heat over a window ending at 'now', hottest first.

'Now' is stream time: by default the newest stored post (so an archive such as a year-old
message board still has a meaningful 'last 24 hours'); pass ``now`` to fix it. A topic is shown
only when its window holds posts from at least ``min_group_size`` distinct authors (RIGHTS.md
§4); smaller ones are only counted (``hidden_below_k``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from heard.listen.analysis.bursts import BurstConfig, window_growth
from heard.listen.analysis.heat import HeatConfig, heat_of_posts
from heard.listen.hotspots.series import (
    TopicStream,
    bucket_counts,
    epoch,
    from_epoch,
    load_stream,
    most_engaged,
    sample_posts,
    topic_info,
)
from heard.store.protocol import Reader


def _bucket_for(window: float) -> float:
    """Chart resolution: about 24–96 points over the window plus the baseline before it."""
    for bucket in (60.0, 300.0, 900.0, 3600.0, 6 * 3600.0, 86400.0, 7 * 86400.0):
        if window / bucket <= 48:
            return bucket
    return 7 * 86400.0


def rank_hotspots(
    store: Reader,
    window: timedelta,
    *,
    now: datetime | None = None,
    min_group_size: int = 5,
    limit: int = 10,
    samples: int = 3,
    burst: BurstConfig | None = None,
    heat: HeatConfig | None = None,
    stream: TopicStream | None = None,
) -> dict[str, Any]:
    """The hottest topics in ``[now - window, now]`` with their heat components and evidence.

    Growth is the burst test of the window's count against the topic's decayed history before
    the window; the baseline's half-life is at least three windows long.
    """
    stream = stream if stream is not None else load_stream(store)
    span = window.total_seconds()
    if len(stream) == 0:
        return {
            "now": None,
            "window_seconds": span,
            "hotspots": [],
            "hidden_below_k": 0,
            "k": min_group_size,
        }
    end = epoch(now) if now is not None else float(stream.t.max())
    start = end - span
    cfg = burst or BurstConfig()
    cfg = replace(cfg, half_life=max(cfg.half_life, 3 * span))
    ranked, hidden = [], 0
    for topic, positions in sorted(stream.by_topic().items()):
        times = stream.t[positions]
        inside = positions[(times >= start) & (times <= end)]
        if not len(inside):
            continue
        sub = stream.take(inside)
        if len({a for a in sub.author if a is not None}) < min_group_size:
            hidden += 1
            continue
        history = times[times <= end]
        test = window_growth(history, start, end + 1e-6, cfg)
        score = heat_of_posts(
            sub.author, sub.likes, sub.shares, sub.dislikes, sub.sentiment, test.surprise, heat
        )
        ranked.append((score.index, int(topic), sub, test, score, history))
    ranked.sort(key=lambda r: (-r[0], r[1]))
    ranked = ranked[:limit]
    info = topic_info(store, [r[1] for r in ranked])
    bucket = _bucket_for(span)
    out = []
    # the chart shows the window and the baseline before it, but not the time before the stream
    # began: no posts stored is not a quiet topic
    first_bucket = end - bucket * ((end - float(stream.t.min())) // bucket + 1)
    chart_start = max(start - 2 * span, first_bucket)
    for rank, (_, topic, sub, test, score, history) in enumerate(ranked, 1):
        edges, counts = bucket_counts(history[history >= chart_start], chart_start, end, bucket)
        out.append(
            {
                "rank": rank,
                "topic_id": topic,
                **info.get(topic, {"label": "", "keywords": [], "places": []}),
                "heat": score.to_dict(),
                "burst": {
                    "count": test.count,
                    "expected": round(float(test.expected), 3),
                    "p_value": float(f"{test.p_value:.3g}"),
                    "surprise": round(test.surprise, 2),
                },
                "first_post": from_epoch(float(sub.t.min())).isoformat(timespec="seconds") + "Z",
                "last_post": from_epoch(float(sub.t.max())).isoformat(timespec="seconds") + "Z",
                "series": {
                    "bucket_seconds": bucket,
                    "start": [from_epoch(e).isoformat(timespec="seconds") + "Z" for e in edges],
                    "count": counts,
                },
                "sample_posts": sample_posts(store, most_engaged(sub, samples), samples),
            }
        )
    return {
        "now": from_epoch(end).isoformat(timespec="seconds") + "Z",
        "window_seconds": span,
        "hotspots": out,
        "hidden_below_k": hidden,
        "k": min_group_size,
    }


def total_series(stream: TopicStream, bucket: float) -> tuple[list[float], list[int]]:
    """All topic-assigned posts per bucket (for the report's overview chart)."""
    if len(stream) == 0:
        return [], []
    return bucket_counts(stream.t, float(stream.t.min()), float(stream.t.max()) + 1, bucket)
