"""The hash chain of the audit log, as the store writes it (``heard.protect.audit`` keeps the log;
a migration that changes an audited row appends its entry with the same chain:
``heard.store.coverage``)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

GENESIS = "0" * 64
"""The ``prev_hash`` of the first entry."""


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def entry_hash(
    prev_hash: str, seq: int, at: datetime, kind: str, ref: str, payload_text: str
) -> str:
    body = canonical(
        [prev_hash, int(seq), at.isoformat(timespec="microseconds"), kind, ref, payload_text]
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def chained(
    tail: tuple[int, str] | None, at: datetime, kind: str, ref: str, payload_text: str
) -> dict[str, Any]:
    """The entry that follows ``tail`` (``(seq, hash)`` of the last one, None for an empty log)."""
    seq, prev = (tail[0] + 1, tail[1]) if tail else (1, GENESIS)
    return {
        "seq": seq,
        "at": at,
        "kind": kind,
        "ref": ref,
        "payload_text": payload_text,
        "prev_hash": prev,
        "hash": entry_hash(prev, seq, at, kind, ref, payload_text),
    }
