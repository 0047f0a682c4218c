"""``heard users department NAME CODE`` moves a responder to another department's queue and keeps
the account: its API token works on, now on the new queue only, and the change is in the audit
log (``heard audit verify`` still finds the log intact). Before, no command changed it: an admin
had to remove the account and add it again, which revoked its tokens and ended its sessions. The
real CLI on a real DuckDB file and heard.toml, the real API with the responder's token."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from test_case_notifications import _open
from typer.testing import CliRunner

from heard.api import create_app
from heard.settings import load_settings
from heard.store import open_store

CONFIG = """[heard]
[[departments]]
code = "water"
name_en = "Water"
[[departments]]
code = "roads"
name_en = "Roads"
"""


def _heard(*args):
    from heard.cli import _register
    from heard.cli.app import app

    _register()
    return CliRunner().invoke(app, [str(a) for a in args])


def _queue(settings, token):
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        answer = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    return {c["department"] for c in answer.json()["cases"]}


def test_a_responder_moves_to_another_department_and_keeps_its_token(tmp_path):
    config, db = tmp_path / "heard.toml", tmp_path / "u.duckdb"
    config.write_text(CONFIG, encoding="utf-8")
    where = ["--db", db, "--config", config]
    with open_store(db) as store:
        _open(store, 1, department="water")
        _open(store, 2, department="roads")
    added = _heard("users", "add", "rita", "--role", "responder", "--department", "water",
                   "--password", "rita-pass-1", *where)  # fmt: skip
    assert added.exit_code == 0, added.output
    made = _heard("users", "token", "rita", "--json", *where)
    token = json.loads(made.stdout)["token"]
    settings = load_settings(config, db=db, warn=False)
    assert _queue(settings, token) == {"water"}
    moved = _heard("users", "department", "rita", "roads", "--json", *where)
    assert moved.exit_code == 0, moved.output
    result = json.loads(moved.stdout)
    assert (result["from"], result["to"]) == ("water", "roads")
    assert _queue(settings, token) == {"roads"}  # the same token, the new queue
    listed = json.loads(_heard("users", "list", "--json", *where).stdout)["users"]
    assert [(u["username"], u["department"], u["active_tokens"]) for u in listed] == [
        ("rita", "roads", 1)
    ]
    with open_store(db, read_only=True) as store:
        entry = store.protect.audit_of_kind("account_department", 10)[0]
    assert entry["ref"] == "rita" and entry["seq"] == result["audit_seq"]
    assert json.loads(entry["payload_text"])["from"] == "water"
    verified = _heard("audit", "verify", "--json", *where)
    assert verified.exit_code == 0 and json.loads(verified.stdout)["ok"] is True


def _refused(capsys, *args) -> str:
    """The error ``heard`` prints for a refused command (exit code checked)."""
    from heard.cli import run

    capsys.readouterr()
    code = run([str(a) for a in args])
    out = capsys.readouterr()
    assert code != 0, out
    return out.out + out.err


def test_a_move_that_cannot_be_made_is_refused_with_the_reason(tmp_path, capsys):
    config, db = tmp_path / "heard.toml", tmp_path / "u.duckdb"
    config.write_text(CONFIG, encoding="utf-8")
    where = ["--db", db, "--config", config]
    for name, role, dept in (("rita", "responder", "water"), ("ana", "analyst", None)):
        more = ["--department", dept] if dept else []
        assert _heard("users", "add", name, "--role", role, *more, "--password", "pass-word-1",
                      *where).exit_code == 0  # fmt: skip
    refusals = {
        ("rita", "water"): "works 'water' already",
        ("rita", "nowhere"): "no department 'nowhere'",
        ("rita", "triage"): "no department 'triage'",
        ("ana", "roads"): "only a responder is tied to a department",
        ("bob", "roads"): "no user 'bob'",
    }
    for (name, code), reason in refusals.items():
        said = _refused(capsys, "users", "department", name, code, *where)
        assert reason in said, (name, code, said)
    # a department removed from heard.toml (retired) takes no one
    with open_store(db) as store:
        from heard.api.app import save_configured_departments

        save_configured_departments(store, load_settings(config, db=db, warn=False))
    config.write_text(CONFIG.split('[[departments]]\ncode = "roads"')[0], encoding="utf-8")
    said = _refused(capsys, "users", "department", "rita", "roads", *where)
    assert "removed from the configuration" in said, said
    listed = json.loads(_heard("users", "list", "--json", *where).stdout)["users"]
    assert {u["username"]: u["department"] for u in listed} == {"ana": None, "rita": "water"}
