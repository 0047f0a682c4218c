"""One burst, one alert, also when a stream first saw it as two topics.

The bundled demo fed five posts at a time (``heard watch --batch-size 5 --refresh-every 0``)
fired on the 长乐路 burst twice: on its Chinese topic (detected 07:02) and on its English one
(road · changle · water, 07:03), which the end-of-run consolidation then merged into the first;
one ``heard ingest`` of the same file and ``heard hot`` fired once. Every list of alerts (``heard
hot``, the brief, the API) now shows the episode once, naming the alert it also stands for."""

from __future__ import annotations

from datetime import datetime, timedelta

from api_seed import build

from heard.listen.hotspots import recent_alerts
from heard.listen.hotspots.episodes import fold_merged_episodes
from heard.read.hotspots import alerts as read_alerts
from heard.store import open_store

T = datetime(2026, 11, 3, 7, 2)


def _alert(alert_id: str, topic: int, at: datetime) -> dict:
    evidence = {"window_seconds": 1800, "count": 9, "expected": 0.5, "authors": 9}
    return {"alert_id": alert_id, "topic_id": topic, "label": f"topic {topic}",
            "detected_at": at.isoformat() + "Z", "evidence": evidence}  # fmt: skip


def _store_alerts(db, rows) -> None:
    with open_store(db) as store:
        for alert_id, topic, at in rows:
            store.hotspots.insert_alert(
                _alert(alert_id, topic, at), onset=at, detected_at=at, fired_at=at, p_value=1e-6
            )


def test_the_alerts_of_two_topics_merged_since_are_one_episode(tmp_path):
    db = tmp_path / "seed.duckdb"
    build(db)  # topics 1 (东湖路 停水) and 2 (12路)
    later = T + timedelta(days=3)  # another episode of topic 2: stays
    _store_alerts(db, [("zh", 1, T), ("en", 2, T + timedelta(minutes=1)), ("next", 2, later)])
    with open_store(db, read_only=True) as store:
        assert {a["alert_id"] for a in recent_alerts(store)} == {"zh", "en", "next"}  # unmerged

    with open_store(db) as store:
        store.execute("UPDATE topics SET status = 'merged', merged_into = 1 WHERE topic_id = 2")
    with open_store(db, read_only=True) as store:
        shown = recent_alerts(store)
        listed = read_alerts(store, k=5)
    for alerts in (shown, listed):
        assert [a["alert_id"] for a in alerts] == ["next", "zh"]
        first = next(a for a in alerts if a["alert_id"] == "zh")
        assert [a["alert_id"] for a in first["also_fired"]] == ["en"]


def test_folding_follows_chains_of_merges_and_leaves_one_topic_alone():
    a = [_alert("x", 3, T), _alert("y", 5, T + timedelta(hours=1)), _alert("z", 3, T)]
    folded = fold_merged_episodes(a, [(5, 4), (4, 3)], reach=6 * 3600)
    assert [x["alert_id"] for x in folded] == ["x", "z"]  # z: the same topic, never folded here
    assert folded[0]["also_fired"][0]["topic_id"] == 5
    assert fold_merged_episodes(a[:2], [], reach=6 * 3600) == a[:2]
