""" "Closed late" per department: cases closed after their deadline (12345's 超期办结), beside
the response rate, response times, overdue open and reopened cases. An imported reply dated past
the deadline counts; so does a case a responder closes late, and it stays counted when it is
reopened and closed again within its fresh deadline. In ``heard accountability --json``, the
API and the public department page."""

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
LABOUR = "劳动和社会保障"
ROWS = [
    ["1", "U1", "拖欠工资", "2019/3/1 9:00:00", "公司拖欠三个月工资，请劳动监察部门追讨。",
     "已责令企业支付。", "2019/5/20 9:00:00", LABOUR],  # 50 working days: late
    ["2", "U2", "社保转移", "2019/3/4 9:00:00", "社保关系怎么从外省转到本市？",
     "请到市社保中心办理。", "2019/3/6 9:00:00", LABOUR],  # on time
    ["3", "U3", "工伤认定", "2019/3/5 9:00:00", "工伤认定要多久？一直没有结果。", "", "", LABOUR],
]  # fmt: skip


def _figures(capsys, db: Path) -> dict:
    capsys.readouterr()
    assert run(["accountability", "--db", str(db), "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    return next(d for d in record["departments"] if d["department"] == "labour_social_security")


def test_closed_late_counts_late_imports_and_late_closures_kept_through_reopening(tmp_path, capsys):
    board, db = tmp_path / "board.csv", tmp_path / "h.duckdb"
    with open(board, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HEADER, *ROWS])
    assert run(["ingest", str(board), "--preset", "teddycup-replies", "--db", str(db)]) == 0
    labour = _figures(capsys, db)
    assert (labour["cases"], labour["closed_late"], labour["overdue_open"]) == (3, 1, 1)
    with open_store(db) as store:
        Accounts(store).add_user("lab", "long-enough-pw", Role.responder, "labour_social_security")
        token = Accounts(store).create_token("lab", "tests")[1]
        injury = store.cases.case_for_post("board:3")["case_id"]
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/cases/{injury}/status"
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        # closed years after its deadline, reopened (a fresh deadline), closed again at once
        for status in ("closed", "open", "fixed"):
            r = client.post(url, json={"status": status}, headers=headers)
            assert r.status_code == 200, r.text
        record = client.get("/api/v1/accountability", headers=headers).json()
        [api] = [d for d in record["departments"] if d["department"] == "labour_social_security"]
        assert (api["closed_late"], api["reopened"], api["overdue_open"]) == (2, 1, 0)
        public = client.get("/api/v1/public/departments/labour_social_security").json()
        assert public["record"]["closed_late"] == 2
        page = client.get("/public/departments/labour_social_security?lang=en")
        assert page.status_code == 200
        head = re.findall(r"<th>([^<]+)</th>", page.text)
        cells = re.search(r'id="record">.*?<tbody><tr>(.*?)</tr>', page.text, re.S).group(1)
        values = re.findall(r"<td>([^<]*)</td>", cells)
        assert values[head.index("Closed late")] == "2"
        listing = client.get("/public/departments?lang=en")
        assert "Closed late" in listing.text
    assert _figures(capsys, db)["closed_late"] == 2
    capsys.readouterr()
    assert run(["accountability", "--db", str(db)]) == 0
    assert "late" in capsys.readouterr().out  # the table's "closed late" column
