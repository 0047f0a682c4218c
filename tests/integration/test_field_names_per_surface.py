"""A refusal names the input to fix in the words of the surface it reaches: the CLI its option
(``--facts``), the API the body field, a dashboard page the form field's label. The shared
checks (``heard.protect.inputs``) wrote "(--facts)" and "(--legal-ground)" into their fix texts,
which a moderator in the browser and an integrator on the API read as they were."""

from __future__ import annotations

import json
import re

import pytest
from api_seed import build
from fastapi.testclient import TestClient
from moderation_steps import as_role

from heard.api import create_app
from heard.cli import run
from heard.settings import Settings


@pytest.fixture()
def env(tmp_path):
    db = tmp_path / "fields.duckdb"
    tokens = build(db)
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        yield client, tokens, db


def _flag(client, tokens) -> str:
    client.post("/report", data={"post": "seed:w3", "label": "doxxing", "note": "电话"})
    queue = client.get("/moderate", headers=as_role(tokens, "moderator"))
    return re.search(r'href="/moderate/items/(f[^"]+)"', queue.text).group(1)


def test_the_decision_page_names_its_form_fields_not_cli_options(env):
    client, tokens, _ = env
    flag_id = _flag(client, tokens)
    url = f"/moderate/items/{flag_id}"
    no_facts = client.post(
        url, data={"decision": "remove", "facts": ""}, headers=as_role(tokens, "moderator")
    )
    assert no_facts.status_code == 400
    error = re.search(r'id="decide-error">([^<]*)<', no_facts.text).group(1)
    assert "--" not in error and "Statement of the facts" in error
    no_law = client.post(
        url,
        data={"decision": "remove", "ground": "illegal", "facts": "公布电话。"},
        headers=as_role(tokens, "moderator"),
    )
    error = re.search(r'id="decide-error">([^<]*)<', no_law.text).group(1)
    assert "--" not in error and "Legal ground" in error


def test_the_api_names_the_body_field_and_the_cli_its_option(env, capsys):
    client, tokens, db = env
    flag_id = _flag(client, tokens)
    r = client.post(
        f"/api/v1/review/{flag_id}",
        headers={"Authorization": f"Bearer {tokens['moderator']}"},
        json={"decision": "remove", "facts": "x", "ground": "illegal"},
    )
    assert r.status_code == 400
    text = json.dumps(r.json(), ensure_ascii=False)
    assert "--" not in text and '\\"legal_ground\\"' in text, text
    client.close()  # the CLI opens the same file
    assert run(["review", "--db", str(db), "--decide", flag_id, "--decision", "remove",
                "--facts", " ", "--as", "moderator"]) == 2  # fmt: skip
    err = capsys.readouterr().err
    assert "needs a statement of the facts" in err and "(--facts)" in err


def test_a_label_outside_the_taxonomy_names_the_label_field(env):
    client, tokens, _ = env
    flag_id = _flag(client, tokens)
    r = client.post(
        f"/api/v1/review/{flag_id}",
        headers={"Authorization": f"Bearer {tokens['moderator']}"},
        json={"decision": "label", "facts": "x", "label": "political_opinion"},
    )
    assert r.status_code == 400 and '(field "label")' in r.json()["errors"][0]


def test_the_ingest_api_names_its_map_field_not_the_cli_option(env, tmp_path, capsys):
    client, tokens, db = env
    bearer = {"Authorization": f"Bearer {tokens['admin']}"}
    no_time = client.post(
        "/api/v1/ingest", headers=bearer, files={"file": ("b.csv", b"id,text\n1,a\n", "text/csv")}
    )
    assert no_time.status_code == 400
    said = json.dumps(no_time.json(), ensure_ascii=False)
    assert "--" not in said and "created_at=COLUMN" in said and '\\"map\\"' in said, said
    bad = client.post(
        "/api/v1/ingest",
        headers=bearer,
        data={"map": "text"},
        files={"file": ("c.csv", b"id,text,created_at\n1,a,2026-01-01\n", "text/csv")},
    )
    assert bad.status_code == 400 and "--" not in json.dumps(bad.json()), bad.json()
    client.close()
    src = tmp_path / "d.csv"
    src.write_text("id,text\n1,a\n", encoding="utf-8")
    capsys.readouterr()
    assert run(["ingest", str(src), "--db", str(tmp_path / "other.duckdb")]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "created_at=COLUMN" in err and err.endswith("(--map)"), err
