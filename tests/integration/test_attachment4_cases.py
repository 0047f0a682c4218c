"""Teddy Cup 附件4 imported as cases (issue 18's target): its 2,816 messages become answered
cases, and ``heard accountability --json`` gives per-department counts and median response
times (and cases closed late) that match a direct computation from the file.

附件4 has no department column: each message's department is the one Heard routed it to (the
Teddy Cup departments, zero-shot; below the triage threshold, the ``triage`` queue). The direct
computation takes those departments from the store and the times from the file itself."""

from __future__ import annotations

import csv
import json
import statistics
from datetime import datetime, timedelta

import numpy as np
import pytest

from heard.cli import run
from heard.store import open_store

FILE = "attachment4_messages_with_official_replies.csv"


def _parse(s: str) -> datetime:
    s = s.strip().replace("-", "/")
    return datetime.strptime(s, "%Y/%m/%d %H:%M:%S" if ":" in s else "%Y/%m/%d")


def _due(at: datetime, working_days: int) -> datetime:
    """``working_days`` Monday-Friday days after ``at``, a weekend counting from Monday."""
    day = at.date()
    while day.weekday() >= 5:
        day += timedelta(days=1)
    while working_days:
        day += timedelta(days=1)
        working_days -= day.weekday() < 5
    return datetime.combine(day, at.time())


@pytest.fixture(scope="module")
def imported(shared_data, tmp_path_factory):
    path = shared_data / "teddycup2020_c" / FILE
    if not path.exists():
        pytest.skip(f"needs {path}")
    db = tmp_path_factory.mktemp("a4") / "a4.duckdb"
    assert run(["ingest", str(path), "--preset", "teddycup-replies", "--db", str(db)]) == 0
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return db, rows


@pytest.mark.slow
@pytest.mark.shared_data
def test_every_message_is_an_answered_case(imported):
    db, rows = imported
    with open_store(db, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM cases") == len(rows) == 2816
        assert (
            store.scalar(
                "SELECT count(*) FROM cases WHERE status = 'closed' "
                "AND reply_text IS NOT NULL AND replied_at IS NOT NULL"
            )
            == 2816
        )
        assert store.scalar("SELECT count(*) FROM cases WHERE reply_quality IS NULL") == 0
        replies = {
            r["post_id"].split(":", 1)[1]: r["reply_text"]
            for r in store.rows("SELECT post_id, reply_text FROM cases")
        }
    # no reply keeps its author's id (replies greet them as 网友“A00023583”)
    greeted = [r for r in rows if r["留言用户"] in r["答复意见"]]
    assert len(greeted) > 100
    assert not any(r["留言用户"] in replies[r["留言编号"]] for r in greeted)


@pytest.mark.slow
@pytest.mark.shared_data
def test_accountability_matches_a_direct_computation(imported, capsys):
    db, rows = imported
    with open_store(db, read_only=True) as store:
        department = {
            r["post_id"].split(":", 1)[1]: r["department"]
            for r in store.rows("SELECT post_id, department FROM cases")
        }
    direct: dict[str, list[float]] = {}
    for r in rows:
        days = (_parse(r["答复时间"]) - _parse(r["留言时间"])).total_seconds() / 86400
        direct.setdefault(department[r["留言编号"]], []).append(days)

    capsys.readouterr()
    assert run(["accountability", "--db", str(db), "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    got = {d["department"]: d for d in record["departments"]}
    # every department with a case, and any preset department the router sent none to, with
    # its zero record (a department that had nothing to answer is listed too)
    assert set(direct) <= set(got)
    assert all(got[code]["cases"] == 0 for code in set(got) - set(direct))
    for code, days in direct.items():
        valid = [d for d in days if d >= 0]
        row = got[code]
        assert (row["cases"], row["answered"]) == (len(days), len(days))
        assert row["response_rate"] == 1.0
        assert row["negative_excluded"] == len(days) - len(valid)
        assert row["median_days"] == pytest.approx(statistics.median(valid), abs=1e-4)
        assert row["p90_days"] == pytest.approx(float(np.percentile(valid, 90)), abs=1e-4)
        assert row["overdue_open"] == 0
    # closed late: replied after the deadline, 15 working days (Mon-Fri) from the message, on
    # the dates of the board's own time zone (the file's times are Beijing time)
    late: dict[str, int] = {}
    for r in rows:
        code = department[r["留言编号"]]
        late[code] = late.get(code, 0) + (_parse(r["答复时间"]) > _due(_parse(r["留言时间"]), 15))
    assert {code: got[code]["closed_late"] for code in direct} == late
    assert record["total"]["closed_late"] == sum(late.values()) == 766
    every = [d for days in direct.values() for d in days if d >= 0]
    assert record["total"]["cases"] == 2816
    assert record["total"]["median_days"] == pytest.approx(statistics.median(every), abs=1e-4)


@pytest.mark.slow
@pytest.mark.shared_data
def test_each_issue_has_the_department_its_messages_are_with(imported):
    """An issue (one problem at one place) is owned by the department most of its messages'
    cases are with; the API and the page say so, with the counts behind it."""
    from heard.read.issues import issue_detail, list_issues

    db, _ = imported
    with open_store(db, read_only=True) as store:
        listed = list_issues(store, 5, limit=20)["issues"]
        assert listed, "附件4 has issues"
        owned = [i for i in listed if i["department"]]
        assert len(owned) == len(listed)  # every message has a case, so every issue an owner
        for issue in owned[:5]:
            d = issue["department"]
            direct = store.rows(
                "SELECT c.department, count(*) AS n FROM issue_posts ip "
                "JOIN cases c ON c.post_id = ip.post_id WHERE ip.issue_id = ? "
                "GROUP BY c.department ORDER BY n DESC, c.department",
                [issue["issue_id"]],
            )
            assert d["code"] == direct[0]["department"] and d["messages_with_it"] == direct[0]["n"]
            assert d["messages_with_a_case"] == sum(r["n"] for r in direct)
        detail = issue_detail(store, int(owned[0]["issue_id"]), 5)
        assert detail["department"] == owned[0]["department"]
