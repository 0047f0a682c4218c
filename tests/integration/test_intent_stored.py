"""Intent per post, end to end: stored by the pipeline with its model, filterable in search
(CLI and API), counted in stats and in each topic's representation."""

from __future__ import annotations

import json

from heard.store import open_store
from test_ingest import POSTS, heard, write_jsonl


def test_intent_is_stored_filterable_and_counted(tmp_path, capsys):
    db = tmp_path / "i.duckdb"
    assert heard("ingest", write_jsonl(tmp_path / "board.jsonl", POSTS), "--db", db) == 0
    capsys.readouterr()
    with open_store(db, read_only=True) as store:
        rows = {
            r["external_id"]: r
            for r in store.rows(
                "SELECT external_id, intent_label, intent_model, intent_evidence FROM posts"
            )
        }
    assert rows["5"]["intent_label"] == "question"  # 请问居住证怎么办理？
    assert rows["4"]["intent_label"] == "praise"  # thank you to the road crew
    assert rows["1"]["intent_label"] == "complaint"  # night-time piling noise
    assert all(r["intent_model"] for r in rows.values())
    assert json.loads(rows["5"]["intent_evidence"])

    assert heard("posts", "--db", db, "--intent", "question", "--json") == 0
    found = json.loads(capsys.readouterr().out)
    assert [p["id"] for p in found] == ["board:5"] and found[0]["intent_label"] == "question"

    assert heard("stats", "--db", db, "--json") == 0
    assert json.loads(capsys.readouterr().out)["intent"]["question"] == 1

    assert heard("posts", "--db", db, "--intent", "rant") == 2
    assert "not an intent" in capsys.readouterr().err


def test_topic_representation_counts_intents(tmp_path):
    from heard.listen.topics.represent import refresh_representation
    from heard.read.topics import _decode

    db = tmp_path / "t.duckdb"
    many = [
        {
            "id": str(i),
            "text": f"长乐路又停水了，第{i}天了，谁来管管？",
            "created_at": f"2026-11-0{1 + i % 5} 08:00:00",
            "author": f"u{i}",
        }
        for i in range(12)
    ]
    assert heard("ingest", write_jsonl(tmp_path / "water.jsonl", many), "--db", db) == 0
    with open_store(db) as store:
        refresh_representation(store, None, store.scalar("SELECT max(created_at) FROM posts"))
        topics = [
            _decode(r)
            for r in store.rows("SELECT topic_id, intents FROM topics WHERE status = 'active'")
        ]
    counted = [t["intents"] for t in topics if t["intents"]]
    assert counted and sum(sum(c.values()) for c in counted) >= 5
    assert all(
        set(c) <= {"complaint", "suggestion", "question", "praise", "incident_report", "other"}
        for c in counted
    )
