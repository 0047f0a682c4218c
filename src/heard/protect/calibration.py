"""The review queue with gold items mixed in, and reviewer calibration (Cohen's κ).

Gold items are texts with a known right decision. They look like any other queue item (same id
shape, no marker shown), one after every ``gold_every`` real flags while the moderator has gold
items left to answer; a moderator's answers to them are compared with the known decisions, and
Cohen's κ (agreement corrected for chance) is reported per moderator to admins. κ is about how a
moderator decides, over gold texts; it is never about an author.

A moderator sees a gold item, before and when deciding, in the shape of a real report: a flag id
and a post id in the same id spaces as real ones (``gold_post_id``), the same fields in the queue
and in the flags list, and the same decide answer (a decision id, the statement of reasons and a
notice token). None of that is stored: the answer is the only row written. What a determined
moderator can still infer is in docs/protect/calibration.md.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from heard.clock import utcnow
from heard.errors import ConflictError, InputError
from heard.protect.inputs import decision_input, decision_keywords, flags_seen
from heard.protect.review import Review, check_label, priority, short_id
from heard.protect.statement import DECISIONS, build_statement
from heard.protect.detectors.script import is_chinese
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


def gold_post_id(source: str, gold_id: str) -> str:
    """The post id a gold item shows: ``source:digits`` like a stored post's, stable for the item
    (digits from its id's hash), stored nowhere and never a real post's."""
    digits = str(int(hashlib.sha256(f"gold|{gold_id}".encode()).hexdigest()[:14], 16))
    return f"{source}:{digits}"


def gold_as_item(gold: dict[str, Any], post_id: str | None = None) -> dict[str, Any]:
    """A gold item in the queue's shape (no score: a person decides it from the text). It reads
    as a report — a flag without a detector or a score — so nothing tells it from one."""
    return {
        "flag_id": gold["gold_id"],
        "flag_ids": [gold["gold_id"]],
        "post_id": post_id or gold_post_id("post", gold["gold_id"]),
        "label": gold["label"],
        "source": "public_report",
        "detector": None,
        "version": None,
        "score": None,
        "threshold": None,
        "evidence": {},
        "status": "pending",
        "priority": priority("public_report", None),
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
        return mix_gold(flags, self.unanswered(moderator), every)[:limit]

    def unanswered(self, moderator: str) -> list[dict[str, Any]]:
        """The gold items ``moderator`` has not answered, as queue items (flags of a report)."""
        source = self.source()
        return [
            gold_as_item(g, gold_post_id(source, g["gold_id"]))
            for g in self.store.protect.gold_unanswered(moderator)
        ]

    def source(self) -> str:
        """The source a gold item's post id is shown under: the oldest flag's post's."""
        return self.store.protect.first_flagged_source() or "post"

    def gold_of_post(self, post_id: str) -> str | None:
        """The gold item that shows ``post_id`` as its post's id, or None (a real post's id)."""
        if self.store.protect.post(post_id) is not None:
            return None
        source = self.source()
        return next(
            (
                g["gold_id"]
                for g in self.store.protect.gold_items()
                if gold_post_id(source, g["gold_id"]) == post_id
            ),
            None,
        )

    def is_gold(self, item_id: str) -> bool:
        return any(g["gold_id"] == item_id for g in self.store.protect.gold_items())

    def gold_list(self) -> list[dict[str, Any]]:
        """Every gold item with its expected decision and answers given (for admins only)."""
        answered = Counter(a["gold_id"] for a in self.store.protect.gold_answers())
        return [
            {
                "gold_id": g["gold_id"],
                "label": g["label"],
                "expected": g["expected"],
                "created_at": g["created_at"],
                "answered": answered[g["gold_id"]],
            }
            for g in self.store.protect.gold_items()
        ]

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
        seen: Sequence[str] | None = None,
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
        label = label or gold.get("label") or ""
        check_label(label)
        applies = decision_keywords(decision, label, keywords)
        flags_seen(gold_id, seen, [gold_id])  # its one flag, checked as a real item's flags
        at = self.clock()
        shown = self._decision_shape(
            gold, decision, facts, moderator, label, ground, at,
            legal_ground=legal_ground, keywords=applies,
        )  # fmt: skip
        with self.store.transaction():
            self.store.protect.answer_gold(gold_id, moderator, decision, at)
        return shown

    def _decision_shape(
        self,
        gold: dict[str, Any],
        decision: str,
        facts: str,
        moderator: str,
        label: str,
        ground: str,
        at: datetime,
        **more: Any,
    ) -> dict[str, Any]:
        """What ``Review.decide`` answers, for a gold answer: the moderator sees the same keys,
        a decision id, the statement of reasons the decision would have and a notice token.
        Nothing of it is stored (no decision, statement, notice or audit entry): the decision
        id finds nothing and the token opens nothing."""
        item = gold_as_item(gold, gold_post_id(self.source(), gold["gold_id"]))
        post_id = item["post_id"]
        decision_id = short_id("d", post_id, gold["gold_id"], at.isoformat())
        post = {
            "id": post_id,
            "source": post_id.split(":", 1)[0],
            "title": None,
            "text": gold["text"],
            "lang": "zh" if is_chinese(gold["text"]) else "en",
            "created_at": gold.get("created_at"),
            "url": None,
        }
        review = Review(self.store, self.clock)
        statement = build_statement(
            decision_id=decision_id,
            decision=decision,
            label=review.taxonomy[label] if decision != "no_action" else None,
            ground=ground,
            facts=facts,
            post=post,
            flags=[item],
            automated_decision=False,
            decided_at=at,
            taxonomy_version=review.taxonomy.version,
            **more,
        )
        return {
            "decision_id": decision_id,
            "post_id": post_id,
            "flag_ids": [gold["gold_id"]],
            "decision": decision,
            "label": label,
            "automated_detection": statement["automated_detection"] == "Yes",
            "automated_decision": False,
            "moderator": moderator,
            "facts": facts,
            "ground": ground,
            "created_at": at,
            "statement": statement,
            "author_token": secrets.token_urlsafe(24),
        }

    def report(self) -> list[dict[str, Any]]:
        return kappa_by_moderator(self.store.protect.gold_answers())
