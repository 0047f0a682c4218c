"""What the protect side shows: flags, the review item, decisions with their statements, the
transparency figures and the DSA export — every text redacted, nothing keyed by author.

RIGHTS.md §4/§7: no flag, queue or count per author, anywhere. None of these queries reads
``author_key``; counts are grouped by label, decision, automation and appeal outcome only; and a
filter that names an author is refused with the reason (``refuse_author_filter``).
"""

from __future__ import annotations

import json
import re
import statistics
from typing import Any

from heard.errors import InputError, NotFoundError
from heard.protect.detectors.script import is_chinese
from heard.protect.statement import dsa_export, ended, restriction_ends
from heard.protect.taxonomy import LABELS, load_taxonomy
from heard.read import moderation
from heard.read.common import jsonable, safe_evidence, safe_row, safe_statement
from heard.read.redact import redact
from heard.store.queries import protect as stored
from heard.store.repos.protect import FLAG_COLUMNS

FLAG_STATUSES = ("pending", "decided", "dismissed", "withdrawn")
"""``withdrawn``: a detector flag a rescan with the current detectors no longer raises."""
HISTORY_FIELDS = {
    "flag": ("post_id", "label", "source", "detector", "version", "score", "threshold", "status"),
    "withdrawal": ("status", "reason", "rescanned_with"),
    "reopening": ("status", "reason"),
    "coverage": ("status", "reason", "decision_id"),
    "decision": ("decision", "label", "automated_decision", "moderator"),
}
"""What a flag's history shows of each audit entry: no evidence and no free text (an old entry
recorded evidence unredacted; facts are shown redacted with the decision)."""
GOLD_FLAG_FIELDS = tuple(c for c in FLAG_COLUMNS if c not in ("post_id", "priority", "created_at"))
"""A gold item's flag in a review item: the fields of a stored flag there (``flags_of_post``)."""
AUTHOR_WORDS = ("author", "author_key", "user", "account", "person", "handle")


def refuse_author_filter(filters: dict[str, Any]) -> None:
    """Raise when a filter names an author: decisions are about posts, never about people."""
    named = [k for k, v in filters.items() if v not in (None, "") and k in AUTHOR_WORDS]
    if named:
        raise InputError(
            f"flags, queues, decisions and counts are never shown per author ({named[0]!r} given)",
            "RIGHTS.md §4: a decision is about a post, never a profile; filter by label, status "
            "or post id instead",
        )


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    for key in ("evidence", "flag_ids", "statement"):
        if isinstance(row.get(key), str):
            row[key] = json.loads(row[key])
    return row


def _safe_flag(row: dict[str, Any], text: str | None) -> dict[str, Any]:
    """``safe_row`` plus the reporter's free-text note, which may quote personal data too, and
    the evidence spans that lie in personal data of the post's raw ``text``."""
    row = _decode(row)
    row["evidence"] = safe_evidence(row.get("evidence"), text)
    return safe_row(row)


def _snippet(text: str | None, n: int = 200) -> str | None:
    text = redact(text)
    return text if text is None or len(text) <= n else text[: n - 1] + "…"


def list_flags(
    db: Any,
    *,
    label: str | None = None,
    status: str | None = None,
    limit: int = 50,
    gold: list[dict[str, Any]] | None = None,
    **filters: Any,
) -> dict[str, Any]:
    """Flags, highest priority first: post id, label, score, threshold, detector, evidence.
    ``gold``: the caller's unanswered gold items (``Calibration.unanswered``), listed as the
    pending reports they look like in the queue — stored nowhere, counted in no figure."""
    refuse_author_filter(filters)
    if label is not None and label not in LABELS:
        raise InputError(f"{label!r} is not a taxonomy label", "use one of: " + ", ".join(LABELS))
    if status is not None and status not in FLAG_STATUSES:
        raise InputError(
            f"{status!r} is not a flag status", "use one of: " + ", ".join(FLAG_STATUSES)
        )
    limit = max(1, min(int(limit), 1000))
    rows = stored.flags(db, label=label, status=status, limit=limit)
    shown = [
        {**{k: g.get(k) for k in GOLD_LISTED}, "post_text": g["text"]}
        for g in gold or ()
        if status in (None, "pending") and label in (None, g["label"])
    ]
    if shown:
        rows = sorted(
            [*rows, *shown],
            key=lambda r: (-(r.get("priority") or 0), str(r.get("created_at")), r["flag_id"]),
        )[:limit]
    out = []
    for r in rows:
        raw = r.get("post_text")
        r["post_text"] = _snippet(raw)
        out.append(_safe_flag(r, raw))
    return {"flags": out, "count": len(out)}


