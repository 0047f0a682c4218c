"""A reply a responder publishes in Heard is scored as an imported one is: its case shows the
scores (API and public page), ``heard replies`` lists it, and the department's reply-quality
figure counts it. Before, ``workflow.reply`` cleared the scores and nothing set them again."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from fastapi.testclient import TestClient

from heard.api.app import create_app
from heard.auth import Accounts, Role
from heard.cli import run
from heard.settings import Settings
from heard.store import open_store

HEADER = "留言编号 留言用户 留言主题 留言时间 留言详情 答复意见 答复时间 一级标签".split()
ROWS = [
    ["1", "U1", "拖欠工资", "2019/3/3 9:00:00",
     "公司拖欠我们三个月工资，劳动监察部门能否帮忙追讨？什么时候能拿到？", "", "",
     "劳动和社会保障"],
    ["2", "U2", "社保转移", "2019/3/4 9:00:00", "社保关系怎么从外省转到本市？需要什么材料？",
     "您好，请携带身份证和参保缴费凭证到市社保中心办理转移手续，咨询电话0731-12345678。",
     "2019/3/8 9:00:00", "劳动和社会保障"],
]  # fmt: skip


def _db(tmp_path: Path) -> Path:
    board, db = tmp_path / "board.csv", tmp_path / "h.duckdb"
    with open(board, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HEADER, *ROWS])
    assert run(["ingest", str(board), "--preset", "teddycup-replies", "--db", str(db)]) == 0
    return db


def test_a_reply_written_in_heard_is_scored_shown_and_counted(tmp_path, capsys):
    db = _db(tmp_path)
    with open_store(db) as store:
        Accounts(store).add_user("lab", "long-enough-pw", Role.responder, "labour_social_security")
        token = Accounts(store).create_token("lab", "tests")[1]
        wages = store.cases.case_for_post("board:1")
        assert wages["reply_quality"] is None
    reply = (
        "经核查，该公司确实拖欠工资。根据《劳动保障监察条例》第二十六条，区劳动监察大队已责令其于"
        "本月底前支付拖欠的三个月工资；逾期不付将依法处罚。如有疑问请拨打0731-88886666。"
    )
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        headers = {"Authorization": f"Bearer {token}"}
        r = client.post(
            f"/api/v1/cases/{wages['case_id']}/reply",
            headers=headers,
            json={"text": reply, "close_as": "fixed"},
        )
        assert r.status_code == 200, r.text
        case = client.get(f"/api/v1/cases/{wages['case_id']}", headers=headers).json()["case"]
        quality = case["reply"]["quality"]
        assert quality is not None and 0 < quality["overall"] <= 1
        for dim in ("relevance", "completeness", "interpretability", "timeliness"):
            assert 0 <= quality[dim]["score"] <= 1 and quality[dim]["explanation"]
        assert quality["interpretability"]["score"] > 0.5  # a rule, a next step, a telephone
        page = client.get(f"/public/cases/{wages['case_id']}")
        assert page.status_code == 200 and f"Reply quality: {quality['overall']:.2f}" in page.text
        stored = client.app.state.db.cases.case(wages["case_id"])
    assert round(stored["reply_quality"], 4) == round(quality["overall"], 4)
    capsys.readouterr()
    assert run(["replies", "--db", str(db), "--json"]) == 0
    scored = json.loads(capsys.readouterr().out)
    assert wages["case_id"] in {r["case_id"] for r in scored["replies"]}
    assert len(scored["replies"]) == 2  # the imported reply and the one written in Heard
    assert scored["departments"][0]["replies"] == 2
    assert run(["accountability", "--db", str(db), "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    lab = next(d for d in record["departments"] if d["department"] == "labour_social_security")
    assert lab["replies_scored"] == 2


def test_a_reply_from_the_desk_form_is_scored(tmp_path):
    db = _db(tmp_path)
    with open_store(db) as store:
        Accounts(store).add_user("lab", "long-enough-pw", Role.responder, "labour_social_security")
        case_id = store.cases.case_for_post("board:1")["case_id"]
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        form = client.get("/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        r = client.post(
            "/login",
            data={"username": "lab", "password": "long-enough-pw", "csrf_token": csrf},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text).group(1)
        r = client.post(
            f"/desk/cases/{case_id}/reply",
            data={"text": "已责令该公司本月底前支付工资，逾期依法处罚。", "csrf_token": csrf},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
        case = client.app.state.db.cases.case(case_id)
    assert case["reply_text"].startswith("已责令") and case["reply_quality"] is not None
    assert {"relevance", "completeness"} <= set(case["reply_scores"])
