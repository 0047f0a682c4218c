"""Case notifications (issue 18 §7) over a real DuckDB store, a real SMTP server (aiosmtpd on
127.0.0.1) and a real local HTTP receiver: a new case, a deadline near, an overdue case and a
dispute each notify once per channel; a failed channel is retried at the next scan without
repeating the one that got through; personal data in the concern never reaches an e-mail."""

from __future__ import annotations

import json
import socket
import threading
from datetime import datetime, timedelta
from email import message_from_bytes
from email.policy import default as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from heard.answer import cases as workflow
from heard.answer.notifications import notify_cases
from heard.records import Post
from heard.settings import Settings
from heard.store import open_store

NOW = datetime(2026, 3, 2, 9, 0)  # a Monday
PHONE = "13812345678"
CONCERN = f"公交站牌被撞坏了，三天没人修。请联系我 {PHONE}，住桂香街32号楼"


class Mailbox:
    """An SMTP server on 127.0.0.1: keeps each message; answers 451 to the first ``refuse``."""

    def __init__(self, refuse: int = 0):
        self.refuse = refuse
        self.messages: list = []
        with socket.socket() as probe:  # a free port (aiosmtpd 1.4 needs it named)
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.refuse > 0:
            self.refuse -= 1
            return "451 4.3.0 try again later"
        self.messages.append(
            {
                "to": list(envelope.rcpt_tos),
                "msg": message_from_bytes(envelope.content, policy=email_policy),
            }
        )
        return "250 OK"

    def stop(self):
        self.controller.stop()


class Receiver:
    """A webhook receiver on 127.0.0.1: answers each POST with the next status in ``script``."""

    def __init__(self, script: list[int] | None = None):
        self.script = list(script or [])
        self.received: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = outer.script.pop(0) if outer.script else 200
                if status < 300:
                    outer.received.append(
                        {"body": json.loads(body), "key": self.headers.get("Idempotency-Key")}
                    )
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def mailbox():
    box = Mailbox()
    yield box
    box.stop()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def _settings(tmp_path, mailbox, webhook, **more) -> Settings:
    departments = [
        {"code": "transport", "name_zh": "交通", "name_en": "Transport", "email": "t@city.example",
         "webhook": webhook, "deadline_days": 5},
        {"code": "parks", "name_en": "Parks"},  # no contact: never notified
    ]  # fmt: skip
    return Settings(
        db=tmp_path / "n.duckdb",
        departments=departments,
        smtp_host="127.0.0.1",
        smtp_port=mailbox.port if mailbox else 1,
        smtp_from="heard@city.example",
        **more,
    )


def _open(store, n: int, *, department: str = "transport", created: datetime = NOW) -> str:
    post = Post(
        id=f"s:{n}", source="s", external_id=str(n), text=CONCERN, created_at=created,
        title="站牌坏了",
    )  # fmt: skip
    store.write_batch([post], {}, {})
    case, event = workflow.new_case(
        post.id, created, department, deadline_days=5, confidence=0.9, routed_by="test",
        explanation=None, at=created,
    )  # fmt: skip
    store.cases.open_cases([case], [event])
    return case["case_id"]


def _scan(store, settings, now=NOW):
    return notify_cases(store, settings, now, sleep=lambda s: None)


def test_a_new_case_sends_one_email_and_one_webhook_once(tmp_path, mailbox, receiver):
    settings = _settings(tmp_path, mailbox, receiver.url)
    with open_store(settings.db) as store:
        case_id = _open(store, 1)
        _open(store, 2, department="parks")
        first = _scan(store, settings)
        assert [(n["case_id"], n["kind"]) for n in first["new"]] == [(case_id, "new_case")]
        assert len(mailbox.messages) == 1 and len(receiver.received) == 1
        # the second scan finds nothing new and nothing to retry
        second = _scan(store, settings)
        assert second["new"] == [] and second["sent"] == []
        assert len(mailbox.messages) == 1 and len(receiver.received) == 1
        stored = store.cases.notifications(case_id)
    mail = mailbox.messages[0]
    assert mail["to"] == ["t@city.example"]
    assert case_id in mail["msg"]["Subject"]
    body = mail["msg"].get_content()
    assert PHONE not in body and "32号楼" not in body
    assert "[phone]" in body and f"/public/cases/{case_id}" in body
    hook = receiver.received[0]
    assert hook["key"] == stored[0]["notification_id"]
    sent = hook["body"]
    assert sent["kind"] == "new_case" and sent["case_id"] == case_id
    assert sent["department"]["code"] == "transport" and sent["status"] == "open"
    assert PHONE not in json.dumps(sent, ensure_ascii=False)
    assert "s:1" not in json.dumps(sent) and "author" not in json.dumps(sent)
    assert stored[0]["done"] is True
    assert {c: d["ok"] for c, d in stored[0]["deliveries"].items()} == {
        "webhook": True,
        "email": True,
    }


