"""The answer side's pages (issue 18 §4, §3): the public record, department and case pages need
no account and show no personal data; the public form files a concern (a post and a case, a
token shown once); a dispute needs the case's token, reopens the case and counts against the
department; bad submissions get a 4xx and store nothing; the public limit holds; a responder's
desk shows its own department's queue only, and its moves go through the workflow."""

from __future__ import annotations

import re

import pytest
from api_seed import CASE_TOKEN, CLOSED_CASE, build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.auth.ratelimit import LoginLimiter
from heard.settings import Settings

PHONE = "13812345678"


@pytest.fixture()
def env(tmp_path):
    db = tmp_path / "answer.duckdb"
    tokens = build(db)
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        yield client, tokens


def _count(client, sql: str) -> int:
    return int(client.app.state.db.scalar(sql))


def _as(tokens, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[role]}"}


def test_public_record_department_and_case_pages_need_no_account(env):
    client, _ = env
    record = client.get("/public/departments")
    assert record.status_code == 200
    assert 'data-department="water"' in record.text and 'data-department="transport"' in record.text
    water = client.get("/public/departments/water")
    assert water.status_code == 200 and CLOSED_CASE["water"] in water.text
    case = client.get(f"/public/cases/{CLOSED_CASE['water']}")
    assert case.status_code == 200
    assert "抢修已完成" in case.text and 'id="dispute-form"' in case.text
    for page in (record, water, case):
        assert PHONE not in page.text and "authorkey-" not in page.text
    assert "[phone]" in case.text
    assert client.get("/public/cases/CNOPE").status_code == 404
    assert client.get("/public/departments/nope").status_code == 404
    api = client.get(f"/api/v1/public/cases/{CLOSED_CASE['water']}").json()["case"]
    assert api["status"] == "fixed" and "explanation" not in api and PHONE not in str(api)
    figures = client.get("/api/v1/accountability").json()
    water_row = next(d for d in figures["departments"] if d["department"] == "water")
    assert water_row["answered"] == 1 and water_row["median_days"] == pytest.approx(1.0)
    one = client.get("/api/v1/public/departments/transport").json()
    assert one["record"]["overdue_open"] == 1 and one["total"] == 1


def test_the_form_files_a_concern_and_a_dispute_reopens_with_the_token(env):
    client, _ = env
    form = client.get("/public/report?department=transport")
    assert form.status_code == 200 and 'value="transport" selected' in form.text
    posts, cases = (
        _count(client, "SELECT count(*) FROM posts"),
        _count(client, "SELECT count(*) FROM cases"),
    )
    filed = client.post(
        "/public/report",
        data={"department": "transport", "text": f"12路站牌倒了，电话{PHONE}，请尽快修"},
    )
    assert filed.status_code == 200, filed.text
    case_id = re.search(r"/public/cases/(\w+)", filed.text).group(1)
    token = re.search(r'id="filed-token">([^<]+)<', filed.text).group(1)
    assert _count(client, "SELECT count(*) FROM posts") == posts + 1
    assert _count(client, "SELECT count(*) FROM cases") == cases + 1
    stored_hash = client.app.state.db.scalar(
        "SELECT public_token_hash FROM cases WHERE case_id = ?", [case_id]
    )
    assert stored_hash and token not in stored_hash  # only the hash is kept
    shown = client.get(f"/public/cases/{case_id}")
    assert PHONE not in shown.text and "[phone]" in shown.text
    assert 'id="dispute-form"' not in shown.text  # open: nothing to dispute yet
    found = client.post("/public/track", data={"token": token}, follow_redirects=False)
    assert found.status_code == 303 and found.headers["location"] == f"/public/cases/{case_id}"

    closed = CLOSED_CASE["water"]
    wrong = client.post(f"/public/cases/{closed}/dispute", data={"token": "guess"})
    assert wrong.status_code == 404 and "no case with this number and token" in wrong.text
    other = client.post(f"/public/cases/{closed}/dispute", data={"token": token})
    assert other.status_code == 404  # a token opens its own case only
    still_open = client.post(f"/public/cases/{case_id}/dispute", data={"token": token})
    assert still_open.status_code == 409
    ok = client.post(
        f"/public/cases/{closed}/dispute", data={"token": CASE_TOKEN, "note": "又停水了"}
    )
    assert ok.status_code == 200 and 'id="disputed-ok"' in ok.text  # after a redirect (PRG)
    assert client.get(f"/api/v1/public/cases/{closed}").json()["case"]["status"] == "open"
    figures = client.get("/api/v1/accountability").json()
    water_row = next(d for d in figures["departments"] if d["department"] == "water")
    assert water_row["disputed"] == 1 and water_row["reopened"] == 1


