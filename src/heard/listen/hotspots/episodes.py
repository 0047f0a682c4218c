"""One alert per burst episode, also when the episode first grew as two topics.

A stream can split one incident across two topics before the end-of-run consolidation merges
them: on the bundled demo fed five posts at a time (``heard watch --batch-size 5``), the 长乐路
burst fired on its Chinese topic and, a minute later, on its English one (road · changle ·
water), merged into the first at the end; one ingest of the same file fired once. The alert
engine cannot know then that the two topics are one. Once they are merged, the alerts of one
episode are listed as one: the first, naming the others it stands for (``also_fired``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from heard.clock import parse_instant, to_naive_utc


def survivor_of(merges: Sequence[tuple[int, int]]) -> dict[int, int]:
    """Each absorbed topic → the topic that holds its posts now (merges chain: 6 → 1 → …)."""
    into = dict(merges)
    out = {}
    for topic in into:
        seen, now = {topic}, into[topic]
        while now in into and now not in seen:
            seen.add(now)
            now = into[now]
        out[topic] = now
    return out


def _detected(alert: dict[str, Any]) -> datetime:
    value = alert.get("detected_at")
    if isinstance(value, datetime):
        return to_naive_utc(value)
    return to_naive_utc(parse_instant(str(value))) if value else datetime.max


def fold_merged_episodes(
    alerts: list[dict[str, Any]], merges: Sequence[tuple[int, int]], reach: float
) -> list[dict[str, Any]]:
    """``alerts`` (topic alerts, in their order) with each one whose topic now lies in the same
    topic as an earlier alert's, detected within ``reach`` seconds of it (one episode, as the
    engine's own ``alerted_near`` reckons), folded into that earlier alert's ``also_fired``."""
    if not merges or len(alerts) < 2:
        return alerts
    home = survivor_of(merges)
    firsts: list[dict[str, Any]] = []  # the kept alerts, oldest first
    folded: set[int] = set()
    for k, alert in sorted(enumerate(alerts), key=lambda ka: (_detected(ka[1]), ka[0])):
        topic = alert.get("topic_id")
        if topic is None:
            continue
        where = home.get(int(topic), int(topic))
        first = next(
            (
                f
                for f in firsts
                if home.get(int(f["topic_id"]), int(f["topic_id"])) == where
                and int(f["topic_id"]) != int(topic)
                and (_detected(alert) - _detected(f)).total_seconds() <= reach
            ),
            None,
        )
        if first is None:
            firsts.append(alert)
            continue
        first.setdefault("also_fired", []).append(
            {
                "alert_id": alert.get("alert_id"),
                "topic_id": topic,
                "detected_at": alert.get("detected_at"),
            }
        )
        folded.add(k)
    kept = [a for k, a in enumerate(alerts) if k not in folded]
    return kept
