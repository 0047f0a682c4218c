"""A case for an issue (issue 18, item 3) on a real DuckDB store: an official hands 东湖路's water
cut (35 messages) to its department as ONE case; opening twice gives the same case; the
department works it like any case (status, reply, reassignment without a routing correction);
its public page shows the issue's place, problem and message count and no message or author;
its token disputes the closure; accountability, Open311 and notifications count it; the API
and the dashboard let analysts and admins open it and nobody below."""

from __future__ import annotations

import json
import re

import pytest
from api_seed import CLOSED_CASE, ISSUES, PASSWORD, add_issues, build
from fastapi.testclient import TestClient

from heard.answer import cases as workflow
from heard.answer.issue_cases import open_for_issue
from heard.api import create_app
from heard.cli import run
from heard.clock import utcnow
from heard.errors import InputError, NotFoundError
from heard.read import cases as cq
from heard.read.issues import issue_detail
from heard.settings import Settings
from heard.store import open_store
from heard.store.repos.cases import CASE_COLUMNS
from heard.store.repos.cases import _arrow as to_arrow

PHONE = "13812345678"  # in one of the issue's messages (api_seed)


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "issues.duckdb"
    build(path)
    add_issues(path)
    return path


@pytest.fixture()
def env(db):
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        yield client


def _bearer(role: str, tokens: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[role]}"}


def test_an_issue_becomes_one_case_worked_like_any(db):
    settings = Settings(db=db)
    with open_store(db) as store:
        events_before = store.scalar("SELECT count(*) FROM case_events")
        opened = open_for_issue(store, settings, ISSUES["water"], now=utcnow(), role="analyst",
                                actor="ana")  # fmt: skip
        case = opened.case
        assert opened.created and opened.token
        # the department most of its messages' cases are with (the seed's one water case)
        assert case["department"] == "water" and case["routed_by"] == "issue-messages"
        assert case["issue_id"] == ISSUES["water"] and case["post_id"] is None
        assert case["deadline_at"] > case["created_at"]
        again = open_for_issue(store, settings, ISSUES["water"], now=utcnow(), role="admin",
                               actor="root", department="transport")  # fmt: skip
        assert not again.created and again.token is None
        assert again.case["case_id"] == case["case_id"] and again.case["department"] == "water"
        assert store.scalar("SELECT count(*) FROM cases WHERE issue_id IS NOT NULL") == 1
        assert store.scalar("SELECT count(*) FROM case_events") == events_before + 1
        [opened_event] = store.cases.events(case["case_id"])
        assert opened_event["actor"] == "ana" and opened_event["actor_role"] == "analyst"
        assert "opened from issue 1" in opened_event["note"]

        # worked like any case: a status, a reassignment (no routing correction: no one text),
        # a reply that closes it
        now = utcnow()
        workflow.apply(store, workflow.change_status(case, "investigating", now, role="responder"))
        case = store.cases.case(case["case_id"])
        workflow.apply(store, workflow.reassign(case, "transport", now, role="analyst"))
        assert store.scalar("SELECT count(*) FROM routing_corrections") == 0
        case = store.cases.case(case["case_id"])
        workflow.apply(store, workflow.reply(
            case, "东湖路供水管网已抢修完毕，全线恢复供水。", "transport", now, role="responder",
            close_as="fixed",
        ))  # fmt: skip

        listed = cq.list_cases(store, now=utcnow())["cases"]
        row = next(r for r in listed if r["case_id"] == case["case_id"])
        assert row["subject"] == "issue" and row["title"] == "东湖路 · 停水"
        assert next(r for r in listed if r["case_id"] == CLOSED_CASE["water"])["subject"] == (
            "message"
        )
        public = cq.public_case(store, case["case_id"], now=utcnow())
        assert public["issue"] == {"issue_id": 1, "label": "东湖路 · 停水", "place": "东湖路",
                                   "problem": "停水", "messages": 35, "active": True}  # fmt: skip
        assert public["status"] == "fixed" and public["reply"]["department"]["code"] == "transport"
        text = json.dumps(public, ensure_ascii=False, default=str)
        assert PHONE not in text and "authorkey" not in text and "seed:w" not in text
        assert "恢复供水？" not in text  # the issue's title is a message's: not public
        assert issue_detail(store, ISSUES["water"], 5)["case"]["case_id"] == case["case_id"]

        # accountability counts it with its department's cases
        record = cq.accountability(store, now=utcnow())
        transport = next(d for d in record["departments"] if d["department"] == "transport")
        assert transport["cases"] == 2 and transport["answered"] == 1


