"""The audit log records free text redacted, and the audited "show original" works, the same way
on DuckDB and PostgreSQL: a decision's facts and legal ground, an appeal's reasons and an appeal
decision's enter the log with personal data as labels, the rows keep what was written, ``verify``
passes, and one moderator's look at a flagged post's original text is an entry of its own, which
admins list (``original_views``) without the original."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from heard.auth.accounts import Accounts
from heard.protect import audit
from heard.protect.original import original_views, show_original
from heard.protect.review import Review
from heard.records import Post

PHONE = "13712345678"
DOX = f"他叫老周，手机{PHONE}，大家去他家门口堵他"


def test_free_text_is_logged_redacted_on_both_backends(open_target: Any) -> None:
    store = open_target()
    at = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
    post = Post(id="t:1", source="t", external_id="1", text=DOX, author_key="a", created_at=at)
    store.write_batch([post], {"lang": ["zh"]}, {})
    accounts = Accounts(store)
    accounts.add_user("mod1", "password-1", "moderator")
    accounts.add_user("mod2", "password-2", "moderator")
    review = Review(store)
    flag = review.report("t:1", "doxxing")
    decision = review.decide(
        flag["flag_id"],
        "remove",
        f"公布了手机 {PHONE}",
        "mod1",
        ground="illegal",
        legal_ground=f"个人信息保护法 (tel {PHONE})",
    )
    appeal = review.appeal(decision["decision_id"], f"{PHONE} 是我店里的公开电话")
    review.decide_appeal(appeal["appeal_id"], "upheld", "mod2", f"{PHONE} 不是公开电话")
    shown = show_original(store, "t:1", f"核实 {PHONE} 是否公开", "mod2")
    assert PHONE in shown["text"]

    rows = store.rows("SELECT kind, payload FROM audit_log ORDER BY seq")
    kinds = [r["kind"] for r in rows]
    assert kinds == ["flag", "decision", "appeal", "appeal_decision", "original_view"]
    for r in rows:
        assert PHONE not in r["payload"], r["kind"]
    view = json.loads(rows[-1]["payload"])
    assert view == {
        "post_id": "t:1",
        "account": "mod2",
        "role": "moderator",
        "reason": "核实 [phone] 是否公开",
    }
    assert PHONE in store.protect.decision(decision["decision_id"])["facts"]
    assert PHONE in store.protect.appeal(appeal["appeal_id"])["text"]
    verdict = audit.verify(store)
    assert verdict.ok and verdict.entries == 5, verdict.reason

    views = original_views(store)
    assert [(v["seq"], v["account"], v["role"], v["post_id"]) for v in views] == [
        (5, "mod2", "moderator", "t:1")
    ]
    assert views[0]["reason"] == "核实 [phone] 是否公开"
    assert datetime.fromisoformat(views[0]["at"]).tzinfo is None  # UTC, stored naive on both
    shown_again = show_original(store, "t:1", "again", "mod1")
    assert [v["seq"] for v in original_views(store)] == [shown_again["audit_seq"], 5]
    assert [v["account"] for v in original_views(store, 1)] == ["mod1"]
