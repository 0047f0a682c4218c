"""Chart specs (Plotly figure JSON) built on the server; ``static/app.js`` draws them.

Every string that reaches a chart passes through ``plain`` so Plotly's pseudo-HTML labels can
never carry markup from a post or topic label.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from typing import Any

from heard.clock import local_time, zone_label

COLORS = {"negative": "#c0392b", "neutral": "#95a5a6", "positive": "#27ae60"}


def plain(value: Any) -> str:
    return str(value).replace("<", "‹").replace(">", "›")[:80]


def _layout(title: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": {"text": plain(title)},
        "margin": {"l": 40, "r": 10, "t": 40, "b": 40},
        "height": 300,
        "autosize": True,
        **extra,
    }


def _local_axis(values: list[str], zone: tzinfo | None) -> list[str]:
    """Chart times in the deployment's zone (Plotly reads ``2026-11-03 16:00`` as a date)."""
    if zone is None:
        return values
    return [local_time(v, zone, mark=False) for v in values]


def _time_axis(t: Callable[..., str], zone: tzinfo | None) -> dict[str, Any]:
    return {
        "xaxis": {
            "title": {"text": plain(f"{t('time')} ({zone_label(zone)})" if zone else t("time"))}
        },
        "yaxis": {"title": {"text": plain(t("posts_axis"))}},
    }


def overview_charts(
    data: dict[str, Any], t: Callable[..., str], zone: tzinfo | None = None
) -> list[dict[str, Any]]:
    points = [p for p in data.get("volume", []) if not p.get("suppressed")]
    xs = _local_axis([p["t"] for p in points], zone)
    out = [
        {
            "id": "chart-volume",
            "data": [
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": xs,
                    "y": [p["posts"] for p in points],
                    "name": plain(t("total_posts")),
                }
            ],
            "layout": _layout(t("volume"), **_time_axis(t, zone)),
        }
    ]
    langs = [g for g in data.get("languages", []) if not g.get("suppressed")]
    out.append(
        {
            "id": "chart-langs",
            "data": [
                {
                    "type": "bar",
                    "x": [plain(g["key"]) for g in langs],
                    "y": [g["posts"] for g in langs],
                }
            ],
            "layout": _layout(t("languages"), yaxis={"title": {"text": plain(t("posts_axis"))}}),
        }
    )
    out.append(
        {
            "id": "chart-sentiment",
            "data": [
                {
                    "type": "bar",
                    "name": plain(t(label)),
                    "x": xs,
                    "y": [p.get(label, 0) for p in points],
                    "marker": {"color": COLORS[label]},
                }
                for label in ("negative", "neutral", "positive")
            ],
            "layout": _layout(t("sentiment_time"), barmode="stack", **_time_axis(t, zone)),
        }
    )
    return out


def topic_charts(
    topic: dict[str, Any], t: Callable[..., str], zone: tzinfo | None = None
) -> list[dict[str, Any]]:
    points = topic.get("series", {}).get("points", [])
    return [
        {
            "id": "chart-series",
            "data": [
                {
                    "type": "bar",
                    "x": _local_axis([p["t"] for p in points], zone),
                    "y": [p["posts"] for p in points],
                    "name": plain(t("size")),
                }
            ],
            "layout": _layout(t("series"), **_time_axis(t, zone)),
        }
    ]
