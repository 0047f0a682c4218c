"""A reply's timeliness is judged against its case's own deadline (its department's, as the case
computes it), not a fixed 15 working days. Before, a department configured to answer within 5
working days scored a reply on its 15th working day as fully on time (1.0, label 2) while its
case was closed late; in the import of a board and in a reply published through the API."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from fastapi.testclient import TestClient

from heard.answer.replies import score_timeliness
from heard.api.app import create_app
from heard.auth import Accounts, Role
from heard.cli import run
from heard.settings import load_settings
from heard.store import open_store

HEADER = "留言编号 留言用户 留言主题 留言时间 留言详情 答复意见 答复时间 一级标签".split()
LABOUR = "劳动和社会保障"
REPLY = "经核查，已责令该公司于本月底前支付拖欠的工资，逾期将依法处罚。咨询电话0731-88886666。"
ROWS = [
    # Monday 2 December 2019, answered Monday 23 December: 15 working days
    ["1", "U1", "拖欠工资", "2019/12/2 9:00:00", "公司拖欠三个月工资，请劳动监察部门追讨。",
     REPLY, "2019/12/23 10:00:00", LABOUR],
    # answered Friday 6 December: 4 working days, within 5
    ["2", "U2", "拖欠工资", "2019/12/2 9:00:00", "公司拖欠两个月工资，请劳动监察部门追讨。",
     REPLY, "2019/12/6 10:00:00", LABOUR],
    ["3", "U3", "工伤认定", "2019/12/2 9:00:00", "工伤认定要多久？一直没有结果。", "", "", LABOUR],
]  # fmt: skip
CONFIG = (
    '[heard]\ntimezone = "Asia/Shanghai"\n\n'
    '[[departments]]\ncode = "labour"\nname_zh = "劳动和社会保障"\nname_en = "Labour"\n'
    "deadline_days = 5\n\n"
    '[[departments]]\ncode = "housing"\nname_zh = "城乡建设"\nname_en = "Housing"\n'
)


def _import(tmp_path: Path) -> tuple[Path, Path]:
    board, db, config = tmp_path / "board.csv", tmp_path / "h.duckdb", tmp_path / "heard.toml"
    with open(board, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HEADER, *ROWS])
    config.write_text(CONFIG, encoding="utf-8")
    args = ["ingest", str(board), "--preset", "teddycup-replies", "--db", str(db)]
    args += ["--config", str(config)]
    assert run(args) == 0
    return db, config


def test_an_imported_reply_is_timely_against_its_departments_deadline(tmp_path):
    db, _ = _import(tmp_path)
    with open_store(db, read_only=True) as store:
        late = store.cases.case_for_post("board:1")
        soon = store.cases.case_for_post("board:2")
    assert late["department"] == "labour" and late["late_closures"] == 1  # closed late: 15 > 5
    timely = late["reply_scores"]["timeliness"]
    assert timely["evidence"]["deadline_working_days"] == 5, timely
    assert timely["evidence"]["working_days"] == 15
    assert timely["score"] == 0.0 and timely["label"] == 0  # past twice the deadline
    within = soon["reply_scores"]["timeliness"]
    assert within["evidence"]["deadline_working_days"] == 5 and within["score"] == 1.0


def test_a_reply_published_through_the_api_is_timely_against_its_deadline(tmp_path, monkeypatch):
    db, config = _import(tmp_path)
    with open_store(db) as store:
        Accounts(store).add_user("lab", "long-enough-pw", Role.responder, "labour")
        token = Accounts(store).create_token("lab", "tests")[1]
        case_id = store.cases.case_for_post("board:3")["case_id"]
    # published Tuesday 10 December 2019, 10:00 in Beijing: 6 working days, one past 5
    monkeypatch.setattr("heard.api.routes.cases.utcnow", lambda: datetime(2019, 12, 10, 2))
    settings = load_settings(config, db=db)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        r = client.post(
            f"/api/v1/cases/{case_id}/reply",
            headers={"Authorization": f"Bearer {token}"},
            json={"text": REPLY, "close_as": "closed"},
        )
        assert r.status_code == 200, r.text
        timely = client.app.state.db.cases.case(case_id)["reply_scores"]["timeliness"]
    assert timely["evidence"]["working_days"] == 6
    assert timely["evidence"]["deadline_working_days"] == 5
    assert timely["score"] == 0.8 and timely["label"] == 1


def test_without_a_deadline_of_its_own_a_reply_has_the_scorers_default():
    asked, answered = datetime(2019, 12, 2, 1), datetime(2019, 12, 23, 2)
    assert score_timeliness(asked, answered).evidence["deadline_working_days"] == 15
    own = score_timeliness(asked, answered, deadline_working_days=20)
    assert own.evidence["deadline_working_days"] == 20 and own.score == 1.0
