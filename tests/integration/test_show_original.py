"""The audited "show original" (RIGHTS.md §7's exception to redaction): moderators and admins
only, one flagged post at a time, a reason required, each use in the audit log — through the API,
the review page and the CLI; no other role, no public route, no export or search gets it."""

from __future__ import annotations

import json
import re

import pytest
from api_seed import build
from fastapi.testclient import TestClient
from moderation_steps import as_role

from heard.api import create_app
from heard.cli import run
from heard.protect.audit import verify
from heard.settings import Settings
from heard.store import open_store

POST = "seed:w3"  # its text carries a mobile number: 联系电话13812345678
PHONE = "13812345678"
REASON = f"判断号码 {PHONE} 是否为公开热线"


def api(tokens, role):
    return {"Authorization": f"Bearer {tokens[role]}"} if role else {}


@pytest.fixture()
def env(tmp_path):
    db = tmp_path / "original.duckdb"
    tokens = build(db)
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        filed = client.post("/api/v1/report", json={"post_id": POST, "label": "doxxing"})
        assert filed.status_code == 200, filed.text
        yield client, tokens, db, filed.json()["flag_id"]


def _entries(where):
    """The audit log of the serving app's store (a client) or of a closed store file."""
    if isinstance(where, TestClient):
        with where.app.state.db.write_lock:
            return _rows(where.app.state.db.store)
    with open_store(where, read_only=True) as store:
        return _rows(store)


def _rows(store):
    return [
        {**r, "payload": json.loads(r["payload"])}
        for r in store.rows("SELECT seq, kind, ref, payload FROM audit_log ORDER BY seq")
    ]


@pytest.mark.parametrize(
    "role, status",
    [
        (None, 401),
        ("viewer", 403),
        ("responder", 403),
        ("analyst", 403),
        ("moderator", 200),
        ("admin", 200),
    ],
)
def test_every_role_on_the_route(env, role, status):
    client, tokens, db, _ = env
    r = client.post(
        f"/api/v1/posts/{POST}/original", json={"reason": REASON}, headers=api(tokens, role)
    )
    assert r.status_code == status, r.text
    if status != 200:
        assert PHONE not in r.text
        assert [e["kind"] for e in _entries(client)] == ["flag"]  # nothing logged for a refusal
        return
    body = r.json()
    assert PHONE in body["text"] and body["post_id"] == POST
    assert r.headers["cache-control"] == "no-store"
    entries = _entries(client)
    assert [e["kind"] for e in entries] == ["flag", "original_view"]
    view = entries[-1]
    assert view["ref"] == POST and view["seq"] == body["audit_seq"]
    assert view["payload"] == {
        "post_id": POST,
        "account": role,
        "role": role,
        "reason": "判断号码 [phone] 是否为公开热线",
    }
    with client.app.state.db.write_lock:
        assert verify(client.app.state.db.store).ok


def test_bad_requests_are_refused_and_not_logged(env):
    client, tokens, db, _ = env
    mod = api(tokens, "moderator")
    cases = [
        (f"/api/v1/posts/{POST}/original", {"reason": "   "}, 400, "needs a reason"),
        (f"/api/v1/posts/{POST}/original", {"reason": "x" * 501}, 400, "has 501"),
        (f"/api/v1/posts/{POST}/original", {"reason": "x" * 2001}, 422, "reason"),
        ("/api/v1/posts/seed:w4/original", {"reason": "check"}, 400, "no flag"),
        ("/api/v1/posts/seed:nope/original", {"reason": "check"}, 404, "no post"),
    ]
    for url, body, status, message in cases:
        r = client.post(url, json=body, headers=mod)
        assert r.status_code == status, (url, r.text)
        assert message in r.text and PHONE not in r.text and "401室" not in r.text
    assert [e["kind"] for e in _entries(client)] == ["flag"]


def test_the_original_reaches_no_other_surface(env):
    client, tokens, _, flag_id = env
    mod = api(tokens, "moderator")
    shown = client.post(f"/api/v1/posts/{POST}/original", json={"reason": "check"}, headers=mod)
    assert shown.status_code == 200 and PHONE in shown.text
    reads = [
        client.get("/api/v1/posts", params={"limit": 100}, headers=mod),
        client.get("/api/v1/posts", params={"q": "联系电话"}, headers=mod),
        client.get("/api/v1/review/queue", headers=mod),
        client.get("/api/v1/flags", headers=mod),
        client.get(f"/moderate/items/{flag_id}", headers=as_role(tokens, "moderator")),
        client.get("/api/v1/export", params={"format": "jsonl"}, headers=api(tokens, "admin")),
    ]
    for r in reads:
        assert r.status_code == 200, r.url
        assert PHONE not in r.text, r.url


def test_the_review_page_shows_the_original_in_place(env):
    client, tokens, db, flag_id = env
    page = as_role(tokens, "moderator")
    before = client.get(f"/moderate/items/{flag_id}", headers=page)
    assert 'id="original-form"' in before.text and PHONE not in before.text
    csrf = re.search(r'name="csrf_token" value="([^"]*)"', before.text).group(1)
    refused = client.post(
        f"/moderate/items/{flag_id}/original",
        data={"reason": " ", "csrf_token": csrf},
        headers=page,
    )
    assert refused.status_code == 400 and "needs a reason" in refused.text
    assert PHONE not in refused.text
    shown = client.post(
        f"/moderate/items/{flag_id}/original",
        data={"reason": "is it a hotline?", "csrf_token": csrf},
        headers=page,
    )
    assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
    text = re.search(r'<p id="post-text" class="original"><bdi>([^<]*)<', shown.text).group(1)
    assert PHONE in text and 'id="original-note"' in shown.text
    viewer = client.post(
        f"/moderate/items/{flag_id}/original",
        data={"reason": "curious", "csrf_token": csrf},
        headers=as_role(tokens, "analyst"),
    )
    assert viewer.status_code == 403 and PHONE not in viewer.text
    views = [e for e in _entries(client) if e["kind"] == "original_view"]
    assert [(v["ref"], v["payload"]["account"]) for v in views] == [(POST, "moderator")]


