"""Alerts: run the burst detector over topic posts, fire once per burst episode, with evidence.

``AlertEngine.scan()`` replays every stored topic post (oldest first) and fires the episodes not
alerted yet; ``AlertEngine.feed(events)`` continues with new posts as they arrive (``heard
watch``); topics merged meanwhile (a consolidation) join their survivor's burst state first, so an
incident that grew as two topics is counted as one from then on. Each alert is stored in the
``alerts`` table before it is sent, and an alert whose topic already has one within the same
episode (closer than ``quiet_to_close`` plus the longest window) is not sent again — across
restarts too. Evidence: the window, its post count and distinct-author count (never who), what the
baseline expected, the tail probability, and a few sample posts with personal data masked. A
surging protest announcement or petition is a public concern like any other: it is surfaced, never
marked as a threat (RIGHTS.md §1).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from heard.clock import utcnow
from heard.listen.analysis.bursts import BurstConfig, BurstDetector, BurstSignal, hourly_profile
from heard.listen.hotspots.series import from_epoch, load_stream, sample_posts, topic_info
from heard.notify.sinks import AlertSink

if TYPE_CHECKING:
    from heard.settings import Settings

MIN_PROFILE_DAYS = 3.0
"""A time-of-day profile is learnt only from at least this many days of stored posts."""


class SeenPosts:
    """The ids of the posts already fed to the detector (a post re-read at the watermark, or moved
    to another topic by the neighbour vote, is not counted twice).

    A long ``heard watch`` keeps one entry per post, so the older ids are kept as a sorted array of
    their 64-bit ``hash()`` (8 bytes each; the set lives in one process, so Python's per-process
    string hash will do) and only the newest ``compact_at`` as strings: a plain set of the id
    strings took about 110 MB per million posts. Two ids share a hash with probability about
    n²/2⁶⁵ (3 in 100 million at a million posts); the cost of one is a post the detector skips.
    """

    def __init__(self, compact_at: int = 50_000):
        self.compact_at = compact_at
        self._recent: set[str] = set()
        self._hashes = np.empty(0, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._recent) + int(self._hashes.size)

    def unseen(self, post_ids: Sequence[str]) -> list[bool]:
        """For each id, whether it has not been fed yet."""
        fresh = [pid not in self._recent for pid in post_ids]
        if not self._hashes.size or not any(fresh):
            return fresh
        hashes = np.fromiter(map(hash, post_ids), dtype=np.int64, count=len(post_ids))
        known = self._known(hashes)
        return [f and not k for f, k in zip(fresh, known.tolist())]

    def _known(self, hashes: np.ndarray) -> np.ndarray:
        """Which of ``hashes`` are in the sorted array (binary search: a batch of 64 does not sort
        the whole array, as ``np.isin`` would)."""
        if not self._hashes.size:
            return np.zeros(hashes.size, dtype=bool)
        at = np.minimum(np.searchsorted(self._hashes, hashes), self._hashes.size - 1)
        result: np.ndarray = self._hashes[at] == hashes
        return result

    def add(self, post_id: str) -> None:
        self._recent.add(post_id)
        if len(self._recent) >= self.compact_at:
            self._compact()

    def _compact(self) -> None:
        new = np.unique(
            np.fromiter(map(hash, self._recent), dtype=np.int64, count=len(self._recent))
        )
        new = new[~self._known(new)]
        self._hashes = np.insert(self._hashes, np.searchsorted(self._hashes, new), new)
        self._recent.clear()


def _iso(ts: datetime) -> str:
    return ts.isoformat(timespec="seconds") + "Z"


class AlertEngine:
    """Burst alerts over a store's topics, deduplicated per episode, sent to ``sinks``."""

    def __init__(
        self,
        store: Any,
        sinks: Sequence[AlertSink] = (),
        *,
        config: BurstConfig | None = None,
        min_group_size: int = 5,
        clock: Callable[[], datetime] = utcnow,
        samples: int = 3,
    ):
        base = config or BurstConfig()
        if base.min_authors < min_group_size:  # RIGHTS.md §4: k authors before any aggregate
            base = BurstConfig(**{**base.__dict__, "min_authors": min_group_size})
        self.config = base
        self.store = store
        self.sinks = list(sinks)
        self.clock = clock
        self.samples = samples
        self.detector: BurstDetector | None = None
        self.seen = SeenPosts()
        self.merged: set[int] = {
            a for a, _ in self._merges()
        }  # earlier merges: already in the store's ids

    @classmethod
    def from_settings(
        cls, store: Any, sinks: Sequence[AlertSink], settings: Settings
    ) -> AlertEngine:
        """The engine the CLI and the demo use: ``settings.alert_alpha`` and k from the settings."""
        return cls(
            store,
            sinks,
            config=BurstConfig(alpha=settings.alert_alpha),
            min_group_size=settings.min_group_size,
        )

    # ---- feeding ----------------------------------------------------------------------------
    def _detector(self, times: Sequence[float]) -> BurstDetector:
        if self.detector is None:
            profile = None
            if len(times) and (max(times) - min(times)) >= MIN_PROFILE_DAYS * 86400:
                profile = hourly_profile(times)
            self.detector = BurstDetector(
                self.config, seasonality=profile, start=min(times) if len(times) else None
            )
        return self.detector

    def scan(self) -> list[dict[str, Any]]:
        """Replay every stored topic post not fed yet; fire the episodes not alerted yet."""
        stream = load_stream(self.store)
        detector = self._detector(list(stream.t))
        fresh = self.seen.unseen(list(stream.post_id))
        events = [
            (int(tid), float(t), a, pid)
            for pid, tid, t, a, new in zip(
                stream.post_id, stream.topic_id, stream.t, stream.author, fresh
            )
            if new
        ]
        return self._run(detector, events) + self.issue_alerts()

    def issue_alerts(self) -> list[dict[str, Any]]:
        """Send the issue alerts the issues operator stored and no one has sent yet
        (``heard.listen.issues.alerts``) to the same sinks."""
        from heard.listen.issues.alerts import deliver

        return deliver(self.store, self.sinks)

    def feed(self, events: Iterable[tuple[int, float, str | None, str]]) -> list[dict[str, Any]]:
        """New ``(topic_id, time, author_key, post_id)`` events, e.g. from ``new_assignments``.
        Topics merged since the last call first join their survivors in the detector, so an
        incident that grew as two topics counts as one once they merge."""
        events = list(events)
        fresh = self.seen.unseen([e[3] for e in events])
        events = sorted((e for e, new in zip(events, fresh) if new), key=lambda e: (e[1], e[3]))
        detector = self._detector([e[1] for e in events])
        for absorbed, survivor in self._new_merges():
            detector.merge(absorbed, survivor)
        return self._run(detector, events) + self.issue_alerts()

    def _merges(self) -> list[tuple[int, int]]:
        """Every ``(absorbed, survivor)`` topic merge in the store, oldest first."""
        result: list[tuple[int, int]] = self.store.hotspots.merges()
        return result

    def _new_merges(self) -> list[tuple[int, int]]:
        new = [(a, s) for a, s in self._merges() if a not in self.merged]
        self.merged.update(a for a, _ in new)
        return new

    def _run(
        self, detector: BurstDetector, events: list[tuple[int, float, str | None, str]]
    ) -> list[dict[str, Any]]:
        fired = []
        for topic, t, author, post_id in events:
            self.seen.add(post_id)
            signal = detector.observe(topic, t, author)
            if signal is not None:
                alert = self._fire(signal)
                if alert is not None:
                    fired.append(alert)
        return fired

    # ---- firing -----------------------------------------------------------------------------
    def _already_alerted(self, signal: BurstSignal) -> bool:
        reach = self.config.quiet_to_close + self.config.longest
        # the topic itself and every topic merged into it (an alert on a topic that was later
        # merged is the same episode)
        result: bool = self.store.hotspots.alerted_near(
            int(signal.topic), signal.detected_at, reach
        )
        return result

    def build(self, signal: BurstSignal) -> dict[str, Any]:
        """The alert record for a signal: topic, times, evidence, sample posts (no authors)."""
        topic = int(signal.topic)
        info = topic_info(self.store, [topic]).get(
            topic, {"label": "", "keywords": [], "places": []}
        )
        if not info["label"] and not info["keywords"]:  # a topic born during a watch: label it now
            from heard.listen.topics.represent import refresh_representation

            refresh_representation(self.store, [topic], self.clock())
            info = topic_info(self.store, [topic]).get(topic, info)
        window_start, window_end = from_epoch(signal.window_start), from_epoch(signal.detected_at)
        ids = self.store.hotspots.topic_post_ids(topic, window_start, window_end)
        onset = from_epoch(signal.onset)
        test = signal.test
        alert_id = hashlib.sha1(f"{topic}|{_iso(onset)}".encode()).hexdigest()[:16]
        label = info["label"] or ", ".join(info["keywords"][:3])
        return {
            "alert_id": alert_id,
            "topic_id": topic,
            "label": label,
            "keywords": info["keywords"],
            "places": info["places"],
            "onset": _iso(onset),
            "detected_at": _iso(window_end),
            "fired_at": _iso(self.clock()),
            "evidence": {
                "window_start": _iso(window_start),
                "window_end": _iso(window_end),
                "window_seconds": test.window,
                "count": test.count,
                "authors": signal.authors,
                "expected": round(float(test.expected), 4),
                "rate_ratio": round(test.rate_ratio, 1) if test.expected > 0 else None,
                "p_value": float(f"{test.p_value:.3g}"),
                "surprise": round(test.surprise, 2),
                "test": "negative-binomial tail vs the topic's own decayed Gamma-Poisson baseline",
            },
            "sample_posts": sample_posts(self.store, ids, self.samples),
            "message": (
                f"topic {topic} ({label or 'unlabelled'}): {test.count} posts from "
                f"{signal.authors} "
                f"authors in {test.window / 60:g} min, {test.expected:.2f} expected "
                f"(p={test.p_value:.2g})"
            ),
        }

    def _fire(self, signal: BurstSignal) -> dict[str, Any] | None:
        if self._already_alerted(signal):
            return None
        alert = self.build(signal)
        self.store.hotspots.insert_alert(
            alert,
            onset=from_epoch(signal.onset),
            detected_at=from_epoch(signal.detected_at),
            fired_at=self.clock(),
            p_value=signal.test.p_value,
        )
        deliveries = [sink.send(alert) for sink in self.sinks]
        alert["deliveries"] = deliveries
        self.store.hotspots.set_deliveries(alert["alert_id"], deliveries)
        return alert


def new_assignments(
    store: Any, after: datetime | None
) -> tuple[list[tuple[int, float, str | None, str]], datetime | None]:
    """Topic posts assigned since ``after`` (the stage's ``assigned_at``), and the new watermark."""
    rows = store.hotspots.assignments_since(after)
    mark = max((r[4] for r in rows), default=after)
    return [(int(r[0]), float(r[1]), r[2], r[3]) for r in rows], mark


def recent_alerts(
    store: Any, since: datetime | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """Stored alerts, newest stream time first (their evidence as fired, deliveries included;
    sample posts removed since by a decision show as a notice, ``heard.read.moderation``); the
    alerts of one episode on topics merged since are one (``episodes.fold_merged_episodes``)."""
    from heard.read import moderation

    from heard.listen.hotspots.episodes import fold_merged_episodes

    stored: list[dict[str, Any]] = store.hotspots.recent_alerts(since, limit)
    config = BurstConfig()
    result = fold_merged_episodes(
        stored, store.hotspots.merges(), config.quiet_to_close + config.longest
    )
    for alert in result:
        alert["sample_posts"] = moderation.apply(store, alert.get("sample_posts") or [])
    return result
