"""Show a post's original text: the one audited exception to redaction (RIGHTS.md §7).

Every display redacts personal data. A moderator deciding a doxxing flag may need to see what was
redacted — whether the number posted is a private mobile or a company's public hotline. This is
that explicit, audited action:

* only an account with the moderator role (or admin) may use it (``Review.moderator``);
* one post at a time, and only a post under moderation (it has a flag, whatever its status): it
  is a step in deciding about a post, never a way to read what someone wrote;
* a reason is required (at most ``REASON_MAX`` characters, refused whole when longer);
* each use appends an ``original_view`` entry to the audit log, in the same transaction as it is
  granted: the post, the account and its role, the time, and the reason (recorded redacted, as
  every free text in the log is).

Nothing else returns the original: not the public API, exports, search, or any list. The text
comes back with terminal escapes and bidi overrides neutralised (``heard.read.display``), its
personal data unchanged.

Admins see who looked (``original_views``: ``heard audit originals``, ``GET
/api/v1/audit/original-views``, the calibration page): each use's time, account, role, post (or
calibration item) and reason as the log recorded it (redacted) — never the original itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from heard.clock import utcnow
from heard.errors import InputError, NotFoundError
from heard.protect import audit
from heard.protect.inputs import said
from heard.protect.review import Review
from heard.read.display import neutralise

REASON_MAX = 500
"""The longest reason, in characters (after trimming): longer is refused, never cut."""
KIND = "original_view"
"""The audit log's kind for one use."""
VIEWS_MAX = 1000
"""The most uses one listing returns (newest first)."""


def view_reason(reason: str | None) -> str:
    """The reason, trimmed: required, at most ``REASON_MAX`` characters."""
    text = said(reason)
    if not text:
        raise InputError(
            "showing a post's original text needs a reason",
            "say why the redacted text is not enough to decide (it is written to the audit log)",
        )
    if len(text) > REASON_MAX:
        raise InputError(
            f"a reason is at most {REASON_MAX} characters; this one has {len(text):,}",
            "say briefly why you need the original; nothing was shown or logged",
        )
    return text


def show_original(
    store: Any,
    post_id: str,
    reason: str | None,
    username: str,
    clock: Callable[[], datetime] = utcnow,
) -> dict[str, Any]:
    """The original title and text of ``post_id`` for ``username`` (a moderator or an admin),
    after its audit entry is written: ``{post_id, title, text, audit_seq}``."""
    review = Review(store, clock)
    who = review.moderator(username)
    text = view_reason(reason)
    post = store.protect.post(post_id)
    if post is None:
        raise NotFoundError(f"no post {post_id!r}", "give the id of a stored post")
    if not store.protect.flags_of_post(post_id):
        raise InputError(
            f"post {post_id!r} is not under moderation: it has no flag",
            "the original is shown only to decide about a flagged post; report it first",
        )
    role = store.accounts.user(who)[1]
    payload = {"post_id": post_id, "account": who, "role": role, "reason": text}
    with store.transaction():
        entry = audit.append(store, KIND, post_id, payload, clock())
    return {
        "post_id": post_id,
        "title": neutralise(post.get("title")),
        "text": neutralise(post.get("text")),
        "audit_seq": entry["seq"],
    }


def show_gold_original(
    store: Any,
    gold_id: str,
    reason: str | None,
    username: str,
    clock: Callable[[], datetime] = utcnow,
    post_id: str | None = None,
) -> dict[str, Any]:
    """A calibration item's text as written, on the same terms (a gold item must look like any
    other item in the queue, so its button behaves the same); audited under the item's id.
    ``post_id``: the post id the item shows (``gold_post_id``), answered back as a post's is."""
    review = Review(store, clock)
    who = review.moderator(username)
    text = view_reason(reason)
    gold = next((g for g in store.protect.gold_items() if g["gold_id"] == gold_id), None)
    if gold is None:
        raise NotFoundError(f"no item {gold_id!r}", "see the review queue")
    role = store.accounts.user(who)[1]
    payload = {"post_id": None, "item": gold_id, "account": who, "role": role, "reason": text}
    with store.transaction():
        entry = audit.append(store, KIND, gold_id, payload, clock())
    return {"post_id": post_id, "title": None, "text": gold["text"], "audit_seq": entry["seq"]}


def original_views(store: Any, limit: int = 100) -> list[dict[str, Any]]:
    """The newest ``limit`` uses of "show original", newest first, for admins: ``{seq, at,
    account, role, post_id, item, reason}`` from the audit log (the reason redacted as logged).
    The post's text is not read: the listing says who looked at what and why, not what it said."""
    if not 1 <= limit <= VIEWS_MAX:
        raise InputError(
            f"limit must be between 1 and {VIEWS_MAX:,}; got {limit:,}",
            f"ask for at most {VIEWS_MAX:,} of the newest uses",
        )
    out = []
    for entry in store.protect.audit_of_kind(KIND, limit):
        payload = json.loads(entry["payload_text"])
        at = entry["at"]
        out.append(
            {
                "seq": int(entry["seq"]),
                "at": at.isoformat() if isinstance(at, datetime) else str(at),
                "account": neutralise(payload.get("account")),
                "role": payload.get("role"),
                "post_id": payload.get("post_id"),
                "item": payload.get("item"),
                "reason": neutralise(payload.get("reason")),
            }
        )
    return out
