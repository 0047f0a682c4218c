"""An alert never names a dissolved issue without saying where its messages are (migration 21),
on both backends: the issues operator's end-of-run step as it runs, over issues given to it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from heard.errors import NotFoundError
from heard.listen.issues import operator
from heard.listen.issues.alerts import deliver
from heard.listen.issues.measure import IssueRecord
from heard.notify.sinks import issue_now_note
from heard.read.issues import issue_detail
from heard.store.queries import issues as stored

END = datetime(2020, 1, 26).timestamp()
NOW = datetime(2026, 12, 7, 4, 0)


def _record(anchor: str, members: list[str], bursting: bool = False) -> IssueRecord:
    n = len(members)
    rec = IssueRecord(anchor, anchor, "搅拌站", ["搅拌站"], "", n, n, n, 0.0, END, 1.0, {}, 1e-6,
                      bursting, None, 1.0, members)  # fmt: skip
    if bursting:
        rec.burst_count, rec.burst_expected = len(members), 0.5
    return rec


class Sink:
    name = "test"

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def send(self, alert: dict[str, Any]) -> dict[str, Any]:
        self.sent.append(alert)
        return {"sink": self.name, "ok": True}


def _run(
    store: Any, records: list[IssueRecord], monkeypatch: pytest.MonkeyPatch, hours: int
) -> list:
    """One end of run of the issues operator that finds ``records``."""
    monkeypatch.setattr(operator, "find_issues_at", lambda store, limit: (records, END))
    op = operator.IssueOperator(clock=lambda: NOW + timedelta(hours=hours))
    op.finish(store)
    return op.alerts


def test_an_alert_follows_its_issues_messages(open_target: Any, monkeypatch: pytest.MonkeyPatch):
    store = open_target()
    plant = [f"plant{i}" for i in range(8)]
    road = [f"road{i}" for i in range(10)]
    fired = _run(store, [_record("丽发新城", plant, True), _record("丽发路", road)], monkeypatch, 0)
    assert [a["issue_id"] for a in fired] == [2]  # the larger issue got id 1
    # before the alert is sent, the next run finds the two as one issue, which keeps the road's id
    merged = _record("丽发新城", plant + road + ["late1"], True)
    assert _run(store, [merged], monkeypatch, 1) == []  # the same episode: not alerted again
    assert store.issues.where_now(2) == ("dissolved", 1)
    sink = Sink()
    [sent] = deliver(store, [sink])
    assert sent["issue_id"] == 2 and sent["issue_now"] == {"status": "merged", "issue_id": 1}
    assert sent["message"].endswith("its messages are now in issue 1")
    assert issue_now_note(sent) == "; its messages are now in issue 1"  # the terminal's line
    # the issue that holds the messages lists the alert; the dissolved one says where they went
    assert [a["alert_id"] for a in store.issues.alerts_of(1)] == [fired[0]["alert_id"]]
    assert len(stored.alerts(store, 1)) == 1
    with pytest.raises(
        NotFoundError, match="issue 2 has dissolved: its messages are now in issue 1"
    ):
        issue_detail(store, 2, k=5)

    # the messages stop forming any issue: both ids dissolve, with nowhere to point
    _run(store, [_record("梅溪湖", [f"lake{i}" for i in range(6)])], monkeypatch, 2)
    assert store.issues.where_now(1) == ("dissolved", None)
    assert store.issues.where_now(2) == ("dissolved", None)
    store.execute("UPDATE issue_alerts SET deliveries = NULL")  # sent again, as a late sink would
    [again] = deliver(store, [Sink()])
    assert again["issue_now"] == {"status": "dissolved", "issue_id": None}
    assert "the issue has since dissolved" in again["message"]


def test_a_store_at_20_upgrades_to_21(open_target: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import heard.store.duckdb.store as duck
    import heard.store.postgres.store as pg

    for module in (duck, pg):
        monkeypatch.setattr(module, "MIGRATIONS", [m for m in module.MIGRATIONS if m[0] < 21])
    old = open_target()
    assert "successor_id" not in old.columns("issues")
    old.execute(
        "INSERT INTO issues (issue_id, anchor, place, problem, status, messages, "
        "distinct_messages, authors, created_at, updated_at) "
        "VALUES (3, 'a', 'a', 'p', 'dissolved', 5, 5, 5, ?, ?)",
        [NOW, NOW],
    )
    assert stored.successor(old, 3) is None  # read before the upgrade: no successor known
    old.close()
    monkeypatch.undo()

    store = open_target()
    assert store.schema_version() >= 21 and "successor_id" in store.columns("issues")
    assert store.issues.where_now(3) == ("dissolved", None)
