"""The upload page's advice for a missing column names that column.

It always said "rename that column in the file to text (or content, body, message)", also for a
file whose text column was found and whose time column was not, and for a preset (teddycup)
that reads its text from 留言详情, not from 'text'."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.auth.accounts import Accounts
from heard.settings import Settings
from heard.store import open_store


@pytest.fixture()
def client(tmp_path):
    db = tmp_path / "page.duckdb"
    with open_store(db) as store:
        Accounts(store).add_user("an", "password-x1", "analyst")
        token = Accounts(store).create_token("an", "t")[1]
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as test_client:
        test_client.headers.update({"Authorization": f"Bearer {token}", "Accept": "text/html"})
        yield test_client


def _error(page) -> str:
    assert page.status_code == 400, page.text
    found = re.search(r'<p class="error" role="alert" id="upload-error">(.*?)</p>', page.text)
    assert found, page.text
    return html.unescape(found.group(1))


def test_a_missing_time_column_is_named_not_text(client):
    sent = ("board.csv", "id,text,when\n1,东湖路停水三天了,2026-11-03 09:00\n")
    error = _error(client.post("/upload", files={"file": sent}))
    assert "no column for created_at" in error
    assert "each post's time to created_at (or " in error, error
    assert "--map created_at=COLUMN" in error and "map=created_at=COLUMN" in error, error
    assert "to text" not in error and "text=COLUMN" not in error, error
    assert "add a column with it" in error  # a file may have no time at all


def test_a_presets_column_is_named_with_the_preset(client):
    # the Teddy Cup preset reads text from 留言详情 only: renaming to 'text' would not help
    sent = ("board.csv", "留言编号,留言时间,内容\n1,2019/3/1 9:00:00,公交站撤了\n")
    error = _error(client.post("/upload", files={"file": sent}, data={"preset": "teddycup"}))
    assert "each post's text to 留言详情," in error, error
    assert "choose another preset" in error, error
    assert "heard ingest FILE --preset teddycup --map text=COLUMN" in error, error
    assert "add a column" not in error  # the time column is there


def test_the_chinese_advice_names_the_column_too(client):
    sent = ("board.csv", "id,text,when\n1,东湖路停水三天了,2026-11-03 09:00\n")
    page = client.post("/upload", files={"file": sent}, headers={"Accept-Language": "zh-CN"})
    error = _error(page)
    assert "存放每条帖子时间的列改名为 created_at" in error, error
    assert "--map created_at=列名" in error and "改名为 text" not in error, error
