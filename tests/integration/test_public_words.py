"""The public protect pages read in the reader's language: the transparency figures name labels,
sources, statuses, decisions and automation in words (English or Chinese), not as the store's
keys ("scam_fraud", "limit_visibility"); each row keeps its key in ``data-key``."""

from __future__ import annotations

import re

from api_seed import build
from moderation_steps import reported_and_removed
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.protect.detectors import Flag
from heard.protect.review import Review
from heard.protect.stage import merge_flags
from heard.settings import Settings
from heard.store import open_store


def _rows(page: str, section: str) -> list[tuple[str, str, str]]:
    body = page.split(f'id="{section}"')[1].split("</section>")[0]
    return re.findall(r'<td data-key="(\w+)">([^<]+)</td><td>(\d+)</td>', body)


def test_transparency_figures_are_named_in_words_in_both_languages(tmp_path):
    db = tmp_path / "words.duckdb"
    build(db)
    with open_store(db) as s:
        review = Review(s)
        spam = merge_flags([[Flag("spam", 0.95, 0.8, "rules.spam", "0.9", "link_farm")]])
        review.record_detector_flags([("seed:w1", spam)])
        review.report("seed:w2", "harassment")
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        en = client.get("/transparency", headers={"Accept": "text/html"}).text
        zh = client.get("/transparency", headers={"Cookie": "heard_lang=zh"}).text
    assert _rows(en, "flags-by-label") == [("harassment", "Harassment", "1"), ("spam", "Spam", "1")]
    assert [r[:2] for r in _rows(zh, "flags-by-label")] == [
        ("harassment", "骚扰与辱骂"),
        ("spam", "垃圾信息"),
    ]
    assert [r[:2] for r in _rows(zh, "flags-by-source")] == [
        ("detector", "自动检测"),
        ("public_report", "公众举报"),
    ]
    assert [r[:2] for r in _rows(zh, "flags-by-status")] == [("pending", "待审核")]
    for raw in ("public_report", "harassment"):
        assert f">{raw}<" not in zh and f">{raw}<" not in en


def test_an_authors_statement_names_the_decision_and_label_in_words(tmp_path):
    db = tmp_path / "statement.duckdb"
    tokens = build(db)
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        token, _ = reported_and_removed(client, tokens, "seed:w3")
        zh = client.post("/statement", data={"token": token}, headers={"Cookie": "heard_lang=zh"})
        en = client.post("/statement", data={"token": token})
    assert '<b data-key="remove">移除</b>' in zh.text
    assert '<span data-key="doxxing">人肉搜索与曝光个人信息</span>' in zh.text
    assert '<b data-key="remove">removed</b>' in en.text


def test_the_moderators_decision_form_reads_in_chinese(tmp_path):
    db = tmp_path / "form.duckdb"
    tokens = build(db)
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        client.post("/report", data={"post": "seed:w3", "label": "doxxing", "note": "电话"})
        headers = {"Authorization": f"Bearer {tokens['moderator']}", "Cookie": "heard_lang=zh"}
        queue = client.get("/moderate", headers=headers)
        flag_id = re.search(r'href="/moderate/items/(f[^"]+)"', queue.text).group(1)
        page = client.get(f"/moderate/items/{flag_id}", headers=headers).text
    form = page.split('id="decide-form"')[1].split("</form>")[0]
    assert '<option value="remove">移除</option>' in form
    assert '<option value="illegal">违法内容</option>' in form
    flags = page.split('id="flags"')[1].split("</section>")[0]
    assert "<td>人肉搜索与曝光个人信息</td>" in flags and "<td>公众举报</td>" in flags


def test_the_statement_of_reasons_reads_in_words_with_its_dsa_codes(tmp_path):
    db = tmp_path / "dsa.duckdb"
    tokens = build(db)
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        token, _ = reported_and_removed(client, tokens, "seed:w3")
        zh = client.post("/statement", data={"token": token}, headers={"Cookie": "heard_lang=zh"})
    fields = zh.text.split("<dl>")[1].split("</dl>")[0]
    assert "<dt>对帖子的处理</dt>" in fields and "<dt>是否自动决定</dt>" in fields
    assert "已移除 <code>DECISION_VISIBILITY_CONTENT_REMOVED</code>" in fields
    assert "人工作出 <code>AUTOMATED_DECISION_NOT_AUTOMATED</code>" in fields
    assert "[&#39;" not in fields and "['" not in fields  # no Python list on the page