def test_bad_submissions_get_a_4xx_and_store_nothing(env):
    client, _ = env
    posts = _count(client, "SELECT count(*) FROM posts")
    for data, status in [
        ({"department": "nope", "text": "a concern"}, 400),
        ({"department": "water", "text": "   "}, 400),
        ({"department": "water", "text": "\u200b\u200b\u0000"}, 400),  # invisible: empty
        ({"department": "water"}, 400),  # no text: the form again, as an empty one
        ({"department": "water", "text": "长" * 4001}, 400),  # the form again, text kept
        ({"department": "water", "text": "长" * 16001}, 422),  # past what the form takes at all
    ]:
        got = client.post("/public/report", data=data, headers={"Accept": "text/html"})
        assert got.status_code == status, (data, got.text[:300])
        assert "<html" in got.text and 'role="alert"' in got.text or "error-detail" in got.text
    assert _count(client, "SELECT count(*) FROM posts") == posts
    long = client.post("/public/report", data={"department": "water", "text": "长" * 4001})
    assert "4001 characters" in long.text and "长" * 4001 in long.text  # nothing typed is lost


def test_the_public_limit_holds_over_form_disputes_and_tokens(env):
    client, _ = env
    client.app.state.public_limiter = LoginLimiter(max_failures=3, window_s=3600.0)
    for _ in range(3):
        client.post("/public/track", data={"token": "guess"})
    refused = client.post("/public/report", data={"department": "water", "text": "停水"})
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    also = client.post("/open311/v2/requests.json", data={"service_code": "water",
                                                           "description": "停水"})  # fmt: skip
    assert also.status_code == 429  # one window for every public channel


def test_a_responder_works_its_own_queue_only(env):
    client, tokens = env
    responder = _as(tokens, "responder")  # tied to transport
    queue = client.get("/desk", headers=responder)
    assert queue.status_code == 200
    assert CLOSED_CASE["transport"] in queue.text and CLOSED_CASE["water"] not in queue.text
    sneaky = client.get("/desk?department=water", headers=responder)
    assert CLOSED_CASE["water"] not in sneaky.text
    assert client.get(f"/desk/cases/{CLOSED_CASE['water']}", headers=responder).status_code == 403
    assert client.get("/desk", headers=_as(tokens, "viewer")).status_code == 403
    everything = client.get("/desk", headers=_as(tokens, "analyst"))
    assert CLOSED_CASE["water"] in everything.text and CLOSED_CASE["transport"] in everything.text

    bus = CLOSED_CASE["transport"]
    page = client.get(f"/desk/cases/{bus}", headers=responder)
    assert page.status_code == 200 and 'id="reply-form"' in page.text
    moved = client.post(
        f"/desk/cases/{bus}/status",
        data={"status": "investigating", "note": "已派人查看站牌"},
        headers=responder,
        follow_redirects=False,
    )
    assert moved.status_code == 303
    bad = client.post(f"/desk/cases/{bus}/status", data={"status": "maybe"}, headers=responder)
    assert bad.status_code == 400 and "unknown case status" in bad.text  # bad value: no conflict
    replied = client.post(
        f"/desk/cases/{bus}/reply",
        data={"text": "已联系公交公司，12路已恢复正常班次。", "close_as": "fixed"},
        headers=responder,
        follow_redirects=False,
    )
    assert replied.status_code == 303
    public = client.get(f"/api/v1/public/cases/{bus}").json()["case"]
    assert public["status"] == "fixed" and public["reply"]["department"]["code"] == "transport"
    kinds = [e["kind"] for e in public["timeline"]]
    assert kinds == ["opened", "status", "replied"], kinds
    closed = client.post(
        f"/desk/cases/{bus}/reassign", data={"department": "water"}, headers=responder
    )
    assert closed.status_code == 409 and "reopen it before reassigning" in closed.text
    filed = client.post("/public/report", data={"department": "transport", "text": "12路停运了"})
    new_case = re.search(r"/public/cases/(\w+)", filed.text).group(1)
    away = client.post(
        f"/desk/cases/{new_case}/reassign", data={"department": "water"}, headers=responder,
        follow_redirects=False,
    )  # fmt: skip
    assert away.status_code == 303 and away.headers["location"] == "/desk"
    assert client.get(f"/desk/cases/{new_case}", headers=responder).status_code == 403
    corrections = _count(client, "SELECT count(*) FROM routing_corrections")
    assert corrections == 1  # the move is what the next router training learns from


