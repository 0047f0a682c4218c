"""A queue notice that waited for a dead channel is not sent once its case is done or gone to
another department. Before, when the webhook came back, the department was told of a "new case"
it had closed meanwhile, or that another department now holds (found by helper answer9). Now
the scan closes such a notice unsent (``overtaken``); a notice still true is sent. A real
store, the real workflow, a real HTTP receiver."""

from __future__ import annotations

from datetime import timedelta

from test_case_notifications import NOW, Receiver, _open, _scan

from heard.answer import cases as workflow
from heard.settings import Settings
from heard.store import open_store


def _settings(tmp_path, url):
    return Settings(
        db=tmp_path / "o.duckdb",
        departments=[
            {"code": "transport", "name_en": "Transport", "deadline_days": 5, "webhook": url},
            {"code": "water", "name_en": "Water", "deadline_days": 5, "webhook": url},
        ],
    )


def test_a_notice_overtaken_while_its_channel_was_down_is_closed_unsent(tmp_path):
    receiver = Receiver([503] * 6 + [200] * 10)  # down for the first notices' tries, then back
    try:
        with open_store(tmp_path / "o.duckdb") as store:
            settings = _settings(tmp_path, receiver.url)
            closed_case, moved_case, open_case = (_open(store, i) for i in (1, 2, 3))
            first = _scan(store, settings)
            assert first["pending"] == 3 and receiver.received == []
            at = NOW + timedelta(hours=1)
            done = workflow.change_status(
                store.cases.case(closed_case), "fixed", at, role="responder"
            )
            workflow.apply(store, done)
            moved = workflow.reassign(store.cases.case(moved_case), "water", at, role="responder")
            workflow.apply(store, moved)
            back = _scan(store, settings, at + timedelta(minutes=5))
            reasons = {c["case_id"]: c["reason"] for c in back["closed"]}
            assert reasons == {closed_case: "overtaken", moved_case: "overtaken"}
            sent = {(s["case_id"], s["department"]) for s in back["sent"] if s["done"]}
            assert (open_case, "transport") in sent  # still true: sent
            assert (moved_case, "water") in sent  # the new department hears of it
            assert all(case not in {closed_case} for case, _ in sent)
            record = [n for n in store.cases.notifications(closed_case) if n["kind"] == "new_case"]
            assert record[0]["done"] and record[0]["deliveries"]["closed"]["reason"] == "overtaken"
    finally:
        receiver.close()
