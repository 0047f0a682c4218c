"""A rescan lifts the automated decisions the current detectors would no longer take.

An automated decision (spam and scams only, RIGHTS.md §5) rests on nothing but the detectors and
the automation rule of the day. When a rescan with the current ones would not decide the post
automatically — the label is no longer raised, or it is but no longer by two independent
detectors (``heard.protect.automation``) — the restriction has lost its ground: it is lifted by
a new automated ``no_action`` decision, with a statement of reasons that says so. The decision
lifted stays in the record (the newest decision is the one in force,
``heard.read.moderation``). Flags of the label that the rescan still raises go back to the
queue (``reopening``, audited): a person decides them.

A flag an earlier rescan withdrew that the current detectors raise again is reopened the same
way (``reinstate_raised``).

Never lifted: a decision a person took, one whose appeal a moderator decided (a person looked at
it), and anything while automated decisions are off (``auto_threshold`` None: turning
automation off is not a verdict on what it did).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from heard.protect import audit
from heard.protect.automation import automatable
from heard.protect.review import short_id


def lift_unsupported(
    review: Any,
    per_post: Iterable[tuple[str, list[dict[str, Any]]]],
    detectors: str,
    auto_threshold: float | None,
) -> int:
    """For posts rescanned (each with the flags the current ``detectors`` raise on it): lift the
    automated decision in force that they would no longer take. Returns how many were lifted."""
    if auto_threshold is None:
        return 0
    now = dict(per_post)
    store = review.store
    lifted = 0
    for post_id, d in store.protect.latest_decisions(sorted(now)).items():
        if not d["automated_decision"] or d["decision"] == "no_action":
            continue
        if d.get("appeal_status") == "decided":  # a moderator looked at it
            continue
        raised = [f for f in now[post_id] if f["label"] == d["label"]]
        if any(automatable(f, auto_threshold) for f in raised):
            continue
        flags = [f for f in store.protect.flags_of_post(post_id) if f["flag_id"] in d["flag_ids"]]
        if not flags:
            continue
        why = (
            "it is no longer raised"
            if not raised
            else "two independent detectors no longer agree on it above the threshold"
        )
        # each flag the decision covered that the rescan still raises (the lead's label, or
        # another spam or scam flag it covered: automation.automated_decisions)
        still = {f["label"] for f in now[post_id]}
        reopen = [f for f in flags if f["label"] in still]
        facts = (
            f"Automated: a rescan with {detectors} would not decide {d['label']} on this post "
            f"automatically ({why}); the automated decision {d['decision_id']} is lifted"
            + ("; each flag still raised waits for a moderator." if reopen else ".")
        )
        with store.transaction():  # the lifting decision and the reopened flags commit together
            review._decide(
                flags,
                "no_action",
                facts,
                moderator=None,
                label=d["label"],
                ground="incompatible",
                automated=True,
            )
            at = review.clock()
            store.protect.set_flag_status([f["flag_id"] for f in reopen], "pending")
            for f in reopen:
                payload = {
                    "post_id": post_id,
                    "status": "pending",
                    "reason": f"the automated decision {d['decision_id']} was lifted; the "
                    "rescan still raises the label",
                }
                audit.append(store, "reopening", f["flag_id"], payload, at)
        lifted += 1
    return lifted


def reinstate_raised(
    review: Any, per_post: Iterable[tuple[str, list[dict[str, Any]]]], detectors: str
) -> int:
    """For posts rescanned: a detector flag an earlier rescan withdrew that the current
    ``detectors`` raise again goes back to the queue (``reopening``, audited): its id is taken, so
    it would otherwise never be seen again. Returns how many."""
    store = review.store
    ids = {
        short_id("f", post_id, f["label"], "detector"): post_id
        for post_id, flags in per_post
        for f in flags
    }
    again = sorted(store.protect.withdrawn_flags(sorted(ids)))
    if not again:
        return 0
    at = review.clock()
    with store.transaction():
        store.protect.set_flag_status(again, "pending")
        for flag_id in again:
            payload = {
                "post_id": ids[flag_id],
                "status": "pending",
                "reason": f"a rescan with {detectors} raises it again",
            }
            audit.append(store, "reopening", flag_id, payload, at)
    return len(again)
