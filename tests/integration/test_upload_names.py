"""An upload's errors name the file as it was sent ("a.xlsx"), never the server's temporary
copy (before: "/tmp/heard-upload-g69g0fth/a.xlsx is not a readable .xlsx workbook"), on the
API and on the upload page."""

from __future__ import annotations

import re

from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings


def test_a_broken_workbook_is_named_as_it_was_sent(tmp_path):
    db = tmp_path / "upload.duckdb"
    tokens = build(db)
    analyst = {"Authorization": f"Bearer {tokens['analyst']}"}
    broken = {"file": ("附件3.xlsx", b"PK\x03\x04 not a workbook")}
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        api = client.post("/api/v1/ingest", files=broken, headers=analyst)
        assert api.status_code == 400
        body = api.json()
        assert body["error"].startswith("附件3.xlsx is not a readable .xlsx workbook"), body
        assert "heard-upload" not in api.text and str(tmp_path) not in api.text
        page = client.post("/upload", files=broken, headers={**analyst, "Accept": "text/html"})
        assert page.status_code == 400
        error = re.search(r'class="error"[^>]*>([^<]*)<', page.text).group(1)
        assert error.startswith("附件3.xlsx is not a readable") and "heard-upload" not in page.text


def test_a_browser_upload_keeps_the_upload_forms_limits(tmp_path):
    """The CSRF check read a session's form first, with Starlette's default limits (1,000 files
    and fields), and the upload's own (one file, 20 fields) then met the parsed form: a second
    file was taken silently, the last one ingested. It is refused now, nothing stored."""
    from api_seed import PASSWORD

    db = tmp_path / "two.duckdb"
    build(db)
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        form = client.get("/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        client.post(
            "/login", data={"username": "analyst", "password": PASSWORD, "csrf_token": csrf}
        )
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/upload").text).group(1)
        before = client.app.state.db.scalar("SELECT count(*) FROM quarantine")
        row = b'{"text": "a", "created_at": "2026-11-05T08:00:00Z"}\n'
        r = client.post(
            "/upload",
            data={"csrf_token": csrf},
            files=[("file", ("a.jsonl", row)), ("also", ("b.jsonl", b'{"text": "b"}\n'))],
            headers={"Accept": "text/html"},
        )
        assert r.status_code == 400 and "Too many files" in r.text
        assert client.app.state.db.scalar("SELECT count(*) FROM quarantine") == before
