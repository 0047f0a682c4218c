"""A case's row in a list (a department's public page and its API, GET /api/v1/cases, heard cases
--json) carries its concern, redacted, and never the raw opening of the text it was made from.
Before, a titled concern's row kept the query's ``text_head``: the first 400 characters as
written, a phone number, ID number and home address included, on the public API with no
account (found importing 附件4 and reading /api/v1/public/departments/transport)."""

from __future__ import annotations

import duckdb
from api_seed import CLOSED_CASE, build
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from heard.api import create_app
from heard.cli import _register
from heard.cli.app import app as cli
from heard.settings import Settings

PHONE = "13812345678"


def test_case_rows_never_carry_the_raw_text(tmp_path):
    db = tmp_path / "rows.duckdb"
    tokens = build(db)
    with duckdb.connect(str(db)) as con:  # the water case's concern gets a title, as 附件4's do
        con.execute("UPDATE posts SET title = '停水没有通知' WHERE id = 'seed:w3'")
    analyst = {"Authorization": f"Bearer {tokens['analyst']}"}
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        public = client.get("/api/v1/public/departments/water")
        assert public.status_code == 200
        assert CLOSED_CASE["water"] in public.text and PHONE not in public.text
        listed = client.get("/api/v1/cases?department=water", headers=analyst)
        assert listed.status_code == 200
        row = next(c for c in listed.json()["cases"] if c["case_id"] == CLOSED_CASE["water"])
        assert row["concern"] == "停水没有通知" and "text_head" not in row
        assert PHONE not in listed.text
        assert PHONE not in client.get("/public/departments/water").text
    _register()
    out = CliRunner().invoke(cli, ["cases", "--db", str(db), "--json"])
    assert out.exit_code == 0, out.output
    assert CLOSED_CASE["water"] in out.output and PHONE not in out.output
