"""The dashboard's Export page offered whole-store links only: an official wanting one week's
posts in Chinese had to edit an API URL with UTC instants. Its posts form takes local days
(the deployment's zone), a language, a sentiment, a topic and a format, and hands the file over
from the export API (a 303), so page and API give the same bytes."""

from __future__ import annotations

import json
from datetime import date
from zoneinfo import ZoneInfo

from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings
from heard.store import open_store

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _local_days(db, lang: str | None = None) -> tuple[dict[date, int], dict[date, int]]:
    with open_store(db, read_only=True) as store:
        rows = store.rows("SELECT created_at, lang FROM posts")
    local: dict[date, int] = {}
    utc: dict[date, int] = {}
    for r in rows:
        if lang and r["lang"] != lang:
            continue
        at = r["created_at"].replace(tzinfo=ZoneInfo("UTC"))
        local[at.astimezone(SHANGHAI).date()] = local.get(at.astimezone(SHANGHAI).date(), 0) + 1
        utc[at.date()] = utc.get(at.date(), 0) + 1
    return local, utc


def test_the_posts_form_exports_local_days_with_its_filters(tmp_path):
    db = tmp_path / "e.duckdb"
    tokens = build(db)
    auth = {"Authorization": f"Bearer {tokens['analyst']}"}
    local, utc = _local_days(db)
    zh_local, _ = _local_days(db, "zh")
    day = date(2026, 11, 3)
    assert local[day] != utc.get(day)  # the zone matters for this day
    with TestClient(create_app(Settings(db=db, timezone="Asia/Shanghai"))) as client:
        page = client.get("/export", headers={**auth, "Accept": "text/html"})
        assert 'id="export-posts-form"' in page.text and "Asia/Shanghai" in page.text
        sent = client.get(
            "/export/posts",
            params={"from": "2026-11-03", "to": "2026-11-03", "format": "jsonl"},
            headers=auth,
            follow_redirects=False,
        )
        assert sent.status_code == 303 and sent.headers["location"].startswith("/api/v1/export?")
        got = client.get(sent.headers["location"], headers=auth)
        rows = [json.loads(line) for line in got.text.splitlines() if line.strip()]
        assert len(rows) == local[day]
        only_zh = client.get(
            "/export/posts",
            params={"from": "2026-11-03", "to": "2026-11-04", "lang": "zh", "format": "jsonl"},
            headers=auth,
        )
        lines = [line for line in only_zh.text.splitlines() if line.strip()]
        assert lines and all(json.loads(line)["lang"] == "zh" for line in lines)
        assert len(lines) == zh_local.get(day, 0) + zh_local.get(date(2026, 11, 4), 0)
        for params, said in (
            ({"from": "3 Nov"}, "is not a day"),
            ({"from": "2026-11-05", "to": "2026-11-01"}, "before the first"),
            ({"topic": "water"}, "not a topic number"),
        ):
            refused = client.get("/export/posts", params=params, headers=auth)
            assert refused.status_code == 400 and said in refused.text, refused.text[-500:]