def test_no_case_for_an_issue_that_is_not_shown_or_for_a_responder(db):
    settings = Settings(db=db)
    with open_store(db) as store:
        with pytest.raises(NotFoundError, match="fewer than 5 distinct authors"):
            open_for_issue(store, settings, ISSUES["bus"], now=utcnow(), role="admin", actor="a")
        with pytest.raises(NotFoundError, match="no issue 99"):
            open_for_issue(store, settings, 99, now=utcnow(), role="admin", actor="a")
        with pytest.raises(InputError, match="responder cannot open"):
            open_for_issue(store, settings, ISSUES["water"], now=utcnow(), role="responder",
                           actor="r")  # fmt: skip
        with pytest.raises(InputError, match="no department 'nope'"):
            open_for_issue(store, settings, ISSUES["water"], now=utcnow(), role="admin",
                           actor="a", department="nope")  # fmt: skip
        assert store.scalar("SELECT count(*) FROM cases WHERE issue_id IS NOT NULL") == 0


def test_the_api_opens_it_for_analysts_and_admins_only(env):
    client = env
    tokens = {}
    with client.app.state.db.write_lock:
        accounts = client.app.state.accounts
        for role in ("viewer", "responder", "analyst", "admin"):
            tokens[role] = accounts.create_token(role, "issue-case test")[1]
    url = f"/api/v1/issues/{ISSUES['water']}/case"
    assert client.post(url).status_code == 401
    for role in ("viewer", "responder"):
        refused = client.post(url, headers=_bearer(role, tokens))
        assert refused.status_code == 403 and "analyst" in refused.json()["error"]
    made = client.post(url, headers=_bearer("analyst", tokens))
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["created"] and body["token"] and body["case"]["subject"] == "issue"
    assert body["case"]["department"]["code"] == "water"
    same = client.post(url, headers=_bearer("admin", tokens), json={"department": "transport"})
    assert same.status_code == 200 and not same.json()["created"] and "token" not in same.json()
    assert same.json()["case"]["case_id"] == body["case"]["case_id"]
    hidden = client.post(f"/api/v1/issues/{ISSUES['bus']}/case", headers=_bearer("admin", tokens))
    assert hidden.status_code == 404
    assert client.post("/api/v1/issues/999/case", headers=_bearer("admin", tokens)).status_code == (
        404
    )
    case_id = body["case"]["case_id"]
    listed = client.get("/api/v1/cases", headers=_bearer("analyst", tokens)).json()["cases"]
    assert next(c for c in listed if c["case_id"] == case_id)["subject"] == "issue"
    issue = client.get(f"/api/v1/issues/{ISSUES['water']}", headers=_bearer("viewer", tokens))
    assert issue.json()["issue"]["case"] == {"case_id": case_id, "department": "water",
                                             "status": "open"}  # fmt: skip

    # Open311: the issue's case is a request like any, described by its place and problem
    requests = client.get("/open311/v2/requests.json").json()
    mine = next(r for r in requests if r["service_request_id"] == case_id)
    assert mine["description"] == "东湖路 · 停水 (35 messages)" and mine["service_code"] == "water"
    assert PHONE not in json.dumps(requests, ensure_ascii=False)

    # worked, closed, then disputed with the token handed out when it was opened
    analyst = _bearer("analyst", tokens)
    replied = client.post(f"/api/v1/cases/{case_id}/reply", headers=analyst,
                          json={"text": "已恢复供水。", "close_as": "fixed"})  # fmt: skip
    assert replied.status_code == 200
    wrong = client.post(f"/public/cases/{case_id}/dispute", data={"token": "nope"})
    assert wrong.status_code == 404
    disputed = client.post(f"/public/cases/{case_id}/dispute",
                           data={"token": body["token"], "note": "还是没有水"},
                           follow_redirects=False)  # fmt: skip
    assert disputed.status_code == 303
    public = client.get(f"/api/v1/public/cases/{case_id}").json()["case"]
    assert public["status"] == "open" and public["reopened_count"] == 1
    assert [e["kind"] for e in public["timeline"]] == ["opened", "replied", "disputed"]
    desk = client.get(f"/desk/cases/{case_id}", headers=analyst)
    assert 'id="issue-owner"' in desk.text and "1 of the 1 messages" in desk.text
    page = client.get(f"/public/cases/{case_id}")
    assert page.status_code == 200 and 'id="case-issue"' in page.text and "35" in page.text
    assert PHONE not in page.text and "authorkey" not in page.text


