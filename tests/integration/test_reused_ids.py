"""Two different boards whose 留言编号 overlap stay apart. Post ids are ``source:留言编号`` and a
file's source is its stem, so ``board_a.csv`` and ``board_b.csv`` never shared ids; but two
exports both called ``board.csv`` (or both ingested with the same ``--source``) did: the second
board's rows were taken for a later export of the first, and its replies were put on the first
board's unrelated cases (a reply about building noise closed a bus complaint). A row whose id is
stored with another text is now another message: the stored post and its case are left alone,
the ingest counts and names it, and ``--source`` keeps the boards apart. A board exported again
(the same messages, a reply filled in) is still read again without duplicating anything."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from heard.cli import run
from heard.store import open_store

HEADER = "留言编号 留言用户 留言主题 留言时间 留言详情 答复意见 答复时间".split()
A = [
    ["1", "U1", "东湖路停水", "2019/12/2 9:00:00", "东湖路停水两天了，请尽快恢复供水。",
     "已恢复供水。", "2019/12/4 9:00:00"],
    ["2", "U2", "公交晚点", "2019/12/2 9:00:00", "12路公交晚点严重，每天等四十分钟。", "", ""],
]  # fmt: skip
B = [
    ["1", "V1", "学校收费", "2019/12/3 9:00:00", "某学校违规收取补课费。", "已查处。",
     "2019/12/5 9:00:00"],
    ["2", "V2", "噪音扰民", "2019/12/3 9:00:00", "工地夜间施工噪音扰民。", "已责令停工。",
     "2019/12/5 9:00:00"],
]  # fmt: skip


def _write(path: Path, rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HEADER, *rows])
    return path


def _ingest(path: Path, db: Path, capsys, *extra: str) -> dict:
    capsys.readouterr()
    args = ["ingest", str(path), "--preset", "teddycup-replies", "--db", str(db), "--json"]
    assert run([*args, *extra]) == 0
    return json.loads(capsys.readouterr().out)


def _cases(db: Path) -> dict[str, dict]:
    with open_store(db, read_only=True) as store:
        rows = store.rows(
            "SELECT c.post_id, c.status, c.reply_text, p.title FROM cases c "
            "JOIN posts p ON p.id = c.post_id"
        )
    return {r["post_id"]: r for r in rows}


def test_a_second_board_with_the_same_name_is_not_merged_into_the_first(tmp_path, capsys):
    db = tmp_path / "h.duckdb"
    _ingest(_write(tmp_path / "a" / "board.csv", A), db, capsys)
    second = _ingest(_write(tmp_path / "b" / "board.csv", B), db, capsys)
    cases = _cases(db)
    assert set(cases) == {"board:1", "board:2"}
    bus = cases["board:2"]
    assert bus["title"] == "公交晚点" and bus["status"] == "open" and bus["reply_text"] is None
    assert second["stored"] == 0 and second["other_messages"] == 2
    assert cases["board:1"]["reply_text"] == "已恢复供水。"
    # the way to keep both: a source of its own
    apart = _ingest(tmp_path / "b" / "board.csv", db, capsys, "--source", "board_b")
    assert apart["stored"] == 2
    cases = _cases(db)
    assert len(cases) == 4 and cases["board_b:2"]["reply_text"] == "已责令停工。"
    assert cases["board:2"]["reply_text"] is None


def test_the_cli_says_what_it_did_with_such_rows(tmp_path, capsys):
    db = tmp_path / "h.duckdb"
    _ingest(_write(tmp_path / "a" / "board.csv", A), db, capsys)
    capsys.readouterr()
    path = _write(tmp_path / "b" / "board.csv", B)
    assert run(["ingest", str(path), "--preset", "teddycup-replies", "--db", str(db)]) == 0
    out = " ".join(capsys.readouterr().err.split())  # what the CLI says goes to stderr
    assert "2 rows had the id of a stored post but another text" in out
    assert "--source NAME" in out


def test_boards_with_their_own_names_and_a_board_exported_again(tmp_path, capsys):
    db = tmp_path / "h.duckdb"
    _ingest(_write(tmp_path / "board_a.csv", A), db, capsys)
    _ingest(_write(tmp_path / "board_b.csv", B), db, capsys)
    assert len(_cases(db)) == 4  # ids are per source: board_a:1 and board_b:1
    # board_a exported again, whole, with a reply now given to its second message
    answered = [A[0], [*A[1][:5], "已协调公交公司加密班次。", "2019/12/6 9:00:00"]]
    again = _ingest(_write(tmp_path / "board_a.csv", answered), db, capsys)
    assert again["stored"] == 0 and again["other_messages"] == 0
    cases = _cases(db)
    assert len(cases) == 4
    assert cases["board_a:2"]["reply_text"] == "已协调公交公司加密班次。"
    assert cases["board_b:2"]["reply_text"] == "已责令停工。"


def test_the_upload_page_says_so_too(tmp_path):
    from api_seed import build
    from fastapi.testclient import TestClient

    from heard.api import create_app
    from heard.settings import Settings

    db = tmp_path / "upload.duckdb"
    tokens = build(db)
    analyst = {"Authorization": f"Bearer {tokens['analyst']}"}
    first, second = (_write(tmp_path / d / "board.csv", rows) for d, rows in (("a", A), ("b", B)))
    with TestClient(create_app(Settings(db=db))) as client:
        for path in (first, second):
            page = client.post(
                "/upload",
                files={"file": ("board.csv", path.read_bytes())},
                data={"preset": "teddycup-replies"},
                headers=analyst,
            )
            assert page.status_code == 200, page.text[-500:]
        bus = client.app.state.db.scalar(
            "SELECT c.reply_text FROM cases c JOIN posts p ON p.id = c.post_id "
            "WHERE p.title = '公交晚点'"
        )
    assert 'id="count-other">2<' in page.text
    assert bus is None  # the second board's reply is not on the first board's case
