"""The cases repository: departments, cases, their events and routing corrections.

Every change to a case is one call that updates the case row and appends its event in the same
transaction, so the timeline and the case never disagree. The ``actor`` (an account name) is kept
for the record and never leaves through the read model (``heard.read.cases``); a case's public
token arrives here already hashed (the token itself is shown once, to the person who filed it).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pyarrow as pa

from heard.clock import to_naive_utc

CASE_COLUMNS = (
    "case_id",
    "post_id",
    "department",
    "status",
    "routed_confidence",
    "routed_by",
    "explanation",
    "created_at",
    "deadline_at",
    "reply_text",
    "reply_department",
    "replied_at",
    "closed_at",
    "reopened_count",
    "public_token_hash",
    "reply_quality",
    "reply_scores",
    "issue_id",
    "late_closures",
)
EVENT_COLUMNS = (
    "case_id",
    "at",
    "kind",
    "from_status",
    "to_status",
    "from_department",
    "to_department",
    "actor_role",
    "actor",
    "note",
)
_AUTOMATED = (
    "SELECT 1 FROM decisions d WHERE d.post_id = p.id AND d.automated_decision "
    "AND d.decision <> 'no_action'"
)
"""A post an automated decision actioned as spam or a scam: it opens no case."""
_CASE_NAMES = ", ".join(CASE_COLUMNS)
_EVENT_NAMES = ", ".join(f'"{c}"' for c in EVENT_COLUMNS)
_TIMES = ("created_at", "deadline_at", "replied_at", "closed_at", "at")
_JSON = ("explanation", "reply_scores")
_FLOATS = ("routed_confidence", "reply_quality")
UPDATABLE = frozenset(
    {
        "department",
        "status",
        "deadline_at",
        "reply_text",
        "reply_department",
        "replied_at",
        "closed_at",
        "reopened_count",
        "public_token_hash",
        "reply_quality",
        "reply_scores",
        "routed_by",
        "routed_confidence",
    }
)


def _value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in _TIMES:
        return to_naive_utc(value)
    if name in _JSON:
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def _arrow(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> pa.Table:
    data: dict[str, pa.Array] = {}
    for name in columns:
        values = [_value(name, r.get(name)) for r in rows]
        if name in _TIMES:
            data[name] = pa.array(values, pa.timestamp("us"))
        elif name in _FLOATS:
            data[name] = pa.array(values, pa.float32())
        elif name in ("reopened_count", "late_closures"):
            data[name] = pa.array([v or 0 for v in values], pa.int32())
        elif name == "issue_id":
            data[name] = pa.array(values, pa.int32())
        else:
            data[name] = pa.array(values, pa.string())
    return pa.table(data)


def _subject(case: dict[str, Any]) -> Any:
    """What a case is about: its post id, or ("issue", id)."""
    if case.get("issue_id") is not None:
        return ("issue", int(case["issue_id"]))
    return case.get("post_id")


def _late(case: dict[str, Any]) -> int:
    """1 when a new case is stored closed after its deadline (an imported late reply), else 0."""
    closed, deadline = case.get("closed_at"), case.get("deadline_at")
    if closed is None or deadline is None:
        return 0
    return int(to_naive_utc(closed) > to_naive_utc(deadline))


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    for name in _JSON:
        if isinstance(row.get(name), str):
            row[name] = json.loads(row[name])
    return row


class Cases:
    def __init__(self, store: Any):
        self.store = store

    # ---- departments ------------------------------------------------------------------------
    def save_departments(self, departments: Sequence[dict[str, Any]]) -> None:
        """Insert or replace departments (``Department.to_dict()`` forms), keyed by code."""
        with self.store.transaction():
            for d in departments:
                description = "\n".join(
                    t for t in (d.get("description_zh"), d.get("description_en")) if t
                )
                self.store.execute(
                    "INSERT INTO departments VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) "
                    "DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, "
                    "description = excluded.description, keywords = excluded.keywords, "
                    "webhook = excluded.webhook, email = excluded.email, "
                    "deadline_days = excluded.deadline_days",
                    [
                        d["code"],
                        d.get("name_zh"),
                        d.get("name_en"),
                        description,
                        json.dumps(list(d.get("keywords", [])), ensure_ascii=False),
                        d.get("webhook"),
                        d.get("email"),
                        json.dumps(d.get("deadline_days", {}), ensure_ascii=False),
                    ],
                )

    def departments(self) -> list[dict[str, Any]]:
        rows = self.store.rows("SELECT * FROM departments ORDER BY code")
        for r in rows:
            r["keywords"] = json.loads(r["keywords"] or "[]")
            r["deadline_days"] = json.loads(r["deadline_days"] or "{}")
        result: list[dict[str, Any]] = rows
        return result

    def department_edits(self) -> list[dict[str, Any]]:
        """Definitions edited or added in the dashboard (``Department.to_dict()`` forms)."""
        if "department_edits" not in self.store.tables():
            return []
        rows = self.store.rows("SELECT definition FROM department_edits ORDER BY code")
        return [json.loads(r["definition"]) for r in rows]

    def save_department_edit(self, definition: dict[str, Any], at: datetime, by: str) -> None:
        """Store one department's definition as edited in the dashboard (replaces an earlier
        edit of the same code); ``by`` is the editor's role, not a person."""
        self.store.execute(
            "INSERT INTO department_edits VALUES (?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET "
            "definition = excluded.definition, edited_at = excluded.edited_at, "
            "edited_by = excluded.edited_by",
            [definition["code"], json.dumps(definition, ensure_ascii=False), to_naive_utc(at), by],
        )

    def replace_department_edit(self, definition: dict[str, Any]) -> None:
        """Rewrite one stored edit's definition, keeping when and by whom it was edited (a run
        marking what the edit is, ``heard.answer.retired.settle_edits``)."""
        self.store.execute(
            "UPDATE department_edits SET definition = ? WHERE code = ?",
            [json.dumps(definition, ensure_ascii=False), definition["code"]],
        )

    def drop_department_edit(self, code: str) -> None:
        """Forget the dashboard's edit of ``code`` (the department stays stored, its record too)."""
        self.store.execute("DELETE FROM department_edits WHERE code = ?", [code])

    # ---- cases ------------------------------------------------------------------------------
    def open_cases(self, cases: Sequence[dict[str, Any]], events: Sequence[dict[str, Any]]) -> int:
        """Store new cases and their first events in one transaction. A case's subject is a post
        (``post_id``) or an issue (``issue_id``); a subject that has a case already is skipped
        with its events (re-ingest, or opening an issue's case twice, opens nothing twice).
        Returns how many cases were stored."""
        if not cases:
            return 0
        with self.store.transaction():
            posts = [c["post_id"] for c in cases if c.get("post_id") is not None]
            taken: set[Any] = set()
            if posts:
                probe = pa.table({"v": pa.array(posts, pa.string())})
                with self.store.registered("_case_probe", probe):
                    taken = {
                        r[0]
                        for r in self.store.fetchall(
                            "SELECT c.post_id FROM cases c JOIN _case_probe p ON c.post_id = p.v"
                        )
                    }
            issues = sorted({int(c["issue_id"]) for c in cases if c.get("issue_id") is not None})
            if issues:
                taken |= {
                    ("issue", int(r[0]))
                    for r in self.store.fetchall(
                        "SELECT issue_id FROM cases "
                        f"WHERE issue_id IN ({', '.join('?' for _ in issues)})",
                        issues,
                    )
                }
            fresh = [c for c in cases if _subject(c) not in taken]
            ids = {c["case_id"] for c in fresh}
            fresh_events = [e for e in events if e["case_id"] in ids]
            if fresh:
                rows = [{**c, "late_closures": _late(c)} for c in fresh]
                with self.store.registered("_new_cases", _arrow(rows, CASE_COLUMNS)):
                    self.store.execute(
                        f"INSERT INTO cases ({_CASE_NAMES}) SELECT {_CASE_NAMES} FROM _new_cases"
                    )
            if fresh_events:
                table = _arrow(fresh_events, EVENT_COLUMNS)
                with self.store.registered("_new_events", table):
                    # ordered by the caller's list: a case's events keep their order
                    self.store.execute(
                        f"INSERT INTO case_events ({_EVENT_NAMES}) "
                        f"SELECT {_EVENT_NAMES} FROM _new_events"
                    )
        return len(fresh)

    def case(self, case_id: str) -> dict[str, Any] | None:
        rows = self.store.rows("SELECT * FROM cases WHERE case_id = ?", [case_id])
        return _decode(rows[0]) if rows else None

    def open_cases_of(self, department: str, open_states: Sequence[str]) -> list[dict[str, Any]]:
        """The cases of ``department`` in one of ``open_states``, oldest first."""
        states = ", ".join("?" for _ in open_states)
        rows = self.store.rows(
            f"SELECT * FROM cases WHERE department = ? AND status IN ({states}) "
            "ORDER BY created_at, case_id",
            [department, *open_states],
        )
        return [_decode(r) for r in rows]

    def case_for_post(self, post_id: str) -> dict[str, Any] | None:
        rows = self.store.rows("SELECT * FROM cases WHERE post_id = ?", [post_id])
        return _decode(rows[0]) if rows else None

    def case_for_issue(self, issue_id: int) -> dict[str, Any] | None:
        """The case opened for an issue (at most one: ``cases_issue`` is unique)."""
        rows = self.store.rows("SELECT * FROM cases WHERE issue_id = ?", [int(issue_id)])
        return _decode(rows[0]) if rows else None

    def case_by_token_hash(self, token_hash: str) -> dict[str, Any] | None:
        rows = self.store.rows("SELECT * FROM cases WHERE public_token_hash = ?", [token_hash])
        return _decode(rows[0]) if rows else None

    def update_case(self, case_id: str, changes: dict[str, Any], event: dict[str, Any]) -> None:
        """Apply ``changes`` to one case and append ``event``, together. A change that closes the
        case (sets ``closed_at``) after its deadline adds one to ``late_closures``, which
        reopening never lowers: a late closure stays on the department's record."""
        unknown = set(changes) - UPDATABLE
        if unknown:
            raise ValueError(f"cases has no updatable columns {sorted(unknown)}")
        with self.store.transaction():
            if changes:
                names = sorted(changes)
                sets = [f"{n} = ?" for n in names]
                params = [_value(n, changes[n]) for n in names]
                if changes.get("closed_at") is not None:
                    deadline = "?" if "deadline_at" in changes else "deadline_at"
                    sets.append(
                        "late_closures = coalesce(late_closures, 0) + "
                        f"CASE WHEN ? > {deadline} THEN 1 ELSE 0 END"
                    )
                    params.append(_value("closed_at", changes["closed_at"]))
                    if "deadline_at" in changes:
                        params.append(_value("deadline_at", changes["deadline_at"]))
                self.store.execute(
                    f"UPDATE cases SET {', '.join(sets)} WHERE case_id = ?", params + [case_id]
                )
            self.add_events([{**event, "case_id": case_id}])

    def add_events(self, events: Sequence[dict[str, Any]]) -> None:
        names = ", ".join(f'"{c}"' for c in EVENT_COLUMNS)
        for e in events:
            self.store.execute(
                f"INSERT INTO case_events ({names}) "
                f"VALUES ({', '.join('?' for _ in EVENT_COLUMNS)})",
                [_value(n, e.get(n)) for n in EVENT_COLUMNS],
            )

    def events(self, case_id: str) -> list[dict[str, Any]]:
        """The case's timeline, oldest first (``actor`` included: internal callers only)."""
        result: list[dict[str, Any]] = self.store.rows(
            'SELECT * FROM case_events WHERE case_id = ? ORDER BY "at", event_id', [case_id]
        )
        return result

    # ---- routing corrections ----------------------------------------------------------------
    def add_correction(
        self, post_id: str, department: str, at: datetime, actor: str | None
    ) -> None:
        self.store.execute(
            "INSERT INTO routing_corrections VALUES (?, ?, ?, ?)",
            [post_id, department, to_naive_utc(at), actor],
        )

    def training_rows(self) -> list[dict[str, Any]]:
        """Texts with the department a person or the source gave them: the latest correction of
        each post (``corrected`` true), and cases whose department came from the source's own
        label (``routed_by`` 'source:…'). Routes the router chose itself are never training
        data (it would learn its own mistakes)."""
        result: list[dict[str, Any]] = self.store.rows(
            """WITH latest AS (
                   SELECT post_id, arg_max(department, corrected_at) AS department
                   FROM routing_corrections GROUP BY post_id)
               SELECT p.id, p.title, p.text, l.department, TRUE AS corrected
               FROM latest l JOIN posts p ON p.id = l.post_id
               UNION ALL
               SELECT p.id, p.title, p.text, c.department, FALSE AS corrected
               FROM cases c JOIN posts p ON p.id = c.post_id
               WHERE c.routed_by LIKE 'source:%'
                 AND c.post_id NOT IN (SELECT post_id FROM latest)
               ORDER BY 1"""
        )
        return result

    def posts_without_case(self, limit: int, sources: Sequence[str] = ()) -> list[dict[str, Any]]:
        """Top-level posts that have no case yet (a run stopped between storing posts and
        opening their cases, or cases switched on for a store that had posts)."""
        where = f"p.parent_id IS NULL AND c.case_id IS NULL AND NOT EXISTS ({_AUTOMATED})"
        params: list[Any] = []
        if sources:
            where += f" AND p.source IN ({', '.join('?' for _ in sources)})"
            params += list(sources)
        result: list[dict[str, Any]] = self.store.rows(
            f"""SELECT p.id, p.title, p.text, p.created_at, p.raw FROM posts p
                LEFT JOIN cases c ON c.post_id = p.id WHERE {where}
                ORDER BY p.created_at, p.id LIMIT {int(limit)}""",
            params,
        )
        return result

    def automated_spam(self, post_ids: Sequence[str]) -> set[str]:
        """Which of ``post_ids`` an automated decision actioned (only spam and scams ever are,
        RIGHTS.md §5): they open no case."""
        if not post_ids:
            return set()
        marks = ", ".join("?" for _ in post_ids)
        rows = self.store.rows(
            "SELECT DISTINCT d.post_id FROM decisions d WHERE d.automated_decision "
            f"AND d.decision <> 'no_action' AND d.post_id IN ({marks})",
            list(post_ids),
        )
        return {r["post_id"] for r in rows}

    # ---- notifications (heard.answer.notifications) -----------------------------------------
    def notification_inputs(
        self, departments: Sequence[str], open_states: Sequence[str]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """What notifications are computed from, for ``departments`` only: their open cases, each
        with ``arrivals`` (how many times it came into its department's queue: opened there,
        reassigned or refiled to it), and the ``disputed`` events of their cases (with the
        event's id)."""
        if not departments or "case_notifications" not in self.store.tables():
            return [], []
        depts = ", ".join("?" for _ in departments)
        states = ", ".join("?" for _ in open_states)
        cases: list[dict[str, Any]] = self.store.rows(
            f"""SELECT c.case_id, c.department, c.status, c.created_at, c.deadline_at,
                       (SELECT count(*) FROM case_events e
                        WHERE e.case_id = c.case_id AND e.to_department = c.department
                          AND (e.kind = 'opened' OR e.from_department <> e.to_department)
                       ) AS arrivals
                FROM cases c
                WHERE c.department IN ({depts}) AND c.status IN ({states})
                ORDER BY c.created_at, c.case_id""",
            [*departments, *open_states],
        )
        disputes: list[dict[str, Any]] = self.store.rows(
            f"""SELECT e.event_id, e.case_id, e."at", c.department, c.status, c.created_at,
                       c.deadline_at
                FROM case_events e JOIN cases c ON c.case_id = e.case_id
                WHERE e.kind = 'disputed' AND c.department IN ({depts})
                ORDER BY e."at", e.event_id""",
            list(departments),
        )
        return cases, disputes

    def notification_keys(self) -> set[tuple[str, str, str]]:
        """(case_id, kind, ref) of every notification recorded so far."""
        rows = self.store.fetchall("SELECT case_id, kind, ref FROM case_notifications")
        return {(str(r[0]), str(r[1]), str(r[2])) for r in rows}

    def concern(self, case_id: str) -> dict[str, Any] | None:
        """The title and text of a case's post (the original: callers redact it); for an issue's
        case, its place and problem and a line with its message count (no message's words)."""
        rows = self.store.rows(
            "SELECT p.title, p.text, c.issue_id, i.place, i.problem, "
            "i.distinct_messages AS messages FROM cases c LEFT JOIN posts p ON p.id = c.post_id "
            "LEFT JOIN issues i ON i.issue_id = c.issue_id WHERE c.case_id = ?",
            [case_id],
        )
        if not rows:
            return None
        r = rows[0]
        if r["issue_id"] is None:
            return {"title": r["title"], "text": r["text"]} if r["text"] is not None else None
        label = " · ".join(x for x in (r["place"], r["problem"]) if x) or f"issue {r['issue_id']}"
        count = f"{int(r['messages'])} messages" if r["messages"] is not None else "messages"
        return {"title": label,
                "text": f"issue {r['issue_id']}: {label} ({count})"}  # fmt: skip

    def add_notifications(self, rows: Sequence[dict[str, Any]]) -> int:
        """Record notifications to send; one already recorded for its (case, kind, ref) is kept
        as it is. Returns how many were new."""
        added = 0
        with self.store.transaction():
            for r in rows:
                before = self.store.scalar(
                    "SELECT count(*) FROM case_notifications "
                    "WHERE case_id = ? AND kind = ? AND ref = ?",
                    [r["case_id"], r["kind"], r["ref"]],
                )
                if before:
                    continue
                self.store.execute(
                    "INSERT INTO case_notifications (notification_id, case_id, kind, ref, "
                    "department, created_at, payload, deliveries, done) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, NULL, false)",
                    [
                        r["notification_id"],
                        r["case_id"],
                        r["kind"],
                        r["ref"],
                        r["department"],
                        to_naive_utc(r["created_at"]),
                        json.dumps(r["payload"], ensure_ascii=False, default=str),
                    ],
                )
                added += 1
        return added

    def pending_notifications(self) -> list[dict[str, Any]]:
        """Notifications with a channel still to deliver, oldest first."""
        return self._notifications("WHERE NOT done")

    def notifications(self, case_id: str | None = None) -> list[dict[str, Any]]:
        """Every recorded notification (of one case), oldest first, with its deliveries."""
        if case_id is None:
            return self._notifications("")
        return self._notifications("WHERE case_id = ?", [case_id])

    def _notifications(self, where: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        if "case_notifications" not in self.store.tables():
            return []
        rows: list[dict[str, Any]] = self.store.rows(
            f"SELECT * FROM case_notifications {where} ORDER BY created_at, notification_id",
            list(params),
        )
        for r in rows:
            r["payload"] = json.loads(r["payload"])
            r["deliveries"] = json.loads(r["deliveries"]) if r["deliveries"] else {}
        return rows

    def set_notification_deliveries(
        self, notification_id: str, deliveries: dict[str, Any], done: bool
    ) -> None:
        self.store.execute(
            "UPDATE case_notifications SET deliveries = ?, done = ? WHERE notification_id = ?",
            [json.dumps(deliveries, ensure_ascii=False, default=str), done, notification_id],
        )
