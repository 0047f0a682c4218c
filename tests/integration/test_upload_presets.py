"""The upload page's preset list lacked teddycup-replies and open311: an official could not
import a board with its replies from the dashboard, only from the CLI."""

from __future__ import annotations

from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings
from heard.store import open_store


def test_the_upload_page_offers_every_preset_and_a_board_with_replies_opens_cases(tmp_path):
    import csv

    from heard.auth.accounts import Accounts
    from heard.connectors.mapping import PRESETS

    db = tmp_path / "page.duckdb"
    with open_store(db) as store:
        Accounts(store).add_user("an", "password-x1", "analyst")
        token = Accounts(store).create_token("an", "t")[1]
    board = tmp_path / "board.csv"
    with open(board, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "答复意见", "答复时间"]
        )
        writer.writerow(
            ["7", "U7", "公交站被撤", "2019/3/1 9:00:00", "小区门口的公交站撤了，出行不便。",
             "您好，该站点施工期间临时调整，施工结束后恢复。", "2019/3/5 10:00:00"]
        )  # fmt: skip
    auth = {"Authorization": f"Bearer {token}", "Accept": "text/html"}
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        form = client.get("/upload", headers=auth).text
        assert all(f'<option value="{name}">' in form for name in PRESETS if name != "default")
        sent = client.post(
            "/upload",
            files={"file": ("board.csv", board.read_bytes(), "text/csv")},
            data={"preset": "teddycup-replies"},
            headers=auth,
        )
        assert sent.status_code == 200, sent.text[-500:]
        assert client.app.state.db.scalar("SELECT count(*) FROM cases WHERE status = 'closed'") == 1
