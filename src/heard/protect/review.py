"""Flags, the review queue, decisions and appeals (issue 19 §3–§4; RIGHTS.md §4–§5).

* **Flags** come from detectors (the ``harm`` stage, persisted by ``FlagOperator``), from anyone
  (``public_report``) and from trusted flaggers (an account attribute). ``priority`` orders the
  queue: trusted flaggers first, then score.
* **Decisions** are about a post, never a person: ``no_action``, ``label``, ``limit_visibility``
  or ``remove``, with a fact statement, and a statement of reasons in the DSA fields
  (``heard.protect.statement``). A decision closes the pending flags of its post, which must be
  exactly those the moderator was shown (else 409, nothing decided). Only spam and
  scams may be decided without a person (``auto_decide``), above a threshold, and only when two
  independent detectors agree (``heard.protect.automation``).
* **Appeals**: once per decision; decided by a moderator other than the one who decided.
* Every flag, decision and appeal is written together with its audit entry
  (``heard.protect.audit``) in one transaction.

Nothing here is keyed by author: there is no function that takes an author, and no table that
has one (the flags, decisions and appeals tables hold post ids).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from heard.auth.roles import Role
from heard.clock import utcnow
from heard.errors import ConflictError, InputError, NotFoundError
from heard.protect import audit
from heard.protect.automation import automated_decisions, automated_facts
from heard.protect.inputs import (
    appeal_reasons,
    decision_input,
    decision_keywords,
    flags_seen,
    said,
)
from heard.protect.statement import build_statement
from heard.protect.taxonomy import AUTO_ACTION_ALLOWED, LABELS, load_taxonomy
from heard.read.common import safe_evidence

SOURCES = ("detector", "public_report", "trusted_flagger")
OUTCOMES = ("upheld", "reversed")
TRUSTED_BONUS = 10.0
"""Added to a trusted flagger's priority so that every trusted flag comes before any other."""
REPORT_SCORE = 0.5
"""The score a report without one counts with in the queue."""
REPORT_NOTE_MAX = 2000
"""The longest note a report may carry, in characters (after trimming): longer is refused."""
APPEAL_MAX = 5000
"""The longest appeal text, in characters (after trimming): longer is refused, never cut."""


def appeal_text(text: str | None) -> str:
    """The author's reasons, trimmed: an appeal must say why the decision is wrong (DSA Art. 20),
    so nothing or only whitespace is refused, and so is a text over ``APPEAL_MAX`` characters
    (refused whole, with its length, rather than silently cut)."""
    reasons = said(text)
    if not reasons:
        raise InputError(
            "an appeal must say why the decision is wrong (DSA Art. 20)",
            "write what the decision got wrong about the post; an empty appeal is not filed",
        )
    if len(reasons) > APPEAL_MAX:
        raise InputError(
            f"an appeal is at most {APPEAL_MAX:,} characters; this one has {len(reasons):,}",
            "shorten it to the reasons the decision is wrong; nothing was filed",
        )
    return reasons


def short_id(prefix: str, *parts: Any) -> str:
    """A stable id from the parts (the same flag stored twice is the same row)."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return f"{prefix}-{digest[:12]}"


def notice_hash(token: str) -> str:
    """What is stored of a notice token (never the token)."""
    return hashlib.sha256(token.encode()).hexdigest()


def priority(source: str, score: float | None) -> float:
    """Trusted flaggers first, then by score (RIGHTS.md §5: explained, ordered, not hidden)."""
    return (TRUSTED_BONUS if source == "trusted_flagger" else 0.0) + float(
        REPORT_SCORE if score is None else score
    )


def detector_flag_rows(
    post_id: str, flags: Iterable[dict[str, Any]], at: datetime
) -> list[dict[str, Any]]:
    """The stage's flags of one post as ``flags`` rows (status pending)."""
    rows = []
    for f in flags:
        evidence = {
            k: f[k]
            for k in ("rule", "matches", "details", "nearest_examples", "also", "seconded_by")
            if k in f
        }
        rows.append(
            {
                "flag_id": short_id("f", post_id, f["label"], "detector"),
                "post_id": post_id,
                "label": f["label"],
                "source": "detector",
                "detector": f["detector"],
                "version": f["version"],
                "score": float(f["score"]),
                "threshold": float(f["threshold"]),
                "evidence": evidence,
                "status": "pending",
                "priority": priority("detector", f["score"]),
                "created_at": at,
            }
        )
    return rows


