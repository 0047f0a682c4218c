"""Helpers every query module uses: safe rows, k-anonymity, cursors, a small cache."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from heard.clock import parse_instant
from heard.errors import InputError, NotFoundError
from heard.read.redact import redact, redact_evidence, redact_url

HIDDEN_COLUMNS = {
    "author_key",
    "raw",
    "search_text",
    "text_hash",
    "file",
    "position",
    "entities",
    "sentiment_evidence",
    "lang_model",
    "sentiment_model",
    "embedding",
    "vec",
}
TEXT_COLUMNS = {"text", "title", "sample", "snippet", "label", "description", "summary", "place"}
"""Redacted wherever they appear. ``place`` is a source's own location column: it can name a flat
('幸福小区5栋302') as readily as a text can."""
URL_COLUMNS = {"url", "post_url"}
"""A post's url: shown as its origin only (``redact_url``), its path and query can name the
author or carry personal data."""
NESTED_TEXT = TEXT_COLUMNS | {"term"}
"""Inside JSON columns too: a topic keyword made from a store indexed before its posts' personal
data was kept out of the tokens could be a phone number."""
JSON_HINT = (
    "keywords",
    "evidence",
    "places",
    "orgs",
    "components",
    "samples",
    "sample_posts",
    "series",
    "members",
    "terms",
    "representative",
)


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + ("Z" if value.tzinfo is None else "")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float):
        if value and abs(value) < 1e-3:  # a p-value: 4 significant digits, not 4 decimals
            return float(f"{value:.4g}")  # (every bursting issue's p < 1e-4 read 0.0)
        return round(value, 4)
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def safe_row(row: dict[str, Any]) -> dict[str, Any]:
    """Drop author keys and internals, redact personal data, decode JSON columns."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key in HIDDEN_COLUMNS or "author_key" in key:
            continue
        if isinstance(value, str) and key.startswith(JSON_HINT) and value[:1] in "[{":
            try:
                value = json.loads(value)
            except ValueError:
                pass
        if key in URL_COLUMNS:
            value = redact_url(value) if isinstance(value, str) else None
        elif isinstance(value, str) and (key in TEXT_COLUMNS or key.endswith("_text")):
            value = redact(value)
        out[key] = jsonable(value)
    result: dict[str, Any] = _redact_nested(out)
    return result


def safe_evidence(evidence: Any, text: str | None) -> Any:
    """A flag's ``evidence`` as every display shows it, and as the audit log records it: matched
    terms and head n-grams inside personal data of the post's raw ``text`` shown as their label
    (``redact_evidence``), texts nested in it (nearest examples, terms) and a reporter's free-text
    ``note`` redacted. The one redaction of evidence (RIGHTS.md §7)."""
    out = _redact_nested(redact_evidence(evidence, text))
    if isinstance(out, dict) and isinstance(out.get("note"), str):
        out = {**out, "note": redact(out["note"])}
    return out


STATEMENT_TEXTS = (
    "decision_facts",
    "incompatible_content_explanation",
    "illegal_content_legal_ground",
    "illegal_content_explanation",
)
"""The free text of a statement of reasons: the moderator's facts (repeated as the explanation
of an illegal-content decision, and of an incompatible one with no label) and the legal ground."""


def safe_statement(statement: Any) -> Any:
    """A statement of reasons as every display, export and the audit log show it: each of its
    free texts (``STATEMENT_TEXTS``) redacted. The one redaction of statements (RIGHTS.md §7)."""
    if not isinstance(statement, dict):
        return statement
    return {
        k: redact(v) if k in STATEMENT_TEXTS and isinstance(v, str) else v
        for k, v in statement.items()
    }


def _redact_nested(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: (redact(v) if isinstance(v, str) and k in NESTED_TEXT else _redact_nested(v))
            for k, v in value.items()
            if "author_key" not in str(k)
        }
    if isinstance(value, list):
        return [_redact_nested(v) for v in value]
    return value


MAX_CURSOR_CHARS = 8_192
"""The longest cursor a surface takes: a search's carries the document count of each of its
query's terms (``heard.read.posts._best_match``), up to ~5,400 characters for 500 Chinese
characters that each segment alone, in a store of millions of posts."""


def encode_cursor(values: list[Any]) -> str:
    """Exact values (floats unrounded, timestamps to the microsecond) so keyset paging is exact."""
    exact = [
        v.isoformat() if isinstance(v, datetime) else float(v) if isinstance(v, Decimal) else v
        for v in values
    ]
    raw = json.dumps(exact, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, kinds: tuple[Callable[[Any], Any], ...]) -> list[Any]:
    """The values of a cursor this server gave, each converted by its kind (``int``, ``float``,
    ``str``, ``timestamp``). A cursor is the address of a page: one this server did not give
    names no page (``NotFoundError``, a 404), never a query error."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list) or len(values) != len(kinds):
            raise ValueError
        if any(isinstance(v, (list, dict, bool)) or v is None for v in values):
            raise ValueError
        return [kind(v) for kind, v in zip(kinds, values)]
    except (ValueError, TypeError, UnicodeDecodeError, OverflowError, InputError):
        raise no_page() from None


def no_page() -> NotFoundError:
    """The error of a cursor this server did not give (a 404: it names no page)."""
    return NotFoundError(
        "no page at this cursor: it is not one this server gave",
        "pass the next_cursor of a previous page unchanged, or omit it",
    )


def timestamp(value: Any) -> datetime:
    """A cursor's timestamp (ISO 8601, as ``encode_cursor`` wrote it)."""
    return parse_instant(str(value), what="cursor time")


class VersionedCache:
    """Memoise expensive aggregates until the data changes (the server owns the file, so only its
    own uploads change it) — keyed on ``(data_version, key)``. One computation per key at a time:
    requests that arrive while it runs wait for its value instead of computing it again."""

    def __init__(self, max_items: int = 256):
        self._data: dict[tuple[int, Any], Any] = {}
        self._lock = threading.Lock()
        self._computing: dict[tuple[int, Any], threading.Lock] = {}
        self.max_items = max_items

    def get(self, version: int, key: Any, compute: Callable[[], Any]) -> Any:
        slot = (version, key)
        with self._lock:
            if slot in self._data:
                return self._data[slot]
            flight = self._computing.setdefault(slot, threading.Lock())
        with flight:
            with self._lock:
                if slot in self._data:
                    return self._data[slot]
            try:
                value = compute()
            finally:
                with self._lock:
                    self._computing.pop(slot, None)
            with self._lock:
                if len(self._data) >= self.max_items:
                    self._data.clear()
                self._data[slot] = value
        return value
