"""When a detector flag may become an automated decision (RIGHTS.md §5, issue 19 §3).

Only spam and scams may be actioned without a person, and only when **two independent
detectors agree**: the flag that leads (the highest-scoring one ``merge_flags`` kept for the
label) must score at least the automatic-action threshold and not be for review only, and a
detector of **another family** must have flagged the same label too (``seconded_by``). Every
other flag waits for a moderator. The false automated decisions measured before this rule each
came from one detector alone (a rule set, or a head); two families rarely err on the same text.

Families: the rule sets (``rules.*``) are one; the learned heads (``sms_spam``, ``written_head``)
are another — both learnt from the SMS Spam Collection, so they are never independent of each
other. A second opinion counts when it is not for review only, or when its detector marks it as
a second key (``details["second_key"]``: the ``written_head`` flags, review only because their
precision alone is not proven, never because of the text). A flag that is for review only
because of what the text is (``sms_spam`` on a link alone, civic speech, a complaint about
charges) seconds nothing.
"""

from __future__ import annotations

from typing import Any

from heard.protect.taxonomy import AUTO_ACTION_ALLOWED

LEARNED = frozenset({"sms_spam", "written_head"})
"""Detectors that are learnt heads sharing training data: one family."""


def family_of(detector: str | None) -> str:
    """``rules`` for a rule set, ``learned`` for a head, else the detector's own name."""
    name = detector or ""
    if name.startswith("rules."):
        return "rules"
    if name in LEARNED:
        return "learned"
    return name


def second_opinion(flag: dict[str, Any]) -> dict[str, Any]:
    """What ``merge_flags`` keeps of a flag that did not lead its label (``seconded_by``)."""
    details = flag.get("details") or {}
    return {
        "detector": flag["detector"],
        "version": flag["version"],
        "score": flag["score"],
        "threshold": flag["threshold"],
        "counts": bool(details.get("second_key") or not details.get("review_only", False)),
    }


def seconds(detector: str | None, evidence: dict[str, Any]) -> list[dict[str, Any]]:
    """The second opinions in ``evidence`` from detectors of another family than ``detector``."""
    own = family_of(detector)
    return [
        s
        for s in evidence.get("seconded_by") or []
        if isinstance(s, dict) and s.get("counts") and family_of(s.get("detector")) != own
    ]


def why_not_automated(
    label: str,
    score: float | None,
    detector: str | None,
    evidence: dict[str, Any],
    threshold: float | None,
) -> str | None:
    """None when a detector flag may be decided automatically; otherwise why it waits."""
    if threshold is None:
        return "automated decisions are off"
    if label not in AUTO_ACTION_ALLOWED:
        return f"{label} is never decided automatically (RIGHTS.md §5)"
    if score is None or score < threshold:
        return "its score is below the automatic-action threshold"
    if (evidence.get("details") or {}).get("review_only", False):
        return "its detector only proposes it for review"
    if not seconds(detector, evidence):
        return "no detector of another family agrees (two independent detectors are needed)"
    return None


def automatable(flag: dict[str, Any], threshold: float | None) -> bool:
    """``why_not_automated`` for a flag as the stage gives it (or a ``flags`` row)."""
    evidence = flag.get("evidence")
    if evidence is None:  # the stage's dict: the evidence keys are the flag's own
        evidence = flag
    return (
        why_not_automated(
            flag["label"], flag.get("score"), flag.get("detector"), evidence, threshold
        )
        is None
    )


def automatable_alone(flag: dict[str, Any], threshold: float | None) -> bool:
    """The rule before two detectors were needed (one detector sufficed): for the benchmark
    that measures what the rule changed."""
    evidence = flag.get("evidence", flag)
    return (
        threshold is not None
        and flag["label"] in AUTO_ACTION_ALLOWED
        and float(flag.get("score") or 0.0) >= threshold
        and not (evidence.get("details") or {}).get("review_only", False)
    )


def automated_decisions(
    rows: list[dict[str, Any]], threshold: float | None
) -> dict[str, list[dict[str, Any]]]:
    """The flags of one run each automated decision covers, per post, the strongest automatable
    flag first: a post with an ``automatable`` flag gets one decision, which also covers its other
    spam and scam flags of the run (the post is actioned already; left pending they would put it
    back in the queue, where deciding replaces the automated decision). Flags of any other label
    are never covered: they wait for a moderator (RIGHTS.md §5)."""
    leads: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if automatable(r, threshold):
            leads.setdefault(r["post_id"], []).append(r)
    out = {}
    for post_id, flags in leads.items():
        lead = sorted(flags, key=lambda f: -f["score"])
        others = [
            r
            for r in rows
            if r["post_id"] == post_id and r["label"] in AUTO_ACTION_ALLOWED and r not in lead
        ]
        out[post_id] = lead + sorted(others, key=lambda f: -float(f.get("score") or 0.0))
    return out


def automated_facts(flags: list[dict[str, Any]]) -> str:
    """The facts of an automated decision on ``flags`` (the lead first): the lead's detector,
    score and rule, each detector that agreed, and each other flag the decision covers."""
    flag = flags[0]
    agreed = "".join(
        f"; {s['detector']}@{s['version']} agreed ({float(s['score']):.2f} ≥ "
        f"{float(s['threshold']):.2f})"
        for s in seconds(flag["detector"], flag["evidence"])
    )
    covered = "".join(
        f"; it also covers the {f['label']} flag of {f['detector']}@{f['version']} "
        f"({float(f.get('score') or 0.0):.2f})"
        for f in flags[1:]
    )
    return (
        f"Automated: detector {flag['detector']}@{flag['version']} scored "
        f"{flag['score']:.2f} for {flag['label']}, at or above the automatic-action "
        f"threshold; rule {flag['evidence'].get('rule', '-')}{agreed}{covered}."
    )
