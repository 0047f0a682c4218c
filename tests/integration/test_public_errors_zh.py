"""A public form's reason in the page's language: on a Chinese page, a refused message, a wrong
or missing token and a dispute of an open case are said in Chinese. Before, a citizen writing in
Chinese was told "the concern is empty" or "no case with this number and token" in English."""

from __future__ import annotations

from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings
from heard.web.public_errors import said

ZH = {"Cookie": "heard_lang=zh", "Accept": "text/html"}
EN = {"Cookie": "heard_lang=en", "Accept": "text/html"}


def test_the_public_forms_give_their_reasons_in_chinese(tmp_path):
    db = tmp_path / "zh.duckdb"
    build(db)
    with TestClient(create_app(Settings(db=db))) as client:
        store = client.app.state.db
        closed = store.scalar("SELECT case_id FROM cases WHERE status <> 'open'")
        still_open = store.scalar("SELECT case_id FROM cases WHERE status = 'open'")
        for data, words in (
            ({"department": "water", "text": "\u200b"}, "留言内容为空"),
            ({"department": "water", "text": "长" * 4001}, "留言有 4001 个字符，超过上限 4000"),
            ({"department": "nope", "text": "东湖路停水"}, "没有部门“nope”"),
        ):
            page = client.post("/public/report", data=data, headers=ZH)
            assert page.status_code == 400 and words in page.text, (data, page.text[-800:])
        wrong = client.post(f"/public/cases/{closed}/dispute", data={"token": "x"}, headers=ZH)
        assert "案件编号与凭证不符" in wrong.text
        early = client.post(f"/public/cases/{still_open}/dispute", data={"token": "x"}, headers=ZH)
        assert "案件编号与凭证不符" in early.text  # a wrong token says nothing about the case
        assert "请输入回执上的凭证" in client.post("/public/track", data={}, headers=ZH).text
        assert (
            "没有与此凭证对应的案件"
            in client.post("/public/track", data={"token": "nope"}, headers=ZH).text
        )
        english = client.post(
            "/public/report", data={"department": "nope", "text": "a"}, headers=EN
        )
        assert "no department &#39;nope&#39;" in english.text


def test_each_reason_has_its_words_and_others_stay_as_written():
    assert said("the case is fixed: still open", "zh").startswith("案件仍在办理中")
    assert said("the concern could not be stored (too_long)", "zh") == "留言未能保存（too_long）"
    assert said("something else entirely", "zh") == "something else entirely"
    assert said("the concern is empty", "en") == "the concern is empty"
    assert said(None, "zh") == ""


def test_the_protect_pages_and_the_not_found_page_say_it_in_chinese(tmp_path):
    """The statement page (a wrong notice token), the report form (no post, an unknown post, a
    label outside the taxonomy) and the 404 page of an unknown case or department answered a
    Chinese page in English; the English page keeps its words and its fix line."""
    db = tmp_path / "zh404.duckdb"
    build(db)
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        post = client.app.state.db.scalar("SELECT min(id) FROM posts")
        for method, path, data, words in (
            ("post", "/statement", {"token": "nope"}, "没有与此凭证对应的处理决定"),
            ("get", "/report", None, "未指明帖子"),
            ("get", "/report?post=nope", None, "没有编号为“nope”的帖子"),
            ("post", "/report", {"post": post, "label": "opinion"}, "“opinion”不是危害分类"),
            ("get", "/public/cases/NOPE", None, "没有编号为“NOPE”的案件"),
            ("get", "/public/departments/nope", None, "没有部门“nope”"),
        ):
            page = (
                getattr(client, method)(path, data=data, headers=ZH)
                if data
                else (getattr(client, method)(path, headers=ZH))
            )
            assert page.status_code in (400, 404) and words in page.text, (path, page.text[-600:])
            assert "fix:" not in page.text, path
        english = client.get("/public/cases/NOPE", headers=EN)
        assert "no case &#39;NOPE&#39;" in english.text and "fix:" in english.text
