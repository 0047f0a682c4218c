"""Issues on Teddy Cup 附件3 through the product (issue 17 §2): ``heard ingest 附件3.xlsx --preset
teddycup`` then ``heard issues --json``. The top 5 hold 丽发新城's mixing-plant noise and
伊景园滨河苑's bundled parking sales; every top-10 issue names one place or group and one
problem; and the same messages ingested as two files give the same issues."""

from __future__ import annotations

import csv
import json

import pytest

from heard.cli import run


@pytest.fixture(scope="module")
def board(shared_data, tmp_path_factory):
    path = shared_data / "teddycup2020_c" / "附件3.xlsx"
    db = tmp_path_factory.mktemp("teddy") / "a3.duckdb"
    assert run(["ingest", str(path), "--preset", "teddycup", "--db", str(db)]) == 0
    return path, db


def _issues(db, capsys, limit=10):
    capsys.readouterr()
    assert run(["issues", "--json", "--limit", str(limit), "--db", str(db)]) == 0
    return json.loads(capsys.readouterr().out)["issues"]


@pytest.mark.slow
@pytest.mark.shared_data
def test_top_issues_are_one_problem_at_one_place(board, capsys):
    _, db = board
    top = _issues(db, capsys)
    assert len(top) == 10
    described = [f"{i['place']} {i['problem']} {i['title']}" for i in top[:5]]
    assert any("丽发新城" in d and "搅拌" in d for d in described), described
    assert any("伊景园滨河苑" in d and "捆绑" in d for d in described), described
    for issue in top:  # one place or group, one problem, k-anonymous, with its span
        assert issue["place"] and issue["problem"], issue
        assert issue["authors"] >= 5 and issue["distinct_messages"] >= 3
        assert issue["first_seen"] <= issue["last_seen"]
    assert [i["heat"] for i in top] == sorted((i["heat"] for i in top), reverse=True)
    capsys.readouterr()
    first = top[0]["issue_id"]
    assert run(["issue", str(first), "--json", "--messages", "50", "--db", str(db)]) == 0
    detail = json.loads(capsys.readouterr().out)
    assert detail["issue_id"] == first and len(detail["posts"]) == min(50, detail["messages"])
    assert all("author_key" not in p for p in detail["posts"])


@pytest.mark.slow
@pytest.mark.shared_data
def test_two_files_give_the_same_issues_as_one(board, capsys, tmp_path):
    from python_calamine import CalamineWorkbook

    path, db = board
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    header, rows = sheet[0], [r for r in sheet[1:] if any(v not in (None, "") for v in r)]
    halves = (rows[: len(rows) // 2], rows[len(rows) // 2 :])
    split_db = tmp_path / "split.duckdb"
    for n, part in enumerate(halves):
        f = tmp_path / f"part{n}.csv"
        with f.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(part)
        assert run(["ingest", str(f), "--preset", "teddycup", "--db", str(split_db)]) == 0

    def memberships(database):
        capsys.readouterr()
        assert run(["issues", "--json", "--limit", "10", "--db", str(database)]) == 0
        found = json.loads(capsys.readouterr().out)["issues"]
        return {(i["place"], i["distinct_messages"], i["authors"]) for i in found}

    assert memberships(split_db) == memberships(db)
