"""A case handed to another department and handed back is new in its first department's queue
again, and that department is told. Before, ``new_case`` was recorded once per case and
department: water passed a case to roads, roads passed it back, and water's webhook and
mailbox heard nothing — its responders, having handed the case on, did not know it was theirs
again. A real store, the real workflow, a real SMTP server and HTTP receiver."""

from __future__ import annotations

from datetime import timedelta

from test_case_notifications import NOW, Mailbox, Receiver, _open, _scan, _settings

from heard.answer import cases as workflow
from heard.store import open_store


def test_a_case_handed_back_notifies_its_department_again(tmp_path):
    mailbox, receiver = Mailbox(), Receiver()
    try:
        settings = _settings(tmp_path, mailbox, receiver.url)
        roads = {"code": "roads", "name_en": "Roads", "webhook": receiver.url}
        settings = settings.model_copy(update={"departments": [*settings.departments, roads]})
        with open_store(settings.db) as store:
            case_id = _open(store, 1)
            assert [n["department"] for n in _scan(store, settings)["new"]] == ["transport"]
            for hours, to in ((1, "roads"), (2, "transport")):
                at = NOW + timedelta(hours=hours)
                moved = workflow.reassign(store.cases.case(case_id), to, at, role="analyst")
                workflow.apply(store, moved)
                found = _scan(store, settings, at)
                assert [(n["kind"], n["department"]) for n in found["new"]] == [("new_case", to)]
            assert _scan(store, settings, NOW + timedelta(hours=3))["new"] == []
        kinds = [(r["body"]["kind"], r["body"]["department"]["code"]) for r in receiver.received]
        assert kinds == [
            ("new_case", "transport"),
            ("new_case", "roads"),
            ("new_case", "transport"),
        ]
        assert len(mailbox.messages) == 2  # transport's mailbox, twice (roads has none)
    finally:
        receiver.close()
        mailbox.stop()
