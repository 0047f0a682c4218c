"""A rescan lifts the automated decisions the current detectors would no longer take: one whose
label is no longer raised (a rule fixed since), and one a single detector took before two
independent detectors were needed — whose flag goes back to the queue for a person. A decision
two detectors still support, a person's decision, and one whose appeal a moderator decided stay;
nothing is lifted while automated decisions are off. ``heard audit verify`` checks it all."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from fastapi.testclient import TestClient

from heard.api import create_app
from heard.auth.accounts import Accounts
from heard.errors import InputError
from heard.protect import audit
from heard.protect.detectors import Flag
from heard.protect.operator import rescan
from heard.protect.review import Review
from heard.protect.stage import HarmStage
from heard.read.moderation import in_force
from heard.read.protect import flag_history, statements_of_post
from heard.records import Post
from heard.settings import Settings
from heard.store import open_store

CRITIC = "青石区城管局对投诉只会回复已督促整改，两周了什么都没改，领导不称职就该问责。"
RULES_ONLY = "【中奖通知】恭喜您获得iPhone一台，请点击 http://x.cn 领取，回复TD退订"
BOTH = "URGENT! Your mobile number has been awarded a £2000 prize GUARANTEED. Call 09061790121 "
BOTH += "from land line. Claim 3030. Valid 12hrs only"
PROTEST = "周六上午十点市政府门前和平集会，反对拆除老城区，请大家带上标语，遵守秩序。"
TEXTS = {"t:0": CRITIC, "t:1": RULES_ONLY, "t:2": BOTH, "t:3": PROTEST}


class BeforeTheFix:
    name = "rules"
    version = "0.9"

    def detect(self, texts, forms=None):
        return [[Flag("spam", 0.95, 0.8, "rules.spam", "0.9", "old_rule")] for _ in texts]


@pytest.fixture()
def store(tmp_path):
    at = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
    with open_store(tmp_path / "lift.duckdb") as s:
        posts = [
            Post(id=pid, source="t", external_id=pid, text=t, author_key="a", created_at=at)
            for pid, t in TEXTS.items()
        ]
        s.write_batch(posts, {"lang": ["zh", "zh", "en", "zh"]}, {})
        Accounts(s).add_user("mod1", "password-1", "moderator")
        review = Review(s)
        old = HarmStage([BeforeTheFix()], nearest=0).flag_texts([CRITIC, PROTEST])
        now = HarmStage(nearest=0).flag_texts([RULES_ONLY, BOTH])
        review.record_detector_flags(
            [("t:0", old[0]), ("t:3", old[1]), ("t:1", now[0]), ("t:2", now[1])]
        )
        for pid in TEXTS:  # each decided automatically, as one detector sufficed before
            review.auto_decide(s.protect.flags_of_post(pid), "limit_visibility")
        upheld = s.protect.latest_decisions(["t:3"])["t:3"]
        appeal = review.appeal(upheld["decision_id"], "这是和平集会的通知。")
        review.decide_appeal(appeal["appeal_id"], "upheld", "mod1", "checked")
        yield s


def test_a_rescan_lifts_what_it_would_no_longer_decide(store):
    off = rescan(store, stage=HarmStage(nearest=0), auto_threshold=None)
    assert off["lifted"] == 0  # automation off is no verdict on what it did
    done = rescan(store, stage=HarmStage(nearest=0), auto_threshold=0.9)
    assert done["lifted"] == 2
    forced = in_force(store, list(TEXTS))
    assert sorted(forced) == ["t:2", "t:3"]  # two detectors agree; a person upheld the appeal
    latest = store.protect.latest_decisions(list(TEXTS))
    for pid, why in (("t:0", "it is no longer raised"), ("t:1", "no longer agree")):
        d = latest[pid]
        assert d["decision"] == "no_action" and d["automated_decision"]
        assert why in d["facts"] and "is lifted" in d["facts"]
        assert d["statement"]["automated_decision"] == "AUTOMATED_DECISION_FULLY"
    status = {r["post_id"]: r["status"] for r in store.rows("SELECT post_id, status FROM flags")}
    assert status == {"t:0": "dismissed", "t:1": "pending", "t:2": "decided", "t:3": "decided"}
    assert "waits for a moderator" in latest["t:1"]["facts"]
    [flag] = store.protect.flags_of_post("t:1")
    kinds = [e["kind"] for e in flag_history(store, flag["flag_id"])["history"]]
    assert kinds == ["flag", "decision", "decision", "reopening"]
    assert audit.verify(store).ok
    assert rescan(store, stage=HarmStage(nearest=0), auto_threshold=0.9)["lifted"] == 0
    store.execute("UPDATE flags SET status = 'dismissed' WHERE post_id = 't:1'")
    verdict = audit.verify(store)
    assert not verdict.ok and "status changed" in verdict.reason


def test_the_author_is_not_offered_an_appeal_against_a_lifted_decision(store, tmp_path):
    """The statement page showed an appeal form under the lifted decision too (a moderator would
    then decide an appeal against a decision no longer in force); it says it was replaced, and
    an appeal against it is refused."""
    lifted = store.protect.latest_decisions(["t:1"])["t:1"]["decision_id"]
    rescan(store, stage=HarmStage(nearest=0), auto_threshold=0.9)
    shown = statements_of_post(store, "t:1")["decisions"]
    assert [(d["decision_id"] == lifted, d["superseded"]) for d in shown] == [
        (True, True),
        (False, False),
    ]
    with pytest.raises(InputError, match="no longer in force"):
        Review(store).appeal(lifted, "这不是垃圾信息。")
    token = Review(store).renew_notice("t:1")
    path = tmp_path / "lift.duckdb"  # the fixture's store (the same tmp_path)
    store.close()
    with TestClient(create_app(Settings(db=path)), raise_server_exceptions=False) as client:
        page = client.post("/statement", data={"token": token})
        assert page.status_code == 200
        old = page.text.split(f'data-decision="{lifted}"')[1].split("</section>")[0]
        assert 'class="muted superseded"' in old and "appeal-form" not in old
        refused = client.post(
            "/api/v1/statements/appeal",
            json={"token": token, "decision_id": lifted, "text": "这不是垃圾信息。"},
        )
        assert refused.status_code == 409 and "no longer in force" in refused.json()["error"]
