"""An uploaded file's quarantined rows come back with the counts: each one's position, reason and
detail (``quarantined_rows``), on the API as on the dashboard's upload page
(tests/browser/test_upload_formats.py). The reply gave only a count per reason, so a user could
not tell which of the file's rows to fix."""

from __future__ import annotations

import json

from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings


def test_an_uploaded_files_quarantined_rows_are_listed_by_position(tmp_path):
    db = tmp_path / "upload.duckdb"
    tokens = build(db)
    posts = [
        {"id": f"q{i}", "text": f"第{i}条：东湖路的路灯坏了", "created_at": "2026-11-03 09:00"}
        for i in range(3)
    ]
    body = {"meta": {}, "data": [posts[0], 5, posts[1], ["x"], posts[2]]}
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        answer = client.post(
            "/api/v1/ingest",
            files={"file": ("board.json", json.dumps(body, ensure_ascii=False).encode())},
            headers={"Authorization": f"Bearer {tokens['analyst']}"},
        )
    assert answer.status_code == 200, answer.text[:300]
    reply = answer.json()
    assert reply["stored"] == 3 and reply["quarantined"] == 2
    shown = [(q["position"], q["reason"]) for q in reply["quarantined_rows"]]
    assert shown == [(2, "not_an_object"), (4, "not_an_object")]
    assert all("element" in q["detail"] for q in reply["quarantined_rows"])
