"""The issues operator: after each run (and each periodic refresh of ``heard watch``) it finds
the issues among the newest posts and stores them, keeping each issue's id as messages join it.

Grouping reads every post of the window again, not only the new ones, so the issues do not depend
on how the posts arrived (one file, ten files, a stream); the window (``issues_posts``, default
20,000 newest posts) bounds the work: 1.3 s for 附件3's 4,326 messages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from heard.clock import utcnow
from heard.listen.issues.alerts import new_alerts
from heard.listen.issues.grouping import GroupingParams, Message, find_groups
from heard.listen.issues.measure import (
    MessageFacts,
    match_ids,
    measure,
    problem_terms,
    title_from,
)
from heard.pipeline.batch import Batch


_THANKS = re.compile(r"感谢|谢谢|致谢|表扬|点赞|\bthank|\bkudos\b|great work|well done", re.I)
_ASKS = re.compile(
    r"请求|恳请|希望|反映|投诉|举报|建议|咨询|请问|能否|何时|为何|为什么|怎么|[?？]"
    r"|\bplease\b|\bwhen will\b|\bwhy\b",
    re.I,
)


def is_thanks(row: dict[str, Any]) -> bool:
    """A message that thanks ("感谢…路灯已经修好了", "Thanks, … fixed"): intent ``praise``,
    positive sentiment, and a title (or, without one, a start) that thanks, either first or
    without asking for anything. It raises no problem, so it joins no issue: as a member it
    counted as one more complaint about the place it thanks for and raised the issue's heat, and
    one such message could bridge two issues of one place into one. A complaint written politely
    ("感谢政府…，但树木太茂密了", "请求硬化…", often labelled praise on a complaint board) and
    sarcastic thanks (negative) stay."""
    if row.get("intent_label") != "praise" or (row.get("sentiment_score") or 0.0) <= 0:
        return False
    head = (row.get("title") or (row.get("text") or "")[:60]).strip()
    found = _THANKS.search(head)
    return found is not None and (found.start() == 0 or not _ASKS.search(head))


def find_issues(store: Any, limit: int, params: GroupingParams | None = None) -> list[Any]:
    """The issues among the newest ``limit`` posts of ``store`` (``IssueRecord``s, no ids)."""
    return find_issues_at(store, limit, params)[0]


def find_issues_at(
    store: Any, limit: int, params: GroupingParams | None = None
) -> tuple[list[Any], float]:
    """``find_issues`` and the board's newest message time (epoch seconds; 0.0 when empty)."""
    rows, vectors = store.issues.inputs(limit)
    keep = [i for i, r in enumerate(rows) if not is_thanks(r)]
    if len(keep) < len(rows):
        rows, vectors = [rows[i] for i in keep], vectors[keep]
    if not rows:
        return [], 0.0
    messages = [
        Message(
            r["id"], r["title"], r["text"], r["text_hash"] or "", tuple(r["search_text"].split())
        )
        for r in rows
    ]
    groups = find_groups(messages, vectors, params)
    facts = [
        MessageFacts(
            post_id=r["id"],
            title=r["title"] or title_from(r["text"]),
            t=float(r["t"]),
            author_key=r["author_key"],
            engagement=int(r["engagement"] or 0),
            sentiment=r["sentiment_score"],
            terms=tuple(r["search_text"].split()),
            topic_id=r["topic_id"],
            text=(r["title"] or "") + "\n" + (r["text"] or ""),
        )
        for r in rows
    ]
    terms = problem_terms(groups, facts)
    start, end = facts[0].t, max(f.t for f in facts)
    return [measure(g, facts, t, start, end) for g, t in zip(groups, terms)], end


class IssueOperator:
    """See the module docstring. Runs after the topics (an issue names its main topic)."""

    name: ClassVar[str] = "issues"
    requires: ClassVar[tuple[str, ...]] = ()
    assigns: ClassVar[tuple[str, ...]] = ()
    persist_with_batch: ClassVar[bool] = True  # persists nothing per batch

    def __init__(
        self, limit: int = 20000, min_group_size: int = 5, clock: Callable[[], datetime] = utcnow
    ):
        self.limit = limit
        self.k = min_group_size
        self.clock = clock
        self.found = 0
        self.alerts: list[dict[str, Any]] = []

    @property
    def model(self) -> str:
        return "issues@1"

    def process(self, batch: Batch) -> Batch:
        return batch

    def bind(self, store: Any) -> None:
        return None

    def persist(self, store: Any, batch: Batch | None = None) -> None:
        return None

    def finish(self, store: Any, final: bool = True) -> int:
        """Find and store the issues and the alerts of those that burst (sent later by the alert
        sinks, ``heard.listen.issues.alerts.deliver``); returns how many issues are active."""
        records, board_end = find_issues_at(store, self.limit)
        now = self.clock()
        with store.transaction():
            match_ids(records, store.issues.memberships(), store.issues.next_id())
            store.issues.replace(records, now)
            fired = new_alerts(records, store.issues.last_alert_end, board_end, now, self.k)
            for alert, window_end in fired:
                store.issues.insert_alert(alert, window_end, now)
        self.alerts = [a for a, _ in fired]
        self.found = len(records)
        return self.found
