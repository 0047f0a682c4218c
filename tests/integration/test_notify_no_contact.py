"""A notification whose department lost its last contact is closed, not kept waiting forever.
Before, a department's webhook removed (heard.toml or the admin departments page) while one of
its notifications was still being retried left that notification "waiting for a retry" at every
scan — never tried, never given up — and when a webhook was added back, the stale backlog was
sent, even for cases closed since. Now the scan closes it (``done``, ``deliveries.closed`` =
``no_contact``), says so in ``closed``, and it is never sent later. A real store, the real
workflow, a real HTTP receiver that refuses, the real ``heard notify`` CLI."""

from __future__ import annotations

import json
from datetime import timedelta

from test_case_notifications import NOW, Receiver, _open, _scan
from typer.testing import CliRunner

from heard.answer import cases as workflow
from heard.settings import Settings
from heard.store import open_store


def _settings(tmp_path, webhook):
    dept = {"code": "transport", "name_en": "Transport", "deadline_days": 5}
    if webhook:
        dept["webhook"] = webhook
    return Settings(db=tmp_path / "n.duckdb", departments=[dept])


def test_a_notification_without_contact_is_closed_and_never_sent_later(tmp_path):
    receiver = Receiver([503] * 4)  # the webhook refuses the first notification's tries
    try:
        with open_store(tmp_path / "n.duckdb") as store:
            case_id = _open(store, 1)
            first = _scan(store, _settings(tmp_path, receiver.url))
            assert first["pending"] == 1 and receiver.received == []
            # the department's webhook is removed: the notification has no channel left
            gone = _settings(tmp_path, None)
            closed = _scan(store, gone)
            assert closed["pending"] == 0
            assert [c["case_id"] for c in closed["closed"]] == [case_id]
            assert closed["closed"][0]["reason"] == "no_contact"
            record = store.cases.notifications(case_id)[0]
            assert record["done"] and record["deliveries"]["closed"]["reason"] == "no_contact"
            assert record["deliveries"]["webhook"]["attempts"] == 1  # its history is kept
            assert _scan(store, gone)["closed"] == []  # closed once
            # the case is closed, then a webhook is added back: nothing stale is sent
            at = NOW + timedelta(hours=1)
            done = workflow.change_status(store.cases.case(case_id), "fixed", at, role="responder")
            workflow.apply(store, done)
            back = _scan(store, _settings(tmp_path, receiver.url), at)
            assert back["sent"] == [] and back["pending"] == 0
            assert receiver.received == []
    finally:
        receiver.close()


def _stuck(tmp_path) -> tuple[str, list[str]]:
    """A store with one notification pending on a refusing webhook, and ``heard notify`` args
    whose heard.toml has the department without its webhook."""
    tmp_path.mkdir()
    receiver = Receiver([503] * 4)
    try:
        with open_store(tmp_path / "n.duckdb") as store:
            case_id = _open(store, 1)
            assert _scan(store, _settings(tmp_path, receiver.url))["pending"] == 1
    finally:
        receiver.close()
    config = tmp_path / "heard.toml"
    config.write_text(
        '[heard]\n[[departments]]\ncode = "transport"\nname_en = "Transport"\n', encoding="utf-8"
    )
    return case_id, ["notify", "--db", str(tmp_path / "n.duckdb"), "--config", str(config)]


def test_heard_notify_reports_the_closed_notification(tmp_path):
    from heard.cli import _register
    from heard.cli.app import app

    _register()
    case_id, args = _stuck(tmp_path / "json")
    out = CliRunner().invoke(app, [*args, "--json"])
    assert out.exit_code == 0, out.output
    result = json.loads(out.stdout)
    assert result["pending"] == 0
    assert [(c["case_id"], c["reason"]) for c in result["closed"]] == [(case_id, "no_contact")]
    assert json.loads(CliRunner().invoke(app, [*args, "--json"]).stdout)["closed"] == []
    case_id, args = _stuck(tmp_path / "text")
    text = CliRunner().invoke(app, args)
    assert text.exit_code == 0, text.output
    assert f"closed unsent: new_case for case {case_id}" in text.output
    assert "no_contact" in text.output and "0 waiting for a retry" in text.output
