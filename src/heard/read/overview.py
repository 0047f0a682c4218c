"""The overview: volume, languages, sources and sentiment over time; groups with fewer than k
distinct authors are suppressed (their count is not shown)."""

from __future__ import annotations

from typing import Any

from heard.store.protocol import Reader
from heard.read.common import AUTHORS, jsonable


def _grouped(db: Reader, key_sql: str, k: int, order: str = "2 DESC, 1") -> list[dict[str, Any]]:
    # equal counts in key order: without a tie-break each backend lists them its own way
    rows = db.rows(
        f"SELECT {key_sql} AS key, count(*) AS posts, {AUTHORS} AS authors FROM posts p "
        f"GROUP BY 1 ORDER BY {order}"
    )
    out, hidden = [], 0
    for r in rows:
        if r["authors"] >= k:
            out.append({"key": jsonable(r["key"]), "posts": r["posts"]})
        else:
            hidden += r["posts"]
    if hidden:
        out.append({"key": "(groups under k authors)", "posts": hidden, "suppressed": True})
    return out


def overview(db: Reader, k: int) -> dict[str, Any]:
    total = db.scalar("SELECT count(*) FROM posts")
    if not total:
        return {
            "posts": 0,
            "volume": [],
            "languages": [],
            "sources": [],
            "sentiment": [],
            "time_range": None,
            "quarantined": db.scalar("SELECT count(*) FROM quarantine"),
            "k": k,
        }
    lo, hi = db.rows("SELECT min(created_at) lo, max(created_at) hi FROM posts")[0].values()
    unit = "hour" if (hi - lo).days <= 3 else ("day" if (hi - lo).days <= 180 else "week")
    volume = db.rows(
        f"SELECT date_trunc('{unit}', p.created_at) AS t, count(*) AS posts, {AUTHORS} AS authors, "
        "count(*) FILTER (WHERE sentiment_label = 'negative') AS negative, "
        "count(*) FILTER (WHERE sentiment_label = 'neutral') AS neutral, "
        "count(*) FILTER (WHERE sentiment_label = 'positive') AS positive, "
        "avg(sentiment_score) AS mean FROM posts p GROUP BY 1 ORDER BY 1"
    )
    for r in volume:
        r["mean"] = None if r["mean"] is None else round(float(r["mean"]), 3)
    # The corpus-wide series is shown whole; k applies to slices of people (language, source,
    # sentiment, topic), where a small group could single someone out.
    points = [{k_: jsonable(v) for k_, v in r.items() if k_ != "authors"} for r in volume]
    return {
        "posts": total,
        "k": k,
        "unit": unit,
        "time_range": {"first": jsonable(lo), "last": jsonable(hi), "timezone": "UTC"},
        "volume": points,
        "languages": _grouped(db, "coalesce(p.lang, 'und')", k),
        "sources": _grouped(db, "p.source", k),
        "sentiment": _grouped(db, "coalesce(p.sentiment_label, 'none')", k),
        "quarantined": db.scalar("SELECT count(*) FROM quarantine"),
    }


def quarantine(
    db: Reader, limit: int = 50, reason: str | None = None, offset: int = 0
) -> dict[str, Any]:
    from heard.read.redact import redact

    where, params = ("WHERE reason = ?", [reason]) if reason else ("", [])
    rows = db.rows(
        f"SELECT key, source, file, position, reason, detail, raw, quarantined_at FROM quarantine "
        f"{where} "
        "ORDER BY quarantined_at DESC, file, position LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    counts = db.rows("SELECT reason, count(*) AS n FROM quarantine GROUP BY 1 ORDER BY 2 DESC")
    items = [
        {
            **{k: jsonable(v) for k, v in r.items() if k != "raw"},
            "file": r["file"].rsplit("/", 1)[-1],
            "raw_excerpt": redact((r["raw"] or "")[:300]),
        }
        for r in rows
    ]
    return {
        "total": sum(c["n"] for c in counts),
        "by_reason": {c["reason"]: c["n"] for c in counts},
        "items": items,
    }
