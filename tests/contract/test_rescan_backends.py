"""A rescan withdraws stale detector flags and lifts automated decisions it would no longer
take the same way on DuckDB and PostgreSQL: the pending detector flags of the rescanned posts, a
withdrawal entry each, the lifting decision and the reopened flag, all checked by ``verify``, and
the flag's history read back from the audit log."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from heard.auth.accounts import Accounts
from heard.protect import audit
from heard.protect.detectors import Flag
from heard.protect.operator import rescan
from heard.protect.review import Review
from heard.protect.stage import HarmStage
from heard.read.protect import flag_history
from heard.records import Post

CRITIC = "青石区城管局对投诉只会回复已督促整改，两周了什么都没改，领导不称职就该问责。"
PROTEST = "周六上午十点市政府门前和平集会，反对拆除老城区，请大家带上标语，遵守秩序。"
RULES_ONLY = "【中奖通知】恭喜您获得iPhone一台，请点击 http://x.cn 领取，回复TD退订"


class BeforeTheFix:
    name = "rules"
    version = "0.9"

    def detect(self, texts: list[str], forms: Any = None) -> list[list[Flag]]:
        return [[Flag("spam", 0.95, 0.8, "rules.spam", "0.9", "old_rule")] for _ in texts]


def test_a_rescan_withdraws_on_both_backends(open_target: Any) -> None:
    store = open_target()
    at = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
    posts = [
        Post(id=f"t:{i}", source="t", external_id=str(i), text=t, author_key="a", created_at=at)
        for i, t in enumerate((CRITIC, PROTEST, RULES_ONLY))
    ]
    store.write_batch(posts, {"lang": ["zh", "zh", "zh"]}, {})
    Accounts(store).add_user("mod1", "password-1", "moderator")
    review = Review(store)
    old = HarmStage([BeforeTheFix()], nearest=0).flag_texts([CRITIC, PROTEST])
    review.record_detector_flags([("t:0", old[0]), ("t:1", old[1])])
    pending = {
        f["post_id"]: f["flag_id"] for f in store.protect.pending_detector_flags(["t:0", "t:1"])
    }
    review.decide(pending["t:1"], "no_action", "和平集会通知。", "mod1")
    review.report("t:0", "harassment")
    # decided automatically by one detector, as before two were needed: a rescan lifts it
    review.record_detector_flags([("t:2", HarmStage(nearest=0).flag_texts([RULES_ONLY])[0])])
    review.auto_decide(store.protect.flags_of_post("t:2"), "limit_visibility")
    done = rescan(store, stage=HarmStage(nearest=0), auto_threshold=0.9)
    assert (done["withdrawn"], done["lifted"]) == (1, 1)
    assert store.protect.latest_decisions(["t:2"])["t:2"]["decision"] == "no_action"
    status = {
        (r["post_id"], r["source"]): r["status"]
        for r in store.rows("SELECT post_id, source, status FROM flags")
    }
    assert status == {
        ("t:0", "detector"): "withdrawn",
        ("t:1", "detector"): "dismissed",
        ("t:0", "public_report"): "pending",
        ("t:2", "detector"): "pending",
    }
    assert audit.verify(store).ok
    kinds = [e["kind"] for e in flag_history(store, pending["t:0"])["history"]]
    assert kinds == ["flag", "withdrawal"]
    kinds = [e["kind"] for e in flag_history(store, pending["t:1"])["history"]]
    assert kinds == ["flag", "decision"]
