"""The audit log records flag evidence redacted as every display redacts it (RIGHTS.md §7): the
log is append-only, so a phone number a detector matched, a piece of a card a head's n-gram
points into, or a reporter's note quoting a number must never enter it. Entries written before
(raw evidence) still verify, beside the new ones."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import numpy as np
import pytest

from heard.auth.accounts import Accounts
from heard.protect import audit
from heard.protect.detectors import WrittenHeadDetector
from heard.protect.review import Review
from heard.protect.stage import HarmStage
from heard.read.protect import list_flags
from heard.records import Post
from heard.store import open_store

PHONE = "13712345678"
CARD = "6222021001123456789"
DOX = f"大家去人肉他！他叫老周，手机{PHONE}，天天打电话骂他，住东湖路88号3栋2单元401室"
SPAM = f"楼下噪音扰民严重，电话 {PHONE}，银行卡 {CARD} 退款"
AT = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)


class DigitHead:
    """A stand-in spam head whose top n-grams are pieces of the phone number and the card."""

    threshold, model = 0.5, "digits@0"

    def proba(self, texts):
        return np.ones(len(texts))

    def top_features(self, text, k=5):
        return [("1371", 3.0), ("5678", 2.5), ("0112", 2.0), ("退款", 1.0)]


def _post(pid, text):
    return Post(id=pid, source="t", external_id=pid, text=text, author_key="a1", created_at=AT)


@pytest.fixture()
def store(tmp_path):
    with open_store(tmp_path / "a.duckdb") as s:
        s.write_batch([_post("t:1", DOX), _post("t:2", SPAM)], {"lang": ["zh", "zh"]}, {})
        yield s


def _payloads(store):
    return [r["payload"] for r in store.rows("SELECT payload FROM audit_log ORDER BY seq")]


def test_flag_entries_record_evidence_redacted_and_still_verify(store):
    # an entry written before this change: the raw evidence, as it stays in old logs
    old = {"post_id": "t:2", "label": "spam", "source": "public_report", "detector": None}
    old |= {"version": None, "score": None, "threshold": None, "status": "pending"}
    with store.transaction():
        row = {**old, "flag_id": "f-old", "evidence": {"note": f"call {PHONE}"}}
        row |= {"priority": 0.5, "created_at": AT.replace(tzinfo=None)}
        store.protect.insert_flags([row])
        audit.append(
            store, "flag", "f-old", {**old, "evidence": row["evidence"]}, row["created_at"]
        )
    assert PHONE in _payloads(store)[0]

    dox = HarmStage(nearest=2).flag_texts([DOX])[0]
    assert [f["label"] for f in dox] == ["doxxing"]
    spam = HarmStage([WrittenHeadDetector({"spam": DigitHead()})], nearest=0).flag_texts([SPAM])
    review = Review(store)
    assert review.record_detector_flags([("t:1", dox), ("t:2", spam[0])])["flags"] == 2
    review.report("t:1", "doxxing", note=f"他把电话 {PHONE} 和卡号 {CARD} 都贴出来了")

    new = _payloads(store)[1:]
    assert len(new) == 3
    for payload in new:
        assert PHONE not in payload and CARD not in payload
        assert "1371" not in payload and "0112" not in payload and "401室" not in payload
    recorded = {json.loads(p)["post_id"] + json.loads(p)["source"]: json.loads(p) for p in new}
    dox_matches = recorded["t:1detector"]["evidence"]["matches"]
    assert {"cue": "pii:phone", "text": "[phone]"} in [
        {k: m[k] for k in ("cue", "text")} for m in dox_matches
    ]
    assert "[phone]" in recorded["t:1public_report"]["evidence"]["note"]
    # what the audit log records of the evidence is what the displays show
    shown = {
        f["post_id"] + f["source"]: f["evidence"] for f in list_flags(store, limit=10)["flags"]
    }
    for key in ("t:1detector", "t:2detector", "t:1public_report"):
        assert json.dumps(recorded[key]["evidence"], sort_keys=True, ensure_ascii=False) == (
            json.dumps(shown[key], sort_keys=True, ensure_ascii=False)
        )
    # the flags row keeps the evidence as found; verify checks old and new entries alike
    assert PHONE in store.rows("SELECT evidence FROM flags WHERE post_id = 't:1'")[0]["evidence"]
    verdict = audit.verify(store)
    assert verdict.ok and verdict.entries == 4, verdict.reason


EMAIL = "lao.zhou@example.com"
ID_NUMBER = "11010519491231002X"


def _decided_and_appealed(store):
    """A report, a decision whose facts and legal ground quote personal data, an appeal whose
    reasons do, and an appeal decision whose reasons do."""
    for name in ("mod_a", "mod_b"):
        Accounts(store).add_user(name, f"password-{name}", "moderator")
    review = Review(store)
    flag = review.report("t:1", "doxxing")
    decision = review.decide(
        flag["flag_id"],
        "remove",
        f"帖子公布了老周的手机 {PHONE} 和身份证号 {ID_NUMBER}",
        "mod_a",
        ground="illegal",
        legal_ground=f"个人信息保护法 第10条 (complaint by {EMAIL})",
    )
    appeal = review.appeal(decision["decision_id"], f"那是我自己的号码 {PHONE}，写信给 {EMAIL}")
    review.decide_appeal(appeal["appeal_id"], "upheld", "mod_b", f"号码 {PHONE} 不是作者的")
    return decision, appeal


def test_appeal_texts_and_fact_statements_enter_the_log_redacted(store):
    decision, appeal = _decided_and_appealed(store)
    kinds = [r["kind"] for r in store.rows("SELECT kind FROM audit_log ORDER BY seq")]
    assert kinds == ["flag", "decision", "appeal", "appeal_decision"]
    for payload in _payloads(store):
        for value in (PHONE, EMAIL, ID_NUMBER, "1002X"):
            assert value not in payload
    recorded = {
        r["kind"]: json.loads(r["payload"])
        for r in store.rows("SELECT kind, payload FROM audit_log ORDER BY seq")
    }
    assert recorded["decision"]["facts"] == "帖子公布了老周的手机 [phone] 和身份证号 [id]"
    statement = recorded["decision"]["statement"]
    assert statement["decision_facts"] == statement["illegal_content_explanation"]
    assert statement["illegal_content_legal_ground"].endswith("(complaint by [email])")
    assert recorded["appeal"]["text"] == "那是我自己的号码 [phone]，写信给 [email]"
    assert recorded["appeal_decision"]["facts"] == "号码 [phone] 不是作者的"
    # the records keep what was written (shown redacted), and verify checks them against the log
    row = store.protect.decision(decision["decision_id"])
    assert PHONE in row["facts"] and PHONE in store.protect.appeal(appeal["appeal_id"])["text"]
    verdict = audit.verify(store)
    assert verdict.ok and verdict.entries == 4, verdict.reason


def test_verify_still_catches_a_changed_fact_statement_or_appeal(store):
    decision, appeal = _decided_and_appealed(store)
    store.execute(
        "UPDATE decisions SET facts = replace(facts, '老周', '老王') WHERE decision_id = ?",
        [decision["decision_id"]],
    )
    verdict = audit.verify(store)
    assert not verdict.ok and verdict.broken_seq == 2 and "facts changed" in verdict.reason
    store.execute(
        "UPDATE decisions SET facts = replace(facts, '老王', '老周') WHERE decision_id = ?",
        [decision["decision_id"]],
    )
    assert audit.verify(store).ok
    store.execute(
        "UPDATE appeals SET text = 'the decision was right' WHERE appeal_id = ?",
        [appeal["appeal_id"]],
    )
    verdict = audit.verify(store)
    assert not verdict.ok and verdict.broken_seq == 3 and "text changed" in verdict.reason


def test_old_verbatim_entries_of_decisions_and_appeals_still_verify(store):
    """A log written before: the decision's facts and the appeal's text recorded as written."""
    decision, appeal = _decided_and_appealed(store)
    rows = store.rows('SELECT seq, "at", kind, ref, payload FROM audit_log ORDER BY seq')
    verbatim = {
        "decision": {
            **json.loads(rows[1]["payload"]),
            "facts": store.protect.decision(decision["decision_id"])["facts"],
            "statement": store.protect.decision(decision["decision_id"])["statement"],
        },
        "appeal": {**json.loads(rows[2]["payload"]), "text": appeal["text"]},
    }
    store.execute("DELETE FROM audit_log")
    prev = audit.GENESIS
    for r in rows:  # written as the code before this wrote them: the payload as given
        text = audit._canonical(verbatim.get(r["kind"], json.loads(r["payload"])))
        entry = {"seq": r["seq"], "at": r["at"], "kind": r["kind"], "ref": r["ref"]}
        entry |= {"payload_text": text, "prev_hash": prev}
        entry["hash"] = prev = audit.entry_hash(prev, r["seq"], r["at"], r["kind"], r["ref"], text)
        store.protect.insert_audit(entry)
    assert PHONE in _payloads(store)[1] and PHONE in _payloads(store)[2]
    verdict = audit.verify(store)
    assert verdict.ok and verdict.entries == 4, verdict.reason


def test_every_free_text_of_a_statement_is_shown_redacted(store):
    """The facts are repeated as ``illegal_content_explanation`` (and, for a decision with no
    label, ``incompatible_content_explanation``); the legal ground is free text too."""
    from heard.read.protect import dsa_statements, list_decisions, statement_of, statements_of_post

    decision, _ = _decided_and_appealed(store)
    review = Review(store)
    other = review.decide(
        review.report("t:2", "spam")["flag_id"], "no_action", f"只是投诉，电话 {PHONE}", "mod_a"
    )
    shown = [
        list_decisions(store),
        statement_of(store, decision["decision_id"]),
        statement_of(store, other["decision_id"]),
        statements_of_post(store, "t:1"),
        statements_of_post(store, "t:2"),
        dsa_statements(store),
    ]
    text = json.dumps(shown, ensure_ascii=False)
    for value in (PHONE, EMAIL, ID_NUMBER):
        assert value not in text
    assert "(complaint by [email])" in text
