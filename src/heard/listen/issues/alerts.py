"""Alerts per issue: an issue that is *bursting* (its last 7 days against its own history,
``measure.RECENT``) fires one alert per episode, stored in ``issue_alerts`` when the issues
operator finds it, and sent by the same sinks as topic alerts (terminal, alert log, webhooks)
wherever those are sent: ``heard hot``, ``heard watch``, ``heard demo``.

A new episode needs a quiet week: an issue alerted less than 7 days (board time) before is not
alerted again. The evidence says how many distinct messages and authors (never who), what the
issue's history expected, and the tail probability.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from heard.clock import from_epoch
from heard.listen.issues.measure import RECENT, IssueRecord
from heard.read.issues import with_issue_now


def _iso(ts: datetime) -> str:
    return ts.isoformat(timespec="seconds") + "Z"


def new_alerts(
    records: Sequence[IssueRecord],
    last_alert_end: Callable[[int], datetime | None],
    board_end: float,
    fired_at: datetime,
    k: int = 5,
) -> list[tuple[dict[str, Any], datetime]]:
    """The alerts to fire now: bursting issues with ≥ k authors and no alert in the last week
    (board time). Each with its window end."""
    end = from_epoch(board_end)
    out = []
    for r in records:
        if not r.bursting or r.authors < k or r.issue_id is None:
            continue
        last = last_alert_end(r.issue_id)
        if last is not None and (end - last).total_seconds() < RECENT:
            continue
        start = from_epoch(board_end - RECENT)
        alert_id = hashlib.sha1(f"issue|{r.issue_id}|{_iso(end)}".encode()).hexdigest()[:16]
        label = f"{r.place} · {r.problem}" if r.problem else r.place
        alert = {
            "alert_id": alert_id,
            "kind": "issue",
            "issue_id": r.issue_id,
            "topic_id": r.topic_id,
            "label": label,
            "keywords": r.terms,
            "places": [r.place],
            "onset": _iso(start),
            "detected_at": _iso(end),
            "fired_at": _iso(fired_at),
            "evidence": {
                "window_start": _iso(start),
                "window_end": _iso(end),
                "window_seconds": RECENT,
                "count": r.burst_count,
                "authors": r.authors,
                "expected": round(float(r.burst_expected), 4),
                "p_value": float(f"{r.burst_p:.3g}"),
                "test": "the issue's last 7 days vs its own decayed history (negative binomial)",
            },
            "sample_posts": [],
            "message": (
                f"issue {r.issue_id} ({label}): {r.burst_count} messages in the last 7 days, "
                f"{r.burst_expected:.2f} expected (p={r.burst_p:.2g})"
            ),
        }
        out.append((alert, end))
    return out


def deliver(store: Any, sinks: Sequence[Any]) -> list[dict[str, Any]]:
    """Send the issue alerts not sent yet to ``sinks``, each saying where its issue's messages
    are now (``with_issue_now``: a later run may have merged or dissolved the issue since the
    alert was stored); returns them with their deliveries."""
    if "issue_alerts" not in store.tables() or store.read_only:
        return []
    sent = []
    for stored in store.issues.undelivered_alerts():
        alert = with_issue_now(stored, *store.issues.where_now(stored["issue_id"]))
        deliveries = [sink.send(alert) for sink in sinks]
        store.issues.set_deliveries(alert["alert_id"], deliveries)
        sent.append({**alert, "deliveries": deliveries})
    return sent