def test_deadline_near_then_overdue_each_notify_once(tmp_path, mailbox, receiver):
    settings = _settings(tmp_path, mailbox, receiver.url)
    with open_store(settings.db) as store:
        case_id = _open(store, 1)
        deadline = store.cases.case(case_id)["deadline_at"]
        _scan(store, settings)  # the new case
        assert _scan(store, settings, deadline - timedelta(days=2))["new"] == []
        near = _scan(store, settings, deadline - timedelta(hours=3))
        assert [n["kind"] for n in near["new"]] == ["deadline_near"]
        assert _scan(store, settings, deadline - timedelta(hours=1))["new"] == []
        late = _scan(store, settings, deadline + timedelta(hours=1))
        assert [n["kind"] for n in late["new"]] == ["overdue"]
        assert _scan(store, settings, deadline + timedelta(days=3))["new"] == []
        # a new deadline (e.g. refiled with another department's time) notifies again
        store.cases.update_case(
            case_id,
            {"deadline_at": deadline + timedelta(days=7)},
            {"at": NOW, "kind": "filed", "actor_role": "citizen"},
        )
        again = _scan(store, settings, deadline + timedelta(days=8))
        assert [n["kind"] for n in again["new"]] == ["overdue"]
    subjects = [m["msg"]["Subject"] for m in mailbox.messages]
    assert len(subjects) == 4 and len(receiver.received) == 4
    assert "deadline within 24 hours" in subjects[1] and "overdue" in subjects[2]


def test_a_dispute_notifies_the_department(tmp_path, mailbox, receiver):
    settings = _settings(tmp_path, mailbox, receiver.url)
    with open_store(settings.db) as store:
        case_id = _open(store, 1)
        workflow.apply(
            store,
            workflow.reply(
                store.cases.case(case_id), "已修复。", "transport", NOW, role="responder",
                close_as="fixed",
            ),
        )  # fmt: skip
        assert _scan(store, settings)["new"] == []  # closed: no new case, nothing due
        workflow.apply(
            store,
            workflow.reopen(
                store.cases.case(case_id), NOW + timedelta(hours=1), deadline_days=15,
                role="citizen", note=f"still broken, call {PHONE}", dispute=True,
            ),
        )  # fmt: skip
        later = NOW + timedelta(hours=2)
        found = _scan(store, settings, later)
        assert sorted(n["kind"] for n in found["new"]) == ["disputed", "new_case"]
        assert _scan(store, settings, later)["new"] == []
    disputed = [r["body"] for r in receiver.received if r["body"]["kind"] == "disputed"]
    assert len(disputed) == 1 and disputed[0]["status"] == "open"
    assert PHONE not in json.dumps(disputed[0], ensure_ascii=False)  # the note is not sent
    assert all(PHONE not in m["msg"].get_content() for m in mailbox.messages)


def test_a_dead_webhook_is_retried_next_scan_without_a_second_email(tmp_path, mailbox):
    receiver = Receiver([500, 500, 500, 500])  # every try of the first scan (1 + 3 retries)
    try:
        settings = _settings(tmp_path, mailbox, receiver.url)
        with open_store(settings.db) as store:
            case_id = _open(store, 1)
            first = _scan(store, settings)
            assert first["pending"] == 1
            record = store.cases.notifications(case_id)[0]
            hook = record["deliveries"]["webhook"]
            assert hook["ok"] is False and hook["attempts"] == 1
            assert hook["tries"] == ["500"] * 4 and hook["error"] == "500"
            assert record["deliveries"]["email"]["ok"] is True and record["done"] is False
            assert len(mailbox.messages) == 1 and receiver.received == []
            second = _scan(store, settings)
            assert second["new"] == [] and second["pending"] == 0
            record = store.cases.notifications(case_id)[0]
            assert record["deliveries"]["webhook"]["ok"] is True
            assert record["deliveries"]["webhook"]["attempts"] == 2
            assert record["deliveries"]["email"]["attempts"] == 1 and record["done"] is True
            assert len(mailbox.messages) == 1 and len(receiver.received) == 1
            assert _scan(store, settings)["sent"] == []
    finally:
        receiver.close()


