"""A case's arrivals in its department's queue (``store.cases.notification_inputs``) count the
same on DuckDB and PostgreSQL: opened there, passed on, handed back — so a case handed back is
new in its first department's queue on either backend."""

from __future__ import annotations

from datetime import datetime, timedelta

from heard.answer import cases as workflow
from heard.answer.cases import OPEN_STATES
from heard.records import Post

NOW = datetime(2026, 3, 2, 9, 0)


def test_arrivals_count_each_hand_over(open_target):
    store = open_target()
    post = Post(id="s:1", source="s", external_id="1", text="站牌坏了", created_at=NOW)
    store.write_batch([post], {}, {})
    case, event = workflow.new_case(
        post.id, NOW, "transport", deadline_days=5, confidence=0.9, routed_by="test",
        explanation=None, at=NOW,
    )  # fmt: skip
    store.cases.open_cases([case], [event])

    def arrivals() -> dict[str, int]:
        cases, _ = store.cases.notification_inputs(["transport", "roads"], OPEN_STATES)
        return {c["department"]: int(c["arrivals"]) for c in cases}

    assert arrivals() == {"transport": 1}
    for hours, to in ((1, "roads"), (2, "transport")):
        at = NOW + timedelta(hours=hours)
        workflow.apply(
            store, workflow.reassign(store.cases.case(case["case_id"]), to, at, role="analyst")
        )
        workflow.apply(
            store,
            workflow.reply(store.cases.case(case["case_id"]), "已转办。", to, at, role="analyst"),
        )  # a reply names the department too: not an arrival
    assert arrivals() == {"transport": 2}
