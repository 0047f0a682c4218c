"""Timeliness counts working days on the institution's dates (the ``timezone`` setting), as
deadlines do: a message at 01:00 Beijing time is stored as 17:00 UTC the day before, and counting
from that UTC date made a reply on the 15th working day a 16th-day, late one. The same in the
import of a board (附件4's preset) and in a reply a responder publishes through the API."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from fastapi.testclient import TestClient

from heard.api.app import create_app
from heard.auth import Accounts, Role
from heard.cli import run
from heard.settings import Settings
from heard.store import open_store

HEADER = "留言编号 留言用户 留言主题 留言时间 留言详情 答复意见 答复时间 一级标签".split()
LABOUR = "劳动和社会保障"
REPLY = "经核查，已责令该公司于本月底前支付拖欠的工资，逾期将依法处罚。咨询电话0731-88886666。"
ROWS = [
    # Monday 2 December 2019, 01:00 and 23:00 in Beijing; answered Monday 23 December, 10:00:
    # 15 working days on Beijing dates for both (the first is Sunday 17:00 in UTC)
    ["1", "U1", "拖欠工资", "2019/12/2 1:00:00", "公司拖欠三个月工资，请劳动监察部门追讨。",
     REPLY, "2019/12/23 10:00:00", LABOUR],
    ["2", "U2", "拖欠工资", "2019/12/2 23:00:00", "公司拖欠两个月工资，请劳动监察部门追讨。",
     REPLY, "2019/12/23 10:00:00", LABOUR],
    ["3", "U3", "工伤认定", "2019/12/2 0:30:00", "工伤认定要多久？一直没有结果。", "", "", LABOUR],
]  # fmt: skip


def _import(tmp_path: Path) -> Path:
    board, db = tmp_path / "board.csv", tmp_path / "h.duckdb"
    with open(board, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HEADER, *ROWS])
    assert run(["ingest", str(board), "--preset", "teddycup-replies", "--db", str(db)]) == 0
    return db


def _timeliness(case: dict) -> dict:
    return case["reply_scores"]["timeliness"]


def test_an_imported_reply_counts_the_boards_dates_either_side_of_midnight(tmp_path):
    db = _import(tmp_path)
    with open_store(db, read_only=True) as store:
        for post in ("board:1", "board:2"):
            timely = _timeliness(store.cases.case_for_post(post))
            assert timely["evidence"]["working_days"] == 15, (post, timely)
            assert timely["label"] == 2 and timely["score"] == 1.0


def test_a_reply_published_through_the_api_counts_the_institutions_dates(tmp_path, monkeypatch):
    db = _import(tmp_path)
    with open_store(db) as store:
        Accounts(store).add_user("lab", "long-enough-pw", Role.responder, "labour_social_security")
        token = Accounts(store).create_token("lab", "tests")[1]
        case_id = store.cases.case_for_post("board:3")["case_id"]
    # the reply is published at Monday 23 December 2019, 10:00 in Beijing (02:00 UTC)
    monkeypatch.setattr("heard.api.routes.cases.utcnow", lambda: datetime(2019, 12, 23, 2))
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        r = client.post(
            f"/api/v1/cases/{case_id}/reply",
            headers={"Authorization": f"Bearer {token}"},
            json={"text": REPLY, "close_as": "closed"},
        )
        assert r.status_code == 200, r.text
        timely = _timeliness(client.app.state.db.cases.case(case_id))
    assert timely["evidence"]["working_days"] == 15 and timely["label"] == 2
