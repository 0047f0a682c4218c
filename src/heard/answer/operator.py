"""The ``cases`` operator: every new top-level post is routed to a department and opens a case.

It runs at the end of the pipeline (after ``embed``, whose vectors the router reuses) when the
setting ``answer_cases`` is on, and only then, so that listening alone stays as it was:

- ``process`` routes the batch: a trained router (``router_model``) or zero-shot from the
  configured departments (``[[departments]]`` in heard.toml, or ``department_preset``). A route
  below the router's triage threshold puts the case in the ``triage`` queue, not in a guess;
- ``persist``, after the batch is stored, opens one case per top-level post (a post with a
  ``parent_id`` is a comment on a concern, not a concern). Where the source carries its own
  department label (附件2's 一级标签) that label is the department (``routed_by`` 'source:…',
  the training data of ``heard train router``); where it carries an official reply (附件4's
  答复意见/答复时间), the case is stored *answered*: the reply as published, attributed to the
  case's department (or, in triage, to the institution that runs the board), status ``closed``,
  its reply quality scored. ``closed`` and not ``fixed``: a published answer says the institution
  responded, not that the problem went away; only the department can say ``fixed``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import numpy as np

from heard.answer import cases as workflow
from heard.answer.departments import (
    DEFAULT_DEADLINE_DAYS,
    Department,
    merge_edits,
    parse_departments,
)
from heard.clock import utcnow
from heard.errors import InputError
from heard.pipeline.batch import Batch

LABEL_COLUMNS = ("一级标签", "一级分类", "department")
"""Source columns that name the department that handled a post (kept in ``Post.raw``)."""
REPLY_TEXT_COLUMNS = ("答复意见", "official_reply", "reply_text")
REPLY_TIME_COLUMNS = ("答复时间", "replied_at", "reply_time")
DEPARTMENT_PRESETS = ("teddycup",)
REPLY_COLUMNS = (
    "reply_text", "reply_department", "replied_at", "status", "closed_at", "reply_quality",
    "reply_scores",
)  # fmt: skip
"""The case columns an imported reply sets."""


def configured_departments(settings: Any, store: Any = None) -> list[Department]:
    """``[[departments]]`` from heard.toml, else the ``department_preset``, else none — with the
    edits and additions made in the dashboard when ``store`` (or a reader) is given."""
    edits = store.cases.department_edits() if store is not None else []
    return merge_edits(_from_settings(settings), edits)


def file_departments(settings: Any) -> list[Department]:
    """The departments heard.toml or the preset configures, without the dashboard's edits."""
    return _from_settings(settings)


def _from_settings(settings: Any) -> list[Department]:
    if settings.departments:
        return parse_departments(settings.departments)
    preset = settings.department_preset
    if preset is None:
        return []
    if preset == "teddycup":
        from heard.answer.presets import teddycup_departments

        return teddycup_departments()
    raise InputError(
        f"unknown department preset {preset!r}",
        f"use one of: {', '.join(DEPARTMENT_PRESETS)}, or write [[departments]]",
    )


def _uncalculated(raw: dict[str, Any], columns: tuple[str, ...]) -> str | None:
    """The first of ``columns`` the mapper noted as an XLSX formula saved without a computed
    value (``heard.connectors.mapping``: its field is empty)."""
    notes = [str(n) for n in raw.get("_heard_notes") or []]
    for column in columns:
        if any(n.startswith(f"{column}: a formula without a computed value") for n in notes):
            return column
    return None


def _first(raw: dict[str, Any], columns: tuple[str, ...]) -> tuple[str | None, Any]:
    for column in columns:
        value = raw.get(column)
        if value is not None and str(value).strip():
            return column, value
    return None, None


