"""Hot spots (heat per topic and window) and alerts, as the hot-spot engine stores them.

The engine's tables are read generically (whatever columns it keeps, minus author keys and
internals); the heat column is found by name. Hot spots of topics below k authors are hidden.
"""

from __future__ import annotations

from typing import Any

from heard.api.db import ReadView
from heard.api.queries.common import safe_row

HEAT_NAMES = ("heat", "heat_index", "score")
TIME_NAMES = ("fired_at", "at", "created_at", "window_end", "detected_at")


def _pick(cols: list[str], names: tuple[str, ...]) -> str | None:
    return next((c for c in names if c in cols), None)


def _k_filter(db: ReadView, cols: list[str], k: int) -> tuple[str, list[Any]]:
    if "topic_id" in cols and "topics" in db.tables():
        return ("(topic_id NOT IN (SELECT topic_id FROM topics WHERE coalesce(n_authors, 0) < ?))", [k])
    return "TRUE", []


def hotspots(db: ReadView, k: int, limit: int = 20) -> list[dict[str, Any]]:
    if "hotspots" not in db.tables():
        return []
    cols = db.columns("hotspots")
    heat = _pick(cols, HEAT_NAMES)
    where, params = _k_filter(db, cols, k)
    order = f"{heat} DESC NULLS LAST" if heat else "1"
    rows = db.rows(f"SELECT * FROM hotspots WHERE {where} ORDER BY {order} LIMIT ?", [*params, limit])
    return [_with_label(db, safe_row(r)) for r in rows]


def alerts(db: ReadView, k: int, limit: int = 50) -> list[dict[str, Any]]:
    if "alerts" not in db.tables():
        return []
    cols = db.columns("alerts")
    at = _pick(cols, TIME_NAMES)
    where, params = _k_filter(db, cols, k)
    order = f"{at} DESC" if at else "1"
    rows = db.rows(f"SELECT * FROM alerts WHERE {where} ORDER BY {order} LIMIT ?", [*params, limit])
    return [_with_label(db, safe_row(r)) for r in rows]


def _with_label(db: ReadView, row: dict[str, Any]) -> dict[str, Any]:
    if "topic_id" in row and "topic_label" not in row and "topics" in db.tables():
        label = db.scalar("SELECT label FROM topics WHERE topic_id = ?", [row["topic_id"]])
        row["topic_label"] = label
    return row
