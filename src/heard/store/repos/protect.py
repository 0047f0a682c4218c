"""The protect repository: flags, decisions, appeals, gold items and the audit log.

Every table here is keyed by post, flag or decision; none has an author column and no query here
groups or filters by author (RIGHTS.md §4: decisions are about posts, never about people).
JSON columns (``evidence``, ``flag_ids``, ``statement``, ``payload``) are written as text and
decoded on the way out. The hash chain itself is computed in ``heard.protect.audit``; this module
only stores and returns the rows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

FLAG_COLUMNS = (
    "flag_id",
    "post_id",
    "label",
    "source",
    "detector",
    "version",
    "score",
    "threshold",
    "evidence",
    "status",
    "priority",
    "created_at",
)
DECISION_COLUMNS = (
    "decision_id",
    "post_id",
    "flag_ids",
    "decision",
    "label",
    "automated_detection",
    "automated_decision",
    "moderator",
    "facts",
    "ground",
    "created_at",
    "statement",
)
APPEAL_COLUMNS = (
    "appeal_id",
    "decision_id",
    "post_id",
    "filed_at",
    "text",
    "status",
    "decided_by",
    "outcome",
    "decided_at",
    "facts",
)
JSON_COLUMNS = ("evidence", "flag_ids", "statement", "payload")


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    for key in JSON_COLUMNS:
        if isinstance(row.get(key), str):
            row[key] = json.loads(row[key])
    return row


class Protect:
    def __init__(self, store: Any):
        self.store = store

    def _insert(
        self,
        table: str,
        columns: Sequence[str],
        rows: Sequence[dict[str, Any]],
        ignore: bool = False,
    ) -> None:
        if not rows:
            return
        values = [[_dump(r[c]) if c in JSON_COLUMNS else r.get(c) for c in columns] for r in rows]
        self.store.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            + (" ON CONFLICT DO NOTHING" if ignore else ""),
            values,
        )

    def _select(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return [_decode(r) for r in self.store.rows(sql, list(params))]

    # ---- flags ------------------------------------------------------------------------------
    def new_flag_ids(self, flag_ids: Sequence[str]) -> set[str]:
        """Which of ``flag_ids`` are not stored yet (a flag is written once)."""
        if not flag_ids:
            return set()
        stored = self.store.rows(
            f"SELECT flag_id FROM flags WHERE flag_id IN ({', '.join('?' * len(flag_ids))})",
            list(flag_ids),
        )
        return set(flag_ids) - {r["flag_id"] for r in stored}

    def insert_flags(self, flags: Sequence[dict[str, Any]]) -> None:
        self._insert("flags", FLAG_COLUMNS, flags, ignore=True)

    def flag(self, flag_id: str) -> dict[str, Any] | None:
        rows = self._select("SELECT * FROM flags WHERE flag_id = ?", [flag_id])
        return rows[0] if rows else None

    def flags_of_post(self, post_id: str) -> list[dict[str, Any]]:
        return self._select(
            "SELECT * FROM flags WHERE post_id = ? ORDER BY priority DESC, flag_id", [post_id]
        )

    def pending_detector_flags(self, post_ids: Sequence[str]) -> list[dict[str, Any]]:
        """The detector flags of ``post_ids`` that no person has decided on (status pending):
        what a rescan may withdraw. Reports are never among them."""
        if not post_ids:
            return []
        return self._select(
            "SELECT * FROM flags WHERE source = 'detector' AND status = 'pending' AND post_id IN "
            f"({', '.join('?' * len(post_ids))}) ORDER BY post_id, flag_id",
            list(post_ids),
        )

    def withdrawn_flags(self, flag_ids: Sequence[str]) -> set[str]:
        """Which of ``flag_ids`` are stored with the status withdrawn."""
        if not flag_ids:
            return set()
        rows = self.store.rows(
            "SELECT flag_id FROM flags WHERE status = 'withdrawn' AND flag_id IN "
            f"({', '.join('?' * len(flag_ids))})",
            list(flag_ids),
        )
        return {r["flag_id"] for r in rows}

    def set_flag_status(self, flag_ids: Sequence[str], status: str) -> None:
        if flag_ids:
            self.store.execute(
                f"UPDATE flags SET status = ? WHERE flag_id IN ({', '.join('?' * len(flag_ids))})",
                [status, *flag_ids],
            )

    def pending_flags(self, limit: int) -> list[dict[str, Any]]:
        """The review queue: one item per post with pending flags, at most ``limit`` posts. Each
        is the post's first pending flag (highest priority, then oldest), with ``flag_ids``: every
        pending flag of the post, in that order (one decision closes them all). Posts in the
        order of their first flags."""
        leads = self._select(
            "SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY post_id "
            "ORDER BY priority DESC, created_at, flag_id) AS queue_rank "
            "FROM flags WHERE status = 'pending') ranked WHERE queue_rank = 1 "
            "ORDER BY priority DESC, created_at, flag_id LIMIT ?",
            [limit],
        )
        if not leads:
            return []
        posts = [r["post_id"] for r in leads]
        pending: dict[str, list[str]] = {}
        for r in self.store.rows(
            "SELECT post_id, flag_id FROM flags WHERE status = 'pending' AND post_id IN "
            f"({', '.join('?' * len(posts))}) ORDER BY priority DESC, created_at, flag_id",
            posts,
        ):
            pending.setdefault(r["post_id"], []).append(r["flag_id"])
        for r in leads:
            r.pop("queue_rank", None)
            r["flag_ids"] = pending.get(r["post_id"], [r["flag_id"]])
        return leads

    # ---- decisions and appeals --------------------------------------------------------------
    def insert_decision(self, decision: dict[str, Any]) -> None:
        self._insert("decisions", DECISION_COLUMNS, [decision])

    def decision(self, decision_id: str) -> dict[str, Any] | None:
        rows = self._select("SELECT * FROM decisions WHERE decision_id = ?", [decision_id])
        return rows[0] if rows else None

    def all_decisions(self) -> list[dict[str, Any]]:
        return self._select("SELECT * FROM decisions ORDER BY created_at, decision_id")

    def insert_appeal(self, appeal: dict[str, Any]) -> None:
        self._insert("appeals", APPEAL_COLUMNS, [appeal])

    def appeal(self, appeal_id: str) -> dict[str, Any] | None:
        rows = self._select("SELECT * FROM appeals WHERE appeal_id = ?", [appeal_id])
        return rows[0] if rows else None

    def appeal_of_decision(self, decision_id: str) -> dict[str, Any] | None:
        rows = self._select("SELECT * FROM appeals WHERE decision_id = ?", [decision_id])
        return rows[0] if rows else None

    def decide_appeal(
        self, appeal_id: str, decided_by: str, outcome: str, at: datetime, facts: str = ""
    ) -> None:
        self.store.execute(
            "UPDATE appeals SET status = 'decided', decided_by = ?, outcome = ?, decided_at = ?, "
            "facts = ? WHERE appeal_id = ?",
            [decided_by, outcome, at, facts, appeal_id],
        )

    # ---- notices to authors (a token per post) ----------------------------------------------
    def has_notice(self, post_id: str) -> bool:
        return bool(
            self.store.scalar("SELECT count(*) FROM post_notices WHERE post_id = ?", [post_id])
        )

    def save_notice(self, post_id: str, token_hash: str, at: datetime) -> None:
        """The post's notice token (its hash); a new one replaces the old."""
        self.store.execute(
            "INSERT INTO post_notices VALUES (?, ?, ?) ON CONFLICT (post_id) DO UPDATE SET "
            "token_hash = excluded.token_hash, created_at = excluded.created_at",
            [post_id, token_hash, at],
        )

    def post_of_notice(self, token_hash: str) -> str | None:
        found = self.store.scalar(
            "SELECT post_id FROM post_notices WHERE token_hash = ?", [token_hash]
        )
        return None if found is None else str(found)

    def decisions_of_post(self, post_id: str) -> list[dict[str, Any]]:
        return self._select(
            "SELECT * FROM decisions WHERE post_id = ? ORDER BY created_at, decision_id", [post_id]
        )

    def latest_decisions(self, post_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The newest decision on each of ``post_ids`` that has one (the one in force unless an
        appeal reversed it), with its appeal's status (``appeal_status``, None without one)."""
        if not post_ids:
            return {}
        rows = self._select(
            "SELECT d.*, a.status AS appeal_status FROM decisions d "
            "LEFT JOIN appeals a ON a.decision_id = d.decision_id "
            f"WHERE d.post_id IN ({', '.join('?' * len(post_ids))}) "
            "ORDER BY d.post_id, d.created_at, d.decision_id",
            list(post_ids),
        )
        return {r["post_id"]: r for r in rows}  # the newest last

    # ---- posts under review -----------------------------------------------------------------
    def post(self, post_id: str) -> dict[str, Any] | None:
        """The post a flag or decision is about: its text, language and dates (no author)."""
        rows = self.store.rows(
            "SELECT id, source, title, text, lang, created_at, url FROM posts WHERE id = ?",
            [post_id],
        )
        return rows[0] if rows else None

    def texts_of(self, post_ids: Sequence[str]) -> dict[str, str | None]:
        """The raw text of each of ``post_ids`` that is stored (what flag evidence points into)."""
        if not post_ids:
            return {}
        rows = self.store.rows(
            f"SELECT id, text FROM posts WHERE id IN ({', '.join('?' * len(post_ids))})",
            list(post_ids),
        )
        return {r["id"]: r["text"] for r in rows}

    def post_texts(self, after_id: str, limit: int) -> list[tuple[str, str]]:
        """(id, text) of up to ``limit`` posts with ids after ``after_id``, in id order (for
        flagging posts stored before protect ran)."""
        return [
            (r["id"], r["text"])
            for r in self.store.rows(
                "SELECT id, text FROM posts WHERE id > ? ORDER BY id LIMIT ?", [after_id, limit]
            )
        ]

    # ---- reviewer calibration ---------------------------------------------------------------
    def insert_gold(self, gold: dict[str, Any]) -> None:
        self._insert(
            "gold_items",
            ("gold_id", "text", "label", "expected", "created_at"),
            [gold],
            ignore=True,
        )

    def gold_items(self) -> list[dict[str, Any]]:
        return self._select("SELECT * FROM gold_items ORDER BY gold_id")

    def gold_unanswered(self, moderator: str) -> list[dict[str, Any]]:
        return self._select(
            "SELECT g.* FROM gold_items g WHERE NOT EXISTS (SELECT 1 FROM gold_answers a "
            "WHERE a.gold_id = g.gold_id AND a.moderator = ?) ORDER BY g.gold_id",
            [moderator],
        )

    def first_flagged_source(self) -> str | None:
        """The source of the post of the oldest flag (None without flags): what a gold item's
        post id is shown under, so that it reads like a flagged post's id (and stays put)."""
        rows = self.store.rows(
            "SELECT p.source FROM flags f JOIN posts p ON p.id = f.post_id "
            "ORDER BY f.created_at, f.flag_id LIMIT 1"
        )
        return str(rows[0]["source"]) if rows else None

    def answer_gold(self, gold_id: str, moderator: str, answer: str, at: datetime) -> None:
        self.store.execute(
            "INSERT INTO gold_answers VALUES (?, ?, ?, ?) ON CONFLICT (gold_id, moderator) "
            "DO UPDATE SET answer = excluded.answer, answered_at = excluded.answered_at",
            [gold_id, moderator, answer, at],
        )

    def gold_answers(self) -> list[dict[str, Any]]:
        """(gold id, moderator, answer, expected) for every answer given."""
        result: list[dict[str, Any]] = self.store.rows(
            "SELECT a.gold_id, a.moderator, a.answer, g.expected FROM gold_answers a "
            "JOIN gold_items g USING (gold_id) ORDER BY a.moderator, a.gold_id"
        )
        return result

    # ---- audit log --------------------------------------------------------------------------
    def audit_tail(self) -> tuple[int, str] | None:
        """(seq, hash) of the last entry, or None for an empty log."""
        rows = self.store.rows("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        return (int(rows[0]["seq"]), rows[0]["hash"]) if rows else None

    def insert_audit(self, entry: dict[str, Any]) -> None:
        self.store.execute(
            'INSERT INTO audit_log (seq, "at", kind, ref, payload, prev_hash, hash) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                entry["seq"],
                entry["at"],
                entry["kind"],
                entry["ref"],
                entry["payload_text"],
                entry["prev_hash"],
                entry["hash"],
            ],
        )

    def audit_entries(self) -> list[dict[str, Any]]:
        """Every entry in order, the payload as stored (text), so the chain can be recomputed."""
        result: list[dict[str, Any]] = self.store.rows(
            'SELECT seq, "at", kind, ref, payload AS payload_text, prev_hash, hash FROM audit_log '
            "ORDER BY seq"
        )
        return result

    def audit_of_kind(self, kind: str, limit: int) -> list[dict[str, Any]]:
        """The newest ``limit`` entries of one kind, newest first, the payload as stored (text)."""
        result: list[dict[str, Any]] = self.store.rows(
            'SELECT seq, "at", kind, ref, payload AS payload_text FROM audit_log WHERE kind = ? '
            "ORDER BY seq DESC LIMIT ?",
            [kind, int(limit)],
        )
        return result

    def audited_records(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Every flag, decision and appeal as stored, by table and id (JSON decoded): what
        ``heard.protect.audit.verify`` compares with the entries that recorded them."""
        tables = (("flags", "flag_id"), ("decisions", "decision_id"), ("appeals", "appeal_id"))
        return {
            table: {r[key]: _decode(r) for r in self.store.rows(f"SELECT * FROM {table}")}
            for table, key in tables
        }