def test_a_refusing_smtp_server_is_retried_without_a_second_webhook(tmp_path, receiver):
    box = Mailbox(refuse=1)
    try:
        settings = _settings(tmp_path, box, receiver.url)
        with open_store(settings.db) as store:
            case_id = _open(store, 1)
            _scan(store, settings)
            mail = store.cases.notifications(case_id)[0]["deliveries"]["email"]
            assert mail["ok"] is False and "451" in mail["error"]
            assert box.messages == [] and len(receiver.received) == 1
            _scan(store, settings)
            record = store.cases.notifications(case_id)[0]
            assert record["deliveries"]["email"]["ok"] is True and record["done"] is True
            assert len(box.messages) == 1 and len(receiver.received) == 1
    finally:
        box.stop()


def test_a_channel_that_never_answers_is_given_up_after_max_attempts(tmp_path, mailbox):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/hook"
    settings = _settings(tmp_path, mailbox, dead, notify_max_attempts=2)
    with open_store(settings.db) as store:
        case_id = _open(store, 1)
        assert _scan(store, settings)["pending"] == 1
        assert _scan(store, settings)["pending"] == 0
        assert _scan(store, settings)["sent"] == []  # given up: not tried a third time
        record = store.cases.notifications(case_id)[0]
        hook = record["deliveries"]["webhook"]
        assert hook["ok"] is False and hook["attempts"] == 2
        assert hook["error"].startswith("unreachable") and record["done"] is True
        assert len(mailbox.messages) == 1


def test_dry_run_records_and_sends_nothing(tmp_path, mailbox, receiver):
    settings = _settings(tmp_path, mailbox, receiver.url)
    with open_store(settings.db) as store:
        _open(store, 1)
        dry = notify_cases(store, settings, NOW, dry_run=True)
        assert [n["kind"] for n in dry["new"]] == ["new_case"] and dry["sent"] == []
        assert store.cases.notifications() == []
    assert mailbox.messages == [] and receiver.received == []


def test_without_smtp_host_only_the_webhook_is_used(tmp_path, receiver):
    settings = _settings(tmp_path, None, receiver.url).model_copy(update={"smtp_host": None})
    with open_store(settings.db) as store:
        case_id = _open(store, 1)
        result = _scan(store, settings)
        assert result["email_unconfigured"] == ["transport"]
        record = store.cases.notifications(case_id)[0]
        assert set(record["deliveries"]) == {"webhook"} and record["done"] is True


