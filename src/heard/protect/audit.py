"""The append-only, hash-chained audit log of flags, decisions and appeals (issue 19 §5).

Each entry's ``hash`` is SHA-256 over the previous entry's hash and the entry's own canonical
content (seq, time, kind, ref, payload as stored). Changing, removing or reordering any stored
entry breaks the chain from that entry on, and ``verify`` names the first broken link. The log
proves that nothing was rewritten after the fact; it does not stop a writer who recomputes every
later hash — that needs the head hash published elsewhere (``heard audit verify --json`` prints it).

The displays read the ``flags``, ``decisions`` and ``appeals`` tables, not the log; so ``verify``
also checks each row against what its entries recorded (``verify_records``): a decision changed
from remove to no_action in its table, an appeal outcome flipped, a flag relabelled or deleted
behind the log's back is named by the entry it no longer matches.

The log is append-only: what enters it stays. So the free text people write — a moderator's
facts and legal ground, an author's appeal, an appeal decision's reasons, the reason given to see
a post's original — is recorded redacted by the one redaction the displays use (``REDACTED``,
applied by ``append``), like a flag's evidence (``safe_evidence``, applied by its caller). The
rows keep what was written and are shown redacted; ``verify`` compares those texts in their
redacted form on both sides, so an entry written before (verbatim) and a new one both verify,
and a change to a row's text is caught unless it only changes personal data inside it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from heard.read.common import safe_statement
from heard.read.redact import redact
from heard.store.audit_chain import GENESIS, chained, entry_hash
from heard.store.audit_chain import canonical as _canonical


def _redact_text(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


REDACTED = {
    "facts": _redact_text,
    "text": _redact_text,
    "reason": _redact_text,
    "statement": safe_statement,
}
"""Payload fields of free text, and how an entry records them (and ``verify`` compares them)."""


def redacted(payload: dict[str, Any]) -> dict[str, Any]:
    """``payload`` with its free texts (``REDACTED``) as the log records them."""
    return {k: REDACTED[k](v) if k in REDACTED else v for k, v in payload.items()}


def append(
    store: Any, kind: str, ref: str, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
    """Add one entry after the current tail; call it inside the transaction that makes the change
    it records, so the change and its entry commit together. Free texts are recorded redacted
    (``redacted``)."""
    entry = chained(store.protect.audit_tail(), at, kind, ref, _canonical(redacted(payload)))
    store.protect.insert_audit(entry)
    return entry


@dataclass(frozen=True, slots=True)
class Verdict:
    ok: bool
    entries: int
    head: str
    broken_seq: int | None = None
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "head": self.head,
            "broken_seq": self.broken_seq,
            "reason": self.reason,
        }


def verify_entries(entries: list[dict[str, Any]]) -> Verdict:
    """Recompute the chain over ``entries`` (in ``seq`` order) and name the first broken link."""
    prev = GENESIS
    expected_seq = 1
    for e in entries:
        seq = int(e["seq"])
        if seq != expected_seq:
            return Verdict(
                False,
                len(entries),
                prev,
                expected_seq,
                f"entry {expected_seq} is missing (the next stored entry is {seq})",
            )
        if e["prev_hash"] != prev:
            return Verdict(
                False,
                len(entries),
                prev,
                seq,
                f"entry {seq} ({e['kind']} {e['ref']}) does not point to entry {seq - 1}'s hash",
            )
        recomputed = entry_hash(prev, seq, e["at"], e["kind"], e["ref"], e["payload_text"])
        if recomputed != e["hash"]:
            return Verdict(
                False,
                len(entries),
                prev,
                seq,
                f"entry {seq} ({e['kind']} {e['ref']}) was changed after it was "
                "written: its content no longer matches its hash",
            )
        prev = e["hash"]
        expected_seq += 1
    return Verdict(True, len(entries), prev)


# The fields of its row each entry records; a flag's status follows the decision that closed it
# (or the withdrawal that withdrew it, or the reopening after its automated decision was lifted),
# an appeal's status, outcome, decided_by and facts its appeal decision (the entry then named).
FLAG_FIELDS = ("post_id", "label", "source", "detector", "version", "score", "threshold")
DECISION_FIELDS = (
    "post_id",
    "flag_ids",
    "decision",
    "label",
    "automated_detection",
    "automated_decision",
    "moderator",
    "facts",
    "ground",
    "statement",
)
APPEAL_FIELDS = ("decision_id", "post_id", "text")


def _same(recorded: Any, stored: Any, field: str = "") -> bool:
    if field in REDACTED:  # recorded redacted (or, before, verbatim): compared redacted
        recorded, stored = REDACTED[field](recorded), REDACTED[field](stored)
    if isinstance(recorded, float) or isinstance(stored, float):
        try:
            return math.isclose(float(recorded), float(stored), rel_tol=1e-9, abs_tol=1e-12)
        except (TypeError, ValueError):
            return False
    if isinstance(recorded, (dict, list)) or isinstance(stored, (dict, list)):
        return _canonical(recorded) == _canonical(stored)
    return bool(recorded == stored)


def _expected(entries: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """(table, id) -> {field: (value, seq of the entry that recorded it)}."""
    want: dict[tuple[str, str], dict[str, Any]] = {}
    for e in entries:
        seq, kind, ref = int(e["seq"]), e["kind"], e["ref"]
        payload = json.loads(e["payload_text"])
        if kind == "flag":
            row = {f: (payload.get(f), seq) for f in FLAG_FIELDS}
            want[("flags", ref)] = {**row, "status": ("pending", seq)}
        elif kind == "decision":
            want[("decisions", ref)] = {f: (payload.get(f), seq) for f in DECISION_FIELDS}
            status = "dismissed" if payload.get("decision") == "no_action" else "decided"
            for flag_id in payload.get("flag_ids") or []:
                flag = want.get(("flags", flag_id))
                if flag is not None:  # checked against the flag's own entry
                    flag["status"] = (status, flag["status"][1])
        elif kind == "withdrawal" and ("flags", ref) in want:  # by a rescan, never deleted
            want[("flags", ref)]["status"] = ("withdrawn", seq)
        elif kind == "reopening" and ("flags", ref) in want:  # its automated decision lifted
            want[("flags", ref)]["status"] = ("pending", seq)
        elif kind == "coverage" and ("flags", ref) in want:  # heard.store.coverage
            want[("flags", ref)]["status"] = ("decided", seq)
        elif kind == "appeal":
            row = {f: (payload.get(f), seq) for f in APPEAL_FIELDS}
            undecided = {"status": ("pending", seq), "outcome": (None, seq)}
            want[("appeals", ref)] = {
                **row, **undecided, "decided_by": (None, seq), "facts": (None, seq)
            }  # fmt: skip
        elif kind == "appeal_decision" and ("appeals", ref) in want:
            want[("appeals", ref)].update(
                status=("decided", seq),
                outcome=(payload.get("outcome"), seq),
                decided_by=(payload.get("decided_by"), seq),
                facts=(payload.get("facts"), seq),
            )
    return want


def verify_records(
    entries: list[dict[str, Any]], stored: dict[str, dict[str, dict[str, Any]]]
) -> Verdict:
    """Compare the flags, decisions and appeals as ``stored`` (``store.protect.
    audited_records()``) with what the (intact) log's entries recorded of them: a row changed
    or deleted behind the log's back names the entry it no longer matches; a row no entry
    recorded is named by its id. Values are not repeated (facts and texts may quote personal
    data): the fields are."""
    head = entries[-1]["hash"] if entries else GENESIS
    broken: list[tuple[int, str]] = []
    kinds = {int(e["seq"]): f"{e['kind']} {e['ref']}" for e in entries}
    want = _expected(entries)
    for (table, ref), fields in want.items():
        row = stored.get(table, {}).get(ref)
        if row is None:
            seq = min(s for _, s in fields.values())
            broken.append((seq, f"entry {seq} ({kinds[seq]}): its {table} row is no longer stored"))
            continue
        changed: dict[int, list[str]] = {}
        for field, (value, seq) in fields.items():
            if not _same(value, row.get(field), field):
                changed.setdefault(seq, []).append(field)
        for seq, names in changed.items():
            broken.append(
                (
                    seq,
                    f"entry {seq} ({kinds[seq]}): the {table} row no longer says what it "
                    f"recorded ({', '.join(names)} changed)",
                )
            )
    if broken:
        seq, reason = min(broken)
        return Verdict(False, len(entries), head, seq, reason)
    for table, rows in stored.items():
        extra = sorted(ref for ref in rows if (table, ref) not in want)
        if extra:
            return Verdict(
                False,
                len(entries),
                head,
                None,
                f"{table} row {extra[0]} no longer matches the log: no entry recorded it",
            )
    return Verdict(True, len(entries), head)


def verify(store: Any) -> Verdict:
    """The whole stored log, checked; then the flags, decisions and appeals against it."""
    entries = store.protect.audit_entries()
    verdict = verify_entries(entries)
    if not verdict.ok:
        return verdict
    return verify_records(entries, store.protect.audited_records())