def test_a_responder_tied_to_no_department_sees_no_queue(env):
    """Not every queue: a responder whose department was taken away (accounts refuse making one
    without) has none; before, the missing department read as "no filter", and it saw every
    department's cases."""
    client, tokens = env
    db = client.app.state.db
    with db.write_lock:
        db.store.accounts.set_department("responder", None)
    headers = {"Authorization": f"Bearer {tokens['responder']}"}
    api = client.get("/api/v1/cases", headers=headers)
    assert api.status_code == 403 and "tied to no department" in api.json()["error"]
    page = client.get("/desk", headers={**headers, "Accept": "text/html"})
    assert page.status_code == 403 and CLOSED_CASE["water"] not in page.text


def test_timeline_notes_are_redacted_on_every_public_surface(env):
    """A dispute note and a responder's status note are free text that anyone may have typed a
    phone number or e-mail into; the timeline is public (case page, its API, Open311's
    updates), so its notes are redacted like the concern and the reply. Before, the dispute note
    "还是停水 13812345678" was shown verbatim on all three."""
    client, tokens = env
    closed = CLOSED_CASE["water"]
    disputed = client.post(
        f"/public/cases/{closed}/dispute",
        data={"token": CASE_TOKEN, "note": f"还是停水 {PHONE} someone@example.com"},
    )
    assert disputed.status_code == 200
    bus = CLOSED_CASE["transport"]
    moved = client.post(
        f"/api/v1/cases/{bus}/status",
        json={"status": "investigating", "note": f"已联系 {PHONE}"},
        headers=_as(tokens, "responder"),
    )
    assert moved.status_code == 200, moved.text
    for case_id in (closed, bus):
        surfaces = [
            client.get(f"/public/cases/{case_id}").text,
            client.get(f"/api/v1/public/cases/{case_id}").text,
            client.get(f"/api/v1/cases/{case_id}", headers=_as(tokens, "analyst")).text,
            client.get(
                "/open311/v2/servicerequestupdates.json", params={"service_request_id": case_id}
            ).text,
        ]
        for text in surfaces:
            assert PHONE not in text and "someone@example.com" not in text, text[:400]
    notes = [e["note"] for e in client.get(f"/api/v1/public/cases/{closed}").json()["case"][
        "timeline"]]  # fmt: skip
    assert any(n and "[phone]" in n and "[email]" in n for n in notes), notes


def test_the_case_api_gives_utc_times_with_a_z(env):
    """The API keeps ISO times in UTC with a ``Z`` (README): the case endpoints returned naive
    times ("2026-11-05T08:00:00.123456"), which a client reads as its own local time."""
    client, tokens = env
    closed = CLOSED_CASE["water"]
    case = client.get(f"/api/v1/public/cases/{closed}").json()["case"]
    times = [case["created_at"], case["deadline_at"], case["closed_at"],
             case["reply"]["replied_at"], *(e["at"] for e in case["timeline"])]  # fmt: skip
    record = client.get("/api/v1/public/departments/water").json()
    times += [c["created_at"] for c in record["cases"]]
    times.append(client.get("/api/v1/accountability").json()["now"])
    queue = client.get("/api/v1/cases", headers=_as(tokens, "analyst")).json()
    times += [c["created_at"] for c in queue["cases"]]
    one = client.get(f"/api/v1/cases/{closed}", headers=_as(tokens, "analyst")).json()["case"]
    times.append(one["created_at"])
    assert times and all(isinstance(t, str) and t.endswith("Z") for t in times), times


def test_two_moves_at_once_are_checked_against_the_stored_case(env):
    """Each move is checked against the case as stored when it is applied: the case was read
    before the write lock was taken, so two responders closing one case at the same moment both
    got 200 and its timeline said "open → fixed" twice (and two disputes, or a reply racing a
    reassignment, were judged on a state that had already changed)."""
    import threading
    import time

    client, tokens = env
    bus = CLOSED_CASE["transport"]  # open, transport's
    headers = _as(tokens, "responder")
    db = client.app.state.db
    answers: list[int] = []

    def close() -> None:
        got = client.post(f"/api/v1/cases/{bus}/status", json={"status": "fixed"},
                          headers=headers)  # fmt: skip
        answers.append(got.status_code)

    with db.write_lock:  # both requests read the case, then wait for the lock
        threads = [threading.Thread(target=close) for _ in range(2)]
        for t in threads:
            t.start()
        time.sleep(1.5)
    for t in threads:
        t.join(30)
    assert sorted(answers) == [200, 409], answers
    moves = client.app.state.db.rows(
        "SELECT from_status, to_status FROM case_events WHERE case_id = ? AND kind = 'status'",
        [bus],
    )
    assert [(m["from_status"], m["to_status"]) for m in moves] == [("open", "fixed")]


