"""The append-only, hash-chained audit log of flags, decisions and appeals (issue 19 §5).

Each entry's ``hash`` is SHA-256 over the previous entry's hash and the entry's own canonical
content (seq, time, kind, ref, payload as stored). Changing, removing or reordering any stored
entry breaks the chain from that entry on, and ``verify`` names the first broken link. The log
proves that nothing was rewritten after the fact; it does not stop a writer who recomputes every
later hash — that needs the head hash published elsewhere (``heard audit verify --json`` prints it).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS = "0" * 64
"""The ``prev_hash`` of the first entry."""


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def entry_hash(
    prev_hash: str, seq: int, at: datetime, kind: str, ref: str, payload_text: str
) -> str:
    body = _canonical(
        [prev_hash, int(seq), at.isoformat(timespec="microseconds"), kind, ref, payload_text]
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def append(
    store: Any, kind: str, ref: str, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
    """Add one entry after the current tail; call it inside the transaction that makes the change
    it records, so the change and its entry commit together."""
    tail = store.protect.audit_tail()
    seq, prev = (tail[0] + 1, tail[1]) if tail else (1, GENESIS)
    payload_text = _canonical(payload)
    entry = {
        "seq": seq,
        "at": at,
        "kind": kind,
        "ref": ref,
        "payload_text": payload_text,
        "prev_hash": prev,
        "hash": entry_hash(prev, seq, at, kind, ref, payload_text),
    }
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


def verify(store: Any) -> Verdict:
    """The whole stored log, checked."""
    return verify_entries(store.protect.audit_entries())
