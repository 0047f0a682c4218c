"""The audit log records flag evidence redacted as every display redacts it (RIGHTS.md §7): the
log is append-only, so a phone number a detector matched, a piece of a card a head's n-gram
points into, or a reporter's note quoting a number must never enter it. Entries written before
(raw evidence) still verify, beside the new ones."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import numpy as np
import pytest

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