def test_the_cli_shows_the_original_to_moderators_only(tmp_path, capsys):
    db = tmp_path / "cli.duckdb"
    build(db)
    assert run(["flag", POST, "--label", "doxxing", "--db", str(db)]) == 0
    capsys.readouterr()
    assert run(["original", POST, "--reason", "hotline?", "--as", "analyst", "--db", str(db)]) == 2
    assert "not a moderator" in capsys.readouterr().err
    assert run(["original", POST, "--as", "moderator", "--db", str(db)]) == 2
    assert "needs a reason" in capsys.readouterr().err
    assert run(["original", POST, "--reason", "hotline?", "--db", str(db)]) == 2
    capsys.readouterr()
    args = ["original", POST, "--reason", "hotline?", "--as", "admin", "--db", str(db), "--json"]
    assert run(args) == 0
    shown = json.loads(capsys.readouterr().out)
    assert PHONE in shown["text"]
    kinds = [(e["kind"], e["payload"].get("role")) for e in _entries(db)]
    assert kinds == [("flag", None), ("original_view", "admin")]


@pytest.mark.parametrize(
    "role, status",
    [
        (None, 401),
        ("viewer", 403),
        ("responder", 403),
        ("analyst", 403),
        ("moderator", 403),
        ("admin", 200),
    ],
)
def test_admins_list_who_saw_originals_but_not_the_originals(env, role, status):
    client, tokens, _, _ = env
    for who in ("moderator", "admin"):
        shown = client.post(
            f"/api/v1/posts/{POST}/original", json={"reason": REASON}, headers=api(tokens, who)
        )
        assert shown.status_code == 200
    r = client.get("/api/v1/audit/original-views", headers=api(tokens, role))
    assert r.status_code == status, r.text
    assert PHONE not in r.text
    if status != 200:
        return
    views = r.json()["views"]
    assert [(v["account"], v["role"], v["post_id"]) for v in views] == [
        ("admin", "admin", POST),
        ("moderator", "moderator", POST),
    ]  # newest first
    assert views[0]["seq"] > views[1]["seq"]
    assert views[0]["reason"] == "判断号码 [phone] 是否为公开热线"  # as logged: redacted
    assert "text" not in views[0] and "title" not in views[0]
    one = client.get("/api/v1/audit/original-views", params={"limit": 1}, headers=api(tokens, role))
    assert [v["account"] for v in one.json()["views"]] == ["admin"]
    for bad in (0, 1001, "x"):
        refused = client.get(
            "/api/v1/audit/original-views", params={"limit": bad}, headers=api(tokens, role)
        )
        assert refused.status_code == 422 and "limit" in refused.text


def test_the_calibration_page_lists_the_uses_for_admins(env):
    client, tokens, _, flag_id = env
    empty = client.get("/admin/calibration", headers=as_role(tokens, "admin"))
    assert empty.status_code == 200 and 'id="original-views"' in empty.text
    assert "No original has been shown." in empty.text
    shown = client.post(
        f"/api/v1/posts/{POST}/original", json={"reason": REASON}, headers=api(tokens, "moderator")
    )
    assert shown.status_code == 200
    page = client.get("/admin/calibration", headers=as_role(tokens, "admin"))
    table = re.search(r'<table class="data" id="original-views".*?</table>', page.text, re.S)
    assert table and POST in table.group(0) and "moderator" in table.group(0)
    assert "[phone]" in table.group(0) and PHONE not in page.text
    assert client.get("/admin/calibration", headers=as_role(tokens, "moderator")).status_code == 403


def test_the_cli_lists_the_uses_without_the_originals(tmp_path, capsys):
    db = tmp_path / "cli.duckdb"
    build(db)
    assert run(["flag", POST, "--label", "doxxing", "--db", str(db)]) == 0
    assert run(["audit", "originals", "--db", str(db)]) == 0
    assert "no original was shown" in capsys.readouterr().err  # the console writes to stderr
    shown = ["original", POST, "--reason", REASON, "--as", "moderator", "--db", str(db)]
    assert run(shown) == 0
    capsys.readouterr()
    assert run(["audit", "originals", "--db", str(db), "--json"]) == 0
    out = capsys.readouterr().out
    views = json.loads(out)["views"]
    assert [(v["account"], v["post_id"]) for v in views] == [("moderator", POST)]
    assert PHONE not in out and "[phone]" in views[0]["reason"]
    assert run(["audit", "originals", "--db", str(db)]) == 0
    text = capsys.readouterr()
    assert "moderator" in text.err and POST in text.err and PHONE not in text.err + text.out
    assert run(["audit", "originals", "--limit", "0", "--db", str(db)]) == 2
    assert "limit must be between 1 and 1,000" in capsys.readouterr().err
