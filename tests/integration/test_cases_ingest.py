"""Cases from ingest (the ``cases`` operator): off by default; with ``--preset teddycup-replies``
every message is routed and opens a case, a published reply makes it answered, a source label
is the department, a low-confidence route goes to triage, and re-ingest opens nothing twice."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from heard.cli import run
from heard.store import open_store

HEADER = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "答复意见", "答复时间", "一级标签"]
ROWS = [
    ["1", "U0001", "小区门口公交站被撤", "2019/3/1 9:00:00",
     "我们小区门口的公交站突然撤了，老人出行很不方便，希望恢复公交线路。",
     "网友U0001：您好！经核实，该站点因道路施工临时调整，施工结束后恢复。", "2019/3/5 10:00:00", ""],
    ["2", "U0002", "学校食堂卫生差", "2019/3/2 9:00:00",
     "孩子学校的食堂卫生很差，饭菜里有异物，请教育部门检查学校食堂。",
     "您好，区教育局已约谈学校，整改食堂管理。", "2019/3/12 9:00:00", ""],
    ["3", "U0003", "拖欠工资", "2019/3/3 9:00:00",
     "公司拖欠我们三个月工资，劳动监察部门能否帮忙追讨？", "", "", "劳动和社会保障"],
    ["4", "U0004", "夜间施工噪音", "2019/3/4 23:00:00",
     "工地每天夜里施工，噪音扰民，严重影响休息，请环保部门处理。",
     "已转相关部门处理。", "2019/3/4 08:00:00", ""],  # a reply dated before the message
]


def _board(tmp_path: Path) -> Path:
    path = tmp_path / "board.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    return path


def test_cases_are_off_unless_asked(tmp_path):
    db = tmp_path / "h.duckdb"
    assert run(["ingest", str(_board(tmp_path)), "--preset", "teddycup", "--db", str(db)]) == 0
    with open_store(db) as store:
        assert store.scalar("SELECT count(*) FROM posts") == 4
        assert store.scalar("SELECT count(*) FROM cases") == 0


@pytest.fixture(scope="module")
def board_db(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("board")
    db = tmp / "h.duckdb"
    path = _board(tmp)
    assert run(["ingest", str(path), "--preset", "teddycup-replies", "--db", str(db)]) == 0
    assert run(["ingest", str(path), "--preset", "teddycup-replies", "--db", str(db)]) == 0
    return db


def test_each_message_opens_one_case(board_db):
    with open_store(board_db) as store:
        cases = {r["post_id"]: r for r in store.rows("SELECT * FROM cases")}
        assert sorted(cases) == ["board:1", "board:2", "board:3", "board:4"]
        assert store.scalar("SELECT count(*) FROM case_events WHERE kind = 'opened'") == 4
        assert {d["code"] for d in store.cases.departments()} >= {"transport", "education_culture_sports"}
        bus, school, wages = cases["board:1"], cases["board:2"], cases["board:3"]
        # the source's own label is the record; a message without a reply stays open
        assert (wages["department"], wages["routed_by"], wages["status"]) == (
            "labour_social_security", "source:一级标签", "open")
        assert wages["reply_text"] is None
        for case in (bus, school):
            assert case["status"] == "closed" and case["reply_text"]
            assert case["routed_by"].startswith("heard-zero-shot")
            assert case["reply_department"] == (
                None if case["department"] == "triage" else case["department"])
            assert 0 <= case["reply_quality"] <= 1
        assert school["department"] in ("education_culture_sports", "triage")
        # the author's handle in the reply was never stored
        assert "U0001" not in bus["reply_text"] and "[user]" in bus["reply_text"]
        assert store.scalar("SELECT count(*) FROM posts WHERE raw LIKE '%U000%'") == 0


def test_triage_holds_low_confidence_routes(board_db):
    with open_store(board_db) as store:
        rows = store.rows("SELECT department, routed_confidence, explanation FROM cases "
                          "WHERE routed_by LIKE 'heard-zero-shot%'")
    import json

    for r in rows:
        suggested = json.loads(r["explanation"])["suggested"]
        assert r["department"] in (suggested, "triage")
        assert (r["department"] == "triage") == (r["routed_confidence"] < 0.5)