GOLD_LISTED = FLAG_COLUMNS
"""A gold item's row in the flags list: a stored flag's columns there (``stored.flags``)."""


def flag_history(db: Any, flag_id: str) -> dict[str, Any]:
    """One flag's history from the audit log, oldest first: raised (by whom), withdrawn by a
    rescan (why, with which detectors), closed by a decision."""
    if not re.fullmatch(r"f-[0-9a-f]{12}", flag_id or ""):
        raise NotFoundError(
            f"no flag {flag_id!r}",
            "copy a flag id from the flags list (heard flags; GET /api/v1/flags)",
        )
    entries = []
    for e in stored.flag_history(db, flag_id):
        payload = json.loads(e["payload"])
        shown = {k: payload.get(k) for k in HISTORY_FIELDS.get(e["kind"], ())}
        if e["kind"] == "decision":
            shown["decision_id"] = e["ref"]
        entries.append(jsonable({"seq": e["seq"], "at": e["at"], "kind": e["kind"], **shown}))
    if not entries:
        raise NotFoundError(
            f"no flag {flag_id!r}",
            "copy a flag id from the flags list (heard flags; GET /api/v1/flags)",
        )
    return {"flag_id": flag_id, "history": entries}


def review_item(db: Any, item: dict[str, Any]) -> dict[str, Any]:
    """What a moderator sees for one queue item — one per post: the post (redacted), every flag
    on it with its evidence (``flags``; ``flag_ids``: the pending ones, which one decision
    closes), and the taxonomy definition and misuse note of the first flag's label (``label``)
    and of each label a pending flag raises (``labels``, the first flag's first); ``in_force``: the
    decision in force on the post (``decision_in_force``), which deciding the item replaces."""
    taxonomy = load_taxonomy()
    label = taxonomy[item["label"]]
    if item.get("gold"):
        # the shape of a report without a note, so that neither the page nor the API's keys tell
        # a gold text from one (docs/protect/calibration.md: what can still be inferred)
        post = jsonable(
            {
                "id": item["post_id"],
                "title": None,
                "text": redact(item["text"]),
                "lang": "zh" if is_chinese(item["text"]) else "en",
                "created_at": item.get("created_at"),
            }
        )
        # its flag: gold_as_item gave the item a report's flag fields already
        flags = [jsonable({k: item.get(k) for k in GOLD_FLAG_FIELDS})]
        standing = None  # as most real items: no decision in force
    else:
        rows = stored.post_under_review(db, item["post_id"])
        if not rows:
            raise NotFoundError(
                f"the post of flag {item['flag_id']} is not stored", "dismiss the flag"
            )
        post = safe_row(rows[0])
        raw = rows[0].get("text")
        flags = [_safe_flag(r, raw) for r in stored.flags_of_post(db, item["post_id"])]
        standing = decision_in_force(db, item["post_id"])
    flag_ids = list(item.get("flag_ids") or [item["flag_id"]])
    pending = [f["label"] for f in flags if f.get("flag_id") in flag_ids]
    names = list(dict.fromkeys([item["label"], *pending]))  # the lead's first
    return {
        "flag_id": item["flag_id"],
        "flag_ids": flag_ids,
        "post": post,
        "flags": flags,
        "label": _label_view(label),
        "labels": [_label_view(taxonomy[name]) for name in names],
        "in_force": standing,
    }


def decision_in_force(db: Any, post_id: str) -> dict[str, Any] | None:
    """The decision in force on ``post_id`` (``moderation.in_force``), as a review item shows it:
    a decision on the item replaces it. None when there is none."""
    d = moderation.in_force(db, [post_id]).get(post_id)
    if d is None:
        return None
    keys = ("decision_id", "decision", "label", "automated_decision")
    shown: dict[str, Any] = jsonable({**{k: d[k] for k in keys}, "decided_at": d["created_at"]})
    return shown


def _label_view(label: Any) -> dict[str, Any]:
    return {
        "name": label.name,
        "title": label.title,
        "title_zh": label.title_zh,
        "definition": label.definition,
        "definition_zh": label.definition_zh,
        "misuse": label.misuse,
        "auto_action": label.auto_action,
        "dsa_keywords": list(label.dsa_keywords),
    }


