"""Issue alerts go out once through the alert sinks (issue 17 §2: alerts can fire per issue): an
alert the issues operator stored is sent by the next scan (heard hot, heard watch, heard demo) to
the alert log, and never again."""

from __future__ import annotations

import json
from datetime import datetime

from heard.listen.hotspots import AlertEngine
from heard.notify.sinks import JsonlSink
from heard.store import open_store


def test_a_stored_issue_alert_is_sent_once(tmp_path):
    log = tmp_path / "alerts.jsonl"
    alert = {
        "alert_id": "abc123",
        "kind": "issue",
        "issue_id": 3,
        "topic_id": None,
        "label": "丽发新城 · 搅拌站",
        "evidence": {"count": 8, "authors": 8, "expected": 0.5, "p_value": 1e-6},
        "message": "issue 3 (丽发新城 · 搅拌站): 8 messages in the last 7 days",
    }
    with open_store(tmp_path / "s.duckdb") as store:
        store.issues.insert_alert(alert, datetime(2020, 1, 26), datetime(2026, 12, 5))
        store.issues.insert_alert(alert, datetime(2020, 1, 26), datetime(2026, 12, 5))  # once
        engine = AlertEngine(store, [JsonlSink(log)])
        sent = engine.scan()
        assert [a["issue_id"] for a in sent] == [3] and sent[0]["deliveries"][0]["ok"]
        assert engine.scan() == []  # delivered: not again
        assert store.issues.alerts_of(3)[0]["label"] == "丽发新城 · 搅拌站"
    lines = [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines()]
    assert [(a["kind"], a["issue_id"]) for a in lines] == [("issue", 3)]
