"""On a real DuckDB file: a spam flag raised by one detector alone waits for a moderator even far
above the automatic-action threshold; one that a rule set and a learned head both raise is
decided automatically, and its statement of reasons names both (RIGHTS.md §5)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from heard.protect.review import Review
from heard.protect.stage import HarmStage
from heard.records import Post
from heard.store import open_store

RULES_ONLY = "【中奖通知】恭喜您获得iPhone一台，请点击 http://x.cn 领取，回复TD退订"
BOTH = "URGENT! Your mobile number has been awarded a £2000 prize GUARANTEED. Call 09061790121 "
BOTH += "from land line. Claim 3030. Valid 12hrs only"


@pytest.fixture()
def store(tmp_path):
    with open_store(tmp_path / "auto.duckdb") as s:
        posts = [
            Post(
                id=f"t:{i}",
                source="t",
                external_id=str(i),
                text=text,
                author_key=f"a{i}",
                created_at=datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc),
            )
            for i, text in enumerate((RULES_ONLY, BOTH))
        ]
        s.write_batch(posts, {"lang": ["zh", "en"]}, {})
        yield s


def test_one_detector_waits_two_independent_detectors_decide(store):
    rules_only, both = HarmStage(nearest=0).flag_texts([RULES_ONLY, BOTH])
    assert [(f["label"], f["detector"]) for f in rules_only] == [("spam", "rules.spam")]
    assert "seconded_by" not in rules_only[0]
    counts = Review(store).record_detector_flags(
        [("t:0", rules_only), ("t:1", both)], auto_threshold=0.5
    )
    assert counts == {"flags": 2, "automated_decisions": 1}
    status = {r["post_id"]: r["status"] for r in store.rows("SELECT post_id, status FROM flags")}
    assert status == {"t:0": "pending", "t:1": "decided"}
    [d] = store.rows("SELECT post_id, automated_decision, facts FROM decisions")
    assert d["post_id"] == "t:1" and d["automated_decision"]
    assert "sms_spam@" in d["facts"] and "rules.spam@" in d["facts"] and "agreed" in d["facts"]