def check_label(label: str) -> None:
    if not label:
        raise InputError(
            "no label was chosen",
            "choose the harm the post does: one of " + ", ".join(LABELS),
            field="label",
        )
    if label not in LABELS:
        raise InputError(
            f"{label!r} is not a label of the harm taxonomy",
            "use one of: " + ", ".join(LABELS) + " (political opinion never is one)",
            field="label",
        )


class Review:
    """Flags, decisions and appeals over one store. ``clock`` returns naive UTC datetimes."""

    def __init__(self, store: Any, clock: Callable[[], datetime] = utcnow):
        self.store = store
        self.clock = clock
        self.taxonomy = load_taxonomy()

    # ---- who may do what --------------------------------------------------------------------
    def moderator(self, username: str) -> str:
        """``username`` when it is an account with the moderator role (or above)."""
        row = self.store.accounts.user(username)
        if row is None:
            raise InputError(
                f"no user {username!r}", "add one: heard users add NAME --role moderator"
            )
        if Role[row[1]] < Role.moderator:
            raise InputError(
                f"{username!r} is a {row[1]}, not a moderator",
                "decisions and appeals need the moderator role: "
                "heard users add NAME --role moderator",
            )
        return username

    # ---- flags ------------------------------------------------------------------------------
    def record_detector_flags(
        self,
        per_post: Iterable[tuple[str, list[dict[str, Any]]]],
        auto_threshold: float | None = None,
        auto_action: str = "limit_visibility",
    ) -> dict[str, int]:
        """Store the stage's flags (new ones only), each with its audit entry, and decide spam and
        scams at or above ``auto_threshold`` automatically (None: never) when two independent
        detectors agree (``heard.protect.automation.automatable``)."""
        at = self.clock()
        rows = [r for post_id, flags in per_post for r in detector_flag_rows(post_id, flags, at)]
        new = self.store.protect.new_flag_ids([r["flag_id"] for r in rows])
        rows = [r for r in rows if r["flag_id"] in new]
        counts = {"flags": len(rows), "automated_decisions": 0}
        if not rows:
            return counts
        texts = self.store.protect.texts_of(sorted({r["post_id"] for r in rows}))
        with self.store.transaction():
            self.store.protect.insert_flags(rows)
            for r in rows:
                payload = _flag_payload(r, texts.get(r["post_id"]))
                audit.append(self.store, "flag", r["flag_id"], payload, at)
            if auto_threshold is None:
                return counts
            # one decision per post, covering its spam and scam flags of the run; others wait
            for post_id, flags in automated_decisions(rows, auto_threshold).items():
                if self.appeal_waiting(post_id) is not None:
                    continue  # it would replace the appealed decision: a person decides
                self.auto_decide(flags, auto_action)
                counts["automated_decisions"] += 1
        return counts

    def withdraw_unraised(
        self, per_post: Iterable[tuple[str, list[dict[str, Any]]]], detectors: str
    ) -> int:
        """After a rescan of some posts (each with the flags the current ``detectors`` raise on
        it now): withdraw each pending detector flag of those posts whose label they no longer
        raise — a flag from before a fix. Withdrawn is a status with an audit entry (the flag and
        its history stay); a flag a moderator decided (decided, dismissed) stays as it is, and a
        report by a person is never withdrawn. Returns how many were withdrawn."""
        raised = {post_id: {f["label"] for f in flags} for post_id, flags in per_post}
        stale = [
            f
            for f in self.store.protect.pending_detector_flags(sorted(raised))
            if f["label"] not in raised[f["post_id"]]
        ]
        if not stale:
            return 0
        at = self.clock()
        with self.store.transaction():
            self.store.protect.set_flag_status([f["flag_id"] for f in stale], "withdrawn")
            for f in stale:
                payload = {
                    "post_id": f["post_id"],
                    "label": f["label"],
                    "detector": f["detector"],
                    "version": f["version"],
                    "status": "withdrawn",
                    "reason": "a rescan with the current detectors no longer raises it",
                    "rescanned_with": detectors,
                }
                audit.append(self.store, "withdrawal", f["flag_id"], payload, at)
        return len(stale)

    def report(
        self, post_id: str, label: str, *, note: str = "", flagger: str | None = None
    ) -> dict[str, Any]:
        """A report by anyone (``flagger`` None) or by an account; an account marked trusted
        flagger makes it a ``trusted_flagger`` flag, first in the queue."""
        check_label(label)
        note = (note or "").strip()
        if len(note) > REPORT_NOTE_MAX:
            raise InputError(
                f"a report's note is at most {REPORT_NOTE_MAX:,} characters; this one has "
                f"{len(note):,}",
                "say briefly what is wrong with the post; nothing was filed",
            )
        if self.store.protect.post(post_id) is None:
            raise NotFoundError(f"no post {post_id!r}", "give the id of a stored post")
        source = "public_report"
        if flagger is not None and self.store.accounts.is_trusted_flagger(flagger):
            source = "trusted_flagger"
        at = self.clock()
        row = {
            "flag_id": short_id("f", post_id, label, source, flagger or "", at.isoformat()),
            "post_id": post_id,
            "label": label,
            "source": source,
            "detector": None,
            "version": None,
            "score": None,
            "threshold": None,
            "evidence": {"note": note} if note else {},
            "status": "pending",
            "priority": priority(source, None),
            "created_at": at,
        }
        with self.store.transaction():
            self.store.protect.insert_flags([row])
            audit.append(self.store, "flag", row["flag_id"], _flag_payload(row, None), at)
        return row

    # ---- decisions --------------------------------------------------------------------------
    def auto_decide(self, flags: list[dict[str, Any]], action: str) -> dict[str, Any]:
        """An automated decision on a post's spam or scam flags, the automatable lead first
        (RIGHTS.md §5: only these labels; flags of any other label on the post stay for a
        moderator; ``automated_decisions`` says which flags one decision covers)."""
        refused = sorted({f["label"] for f in flags} - AUTO_ACTION_ALLOWED)
        if refused:
            raise InputError(
                f"{refused[0]!r} may not be decided automatically (RIGHTS.md §5)",
                "leave it in the queue for a moderator",
            )
        if action not in ("label", "limit_visibility", "remove"):
            raise InputError(
                f"{action!r} is not an automated action", "use label, limit_visibility or remove"
            )
        facts = automated_facts(flags)
        return self._decide(
            flags,
            action,
            facts,
            moderator=None,
            label=flags[0]["label"],
            ground="incompatible",
            automated=True,
        )

    def decide(
        self,
        flag_id: str,
        decision: str,
        facts: str,
        moderator: str,
        *,
        label: str | None = None,
        ground: str = "incompatible",
        legal_ground: str | None = None,
        keywords: Sequence[str] | None = None,
        seen: Sequence[str] | None = None,
    ) -> dict[str, Any]:
        """A moderator's decision on the post of ``flag_id``; it closes the post's pending flags,
        which must be exactly those the moderator was shown: ``seen`` (the queue item's
        ``flag_ids``; None: ``flag_id`` alone), else nothing is decided (``flags_seen``).
        ``label`` defaults to the flag's; ``keywords``: those of the label's DSA keywords that
        apply (``decision_keywords``)."""
        self.moderator(moderator)
        facts, legal_ground = decision_input(decision, facts, ground, legal_ground)
        flag = self.store.protect.flag(flag_id)
        if flag is None:
            raise NotFoundError(f"no flag {flag_id!r}", "take a flag from the review queue")
        if flag["status"] == "withdrawn":
            raise ConflictError(
                f"flag {flag_id} was withdrawn: a rescan with the current detectors no longer "
                "raises it",
                "its history says when and why; report the post if it still breaks a rule",
            )
        if flag["status"] != "pending":
            raise ConflictError(
                f"flag {flag_id} is {flag['status']} already",
                "see its decision in the decisions list (heard decisions; GET /api/v1/decisions)",
            )
        pending = {
            f["flag_id"]: f
            for f in self.store.protect.flags_of_post(flag["post_id"])
            if f["status"] == "pending"
        }
        label = label or flag["label"]
        check_label(label)
        applies = decision_keywords(decision, label, keywords)
        covered = flags_seen(flag_id, seen, list(pending))
        waiting = self.appeal_waiting(flag["post_id"])
        if waiting is not None:
            # a new decision would replace the appealed one and go around the appeal, by the
            # very moderator who may not decide it (DSA Art. 20)
            raise ConflictError(
                f"the author's appeal {waiting['appeal_id']} against decision "
                f"{waiting['decision_id']} on this post waits for a decision",
                f"decide appeal {waiting['appeal_id']} first, as a moderator who did not take "
                "that decision; the flag stays in the queue",
            )
        return self._decide(
            [pending[f] for f in covered],
            decision,
            facts,
            moderator=moderator,
            label=label,
            ground=ground,
            automated=False,
            legal_ground=legal_ground,
            keywords=applies,
        )

    def _decide(
        self,
        flags: list[dict[str, Any]],
        decision: str,
        facts: str,
        *,
        moderator: str | None,
        label: str,
        ground: str,
        automated: bool,
        legal_ground: str | None = None,
        keywords: Sequence[str] = (),
    ) -> dict[str, Any]:
        post_id = flags[0]["post_id"]
        post = self.store.protect.post(post_id) or {}
        at = self.clock()
        decision_id = short_id("d", post_id, *sorted(f["flag_id"] for f in flags), at.isoformat())
        statement = build_statement(
            decision_id=decision_id,
            decision=decision,
            label=self.taxonomy[label] if decision != "no_action" else None,
            ground=ground,
            facts=facts,
            post=post,
            flags=flags,
            automated_decision=automated,
            decided_at=at,
            taxonomy_version=self.taxonomy.version,
            legal_ground=legal_ground,
            keywords=keywords,
        )
        row = {
            "decision_id": decision_id,
            "post_id": post_id,
            "flag_ids": [f["flag_id"] for f in flags],
            "decision": decision,
            "label": label,
            "automated_detection": statement["automated_detection"] == "Yes",
            "automated_decision": automated,
            "moderator": moderator,
            "facts": facts,
            "ground": ground,
            "created_at": at,
            "statement": statement,
        }
        with self.store.transaction():
            self.store.protect.insert_decision(row)
            token = self._notice(post_id, at)
            self.store.protect.set_flag_status(
                row["flag_ids"], "dismissed" if decision == "no_action" else "decided"
            )
            audit.append(
                self.store,
                "decision",
                decision_id,
                {k: row[k] for k in row if k != "created_at"},
                at,
            )
        return {**row, "author_token": token}

    def _notice(self, post_id: str, at: datetime) -> str | None:
        """The post's notice token when this is its first decision (shown once: the platform
        hands it to the author), else None (the author has it already)."""
        if self.store.protect.has_notice(post_id):
            return None
        return self.renew_notice(post_id, at)

    def renew_notice(self, post_id: str, at: datetime | None = None) -> str:
        """A new notice token for a post with decisions (the old one stops working): for an
        automated decision, whose first token nobody saw, or a token the author lost."""
        if not self.store.protect.decisions_of_post(post_id):
            raise NotFoundError(
                f"no decision on post {post_id!r}",
                "see the decisions list (heard decisions; GET /api/v1/decisions)",
            )
        token = secrets.token_urlsafe(24)
        self.store.protect.save_notice(post_id, notice_hash(token), at or self.clock())
        return token

    def post_of_notice(self, token: str) -> str:
        """The post a notice token belongs to; ``NotFoundError`` for a wrong token."""
        post_id = self.store.protect.post_of_notice(notice_hash(token.strip())) if token else None
        if post_id is None:
            raise NotFoundError("no decision for this token", "copy the token from the notice")
        return post_id

    def appeal_with_notice(self, token: str, decision_id: str, text: str) -> dict[str, Any]:
        """The author's appeal, with the post's notice token (no account needed)."""
        post_id = self.post_of_notice(token)
        decision = self.store.protect.decision(decision_id)
        if decision is None or decision["post_id"] != post_id:
            raise NotFoundError("no decision for this token", "copy the token from the notice")
        return self.appeal(decision_id, text)

    # ---- appeals ----------------------------------------------------------------------------
    def appeal_waiting(self, post_id: str) -> dict[str, Any] | None:
        """The pending appeal against a decision on ``post_id``, if one waits: until it is
        decided the post takes no new decision, a person's or an automated one."""
        for earlier in self.store.protect.decisions_of_post(post_id):
            appeal = self.store.protect.appeal_of_decision(earlier["decision_id"])
            if appeal is not None and appeal["status"] == "pending":
                return appeal
        return None

    def appeal(self, decision_id: str, text: str) -> dict[str, Any]:
        """The author's appeal against a decision: once per decision."""
        decision = self.store.protect.decision(decision_id)
        if decision is None:
            raise NotFoundError(
                f"no decision {decision_id!r}",
                "see the decisions list (heard decisions; GET /api/v1/decisions)",
            )
        reasons = appeal_text(text)
        if decision["decision"] == "no_action":  # as the /statement page offers no form for it
            raise ConflictError(
                f"decision {decision_id} took no action on the post: there is nothing to appeal",
                "an appeal is against a decision that restricts the post (label, limit "
                "visibility, remove)",
            )
        latest = self.store.protect.latest_decisions([decision["post_id"]])[decision["post_id"]]
        if latest["decision_id"] != decision_id:
            raise ConflictError(
                f"decision {decision_id} is no longer in force: decision "
                f"{latest['decision_id']} ({latest['decision']}) replaced it",
                "appeal the decision in force, if it restricts the post",
            )
        if self.store.protect.appeal_of_decision(decision_id) is not None:
            raise ConflictError(
                f"decision {decision_id} has been appealed already",
                "a decision can be appealed once; see the decisions list (heard decisions; "
                "GET /api/v1/decisions)",
            )
        at = self.clock()
        row = {
            "appeal_id": short_id("a", decision_id),
            "decision_id": decision_id,
            "post_id": decision["post_id"],
            "filed_at": at,
            "text": reasons,
            "status": "pending",
            "decided_by": None,
            "outcome": None,
            "decided_at": None,
        }
        with self.store.transaction():
            self.store.protect.insert_appeal(row)
            audit.append(
                self.store,
                "appeal",
                row["appeal_id"],
                {
                    "decision_id": decision_id,
                    "post_id": row["post_id"],
                    "text": row["text"],
                    "status": "pending",
                },
                at,
            )
        return row

    def decide_appeal(
        self, appeal_id: str, outcome: str, moderator: str, facts: str = ""
    ) -> dict[str, Any]:
        """``upheld`` (the decision stands) or ``reversed``, by a moderator who did not take the
        decision appealed."""
        self.moderator(moderator)
        if outcome not in OUTCOMES:
            raise InputError(f"{outcome!r} is not an appeal outcome", "use upheld or reversed")
        appeal = self.store.protect.appeal(appeal_id)
        if appeal is None:
            raise NotFoundError(
                f"no appeal {appeal_id!r}",
                "see the decisions list (heard decisions; GET /api/v1/decisions)",
            )
        if appeal["status"] != "pending":
            raise ConflictError(
                f"appeal {appeal_id} is decided already ({appeal['outcome']})",
                "an appeal is decided once",
            )
        decision = self.store.protect.decision(appeal["decision_id"]) or {}
        if decision.get("moderator") == moderator:
            raise ConflictError(
                f"{moderator!r} took the decision under appeal and may not decide its appeal",
                "another moderator decides appeals (DSA Art. 20)",
            )
        facts = appeal_reasons(facts)
        at = self.clock()
        with self.store.transaction():
            self.store.protect.decide_appeal(appeal_id, moderator, outcome, at, facts)
            audit.append(
                self.store,
                "appeal_decision",
                appeal_id,
                {
                    "decision_id": appeal["decision_id"],
                    "outcome": outcome,
                    "decided_by": moderator,
                    "facts": facts,
                },
                at,
            )
        return {
            **appeal,
            "status": "decided",
            "decided_by": moderator,
            "outcome": outcome,
            "decided_at": at,
            "facts": facts,
        }


def _flag_payload(row: dict[str, Any], text: str | None) -> dict[str, Any]:
    """What a flag's audit entry records: its fields, the evidence redacted as every display
    redacts it against the post's raw ``text`` (``safe_evidence``): the log is append-only, so a
    phone number a detector matched must never enter it. The flags row keeps the evidence as
    found (like the post its text); ``verify`` does not compare evidence."""
    return {
        "evidence": safe_evidence(row["evidence"], text),
        **{
            k: row[k]
            for k in (
                "post_id",
                "label",
                "source",
                "detector",
                "version",
                "score",
                "threshold",
                "status",
            )
        },
    }
