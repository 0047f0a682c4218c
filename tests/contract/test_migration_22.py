"""Migration 22 on both backends: a store made before an automated decision covered the spam and
scam flags of its run (b052bca) held such a flag pending beside the decision, so the post came
back to the review queue. Upgraded, each such flag is decided, with a ``coverage`` audit entry
that ``heard audit verify`` accepts; flags of another run, of another label, and flags beside a
decision that was lifted since keep waiting for a moderator."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo" / "later.jsonl"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 8, 0)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=5)
        return self.now


def _old_shape(store: Any) -> dict[str, dict[str, str]]:
    """Flags and automated decisions as Heard before b052bca stored them: the decision closes
    only its lead (the strongest automatable flag), the run's other spam flag stays pending."""
    from heard.auth.accounts import Accounts
    from heard.protect.review import Review
    from heard.protect.stage import HarmStage
    from heard.records import Post

    scam = json.loads(DEMO.read_text(encoding="utf-8").splitlines()[0])["text"]
    ids = ["covered", "lifted", "other_run", "other_label"]
    posts = [
        Post(id=f"t:{i}", source="t", external_id=i, text=scam, author_key=f"a{n}",
             created_at=datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc))
        for n, i in enumerate(ids)
    ]  # fmt: skip
    store.write_batch(posts, {"lang": ["zh"] * len(posts)}, {})
    Accounts(store).add_user("mod", "pw-mod-123456", "moderator")
    [raised] = HarmStage(nearest=0).flag_texts([scam])
    by_label = {f["label"]: f for f in raised}
    assert set(by_label) == {"scam_fraud", "spam"}
    review = Review(store, Clock())
    review.record_detector_flags([(p.id, raised) for p in posts[:2]])  # one run, nothing decided
    review.record_detector_flags([("t:other_run", [by_label["spam"]])])  # an earlier run ...
    review.record_detector_flags([("t:other_run", [by_label["scam_fraud"]])])  # ... and a later
    review.record_detector_flags([("t:other_label", [by_label["scam_fraud"]])])
    review.report("t:other_label", "harassment", note="insults the staff")
    flags = {
        (r["post_id"], r["label"]): r
        for r in store.rows("SELECT * FROM flags")
        if r["source"] == "detector"
    }
    for post in ("t:covered", "t:lifted", "t:other_run", "t:other_label"):
        lead = dict(flags[(post, "scam_fraud")])
        lead["evidence"] = json.loads(lead["evidence"])
        review.auto_decide([lead], "limit_visibility")  # the old shape: the lead alone
    lead = dict(flags[("t:lifted", "scam_fraud")])
    review._decide([lead], "no_action", "Automated: a rescan lifts it.", moderator=None,
                   label="scam_fraud", ground="incompatible", automated=True)  # fmt: skip
    return {p: {lab: flags[(p, lab)]["flag_id"] for (q, lab) in flags if q == p} for p in
            ("t:covered", "t:lifted", "t:other_run")}  # fmt: skip


def test_a_store_at_21_closes_the_spam_flags_its_automated_decisions_cover(
    open_target: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import heard.store.duckdb.store as duck
    import heard.store.postgres.store as pg
    from heard.protect.audit import verify
    from heard.protect.calibration import Calibration
    from heard.read.protect import flag_history

    for module in (duck, pg):
        monkeypatch.setattr(module, "MIGRATIONS", [m for m in module.MIGRATIONS if m[0] < 22])
    old = open_target()
    assert old.schema_version() == 21
    ids = _old_shape(old)
    queued = {i["post_id"] for i in Calibration(old, Clock()).queue("mod", every=10_000)}
    assert "t:covered" in queued  # the complaint: an actioned post back in the queue
    assert verify(old).ok
    old.close()
    monkeypatch.undo()

    store = open_target()
    assert store.schema_version() >= 22
    status = {r["flag_id"]: r["status"] for r in store.rows("SELECT flag_id, status FROM flags")}
    assert status[ids["t:covered"]["spam"]] == "decided"
    assert status[ids["t:lifted"]["spam"]] == "pending"  # its decision was lifted since
    assert status[ids["t:other_run"]["spam"]] == "pending"  # raised in another run
    queue = Calibration(store, Clock()).queue("mod", every=10_000)
    assert {i["post_id"] for i in queue} == {"t:lifted", "t:other_run", "t:other_label"}
    [other] = [i for i in queue if i["post_id"] == "t:other_label"]
    assert other["label"] == "harassment"  # another label waits for a person
    verdict = verify(store)
    assert verdict.ok, verdict.reason
    history = flag_history(store, ids["t:covered"]["spam"])["history"]
    assert [e["kind"] for e in history] == ["flag", "coverage"]
    assert history[-1]["status"] == "decided" and history[-1]["decision_id"].startswith("d-")
    store.close()
    again = open_target()  # applied once: a second open changes nothing
    assert len(again.protect.audit_entries()) == verdict.entries


def test_the_labels_covered_are_the_labels_automation_may_action() -> None:
    from heard.protect.taxonomy import AUTO_ACTION_ALLOWED
    from heard.store.coverage import LABELS

    assert set(LABELS) == AUTO_ACTION_ALLOWED
