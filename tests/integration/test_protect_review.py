"""Protect on a real DuckDB file: flags, the queue, decisions with DSA statements, appeals,
gold items and κ, and the hash-chained audit log (issue 19)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from heard.auth.accounts import Accounts
from heard.errors import InputError
from heard.protect import audit
from heard.protect.calibration import Calibration, cohen_kappa, mix_gold
from heard.protect.review import Review
from heard.protect.stage import HarmStage
from heard.protect.statement import dsa_export
from heard.records import Post
from heard.store import open_store

SCAM = "我是你们王总，换了新号码，现在急需转一笔款，先转5万到这个账户，别打电话，办完再说。"
THREAT = "If you report me again I will burn your house down with your family inside."
CRITIC = "青石区城管局对投诉只会回复已督促整改，两周了什么都没改，领导不称职就该问责。"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 8, 0)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def _post(pid: str, text: str) -> Post:
    return Post(
        id=f"t:{pid}",
        source="t",
        external_id=pid,
        text=text,
        author_key=f"a{pid}",
        created_at=datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc),
    )


@pytest.fixture()
def store(tmp_path):
    with open_store(tmp_path / "p.duckdb") as s:
        posts = [_post("1", SCAM), _post("2", THREAT), _post("3", CRITIC)]
        s.write_batch(posts, {"lang": ["zh", "en", "zh"]}, {})
        accounts = Accounts(s)
        accounts.add_user("mod1", "password-1", "moderator")
        accounts.add_user("mod2", "password-2", "moderator")
        accounts.add_user("ana", "password-3", "analyst")
        accounts.add_user("ngo", "password-4", "viewer")
        s.accounts.set_trusted_flagger("ngo", True)
        yield s


def _flag_all(store, clock, auto=None):
    review = Review(store, clock)
    stage = HarmStage(nearest=0)
    texts = [SCAM, THREAT, CRITIC]
    flags = stage.flag_texts(texts)
    return review, review.record_detector_flags(
        [(f"t:{i + 1}", f) for i, f in enumerate(flags) if f], auto
    )


def test_migration_11_tables_exist(store):
    assert {
        "flags",
        "decisions",
        "appeals",
        "gold_items",
        "gold_answers",
        "audit_log",
    } <= store.tables()
    assert 11 in {r["version"] for r in store.rows("SELECT version FROM schema_version")}
    assert not any(
        "author" in c for t in ("flags", "decisions", "appeals") for c in store.columns(t)
    )


def test_detector_flags_are_stored_once_with_audit_entries(store):
    clock = Clock()
    _, counts = _flag_all(store, clock)
    assert counts["flags"] >= 2 and counts["automated_decisions"] == 0
    labels = {r["post_id"]: r["label"] for r in store.rows("SELECT post_id, label FROM flags")}
    assert labels["t:1"] == "scam_fraud" and labels["t:2"] == "violent_threat"
    assert "t:3" not in labels  # criticism of an office is never flagged
    _, again = _flag_all(store, clock)
    assert again["flags"] == 0
    assert audit.verify(store).ok and audit.verify(store).entries == counts["flags"]


def test_only_spam_and_scam_are_decided_automatically(store):
    _, counts = _flag_all(store, Clock(), auto=0.5)
    decided = store.rows("SELECT label, automated_decision, statement FROM decisions")
    assert counts["automated_decisions"] == len(decided) == 1
    assert decided[0]["label"] == "scam_fraud" and decided[0]["automated_decision"]
    status = {r["label"]: r["status"] for r in store.rows("SELECT label, status FROM flags")}
    assert status["violent_threat"] == "pending"


def test_a_review_only_head_flag_is_stored_but_never_decided_automatically(store):
    import numpy as np

    from heard.protect.detectors import WrittenHeadDetector

    class Sure:
        threshold, model = 0.5, "sure@0"

        def proba(self, texts):
            return np.ones(len(texts))

        def top_features(self, text, k=5):
            return []

    review = Review(store, Clock())
    stage = HarmStage([WrittenHeadDetector({"spam": Sure()})], nearest=0)
    flags = stage.flag_texts([CRITIC])
    counts = review.record_detector_flags([("t:3", flags[0])], auto_threshold=0.5)
    assert counts == {"flags": 1, "automated_decisions": 0}
    assert store.rows("SELECT status FROM flags")[0]["status"] == "pending"
    assert store.rows("SELECT count(*) AS n FROM decisions")[0]["n"] == 0


NEWS_WITH_A_LINK = [
    # TweetEval tweets the sms_spam head scored 0.907-0.931 with a link as the only commercial
    # signal: each was an automated limit_visibility on news or politics (RIGHTS.md §1)
    "#Russia prepares to bring up to 3,000 Soviet-era T-80 tanks back into active "
    "service.https://t.co/sRTqMehrgc…",
    "Reporter illegally took videos of a research facility & misused info about Huntington's "
    "disease & its effecthttps://t.co/ZT31zs9SDW#ANS211",
    "@user @user The wall will be 35-50 ft highhttps://t.co/IzS4sKJ9C1",
    # written for this test: a petition (never spam, labels.toml's misuse note)
    "Win back our library! Sign the petition at www.savethelibrary.org and call 01632 960123.",
]


def test_sms_spam_with_only_a_link_or_a_civic_call_is_for_review_only(store):
    review = Review(store, Clock())
    posts = [_post(f"n{i}", t) for i, t in enumerate(NEWS_WITH_A_LINK)]
    store.write_batch(posts, {"lang": ["en"] * len(posts)}, {})
    flags = HarmStage(nearest=0).flag_texts(NEWS_WITH_A_LINK)
    assert all(any(f["detector"] == "sms_spam" for f in fl) for fl in flags)
    counts = review.record_detector_flags(
        [(p.id, f) for p, f in zip(posts, flags)], auto_threshold=0.9
    )
    assert counts["automated_decisions"] == 0
    assert store.rows("SELECT count(*) AS n FROM decisions")[0]["n"] == 0
    prize = "WINNER!! You have won a £1000 prize. Text CLAIM to 81234 now. T&C apply."
    [flag] = [f for f in HarmStage(nearest=0).flag_texts([prize])[0] if f["label"] == "spam"]
    assert not flag["details"].get("review_only")


COMPLAINTS_ABOUT_CHARGES = [
    # a TweetEval complaint (sms_spam 0.95, automated) and one written for this test (1.00)
    "@user whats with the 50p a minute charge to 150, insult to injury ",
    "The energy company wants £300 to reconnect us. Call now 0800 123 4567 and they put you on "
    "hold for an hour.",
]


def test_sms_spam_on_a_complaint_about_charges_waits_for_a_person(store):
    review = Review(store, Clock())
    posts = [_post(f"c{i}", t) for i, t in enumerate(COMPLAINTS_ABOUT_CHARGES)]
    store.write_batch(posts, {"lang": ["en"] * len(posts)}, {})
    flags = HarmStage(nearest=0).flag_texts(COMPLAINTS_ABOUT_CHARGES)
    assert all(any(f["detector"] == "sms_spam" for f in fl) for fl in flags)
    counts = review.record_detector_flags(
        [(p.id, f) for p, f in zip(posts, flags)], auto_threshold=0.9
    )
    assert counts["automated_decisions"] == 0


def test_queue_puts_trusted_flaggers_first_and_a_decision_has_a_dsa_statement(store):
    clock = Clock()
    review, _ = _flag_all(store, clock)
    review.report("t:3", "harassment", note="please check", flagger="ngo")
    queue = Calibration(store, clock).queue("mod1")
    assert queue[0]["source"] == "trusted_flagger"
    threat = next(f for f in queue if f["label"] == "violent_threat")
    d = review.decide(
        threat["flag_id"], "remove", "Threatens to hurt a named person at home.", "mod1"
    )
    s = d["statement"]
    assert s["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_REMOVED"]
    assert s["category"] == "STATEMENT_CATEGORY_VIOLENCE"
    assert s["decision_ground"] == "DECISION_GROUND_INCOMPATIBLE_CONTENT"
    assert s["automated_detection"] == "Yes"
    assert s["automated_decision"] == "AUTOMATED_DECISION_NOT_AUTOMATED"
    assert s["source_type"] == "SOURCE_VOLUNTARY" and s["content_language"] == "EN"
    assert s["application_date"] == "2026-12-01" and s["content_date"] == "2026-11-30"
    exported = dsa_export([s])
    assert exported and not any(k.startswith("heard") or k == "redress" for k in exported[0])
    assert store.protect.flag(threat["flag_id"])["status"] == "decided"
    with pytest.raises(InputError, match="decided already"):
        review.decide(threat["flag_id"], "remove", "again", "mod1")


def test_auto_decide_refuses_every_other_label(store):
    review, _ = _flag_all(store, Clock())
    threat = store.rows("SELECT * FROM flags WHERE label = 'violent_threat'")
    with pytest.raises(InputError, match="may not be decided automatically"):
        review.auto_decide([{**threat[0], "evidence": {}}], "remove")


def test_decisions_need_a_moderator_and_facts(store):
    clock = Clock()
    review, _ = _flag_all(store, clock)
    flag_id = store.rows("SELECT flag_id FROM flags LIMIT 1")[0]["flag_id"]
    with pytest.raises(InputError, match="not a moderator"):
        review.decide(flag_id, "remove", "facts", "ana")
    with pytest.raises(InputError, match="statement of the facts"):
        review.decide(flag_id, "remove", "  ", "mod1")
    with pytest.raises(InputError, match="not a decision"):
        review.decide(flag_id, "ban_user", "facts", "mod1")


def test_a_decision_on_the_illegal_ground_names_the_law(store):
    """DSA Art. 17(3)(d): a statement for illegal content gives the legal ground relied on. No
    surface could pass one, so every 'illegal' statement said illegal_content_legal_ground: ''."""
    review, _ = _flag_all(store, Clock())
    flag_id = store.rows("SELECT flag_id FROM flags WHERE label = 'violent_threat'")[0]["flag_id"]
    for missing in (None, "  "):
        with pytest.raises(InputError, match="legal ground"):
            review.decide(
                flag_id,
                "remove",
                "A threat to burn a house.",
                "mod1",
                ground="illegal",
                legal_ground=missing,
            )
    d = review.decide(
        flag_id,
        "remove",
        "A threat to burn a house.",
        "mod1",
        ground="illegal",
        legal_ground="Criminal Code s. 264.1 (uttering threats)",
    )
    s = d["statement"]
    assert s["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT"
    assert s["illegal_content_legal_ground"] == "Criminal Code s. 264.1 (uttering threats)"


def test_appeal_once_and_by_another_moderator(store):
    clock = Clock()
    review, _ = _flag_all(store, clock)
    flag_id = store.rows("SELECT flag_id FROM flags WHERE label = 'violent_threat'")[0]["flag_id"]
    d = review.decide(flag_id, "remove", "A threat of violence.", "mod1")
    a = review.appeal(d["decision_id"], "It was a line from a film.")
    with pytest.raises(InputError, match="appealed already"):
        review.appeal(d["decision_id"], "again")
    with pytest.raises(InputError, match="may not decide its appeal"):
        review.decide_appeal(a["appeal_id"], "reversed", "mod1")
    done = review.decide_appeal(a["appeal_id"], "reversed", "mod2", "film quote")
    assert done["outcome"] == "reversed" and done["decided_by"] == "mod2"
    kinds = [e["kind"] for e in store.protect.audit_entries()]
    assert kinds[-3:] == ["decision", "appeal", "appeal_decision"]


def test_audit_verify_names_the_first_tampered_entry(store):
    review, _ = _flag_all(store, Clock())
    review.report("t:3", "spam")
    assert audit.verify(store).ok and audit.verify(store).entries == 3
    store.con.execute(
        "UPDATE audit_log SET payload = replace(payload, 'pending', 'dismissed') WHERE seq = 2"
    )
    verdict = audit.verify(store)
    assert not verdict.ok and verdict.broken_seq == 2 and "changed after" in verdict.reason
    store.con.execute("DELETE FROM audit_log WHERE seq = 2")
    assert audit.verify(store).broken_seq == 2


@pytest.mark.parametrize(
    ("change", "kind"),
    [
        ("UPDATE decisions SET decision = 'no_action'", "decision"),
        ("UPDATE decisions SET facts = 'nothing happened'", "decision"),
        ("UPDATE appeals SET outcome = 'reversed'", "appeal_decision"),
        (
            "UPDATE appeals SET status = 'pending', outcome = NULL, decided_by = NULL",
            "appeal_decision",
        ),
        ("UPDATE flags SET label = 'hate' WHERE label = 'violent_threat'", "flag"),
        ("UPDATE flags SET status = 'dismissed' WHERE status = 'pending'", "flag"),
        ("DELETE FROM decisions", "decision"),
    ],
)
def test_audit_verify_names_the_entry_whose_record_was_changed(store, change, kind):
    """The chain alone proves the log intact; the flags, decisions and appeals every display
    reads must also still say what the log recorded (a probe changed a removal to no_action in
    the decisions table and verify said 'intact')."""
    review, _ = _flag_all(store, Clock())
    flag_id = store.rows("SELECT flag_id FROM flags WHERE label = 'violent_threat'")[0]["flag_id"]
    d = review.decide(flag_id, "remove", "A threat of violence.", "mod1")
    a = review.appeal(d["decision_id"], "It was a line from a film.")
    review.decide_appeal(a["appeal_id"], "upheld", "mod2", "not a film quote")
    assert audit.verify(store).ok
    store.con.execute(change)
    verdict = audit.verify(store)
    assert not verdict.ok, change
    entry = next(e for e in store.protect.audit_entries() if e["seq"] == verdict.broken_seq)
    assert entry["kind"] == kind and "no longer" in verdict.reason, verdict


def test_gold_items_are_mixed_in_and_kappa_is_per_moderator(store):
    clock = Clock()
    _flag_all(store, clock)
    cal = Calibration(store, clock)
    g1 = cal.add_gold("Buy followers now, 1000 for $5, click here", "spam", "remove")
    g2 = cal.add_gold("市长不作为，我们要问责", "harassment", "no_action")
    queue = cal.queue("mod1")
    assert any(i.get("gold") for i in queue)
    cal.answer(g1["gold_id"], "remove", "mod1", "Sells followers.")
    cal.answer(g2["gold_id"], "no_action", "mod1", "Criticism.")
    cal.answer(g1["gold_id"], "remove", "mod2", "Spam.")
    cal.answer(g2["gold_id"], "remove", "mod2", "Abuse.")
    report = {r["moderator"]: r for r in cal.report()}
    assert report["mod1"]["kappa"] == 1.0 and report["mod2"]["agreement"] == 0.5
    assert not any(i.get("gold") and i["flag_id"] == g1["gold_id"] for i in cal.queue("mod1"))


def test_a_gold_item_reads_like_a_public_report_in_the_review_item(store):
    """The queue's review item for a gold text had only post.text and a flag of three keys,
    where a report has the post's fields and a flag with detector, score, status and evidence:
    GET /api/v1/review/queue told gold items apart by the shape of their JSON."""
    from heard.read.protect import review_item

    clock = Clock()
    review, _ = _flag_all(store, clock)
    report = review.report("t:3", "harassment", note="")
    gold = Calibration(store, clock).add_gold("市长不作为，我们要问责", "harassment", "no_action")
    queue = Calibration(store, clock).queue("mod1")
    real = review_item(store, next(i for i in queue if i["flag_id"] == report["flag_id"]))
    fake = review_item(store, next(i for i in queue if i["flag_id"] == gold["gold_id"]))
    assert set(fake) == set(real) and set(fake["post"]) == set(real["post"])
    shown = next(f for f in real["flags"] if f["flag_id"] == report["flag_id"])
    assert [set(f) for f in fake["flags"]] == [set(shown)]
    assert fake["flags"][0]["evidence"] == shown["evidence"] == {}
    assert fake["flags"][0]["status"] == "pending" and fake["post"]["lang"] == "zh"


def test_kappa_and_mixing_are_plain_functions():
    assert cohen_kappa([("a", "a"), ("b", "b")]) == 1.0
    assert cohen_kappa([("a", "b"), ("b", "a")]) == -1.0
    assert cohen_kappa([]) is None
    mixed = mix_gold([{"i": n} for n in range(10)], [{"g": 1}, {"g": 2}], every=5)
    assert [("g" in m) for m in mixed].count(True) == 1 and "g" in mixed[5]