class CaseStage:
    """Routes each post and opens its case; see the module docstring."""

    name: ClassVar[str] = "cases"
    requires: ClassVar[tuple[str, ...]] = ("text_norm", "embedding")
    assigns: ClassVar[tuple[str, ...]] = ("route",)
    persist_with_batch: ClassVar[bool] = True  # a stored post always has its case

    def __init__(
        self,
        departments: list[Department],
        router_model: Any = None,
        embedder: Any = None,
        embedder_spec: str = "use-int8",
        timezone: str = "Asia/Shanghai",
        clock: Callable[[], datetime] = utcnow,
        score_replies: bool = True,
        sources: Sequence[str] = (),
    ):
        self._router_model, self._embedder = router_model, embedder
        self._embedder_spec = embedder_spec
        self._configured = bool(departments)  # else a trained router's own departments
        self._in_file = [d.code for d in departments]  # heard.toml's or the preset's
        self._use(departments)
        self.zone = ZoneInfo(timezone)
        self.clock = clock
        self.score_replies = score_replies
        self.sources = tuple(sources)
        """Only posts of these sources open cases (``case_sources``); empty: every source."""
        self.opened = 0

    def _use(self, departments: list[Department]) -> None:
        from heard.answer.router_io import open_router

        self.router = open_router(
            self._router_model,
            departments or None,
            embedder=self._embedder,
            embedder_spec=self._embedder_spec,
        )
        routed = {d.code: d for d in self.router.departments}
        # a trained router keeps its departments; their names, contacts and deadlines follow
        # the edits made since (heard.toml or the dashboard)
        self.departments = {d.code: d for d in departments if d.code in routed} or routed
        self._by_name = {
            n: d.code
            for d in self.departments.values()
            for n in (d.code, d.name_zh, d.name_en)
            if n
        }
        # the batch's vectors are reused only when they come from the router's own embedder
        self._same_vectors = getattr(self.router, "embedder_spec", None) == self._embedder_spec

    @property
    def model(self) -> str:
        return self.router.name

    # ---- runner hooks -----------------------------------------------------------------------
    def bind(self, store: Any, recover: bool = True) -> None:
        """Store the departments and retire those removed from the configuration
        (``heard.answer.retired``); then (``recover``) open the cases of stored posts that have
        none: posts stored before ``answer_cases`` was switched on. (A batch's cases commit with
        its posts, ``persist_with_batch``; a store written by an older Heard may also have a
        batch stored without them.)"""
        if self._configured:  # heard.toml's removal wins over the dashboard's older edits
            from heard.answer.retired import settle_edits

            settle_edits(store, self._in_file)
        edits = store.cases.department_edits()
        if edits:  # departments edited or added in the dashboard win over the configured ones
            merged = merge_edits(list(self.departments.values()), edits)
            if self._router_model is not None:  # a trained router routes to what it learned
                merged = [d for d in merged if d.code in self.departments]
            self._use(merged)
        store.cases.save_departments([d.to_dict() for d in self.departments.values()])
        if self._configured or edits:  # departments removed from heard.toml: cases to triage
            from heard.answer.retired import retire_removed

            retire_removed(store, list(self.departments), self.clock())
        if recover:
            self.recover(store)

    def recover(self, store: Any, batch_size: int = 512) -> int:
        """Route and open cases for stored top-level posts without one; returns how many."""
        from heard.records import Post

        done = 0
        while True:
            rows = store.cases.posts_without_case(batch_size, self.sources)
            if not rows:
                return done
            posts = [
                Post(
                    id=r["id"],
                    source=r["id"].split(":", 1)[0],
                    external_id="",
                    text=r["text"],
                    title=r["title"],
                    created_at=r["created_at"].replace(tzinfo=timezone.utc),
                    raw=json.loads(r["raw"]) if r["raw"] else {},
                )
                for r in rows
            ]
            batch = Batch(posts)
            texts = [f"{p.title}\n{p.text}" if p.title else p.text for p in posts]
            batch.set("route", self.router.route(texts, [p.id for p in posts]))
            before = self.opened
            self.persist(store, batch)
            if self.opened == before:  # nothing could be opened: never loop forever
                return done
            done += self.opened - before

    def process(self, batch: Batch) -> Batch:
        if not len(batch):
            batch.set("route", [])
            return batch
        vectors = np.asarray(batch["embedding"], dtype=np.float32) if self._same_vectors else None
        routes = self.router.route(
            list(batch["text_norm"]), [p.id for p in batch.posts], embeddings=vectors
        )
        batch.set("route", routes)
        return batch

    def persist(self, store: Any, batch: Batch | None = None) -> None:
        """Open the batch's cases — not for a post the protect side actioned as spam or a scam
        before (``flags`` persists first): a department's queue is no place for spam."""
        if batch is None or not len(batch):
            return
        cases, events, replies = [], [], []
        actioned = store.cases.automated_spam([p.id for p in batch.posts])
        for post, route in zip(batch.posts, batch["route"]):
            if not self._opens_case(post) or post.id in actioned:
                continue
            case, opened = self._open(post, route)
            cases.append(case)
            events.append(opened)
            answered, skipped = self._imported_reply(post, case)
            if skipped is not None:  # the official sees why the case shows no reply
                opened["note"] = f"{opened['note']}; {skipped}"
            if answered is not None:
                events.append(answered)
                replies.append((post, case))
        if self.score_replies and replies:
            self._score(replies)
        self.opened += store.cases.open_cases(cases, events)

    def revisit(self, store: Any, posts: list[Any]) -> None:
        """Posts an earlier run stored, read again (a later export of the same board): a reply
        the source has published since is imported into the post's case when that case is
        still open and has no reply. A reply the department gave in Heard, or a case closed or
        disputed since, is left as it is."""
        for post in posts:
            if not self._opens_case(post) or _first(post.raw or {}, REPLY_TEXT_COLUMNS)[1] is None:
                continue
            case = store.cases.case_for_post(post.id)
            if case is None or case.get("reply_text") or not workflow.is_open(case["status"]):
                continue
            before = dict(case)
            answered, _ = self._imported_reply(post, case)
            if answered is None:
                continue
            if self.score_replies:
                self._score([(post, case)])
            changes = {k: v for k, v in case.items() if k in REPLY_COLUMNS and v != before.get(k)}
            store.cases.update_case(case["case_id"], changes, answered)

    def finish(self, store: Any, final: bool = True) -> dict[str, int]:
        return {"cases_opened": self.opened}

    # ---- one post ---------------------------------------------------------------------------
    def _opens_case(self, post: Any) -> bool:
        """A top-level post (a comment is not a concern) of a source that opens cases."""
        return post.parent_id is None and (not self.sources or post.source in self.sources)

    def _open(self, post: Any, route: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        column, label = _first(post.raw or {}, LABEL_COLUMNS)
        code = self._by_name.get(str(label).strip()) if label is not None else None
        explanation = {
            "suggested": route.department,
            "scores": {k: round(v, 4) for k, v in route.scores.items()},
            **route.explanation.to_dict(),
        }
        if code is not None:  # the source says who handled it: that is the record
            department, confidence, routed_by = code, 1.0, f"source:{column}"
        else:
            department, confidence, routed_by = route.queue, route.confidence, route.model
        days = self._deadline_days(department)
        role = "import" if code is not None else "system"
        return workflow.new_case(
            post.id,
            post.created_at,
            department,
            deadline_days=days,
            confidence=confidence,
            routed_by=routed_by,
            explanation=explanation,
            at=post.created_at,
            role=role,
            zone=self.zone,
        )

    def _deadline_days(self, department: str) -> int:
        """The deadline a case of ``department`` gets (its default; triage's is the default)."""
        dept = self.departments.get(department)
        return dept.deadline_for() if dept else DEFAULT_DEADLINE_DAYS

    def _imported_reply(
        self, post: Any, case: dict[str, Any]
    ) -> tuple[dict[str, Any] | None, str | None]:
        """A reply the source published with the post: the case is stored answered and closed
        (the event is returned). A reply whose time is missing, unreadable or more than a day
        ahead (the rule a post's own time meets) is not imported: the case stays open, the post
        is kept, and the reason is returned for the case's timeline."""
        raw = post.raw or {}
        text_column, text = _first(raw, REPLY_TEXT_COLUMNS)
        time_column, when = _first(raw, REPLY_TIME_COLUMNS)
        skipped = "the source's reply was not imported: "
        formula = _uncalculated(raw, REPLY_TEXT_COLUMNS if text is None else ())
        formula = formula or _uncalculated(raw, REPLY_TIME_COLUMNS if when is None else ())
        if formula is not None:  # a workbook written by a script: the cell is not empty
            return None, skipped + (
                f"{formula} is a formula without a computed value; open and save the file in a "
                "spreadsheet program, or export CSV"
            )
        if text is None and when is None:
            return None, None
        if text is None:
            return None, skipped + f"{time_column} is given but the reply text is empty"
        from heard.records import MAX_TEXT_CHARS

        if len(str(text).strip()) > MAX_TEXT_CHARS:  # a post this long is quarantined
            size = len(str(text).strip())
            return (
                None,
                skipped + f"{text_column} has {size} characters, the limit is {MAX_TEXT_CHARS}",
            )
        if when is None:  # the time column that goes with the text's (答复意见 → 答复时间)
            paired = REPLY_TIME_COLUMNS[REPLY_TEXT_COLUMNS.index(str(text_column))]
            return None, skipped + f"{paired} is empty"
        from heard.connectors.mapping import parse_datetime

        try:
            replied_at = parse_datetime(when, self.zone, self.clock())
        except (ValueError, OverflowError, OSError) as exc:
            return None, skipped + f"{time_column} {str(when)[:40]!r}: {str(exc)[:120]}"
        if replied_at is None:
            return None, skipped + f"{time_column} is empty"
        department = case["department"] if case["department"] != workflow.TRIAGE else None
        from_status = case["status"]
        case.update(
            reply_text=str(text).strip(),
            reply_department=department,
            replied_at=replied_at,
            status="closed",
            closed_at=replied_at,
        )
        return {
            "case_id": case["case_id"],
            "at": replied_at,
            "kind": "replied",
            "from_status": from_status,
            "to_status": "closed",
            "to_department": department,
            "actor_role": "import",
            "note": str(text).strip(),  # the published reply, kept on the record
        }, None

    def _score(self, replies: list[tuple[Any, dict[str, Any]]]) -> None:
        from heard.answer.replies import score_replies
        from heard.answer.replies_types import ReplyQualityConfig, ReplyToScore

        items = []
        for post, case in replies:
            asked, answered = post.created_at, case["replied_at"]
            timely = answered >= asked
            items.append(
                ReplyToScore(
                    post.title or "",
                    post.text,
                    case["reply_text"],
                    asked if timely else None,
                    answered if timely else None,
                    case["case_id"],
                    # the case's own deadline: timeliness is judged against what it was given
                    self._deadline_days(case["department"]),
                )
            )
        config = ReplyQualityConfig(zone=self.zone)  # working days on the institution's dates
        for (_, case), quality in zip(replies, score_replies(items, config=config)):
            case["reply_quality"] = quality.overall
            case["reply_scores"] = quality.as_dict()
