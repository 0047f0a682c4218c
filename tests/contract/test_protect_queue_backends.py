"""The review queue (one item per post, ``Protect.pending_flags``, a window query) and the DSA
export's end dates on both stores."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 8, 0)

    def __call__(self) -> datetime:
        self.now += timedelta(days=1)
        return self.now


def test_one_item_per_post_and_end_dates_on_both_stores(open_target: Any) -> None:
    from heard.auth.accounts import Accounts
    from heard.protect.calibration import Calibration
    from heard.protect.review import Review
    from heard.read.protect import dsa_statements
    from heard.records import Post

    store = open_target()
    posts = [
        Post(
            id=f"t:{i}",
            source="t",
            external_id=str(i),
            text=f"post {i}",
            author_key=f"a{i}",
            created_at=datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc),
        )
        for i in (1, 2)
    ]
    store.write_batch(posts, {"lang": ["en", "en"]}, {})
    Accounts(store).add_user("mod1", "password-1", "moderator")
    Accounts(store).add_user("mod2", "password-2", "moderator")
    review = Review(store, Clock())
    many = [review.report("t:1", label)["flag_id"] for label in ("harassment", "hate", "spam")]
    review.report("t:2", "spam")
    queue = Calibration(store, Clock()).queue("mod1")
    assert [i["post_id"] for i in queue] == ["t:1", "t:2"]
    assert queue[0]["flag_ids"] == many and queue[0]["flag_id"] == many[0]
    d = review.decide(queue[0]["flag_id"], "remove", "Insults.", "mod1", seen=queue[0]["flag_ids"])
    a = review.appeal(d["decision_id"], "A quote.")
    done = review.decide_appeal(a["appeal_id"], "reversed", "mod2", "It quotes a film.")
    (s,) = dsa_statements(store)
    assert s["end_date_visibility_restriction"] == done["decided_at"].strftime("%Y-%m-%d")
    assert [i["post_id"] for i in Calibration(store, Clock()).queue("mod1")] == ["t:2"]


def test_a_gold_item_looks_like_a_report_and_stores_only_its_answer(open_target: Any) -> None:
    """On both stores: a gold item's post id is ``source:digits`` under the oldest flag's
    post's source (``Protect.first_flagged_source``), the decide answer has a decision's keys,
    and nothing but the answer is stored (no decision, notice or audit entry)."""
    from heard.auth.accounts import Accounts
    from heard.protect.calibration import Calibration
    from heard.protect.review import Review
    from heard.records import Post

    store = open_target()
    post = Post(
        id="weibo:1",
        source="weibo",
        external_id="1",
        text="post 1",
        author_key="a1",
        created_at=datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc),
    )
    store.write_batch([post], {"lang": ["en"]}, {})
    Accounts(store).add_user("mod1", "password-1", "moderator")
    review, cal = Review(store, Clock()), Calibration(store, Clock())
    gold = cal.add_gold("Buy followers now", "spam", "remove")
    assert store.protect.first_flagged_source() is None
    flag = review.report("weibo:1", "spam")
    assert store.protect.first_flagged_source() == "weibo"
    queue = cal.queue("mod1")
    item = next(i for i in queue if i["flag_id"] == gold["gold_id"])
    real = next(i for i in queue if i["flag_id"] == flag["flag_id"])
    assert item["post_id"].startswith("weibo:") and item["post_id"] != real["post_id"]
    assert cal.gold_of_post(item["post_id"]) == gold["gold_id"]
    assert cal.gold_of_post("weibo:1") is None
    entries = len(store.protect.audit_entries())
    answer = cal.answer(gold["gold_id"], "remove", facts="Spam.", moderator="mod1")
    decided = review.decide(flag["flag_id"], "remove", "Spam.", "mod1")
    assert set(answer) == set(decided)
    assert [d["decision_id"] for d in store.protect.all_decisions()] == [decided["decision_id"]]
    assert len(store.protect.audit_entries()) == entries + 1  # the real decision's only
    assert not store.protect.has_notice(item["post_id"])
    assert [a["gold_id"] for a in store.protect.gold_answers()] == [gold["gold_id"]]
    assert cal.unanswered("mod1") == []