def list_decisions(db: Any, *, limit: int = 50, **filters: Any) -> dict[str, Any]:
    """Decisions, newest first, each with its statement of reasons and its appeal (if any)."""
    refuse_author_filter(filters)
    rows = stored.decisions(db, max(1, min(int(limit), 1000)))
    out = []
    for r in rows:
        r = _decode(r)
        r["facts"] = redact(r["facts"])
        r["statement"] = safe_statement(r["statement"])
        out.append(jsonable(r))
    return {"decisions": out, "count": len(out)}


def statement_of(db: Any, decision_id: str) -> dict[str, Any]:
    """One decision's statement of reasons (what the author sees through the post's link), with
    ``end_date_visibility_restriction`` when its restriction no longer stands (reversed on
    appeal, or replaced by a later decision), as the DSA export gives it."""
    rows = stored.statement(db, decision_id)
    if not rows:
        raise NotFoundError(
            f"no decision {decision_id!r}",
            "see the decisions list (heard decisions; GET /api/v1/decisions)",
        )
    ends = restriction_ends(stored.decisions_of_post(db, rows[0]["post_id"]))
    result: dict[str, Any] = ended(
        safe_statement(json.loads(rows[0]["statement"])), ends.get(decision_id)
    )
    return result


def pending_appeals(db: Any, limit: int = 100) -> list[dict[str, Any]]:
    """Appeals waiting for a moderator, oldest first: the appeal, the decision appealed (with
    who took it: that moderator may not decide the appeal) and the post (redacted)."""
    if "appeals" not in db.tables():
        return []
    rows = stored.pending_appeals(db, int(limit))
    return [{**safe_row(r), "facts": redact(r["facts"])} for r in rows]


def statements_of_post(db: Any, post_id: str) -> dict[str, Any]:
    """What the author of ``post_id`` sees with its notice token: each decision on the post with
    its statement of reasons (facts redacted) and its appeal, oldest first: the appeal's outcome
    with the reasons the moderator who decided it gave (``appeal_facts``, redacted; DSA Art.
    20(5): the author is told the reasoned decision on the appeal)."""
    rows = stored.decisions_of_post(db, post_id)
    ends = restriction_ends(rows)
    out = []
    for i, r in enumerate(rows):
        r["superseded"] = i < len(rows) - 1  # a later decision replaced it: nothing to appeal
        statement = ended(
            safe_statement(json.loads(r.pop("statement"))), ends.get(r["decision_id"])
        )
        r["appeal_facts"] = redact(r.get("appeal_facts"))
        out.append(jsonable({**r, "statement": statement}))
    return {"post_id": post_id, "decisions": out}


def dsa_statements(db: Any) -> list[dict[str, Any]]:
    """Every restricting decision in the DSA transparency database's statement shape. One
    that no longer stands — reversed on appeal, or replaced by a later decision on its post —
    carries the day it ended (``end_date_visibility_restriction``): without it the database
    reads the restriction as imposed indefinitely."""
    rows = stored.statements(db)
    ends = restriction_ends(rows)
    return dsa_export(
        [
            ended(safe_statement(json.loads(r["statement"])), ends.get(r["decision_id"]))
            for r in rows
        ]
    )


def transparency(db: Any) -> dict[str, Any]:
    """Public figures: flags by label and source, decisions by decision, label and automation,
    appeals by outcome, and the median hours from a post's first flag to its decision. Counts
    only, grouped by what was decided — never by who wrote."""

    waits = stored.hours_to_decision(db)
    human_waits = stored.hours_to_decision(db, human_only=True)
    return {
        "flags": {
            "total": stored.total(db, "flags"),
            "by_label": stored.counts(db, "flags_by_label"),
            "by_source": stored.counts(db, "flags_by_source"),
            "by_status": stored.counts(db, "flags_by_status"),
        },
        "decisions": {
            "total": stored.total(db, "decisions"),
            "by_decision": stored.counts(db, "decisions_by_decision"),
            "by_label": stored.counts(db, "decisions_by_label"),
            "by_automation": stored.counts(db, "decisions_by_automation"),
            "median_hours_to_decision": round(statistics.median(waits), 3) if waits else None,
            "median_hours_to_human_decision": (
                round(statistics.median(human_waits), 3) if human_waits else None
            ),
        },
        "appeals": {
            "total": stored.total(db, "appeals"),
            "by_outcome": stored.counts(db, "appeals_by_outcome"),
        },
    }
