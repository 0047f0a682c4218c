"""The review queue with gold items mixed in, and reviewer calibration (Cohen's κ).

Gold items are texts with a known right decision. They look like any other queue item (same id
shape, no marker shown), one after every ``gold_every`` real flags while the moderator has gold
items left to answer; a moderator's answers to them are compared with the known decisions, and
Cohen's κ (agreement corrected for chance) is reported per moderator to admins. κ is about how a
moderator decides, over gold texts; it is never about an author.

In the review item (``heard.read.protect.review_item``) a gold text has the shape of a report
without a note. Known limit: its post has no id (``null`` in the API), and none can be looked up.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from heard.clock import utcnow
from heard.errors import ConflictError, InputError
from heard.protect.inputs import decision_input, decision_keywords
from heard.protect.review import Review, check_label, short_id
from heard.protect.statement import DECISIONS
from heard.protect.taxonomy import LABELS

GOLD_EVERY = 5


def mix_gold(
    flags: Sequence[dict[str, Any]], gold: Sequence[dict[str, Any]], every: int = GOLD_EVERY
) -> list[dict[str, Any]]:
    """``flags`` in order, with one gold item after every ``every`` of them (and one first when
    there are fewer flags than that, so calibration does not wait for a busy queue)."""
    out: list[dict[str, Any]] = []
    gold_left = list(gold)
    for i, flag in enumerate(flags):
        if i % every == 0 and gold_left and i > 0:
            out.append(gold_left.pop(0))
        out.append(flag)
    if gold_left and len(flags) < every:
        out.insert(0, gold_left.pop(0))
    return out


def gold_as_item(gold: dict[str, Any]) -> dict[str, Any]:
    """A gold item in the queue's shape (no score: a person decides it from the text). It reads
    as a report — a flag without a detector or a score — so nothing tells it from one."""
    return {
        "flag_id": gold["gold_id"],
        "post_id": None,
        "label": gold["label"],
        "source": "public_report",
        "detector": None,
        "version": None,
        "score": None,
        "threshold": None,
        "evidence": {},
        "status": "pending",
        "text": gold["text"],
        "created_at": gold.get("created_at"),
        "gold": True,
    }


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """κ between two raters over (answer, expected) pairs; None when it is undefined (no pairs,
    or both raters always gave the same single category)."""
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[c] * second[c] for c in first) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def kappa_by_moderator(answers: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per moderator: gold items answered, raw agreement and Cohen's κ against the known answers."""
    by: dict[str, list[tuple[str, str]]] = {}
    for a in answers:
        by.setdefault(a["moderator"], []).append((a["answer"], a["expected"]))
    out = []
    for moderator, pairs in sorted(by.items()):
        kappa = cohen_kappa(pairs)
        out.append(
            {
                "moderator": moderator,
                "answered": len(pairs),
                "agreement": round(sum(a == b for a, b in pairs) / len(pairs), 4),
                "kappa": None if kappa is None else round(kappa, 4),
            }
        )
    return out


class Calibration:
    """Gold items in the store: added by admins, answered in the queue, scored per moderator."""

    def __init__(self, store: Any, clock: Callable[[], datetime] = utcnow):
        self.store = store
        self.clock = clock

    def add_gold(self, text: str, label: str, expected: str) -> dict[str, Any]:
        if label not in LABELS:
            raise InputError(
                f"{label!r} is not a taxonomy label", "use one of: " + ", ".join(LABELS)
            )
        if expected not in DECISIONS:
            raise InputError(
                f"{expected!r} is not a decision", "use one of: " + ", ".join(DECISIONS)
            )
        if not text.strip():
            raise InputError("a gold item needs a text", "give the text to decide on")
        row = {
            "gold_id": short_id("f", "gold", text.strip(), label),
            "text": text.strip(),
            "label": label,
            "expected": expected,
            "created_at": self.clock(),
        }
        stored = next(
            (g for g in self.store.protect.gold_items() if g["gold_id"] == row["gold_id"]), None
        )
        if stored is not None:  # the same text and label: its id; nothing is written again
            if stored["expected"] != expected:
                raise ConflictError(
                    f"gold item {row['gold_id']} has this text and label already, with the "
                    f"expected decision {stored['expected']!r}",
                    "answers are scored against that one; a different expected decision needs "
                    "a different text or label",
                )
            return {**stored, "added": False}
        with self.store.transaction():
            self.store.protect.insert_gold(row)
        return {**row, "added": True}

    def queue(
        self, moderator: str, limit: int = 20, every: int = GOLD_EVERY
    ) -> list[dict[str, Any]]:
        """The moderator's queue: pending flags by priority with unanswered gold items mixed in."""
        Review(self.store, self.clock).moderator(moderator)
        flags = self.store.protect.pending_flags(limit)
        gold = [gold_as_item(g) for g in self.store.protect.gold_unanswered(moderator)]
        return mix_gold(flags, gold, every)[:limit]

    def is_gold(self, item_id: str) -> bool:
        return any(g["gold_id"] == item_id for g in self.store.protect.gold_items())

    def answer(
        self,
        gold_id: str,
        decision: str,
        moderator: str,
        facts: str,
        *,
        label: str | None = None,
        ground: str = "incompatible",
        legal_ground: str | None = None,
        keywords: Sequence[str] | None = None,
    ) -> dict[str, Any]:
        """A moderator's answer to a gold item, taken like a decision on a flag: the same input
        is refused with the same words (no facts, an 'illegal' ground without its law, a label
        outside the taxonomy), and a second answer is refused as a decided flag is. Otherwise a
        gold item would give itself away, and a moderator could redo their calibration."""
        Review(self.store, self.clock).moderator(moderator)
        decision_input(decision, facts, ground, legal_ground)
        earlier = [
            a["answer"]
            for a in self.store.protect.gold_answers()
            if a["gold_id"] == gold_id and a["moderator"] == moderator
        ]
        if earlier:
            status = "dismissed" if earlier[0] == "no_action" else "decided"
            raise ConflictError(
                f"flag {gold_id} is {status} already",
                "see its decision in the decisions list (heard decisions; GET /api/v1/decisions)",
            )
        gold: dict[str, Any] = next(
            (g for g in self.store.protect.gold_items() if g["gold_id"] == gold_id), {}
        )
        check_label(label or gold.get("label") or "")
        decision_keywords(decision, label or gold["label"], keywords)
        with self.store.transaction():
            self.store.protect.answer_gold(gold_id, moderator, decision, self.clock())
        return {"gold_id": gold_id, "moderator": moderator, "answer": decision}

    def report(self) -> list[dict[str, Any]]:
        return kappa_by_moderator(self.store.protect.gold_answers())
