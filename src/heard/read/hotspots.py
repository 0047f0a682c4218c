"""Hot spots and alerts, as the hot-spot engine (``heard.listen.hotspots``) computes and stores them.

Hot spots are ranked live over a window ending at the newest post (stream time); topics with
fewer than k distinct authors in the window are only counted. Alerts come from the ``alerts``
table, those with fewer than k authors left out. Output passes through ``safe_row``.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from heard.store.protocol import Reader
from heard.read.common import safe_row

DEFAULT_WINDOW = "7d"


def _ready(db: Reader) -> bool:
    return {"topics", "post_topics"} <= db.tables() and bool(db.scalar("SELECT count(*) FROM post_topics"))


def hotspots(db: Reader, k: int, limit: int = 20, window: timedelta | None = None) -> dict[str, Any]:
    if not _ready(db):
        return {"hotspots": [], "hidden_below_k": 0, "k": k, "window_seconds": None, "now": None}
    from heard.clock import parse_span
    from heard.listen.hotspots.ranking import rank_hotspots

    result = rank_hotspots(db, window or parse_span(DEFAULT_WINDOW), min_group_size=k, limit=limit)
    result["hotspots"] = [safe_row(h) for h in result["hotspots"]]
    return result


def alerts(db: Reader, k: int, limit: int = 50) -> list[dict[str, Any]]:
    if "alerts" not in db.tables():
        return []
    rows = db.rows("SELECT alert_id, topic_id, evidence FROM alerts WHERE authors >= ? "
                   "ORDER BY detected_at DESC, alert_id LIMIT ?", [k, limit])
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
        out.append(safe_row(evidence))
    return out
