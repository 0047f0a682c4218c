"""A case's timeline in the page's language: on a Chinese page the notes Heard wrote itself
("routed by …", "filed through …", "new deadline …", a dispute's default "closed, not fixed")
are in Chinese, while what a person wrote (a responder's note, a citizen's reason) is shown as
written. Before, a zh page showed every note Heard wrote in English."""

from __future__ import annotations

import re

from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings
from heard.web.timeline_words import note_words

ZH = {"Cookie": "heard_lang=zh", "Accept": "text/html"}
EN = {"Cookie": "heard_lang=en", "Accept": "text/html"}
PERSON = "routed by mistake; 已联系施工方"  # a responder's own words, which look like Heard's


def _timeline(page: str) -> str:
    start = page.index('id="timeline"')
    return page[start : page.index("</table>", start)]


def test_a_chinese_case_page_says_heards_own_notes_in_chinese(tmp_path):
    db = tmp_path / "zh.duckdb"
    tokens = build(db)
    auth = {"Authorization": f"Bearer {tokens['admin']}"}
    with TestClient(create_app(Settings(db=db))) as client:
        filed = client.post(
            "/public/report", data={"department": "water", "text": "东湖路又停水了"}
        )
        case_id = re.search(r"/public/cases/(\w+)", filed.text).group(1)
        token = re.search(r'id="filed-token">([^<]+)<', filed.text).group(1).strip()
        moved = client.post(
            f"/api/v1/cases/{case_id}/status",
            json={"status": "fixed", "note": PERSON},
            headers=auth,
        )
        assert moved.status_code == 200, moved.text
        disputed = client.post(f"/public/cases/{case_id}/dispute", data={"token": token})
        assert disputed.status_code in (200, 303), disputed.text[:300]

        zh = _timeline(client.get(f"/public/cases/{case_id}", headers=ZH).text)
        for english in ("routed by citizen", "new deadline", "closed, not fixed", "(was"):
            assert english not in zh, zh
        assert "分派依据" in zh and "新的办理期限" in zh and "已办结，但问题未解决" in zh
        assert PERSON in zh  # a person's words are not rewritten
        assert "→ 供水" in zh and "→ water" not in zh  # the department by its name
        desk = _timeline(client.get(f"/desk/cases/{case_id}", headers={**ZH, **auth}).text)
        assert "分派依据" in desk and "routed by citizen" not in desk

        en = _timeline(client.get(f"/public/cases/{case_id}", headers=EN).text)
        assert "routed by citizen:heard-form" in en and "closed, not fixed · new deadline" in en
        # the API keeps the stored notes as they are
        api = client.get(f"/api/v1/public/cases/{case_id}").json()["case"]["timeline"]
        assert api[0]["note"].startswith("routed by citizen:heard-form")


def test_each_note_heard_writes_has_its_chinese_words():
    def zh(kind: str, note: str) -> str:
        return note_words({"kind": kind, "note": note}, "zh")

    assert (
        zh("opened", "routed by zero-shot (0.82)") == "分派依据：路由模型 zero-shot（置信度 0.82）"
    )
    assert zh("opened", "routed by source:一级标签 (1.00)") == (
        "分派依据：来源文件的「一级标签」列（置信度 1.00）"
    )
    issue = zh(
        "opened",
        "opened from issue 7: 东湖路 · 停水 (12 messages) by analyst; "
        "routed by person:analyst (1.00)",
    )
    assert issue == (
        "由分析员从问题 7「东湖路 · 停水」立案（12 条留言）; "
        "分派依据：人工（分析员）（置信度 1.00）"
    )
    assert zh(
        "opened", "routed by router (0.40); the source's reply was not imported: 答复时间 is empty"
    ) == ("分派依据：路由模型 router（置信度 0.40）; 来源的答复未导入：答复时间 为空")
    assert zh("filed", "filed through heard-form") == "经 heard-form 提交"
    moved = "new deadline 2026-12-28 09:00 +08:00 (was 2026-12-01 09:00 +08:00)"
    assert (
        zh("reopened", moved)
        == "新的办理期限 2026-12-28 09:00 +08:00（原为 2026-12-01 09:00 +08:00）"
    )
    assert zh("disputed", f"水还是没来 · {moved}").startswith("水还是没来 · 新的办理期限 ")
    # what a person wrote stays as written, whatever it looks like
    assert zh("status", "closed, not fixed") == "closed, not fixed"
    assert zh("replied", "routed by the hotline; call 12345") == "routed by the hotline; call 12345"
    assert (
        zh("disputed", "it says new deadline · but nothing") == "it says new deadline · but nothing"
    )
    assert (
        note_words({"kind": "opened", "note": "routed by x (0.50)"}, "en") == "routed by x (0.50)"
    )
