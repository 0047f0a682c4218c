"""A department filter names a department that exists: a mistyped code (``trasnport``) gave an
empty queue or an empty reply list, as if that department had nothing to do. Every surface that
filters by department (the queue API, the desk, ``heard cases``, ``heard replies``) makes the
same check (``heard.read.cases.check_department``) and answers with a 404 (no such department)
or exit 2 that lists the valid codes."""

from __future__ import annotations

import pytest
from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.cli import run
from heard.settings import Settings


@pytest.fixture()
def env(tmp_path):
    db = tmp_path / "answer.duckdb"
    tokens = build(db)
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        yield client, tokens, db


def test_the_queue_api_refuses_an_unknown_department(env):
    client, tokens, _ = env
    analyst = {"Authorization": f"Bearer {tokens['analyst']}"}
    got = client.get("/api/v1/cases?department=trasnport", headers=analyst)
    assert got.status_code == 404, got.text
    body = got.json()
    assert "trasnport" in body["error"] and "transport" in str(body) and "water" in str(body)
    assert client.get("/api/v1/cases?department=transport", headers=analyst).status_code == 200
    assert client.get("/api/v1/cases?department=triage", headers=analyst).status_code == 200


def test_the_desk_refuses_an_unknown_department(env):
    client, tokens, _ = env
    analyst = {"Authorization": f"Bearer {tokens['analyst']}", "Accept": "text/html"}
    page = client.get("/desk?department=trasnport", headers=analyst)
    assert page.status_code == 404 and "trasnport" in page.text and "transport" in page.text
    assert client.get("/desk?department=water", headers=analyst).status_code == 200
    assert client.get("/desk?department=", headers=analyst).status_code == 200  # every queue


def test_heard_replies_and_cases_refuse_an_unknown_department(tmp_path, capsys):
    db = tmp_path / "answer.duckdb"
    build(db)
    code = run(["replies", "--department", "trasnport", "--db", str(db)])
    err = capsys.readouterr().err
    assert code == 2 and "trasnport" in err and "transport" in err and "water" in err, err
    assert run(["replies", "--department", "water", "--db", str(db)]) == 0
    code = run(["cases", "--department", "trasnport", "--db", str(db)])
    err = capsys.readouterr().err
    assert code == 2 and "transport, triage, water" in err, err
