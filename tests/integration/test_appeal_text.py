"""An author's appeal must say why (DSA Art. 20): nothing or only whitespace is refused, and so is
a text over ``APPEAL_MAX`` characters, with a clear message — a 400 page that keeps what was
typed, a 4xx from the API, exit 2 from the CLI — and nothing is filed or audited."""

from __future__ import annotations


import pytest
from api_seed import build
from moderation_steps import reported_and_removed
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.cli import run
from heard.protect.review import APPEAL_MAX
from heard.settings import Settings
from heard.store import open_store

POST = "seed:w3"


def _appeals(db):
    with open_store(db, read_only=True) as store:
        return (
            store.scalar("SELECT count(*) FROM appeals"),
            store.scalar("SELECT count(*) FROM audit_log WHERE kind = 'appeal'"),
        )


class Server:
    """The in-process app over ``db``; ``stop()`` closes it, so the test can open the store."""

    def __init__(self, db):
        self.client = TestClient(create_app(Settings(db=db)), raise_server_exceptions=False)
        self.client.__enter__()
        self.running = True

    def stop(self):
        if self.running:
            self.running = False
            self.client.__exit__(None, None, None)


def _appeal_status(client, token):
    [d] = client.post("/api/v1/statements", json={"token": token}).json()["decisions"]
    return d["appeal_status"]


@pytest.fixture()
def decided(tmp_path):
    db = tmp_path / "appeal_text.duckdb"
    tokens = build(db)
    server = Server(db)
    token, decision_id = reported_and_removed(server.client, tokens, POST)
    yield server, db, token, decision_id
    server.stop()


def test_the_form_refuses_an_appeal_without_reasons_and_keeps_what_was_typed(decided):
    server, db, token, decision_id = decided
    client = server.client
    for text in ("", "  \n\t 　"):
        page = client.post(
            "/statement/appeal", data={"token": token, "decision_id": decision_id, "text": text}
        )
        assert page.status_code == 400
        assert "an appeal must say why the decision is wrong" in page.text
        assert 'class="appeal-form"' in page.text  # the author can try again on the same page
    long = "这个决定错了，" + "因为" * APPEAL_MAX
    page = client.post(
        "/statement/appeal", data={"token": token, "decision_id": decision_id, "text": long}
    )
    assert page.status_code == 400
    assert f"at most {APPEAL_MAX:,} characters; this one has {len(long):,}" in page.text
    form = page.text.split(f'data-decision="{decision_id}"')[1]
    assert f">{long}</textarea>" in form  # kept, to shorten rather than retype
    assert _appeal_status(client, token) is None
    page = client.post(
        "/statement/appeal",
        data={"token": token, "decision_id": decision_id, "text": "  这是供水公司的热线。 "},
    )
    assert page.status_code == 200 and 'id="appeal-sent"' in page.text
    again = client.post(
        "/statement/appeal", data={"token": token, "decision_id": decision_id, "text": "再申诉"}
    )
    assert again.status_code == 409 and "appealed already" in again.text
    assert ">再申诉</textarea>" not in again.text  # no form left: the decision is appealed
    server.stop()
    assert _appeals(db) == (1, 1)
    with open_store(db, read_only=True) as store:
        assert store.scalar("SELECT text FROM appeals") == "这是供水公司的热线。"


def test_the_api_refuses_an_appeal_without_reasons(decided):
    server, db, token, decision_id = decided
    client = server.client
    blank = client.post(
        "/api/v1/statements/appeal",
        json={"token": token, "decision_id": decision_id, "text": " \n "},
    )
    assert blank.status_code == 400
    assert blank.json()["error"] == "an appeal must say why the decision is wrong (DSA Art. 20)"
    empty = client.post(
        "/api/v1/statements/appeal", json={"token": token, "decision_id": decision_id, "text": ""}
    )
    too_long = client.post(
        "/api/v1/statements/appeal",
        json={"token": token, "decision_id": decision_id, "text": "x" * (APPEAL_MAX + 1)},
    )
    for r in (empty, too_long):
        assert r.status_code == 422 and "body.text" in " ".join(r.json()["errors"])
    server.stop()
    assert _appeals(db) == (0, 0)


def test_the_cli_refuses_an_appeal_without_reasons_with_exit_2(decided, capsys):
    server, db, _, decision_id = decided
    server.stop()  # one writer: the CLI opens the store itself
    for text in ("", "   ", "x" * (APPEAL_MAX + 1)):
        code = run(["appeal", decision_id, "--text", text, "--db", str(db)])
        assert code == 2
    err = capsys.readouterr()
    said = err.out + err.err
    assert said.count("an appeal must say why the decision is wrong") == 2  # "" and "   "
    assert f"at most {APPEAL_MAX:,} characters; this one has {APPEAL_MAX + 1:,}" in said
    assert _appeals(db) == (0, 0)
    assert run(["appeal", decision_id, "--text", "热线号码是公开的", "--db", str(db)]) == 0
    assert _appeals(db) == (1, 1)
