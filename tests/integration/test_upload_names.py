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
