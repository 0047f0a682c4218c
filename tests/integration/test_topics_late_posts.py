"""Issue 17 on the product path: the demo store keeps its topics when a few posts arrive later,
and a recorded merge can be undone from the command line.

Real components: ``heard ingest`` (the full pipeline, the USE embedder, streaming topics) into a
DuckDB file, then ``heard topics --undo-merge``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

from heard.cli import run
from heard.store import open_store

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo" / "posts.jsonl"
LATE = [
    {
        "id": "late1",
        "source": "cityboard",
        "author": "新住户甲",
        "title": "小区门口路灯坏了一个月没人修",
        "text": "我们小区门口那条路的路灯已经坏了一个多月，晚上黑漆漆的，老人孩子出门很不安全。",
        "created_at": "2026-11-20T21:10:00+08:00",
    },
    {
        "id": "late2",
        "source": "cityboard",
        "author": "new resident",
        "title": "Bus 12 skipped our stop again",
        "text": "The number 12 bus drove past the Guixiang Street stop without stopping again "
        "today.",
        "created_at": "2026-11-20T08:30:00+08:00",
    },
]


def topics_of(db: Path) -> dict[str, int]:
    with open_store(db, read_only=True) as store:
        return {
            r["post_id"]: -1 if r["topic_id"] is None else r["topic_id"]
            for r in store.rows("SELECT post_id, topic_id FROM post_topics")
        }


def test_two_late_posts_leave_the_demo_topics_as_they_were_and_a_merge_can_be_undone(tmp_path):
    db = tmp_path / "demo.duckdb"
    assert run(["ingest", str(DEMO), "--db", str(db)]) == 0
    before = topics_of(db)
    late = tmp_path / "late.jsonl"
    late.write_text(
        "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in LATE), encoding="utf-8"
    )
    assert run(["ingest", str(late), "--db", str(db)]) == 0
    after = topics_of(db)
    old = sorted(before)
    assert len(old) == 613
    a, b = [before[k] for k in old], [after[k] for k in old]
    assert adjusted_rand_score(a, b) >= 0.95  # was 0.467 (issue 17)
    largest = [np.bincount(np.array([t for t in x if t >= 0])).max() for x in (a, b)]
    assert largest[1] <= largest[0] + 5  # was 117 → 286

    with open_store(db, read_only=True) as store:
        merges = store.rows(
            "SELECT e.event_id, e.topic_id, e.other_id, count(m.post_id) AS n, e.detail "
            "FROM topic_events e JOIN topic_merge_members m USING (event_id) "
            "WHERE e.kind = 'merged' GROUP BY ALL ORDER BY e.event_id"
        )
    assert merges, "the demo's first run merges at least one pair, with its members kept"
    event = merges[0]
    assert "mixing" in json.loads(event["detail"])  # the members' evidence is recorded
    members_then = {k for k, t in after.items() if t == event["other_id"]}
    assert run(["topics", "--db", str(db), "--undo-merge", str(event["event_id"])]) == 0
    restored = topics_of(db)
    back = {k for k, t in restored.items() if t == event["topic_id"]}
    assert len(back) == event["n"] and back <= members_then
    with open_store(db, read_only=True) as store:
        status = store.rows(
            "SELECT status, size FROM topics WHERE topic_id = ?", [event["topic_id"]]
        )[0]
    assert status == {"status": "active", "size": event["n"]}
    assert (
        run(["topics", "--db", str(db), "--undo-merge", str(event["event_id"])]) != 0
    )  # once only
