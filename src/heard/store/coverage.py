"""Migration 22, on both backends: an automated decision covers the spam and scam flags of its run.

Heard decides spam and scams automatically (RIGHTS.md §5), one decision per post; since b052bca
that decision also closes the post's other spam and scam flags raised in the same run
(``heard.protect.automation.automated_decisions``). A store written before holds automated
decisions whose run left such a flag pending beside them, so the post came back to the review
queue although it was actioned already, and deciding it there replaced the automated decision.

This migration closes each such flag as the decision would have: status ``decided``, with an
audit entry (``coverage``: the decision that covers it and why) in the same hash chain, so that
``heard audit verify`` still finds every flag's status where its entries put it. Only a detector
flag that is still pending, of a label that may be actioned automatically, raised in the same
run (same post, same time) as a flag the decision closed, while that decision is the one in force
on the post (its newest, not ``no_action``, not reversed on appeal: a lifted or replaced
decision covers nothing). A flag of any other label keeps waiting for a person."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from heard.clock import utcnow
from heard.store.audit_chain import canonical, chained

LABELS = ("scam_fraud", "spam")
"""The labels an automated decision may cover (``heard.protect.taxonomy.AUTO_ACTION_ALLOWED``;
the store imports no side, a test keeps the two equal)."""
REASON = (
    "an automated decision covers the spam and scam flags of its run; this flag, left pending "
    "beside it by an older Heard, is closed by it"
)


def stale_flags(store: Any) -> list[tuple[dict[str, Any], str]]:
    """``(flag, decision_id)`` for each pending spam or scam detector flag that the automated
    decision in force on its post covers (same run as a flag it closed)."""
    marks = ", ".join("?" * len(LABELS))
    pending = store.rows(
        "SELECT flag_id, post_id, created_at FROM flags WHERE status = 'pending' "
        f"AND source = 'detector' AND label IN ({marks}) ORDER BY post_id, flag_id",
        list(LABELS),
    )
    if not pending:
        return []
    posts = sorted({f["post_id"] for f in pending})
    decisions = store.rows(
        "SELECT d.decision_id, d.post_id, d.flag_ids, d.decision, d.automated_decision, "
        "a.outcome FROM decisions d LEFT JOIN appeals a ON a.decision_id = d.decision_id "
        f"WHERE d.post_id IN ({', '.join('?' * len(posts))}) "
        "ORDER BY d.post_id, d.created_at, d.decision_id",
        posts,
    )
    newest: dict[str, dict[str, Any]] = {}
    for d in decisions:
        newest[d["post_id"]] = d  # the newest last: the one in force (heard.read.moderation)
    closed_by: dict[str, set[str]] = defaultdict(set)
    for d in newest.values():
        if d["automated_decision"] and d["decision"] != "no_action" and d["outcome"] != "reversed":
            closed_by[d["post_id"]].update(json.loads(d["flag_ids"]))
    ids = sorted({i for s in closed_by.values() for i in s})
    if not ids:
        return []
    runs = {
        (r["post_id"], r["flag_id"]): r["created_at"]
        for r in store.rows(
            f"SELECT flag_id, post_id, created_at FROM flags WHERE flag_id IN "
            f"({', '.join('?' * len(ids))})",
            ids,
        )
    }
    out = []
    for f in pending:
        d = newest.get(f["post_id"])
        if d is None or f["post_id"] not in closed_by:
            continue
        if any(runs.get((f["post_id"], i)) == f["created_at"] for i in closed_by[f["post_id"]]):
            out.append((f, str(d["decision_id"])))
    return out


def cover_automated_runs(store: Any) -> None:
    """Migration 22 (inside its transaction): close each flag of ``stale_flags`` with its audit
    entry."""
    at = utcnow()
    for flag, decision_id in stale_flags(store):
        store.execute("UPDATE flags SET status = 'decided' WHERE flag_id = ?", [flag["flag_id"]])
        payload = {"decision_id": decision_id, "status": "decided", "reason": REASON}
        entry = chained(
            store.protect.audit_tail(), at, "coverage", flag["flag_id"], canonical(payload)
        )
        store.protect.insert_audit(entry)