def test_heard_notify_command_scans_and_prints_json(tmp_path, mailbox, receiver):
    from typer.testing import CliRunner

    from heard.cli import _register
    from heard.cli.app import app

    _register()
    settings = _settings(tmp_path, mailbox, receiver.url)
    with open_store(settings.db) as store:
        _open(store, 1, created=datetime.now() - timedelta(days=30))  # overdue by now
    config = tmp_path / "heard.toml"
    config.write_text(
        f'[heard]\nsmtp_host = "127.0.0.1"\nsmtp_port = {mailbox.port}\n\n'
        f'[[departments]]\ncode = "transport"\nname_en = "Transport"\n'
        f'email = "t@city.example"\nwebhook = "{receiver.url}"\n',
        encoding="utf-8",
    )
    args = ["notify", "--db", str(settings.db), "--config", str(config), "--json"]
    dry = CliRunner().invoke(app, [*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert sorted(n["kind"] for n in json.loads(dry.stdout)["new"]) == ["new_case", "overdue"]
    assert mailbox.messages == []
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0, done.output
    result = json.loads(done.stdout)
    assert len(result["sent"]) == 2 and result["pending"] == 0
    assert len(mailbox.messages) == 2 and len(receiver.received) == 2
    again = CliRunner().invoke(app, args)
    assert json.loads(again.stdout)["sent"] == []


def test_heard_watch_notifies_at_its_refresh(tmp_path, mailbox, receiver):
    from typer.testing import CliRunner

    from heard.cli import _register
    from heard.cli.app import app

    _register()
    settings = _settings(tmp_path, mailbox, receiver.url)
    with open_store(settings.db) as store:
        case_id = _open(store, 1, created=datetime.now() - timedelta(hours=1))
    config = tmp_path / "heard.toml"
    config.write_text(
        f'[heard]\nsmtp_host = "127.0.0.1"\nsmtp_port = {mailbox.port}\nprotect = false\n\n'
        f'[[departments]]\ncode = "transport"\nname_en = "Transport"\n'
        f'email = "t@city.example"\nwebhook = "{receiver.url}"\n',
        encoding="utf-8",
    )
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps({"id": "w1", "text": "地铁站电梯又坏了", "created_at": "2026-03-02T08:00:00"})
        + "\n",
        encoding="utf-8",
    )
    args = ["watch", str(feed), "--once", "--db", str(settings.db), "--config", str(config)]
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0, done.output
    assert "1 case notification sent" in done.output
    assert [r["body"]["case_id"] for r in receiver.received] == [case_id]
    assert len(mailbox.messages) == 1


def test_the_server_notifies_when_a_concern_is_filed(tmp_path, mailbox, receiver):
    """While `heard serve` owns the store, its own worker tells the department: a concern filed
    on the public form reaches the webhook and the mailbox without `heard notify`."""
    import time

    from fastapi.testclient import TestClient

    from heard.api import create_app

    settings = _settings(tmp_path, mailbox, receiver.url, notify_interval_s=30.0)
    open_store(settings.db).close()
    with TestClient(create_app(settings)) as client:
        filed = client.post("/public/report", data={"department": "transport", "text": CONCERN})
        assert filed.status_code == 200, filed.text[:300]
        deadline = time.monotonic() + 20  # woken by the filing, well before the 30-s interval
        while time.monotonic() < deadline and not (receiver.received and mailbox.messages):
            time.sleep(0.2)
        assert [r["body"]["kind"] for r in receiver.received] == ["new_case"]
        assert len(mailbox.messages) == 1
        body = json.dumps(receiver.received[0]["body"], ensure_ascii=False)
        assert PHONE not in body and "/public/cases/" in body
        assert client.app.state.notifier.scans >= 1


def test_a_scan_during_a_filing_never_notifies_the_routers_department(tmp_path, receiver):
    """A concern filed on a server that routes every post (``answer_cases``) is stored first,
    routed by the pipeline, then handed to the department the citizen chose. A notifier scan in
    between told the router's department of a case that was never to be theirs. The filing now
    holds the write lock from the ingest to the hand-over, so a scan waits for both."""
    from fastapi.testclient import TestClient

    from heard.api import create_app

    departments = [
        {"code": "transport", "name_en": "Transport", "webhook": receiver.url,
         "description_en": "buses, bus stops, traffic lights, roads", "keywords": ["公交", "站牌"]},
        {"code": "parks", "name_en": "Parks", "webhook": receiver.url,
         "description_en": "parks, trees, playgrounds", "keywords": ["公园", "树木"]},
    ]  # fmt: skip
    settings = Settings(
        db=tmp_path / "race.duckdb",
        departments=departments,
        answer_cases=True,
        notify_interval_s=3600.0,
    )
    open_store(settings.db).close()
    with TestClient(create_app(settings)) as client:
        app = client.app
        db, uploader = app.state.db, app.state.uploader
        real_ingest = uploader.ingest_json
        scans: list[threading.Thread] = []

        def ingest_then_scan(*args, **kwargs):
            done = real_ingest(*args, **kwargs)
            routed = db.store.cases.case_for_post(f"public:{args[0][0]['id']}")
            assert routed is None or routed["department"] == "transport", routed
            scan = threading.Thread(
                target=notify_cases,
                args=(db.store, settings, NOW),
                kwargs={"lock": db.write_lock, "sleep": lambda s: None},
            )
            scan.start()
            scan.join(1.0)  # a scan that can run now would be done within the second
            scans.append(scan)
            return done

        uploader.ingest_json = ingest_then_scan
        filed = client.post("/public/report", data={"department": "parks", "text": CONCERN})
        assert filed.status_code == 200, filed.text[:300]
        for scan in scans:
            scan.join(30)
        assert scans and not any(s.is_alive() for s in scans)
        told = [(r["body"]["kind"], r["body"]["department"]["code"]) for r in receiver.received]
        assert told == [("new_case", "parks")]