def _login(client, username: str) -> str:
    form = client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    done = client.post("/login", data={"username": username, "password": PASSWORD,
                                       "csrf_token": csrf}, follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    page = client.get("/")
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_the_issue_page_opens_it_with_its_form(env):
    client = env
    csrf = _login(client, "analyst")
    page = client.get(f"/issues/{ISSUES['water']}")
    assert page.status_code == 200 and 'id="issue-case-form"' in page.text
    assert 'value="transport"' in page.text  # a department may be chosen
    no_csrf = client.post(f"/issues/{ISSUES['water']}/case", data={"department": ""})
    assert no_csrf.status_code == 403
    assert client.app.state.db.scalar("SELECT count(*) FROM cases WHERE issue_id = 1") == 0
    made = client.post(f"/issues/{ISSUES['water']}/case",
                       data={"department": "transport", "csrf_token": csrf})  # fmt: skip
    assert made.status_code == 201 and 'id="case-token"' in made.text
    assert 'id="case-issue"' in made.text and "东湖路 · 停水" in made.text
    case_id = re.search(r'id="case-id">(\w+)<', made.text).group(1)
    assert client.app.state.db.cases.case(case_id)["department"] == "transport"
    after = client.get(f"/issues/{ISSUES['water']}")
    assert f'href="/desk/cases/{case_id}"' in after.text
    assert 'id="issue-case-form"' not in after.text
    listed = client.get("/issues")
    assert f"{case_id} · transport" in listed.text  # the list marks the issue as handed over
    again = client.post(f"/issues/{ISSUES['water']}/case", data={"csrf_token": csrf},
                        follow_redirects=False)  # fmt: skip
    assert again.status_code == 303 and again.headers["location"] == f"/desk/cases/{case_id}"
    desk = client.get(f"/desk/cases/{case_id}")
    assert desk.status_code == 200 and 'id="case-token"' not in desk.text  # shown once only
    assert 'id="issue-owner"' not in desk.text  # chosen by a person, not by its messages


def test_a_viewer_sees_the_case_but_no_form(env):
    client = env
    _login(client, "viewer")
    page = client.get(f"/issues/{ISSUES['water']}")
    assert page.status_code == 200 and 'id="issue-case-form"' not in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    refused = client.post(f"/issues/{ISSUES['water']}/case", data={"csrf_token": csrf})
    assert refused.status_code == 403


def test_heard_case_open_and_heard_issue(db, capsys):
    assert run(["case", "open", "--issue", str(ISSUES["water"]), "--db", str(db), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["created"] and first["token"] and first["case"]["subject"] == "issue"
    assert run(["case", "open", "--issue", str(ISSUES["water"]), "--db", str(db), "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert not second["created"] and second["token"] is None
    assert second["case"]["case_id"] == first["case"]["case_id"]
    assert run(["issue", str(ISSUES["water"]), "--db", str(db)]) == 0
    assert f"case {first['case']['case_id']} · water · open" in capsys.readouterr().out
    assert run(["cases", "--db", str(db), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["cases"]
    assert {c["subject"] for c in listed} == {"issue", "message"}
    assert run(["case", "open", "--db", str(db)]) != 0
    assert "needs --issue" in capsys.readouterr().err
    assert run(["case", first["case"]["case_id"], "--issue", "1", "--db", str(db)]) != 0
    assert run(["case", first["case"]["case_id"], "--db", str(db)]) == 0
    assert "issue 1: 东湖路 · 停水, 35 messages" in capsys.readouterr().out


def test_its_department_is_notified_with_the_issue_not_a_message(db):
    """The new-case webhook names the issue (place, problem, count), never a message's words."""
    from test_case_notifications import Receiver

    from heard.answer.notifications import notify_cases

    receiver = Receiver()
    try:
        settings = Settings(db=db, departments=[
            {"code": "water", "name_zh": "供水", "name_en": "Water supply", "keywords": ["停水"],
             "webhook": receiver.url},
            {"code": "transport", "name_en": "Transport", "keywords": ["公交"]},
        ])  # fmt: skip
        with open_store(db) as store:
            case_id = open_for_issue(store, settings, ISSUES["water"], now=utcnow(),
                                     role="admin", actor="root").case["case_id"]  # fmt: skip
            result = notify_cases(store, settings, utcnow(), sleep=lambda s: None)
    finally:
        receiver.close()
    assert (case_id, "new_case") in {(n["case_id"], n["kind"]) for n in result["new"]}
    sent = next(r["body"] for r in receiver.received if r["body"]["case_id"] == case_id)
    assert sent["concern"] == {
        "title": "东湖路 · 停水",
        "text": "issue 1: 东湖路 · 停水 (35 messages)",
    }
    assert PHONE not in json.dumps(sent, ensure_ascii=False) and "seed:w" not in json.dumps(sent)


def test_an_issue_without_message_cases_is_routed_by_the_deployments_router(tmp_path):
    """Cases off (no message has one): the zero-shot router reads the issue's place, problem,
    title and messages — the real embedder — and says why; with no departments to route by, the
    official is told to choose one."""
    from datetime import datetime, timedelta, timezone

    from api_seed import WATER
    from heard.listen.issues.measure import IssueRecord
    from heard.records import Post

    t0 = datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc)
    posts = [
        Post(id=f"s:{i}", source="s", external_id=str(i), text=WATER[i % len(WATER)],
             title="东湖路停水", created_at=t0 + timedelta(hours=i), author_key=f"a{i}")
        for i in range(7)
    ]  # fmt: skip
    issue = IssueRecord(
        "东湖路", "东湖路", "停水", ["停水"], "东湖路停水", 7, 7, 7, t0.timestamp(),
        t0.timestamp() + 6 * 3600, 3.0, {"components": {}}, 0.2, False, None, 0.7,
        [p.id for p in posts], {}, 1,
    )  # fmt: skip
    path = tmp_path / "routed.duckdb"
    with open_store(path) as store:
        store.write_batch(posts, {}, {})
        store.issues.replace([issue], datetime(2026, 11, 3))
    bare = Settings(db=path)
    with open_store(path) as store:
        with pytest.raises(InputError, match="no departments are configured"):
            open_for_issue(store, bare, 1, now=utcnow(), role="admin", actor="root")
    settings = Settings(db=path, departments=[
        {"code": "water", "name_zh": "供水", "name_en": "Water supply",
         "description_zh": "供水管网、停水、水质", "keywords": ["停水", "供水", "水管"]},
        {"code": "transport", "name_zh": "交通运输", "name_en": "Transport",
         "description_zh": "公交线路、道路、停车", "keywords": ["公交", "道路", "停车"]},
    ])  # fmt: skip
    with open_store(path) as store:
        case = open_for_issue(store, settings, 1, now=utcnow(), role="admin", actor="root").case
    assert case["department"] == "water", case
    assert case["routed_by"].startswith("heard-zero-shot@")
    assert 0.5 < case["routed_confidence"] <= 1.0
    assert case["explanation"]["suggested"] == "water" and case["explanation"]["terms"]


def test_a_second_writer_between_look_up_and_insert_gets_the_first_case(db, monkeypatch):
    """Two processes on one PostgreSQL database may both find no case and both insert: the
    unique index refuses the second, which answers with the first's case (here the other
    writer's insert is made just before ours, on the real store)."""
    settings = Settings(db=db)
    with open_store(db) as store:
        real = store.cases.open_cases

        def racing(cases, events):
            store.execute(  # the other writer's case
                "INSERT INTO cases (case_id, department, status, created_at, issue_id) "
                "VALUES ('COTHERWRITER', 'transport', 'open', ?, ?)",
                [utcnow(), ISSUES["water"]],
            )
            monkeypatch.setattr(store.cases, "open_cases", real)
            # our probe is past: insert as if it had found nothing
            with store.registered("_new_cases", to_arrow(cases, CASE_COLUMNS)):
                store.execute(
                    f"INSERT INTO cases ({', '.join(CASE_COLUMNS)}) "
                    f"SELECT {', '.join(CASE_COLUMNS)} FROM _new_cases"
                )

        monkeypatch.setattr(store.cases, "open_cases", racing)
        opened = open_for_issue(store, settings, ISSUES["water"], now=utcnow(), role="analyst",
                                actor="ana")  # fmt: skip
        assert not opened.created and opened.case["case_id"] == "COTHERWRITER"
        assert store.scalar("SELECT count(*) FROM cases WHERE issue_id = 1") == 1


def test_a_responder_is_led_to_the_desk_only_for_its_own_departments_case(env):
    """The issue page linked every account from responder up to the desk's case page, so a
    responder of another department followed it into a 403; it now gets the public page."""
    client = env
    csrf = _login(client, "admin")
    client.post(f"/issues/{ISSUES['water']}/case", data={"department": "water", "csrf_token": csrf})
    case_id = client.app.state.db.scalar("SELECT case_id FROM cases WHERE issue_id = 1")

    def link_as_responder() -> str:
        client.cookies.clear()
        _login(client, "responder")  # works transport's queue
        page = client.get(f"/issues/{ISSUES['water']}")
        found = re.search(r'href="([^"]+)" id="issue-case-link"', page.text).group(1)
        assert client.get(found).status_code == 200
        return found

    assert link_as_responder() == f"/public/cases/{case_id}"
    client.cookies.clear()
    csrf = _login(client, "admin")
    moved = client.post(f"/desk/cases/{case_id}/reassign",
                        data={"department": "transport", "csrf_token": csrf})  # fmt: skip
    assert moved.status_code == 200
    assert link_as_responder() == f"/desk/cases/{case_id}"


def test_no_issue_case_for_a_department_removed_from_heard_toml(db):
    """The seed's water is stored; heard.toml names transport only: water is retired. Naming it
    is refused, and the issue whose messages' cases are with water does not go to it."""
    kept = [{"code": c, "name_en": c.title()} for c in ("transport", "parks")]
    settings = Settings(db=db, departments=kept)
    with open_store(db) as store:
        with pytest.raises(InputError, match="no department 'water'"):
            open_for_issue(store, settings, ISSUES["water"], now=utcnow(), role="admin",
                           actor="a", department="water")  # fmt: skip
        opened = open_for_issue(store, settings, ISSUES["water"], now=utcnow(), role="admin",
                                actor="a")  # fmt: skip
        assert opened.case["department"] != "water"
