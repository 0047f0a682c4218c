"""RIGHTS.md §8: unanswered criticism of each department is a public figure. Each department's
record counts its cases whose message complains (intent complaint, or negative sentiment) or that
hold an issue, with no reply yet (``unanswered_complaints``), on every surface; before, no
surface had it. A thank-you left without a reply is not one, and a reply published later (the
board exported again) takes the case out of it. Real files, through the CLI and the API."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from fastapi.testclient import TestClient

from heard.api import create_app
from heard.cli import run
from heard.settings import Settings
from heard.store import open_store

HEADER = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "答复意见", "答复时间"]
MESSAGES = [
    (
        "1",
        "小区垃圾站恶臭",
        "小区垃圾站一个月没人清运，恶臭难闻，蚊蝇成群，投诉多次没人管，太差劲了！",
    ),
    (
        "2",
        "夜间施工噪音扰民",
        "工地每天夜里施工到凌晨两点，噪音扰民，老人孩子根本睡不着，强烈要求处理！",
    ),
    ("3", "感谢环卫工人", "感谢我们街道的环卫工人，每天把马路扫得干干净净，辛苦了，谢谢你们！"),
    ("4", "公交站被撤", "我们小区门口的公交站突然撤了，老人出行很不方便，非常气愤，请恢复。"),
]


def _board(path: Path, replied: set[str]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for i, (mid, title, body) in enumerate(MESSAGES):
            reply = ("您好，已转相关部门处理，将于本周内回复。", "2019/3/20 9:00:00")
            writer.writerow(
                [mid, f"U{mid}", title, f"2019/3/{i + 1} 9:00:00", body]
                + list(reply if mid in replied else ("", ""))
            )
    return path


def _record(capsys, db: Path) -> dict:
    capsys.readouterr()
    assert run(["accountability", "--db", str(db), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _direct_count(db: Path) -> tuple[int, set[str]]:
    with open_store(db, read_only=True) as store:
        rows = store.rows(
            "SELECT c.post_id, c.replied_at, p.intent_label, p.sentiment_label "
            "FROM cases c JOIN posts p ON p.id = c.post_id"
        )
    complaining = {
        r["post_id"]
        for r in rows
        if r["intent_label"] == "complaint" or r["sentiment_label"] == "negative"
    }
    return sum(1 for r in rows if r["replied_at"] is None and r["post_id"] in complaining), (
        complaining
    )


def test_each_department_counts_the_complaints_it_has_not_answered(tmp_path, capsys):
    db = tmp_path / "b.duckdb"
    args = ["--preset", "teddycup-replies", "--source", "board", "--db", str(db)]
    assert run(["ingest", str(_board(tmp_path / "may.csv", {"4"})), *args]) == 0
    expected, complaining = _direct_count(db)
    assert {"board:1", "board:2", "board:4"} <= complaining and "board:3" not in complaining
    record = _record(capsys, db)
    assert record["total"]["unanswered_complaints"] == expected == 2
    assert sum(d["unanswered_complaints"] for d in record["departments"]) == 2

    # the board exported again a month later, with a reply to message 1
    again = _board(tmp_path / "june.csv", {"1", "4"})
    assert run(["ingest", str(again), *args]) == 0
    assert _record(capsys, db)["total"]["unanswered_complaints"] == _direct_count(db)[0] == 1

    with TestClient(create_app(Settings(db=db))) as client:
        api = client.get("/api/v1/accountability").json()
        assert api["total"]["unanswered_complaints"] == 1
        page = client.get("/public/departments", headers={"Accept": "text/html"}).text
        assert "Complaints not answered" in page