def test_a_new_reply_does_not_keep_the_old_replys_quality(env):
    """A reply replaces the case's published reply; its quality scores (and their evidence,
    which quotes the reply) were the old reply's, shown under the new text and averaged into
    the department's record as the new reply's; the new reply gets its own."""
    import json as _json

    client, tokens = env
    water = CLOSED_CASE["water"]
    db = client.app.state.db
    old = {"overall": 0.9, "relevance": {"score": 0.9, "explanation": "names 抢修已完成"}}
    with db.write_lock, db.store.transaction():  # as an imported, scored reply has them
        db.store.execute(
            "UPDATE cases SET reply_quality = 0.9, reply_scores = ? WHERE case_id = ?",
            [_json.dumps(old, ensure_ascii=False), water],
        )
    db.changed()
    assert client.post(f"/public/cases/{water}/dispute", data={"token": CASE_TOKEN}).status_code
    again = client.post(
        f"/api/v1/cases/{water}/reply",
        json={"text": "已再次检修管道，今日起恢复正常供水。", "close_as": "fixed"},
        headers=_as(tokens, "analyst"),
    )
    assert again.status_code == 200, again.text
    case = client.get(f"/api/v1/public/cases/{water}").json()["case"]
    # the new reply is scored on its own (a reply written in Heard is scored as an imported one)
    quality = case["reply"]["quality"]
    assert case["reply"]["text"].startswith("已再次检修") and quality["overall"] != 0.9
    assert "抢修已完成" not in _json.dumps(quality, ensure_ascii=False)
    record = client.get("/api/v1/public/departments/water").json()["record"]
    assert record["replies_scored"] == 1
    assert record["mean_reply_quality"] == round(quality["overall"], 4)


def test_a_department_reopens_a_case_it_closed(env):
    """A closed case moves only by being reopened, but only a citizen's dispute could reopen
    one: a department that closed a case by mistake, or that wants to mark an imported reply's
    "closed" case "fixed" once the work is done, had no way to. Setting the status to ``open``
    reopens it (counted in the department's reopened figure, not as a dispute)."""
    client, tokens = env
    bus = CLOSED_CASE["transport"]
    headers = _as(tokens, "responder")
    url = f"/api/v1/cases/{bus}/status"
    assert client.post(url, json={"status": "closed"}, headers=headers).status_code == 200
    refused = client.post(url, json={"status": "fixed"}, headers=headers)
    assert refused.status_code == 409 and "reopen" in refused.text
    again = client.post(url, json={"status": "open", "note": "误关闭"}, headers=headers)
    assert again.status_code == 200, again.text
    assert client.post(url, json={"status": "fixed"}, headers=headers).status_code == 200
    case = client.get(f"/api/v1/public/cases/{bus}").json()["case"]
    assert case["status"] == "fixed" and case["reopened_count"] == 1
    assert [e["kind"] for e in case["timeline"]][-3:] == ["status", "reopened", "status"]
    one = client.get("/api/v1/public/departments/transport").json()["record"]
    assert one["reopened"] == 1 and one["disputed"] == 0


def test_an_invisible_reply_is_empty(env):
    """A reply of zero-width spaces passed the emptiness check: the case counted as answered
    (and could be closed with it) while the public saw no answer at all."""
    client, tokens = env
    bus = CLOSED_CASE["transport"]
    for blank in ("\u200b\u200b", "\u0000", "\u202e \ufeff"):
        got = client.post(f"/api/v1/cases/{bus}/reply", json={"text": blank, "close_as": "fixed"},
                          headers=_as(tokens, "responder"))  # fmt: skip
        assert got.status_code == 400 and "empty" in got.text, (repr(blank), got.text)
    case = client.get(f"/api/v1/public/cases/{bus}").json()["case"]
    assert case["reply"] is None and case["status"] == "open"
