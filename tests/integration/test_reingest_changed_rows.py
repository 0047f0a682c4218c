"""A board exported again, whole, with replies filled in for rows read before: its first 4 KiB are
the same bytes, so it resumed after its checkpoint and the rows before it were never read again;
their replies never reached their cases, which stayed open and overdue. A checkpoint now keeps
a fingerprint of what had been read (``heard.pipeline.resume``): a file that only grew resumes, a
file whose read rows changed is read again from its first row, nothing is stored twice, and the
replies reach the cases (the cases operator's ``revisit``). Real files, through the CLI."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from heard.cli import run
from heard.store import open_store

HEADER = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "答复意见", "答复时间"]
TOPICS = ["小区路灯坏了", "公交站被撤", "夜间施工噪音", "学校食堂卫生", "拖欠工资", "垃圾未清运"]


def _rows(n: int, replied: dict[int, str]) -> list[list[str]]:
    rows = []
    for i in range(1, n + 1):
        topic = TOPICS[i % len(TOPICS)]
        body = f"第{i}号留言：{topic}，已经持续一个多月，影响周边居民生活，请有关部门尽快处理。" * 2
        reply, when = "", ""
        if i in replied:
            reply, when = replied[i], f"2019/6/{i % 27 + 1} 9:00:00"
        rows.append([str(i), f"U{i:04d}", topic, f"2019/5/{i % 27 + 1} 8:00:00", body, reply, when])
    return rows


def _write(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _ingest(path: Path, db: Path, capsys) -> dict:
    capsys.readouterr()
    args = ["ingest", str(path), "--preset", "teddycup-replies", "--source", "board"]
    assert run([*args, "--db", str(db), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_replies_filled_in_for_rows_read_before_reach_their_cases(tmp_path, capsys):
    db = tmp_path / "h.duckdb"
    may = _write(tmp_path / "board.csv", _rows(40, {}))
    assert may.stat().st_size > 2 * 4096
    first = _ingest(may, db, capsys)
    assert first["stored"] == 40 and not first.get("read_again")

    # the board only grew: resume after the checkpoint, nothing read again
    grown = _ingest(_write(may, _rows(45, {})), db, capsys)
    assert grown["stored"] == 5 and grown["rows_read"] == 5
    assert grown["resumed_after"] and not grown.get("read_again")

    # exported again a month later: replies for rows 30 and 31 (far past the first 4 KiB, before
    # the checkpoint), and five new rows
    replies = {30: "已安排维修，三日内修复。", 31: "已协调公交公司恢复站点。", 48: "已整改。"}
    head = may.read_bytes()[:4096]
    june = _write(may, _rows(50, replies))
    assert june.read_bytes()[:4096] == head
    again = _ingest(june, db, capsys)
    with open_store(db) as store:
        assert store.scalar("SELECT count(*) FROM posts") == 50
        assert store.scalar("SELECT count(*) FROM cases") == 50
        cases = {
            r["post_id"]: r
            for r in store.rows("SELECT post_id, status, reply_text, reply_quality FROM cases")
        }
    for number in (30, 31, 48):
        case = cases[f"board:{number}"]
        assert case["status"] == "closed" and case["reply_text"] == replies[number]
        assert case["reply_quality"] is not None
    assert cases["board:29"]["status"] == "open" and cases["board:29"]["reply_text"] is None
    assert again["read_again"] == {str(june): 46}  # row 45 starts on line 46
    assert again["resumed_after"] == {}
    assert again["stored"] == 5 and again["already_stored"] == 45

    # the same export once more: it resumes, and nothing changes
    same = _ingest(june, db, capsys)
    assert same["read_again"] == {} and same["rows_read"] == 0
    with open_store(db) as store:
        assert store.scalar("SELECT count(*) FROM case_events WHERE kind = 'replied'") == 3


def test_a_file_cut_shorter_is_read_again(tmp_path, capsys):
    """Fewer bytes than were read (the export was redone with rows removed, the head unchanged):
    its first row is read again rather than resuming past its end."""
    db = tmp_path / "h.duckdb"
    path = _write(tmp_path / "board.csv", _rows(40, {}))
    _ingest(path, db, capsys)
    shorter = _ingest(_write(path, _rows(35, {20: "已处理。"})), db, capsys)
    with open_store(db) as store:
        assert store.scalar("SELECT status FROM cases WHERE post_id = 'board:20'") == "closed"
    assert shorter.get("read_again") == {str(path): 41} and shorter["stored"] == 0


def test_the_cli_accounts_for_every_row_of_a_board(tmp_path, capsys):
    """附件2 holds message 37042 twice: "stored 494 new posts from 495 rows" said nothing of the
    495th (not stored again, not quarantined, not a duplicate text). The summary now says that a
    row repeated an id and the first was kept."""
    rows = _rows(5, {})
    rows.append(list(rows[2]))  # the same message, exported twice
    board = _write(tmp_path / "board.csv", rows)
    capsys.readouterr()
    args = ["ingest", str(board), "--preset", "teddycup-replies", "--source", "board"]
    assert run([*args, "--db", str(tmp_path / "h.duckdb")]) == 0
    out = " ".join(capsys.readouterr().err.split())  # the summary goes to stderr
    assert "stored 5 new posts from 6 rows" in out
    assert "1 row repeated the id of an earlier row: the first was kept" in out


def test_a_jsonl_file_edited_before_its_checkpoint_is_read_again(tmp_path, capsys):
    """The same for JSON Lines: an edited line past the first 4 KiB is read again (its post was
    stored, so nothing is stored twice); lines only appended resume."""
    path, db = tmp_path / "feed.jsonl", tmp_path / "h.duckdb"

    def write(n: int, edited: int | None = None) -> None:
        with open(path, "w", encoding="utf-8") as fh:
            for i in range(1, n + 1):
                text = f"第{i}条：小区门口的路灯坏了一个多月，晚上出行很不安全，请尽快修理。" * 2
                if i == edited:
                    text += "（补充：已经有老人摔倒）"
                row = {"id": str(i), "text": text, "created_at": f"2026-05-{i % 27 + 1:02d}"}
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")

    def ingest() -> dict:
        capsys.readouterr()
        assert run(["ingest", str(path), "--db", str(db), "--json"]) == 0
        return json.loads(capsys.readouterr().out)

    write(40)
    assert path.stat().st_size > 2 * 4096 and ingest()["stored"] == 40
    write(45)
    grown = ingest()
    assert (grown["stored"], grown["rows_read"], grown["resumed_after"]) == (5, 5, {str(path): 40})
    write(45, edited=30)
    again = ingest()
    assert again["read_again"] == {str(path): 45} and again["rows_read"] == 45
    # the edited line's id is stored with its old text: quarantined, said, not silently dropped
    assert again["stored"] == 0 and again["already_stored"] == 44
    assert again["quarantine_reasons"] == {"duplicate_id": 1}


def test_a_later_export_under_another_name_keeps_the_boards_source(tmp_path, capsys):
    """board-may.csv, then board-june.csv (the same messages, replies filled in, its first
    4 KiB changed): the June file was a new source, its stem, so every message was stored again
    under a new id and opened a second case; May's stayed open and overdue forever, counted
    against their departments. Its first rows were stored as May's, so it keeps that source."""
    db = tmp_path / "h.duckdb"
    may = _write(tmp_path / "board-may.csv", _rows(30, {}))
    replies = {n: f"第{n}号留言已处理。" for n in range(1, 36)}
    june = _write(tmp_path / "board-june.csv", _rows(35, replies))
    assert may.read_bytes()[:4096] != june.read_bytes()[:4096]
    args = ["ingest", "--preset", "teddycup-replies", "--db", str(db), "--json"]
    capsys.readouterr()
    assert run([args[0], str(may), *args[1:]]) == 0
    capsys.readouterr()
    assert run([args[0], str(june), *args[1:]]) == 0
    summary = json.loads(capsys.readouterr().out)
    with open_store(db) as store:
        assert store.scalar("SELECT count(*) FROM posts") == 35
        assert store.scalar("SELECT count(*) FROM cases") == 35
        assert store.scalar("SELECT count(*) FROM cases WHERE status = 'open'") == 0
        assert store.scalar("SELECT count(*) FROM posts WHERE id LIKE 'board-may:%'") == 35
    assert summary["kept_source"] == {str(june): "board-may"}
    assert (summary["stored"], summary["already_stored"]) == (5, 30)
    # a new board is its own source
    other = _write(
        tmp_path / "other.csv", [[str(100 + i), *r[1:]] for i, r in enumerate(_rows(3, {}))]
    )
    capsys.readouterr()
    assert run([args[0], str(other), *args[1:]]) == 0
    assert json.loads(capsys.readouterr().out)["kept_source"] == {}


def test_a_board_imported_in_two_parts_then_whole_is_stored_once(tmp_path, capsys):
    """A board imported in two halves (board-1.csv, board-2.csv: each half its own source, its
    stem), then exported again whole: the whole file kept the first half's source, and the
    second half's messages were stored again under it — a second post and a second case each,
    the first ones open and overdue forever. A row already stored under another source (its own
    id and text) keeps that post in a file that keeps an earlier source; a reply published
    since still reaches its case."""
    db = tmp_path / "h.duckdb"
    rows = _rows(40, {})
    first = _write(tmp_path / "board-1.csv", rows[:20])
    second = _write(tmp_path / "board-2.csv", rows[20:])
    whole = _write(tmp_path / "board.csv", _rows(42, {30: "第30号留言已处理。"}))
    args = ["ingest", "--preset", "teddycup-replies", "--db", str(db), "--json"]
    for path in (first, second, whole):
        capsys.readouterr()
        assert run([args[0], str(path), *args[1:]]) == 0
    summary = json.loads(capsys.readouterr().out)
    # the whole file starts as board-1.csv: it is read on after board-1's 20 rows
    assert (summary["rows_read"], summary["stored"], summary["already_stored"]) == (22, 2, 20)
    with open_store(db) as store:
        assert store.scalar("SELECT count(*) FROM posts") == 42
        assert store.scalar("SELECT count(*) FROM cases") == 42
        assert store.scalar("SELECT count(*) FROM posts WHERE id LIKE 'board-2:%'") == 20
        thirty = store.cases.case_for_post("board-2:30")
        assert thirty["status"] == "closed" and thirty["reply_text"] == "第30号留言已处理。"


def test_a_whole_export_that_changed_from_its_first_row_keeps_both_parts(tmp_path, capsys):
    """As above, but the whole export differs from its first row (a reply filled in): it is a
    new file, and its first rows were stored half under each part's source. It was taken for a
    new board (no one source held half its rows), and every message was stored a second time."""
    db = tmp_path / "h.duckdb"
    rows = _rows(40, {})
    first = _write(tmp_path / "board-1.csv", rows[:20])
    second = _write(tmp_path / "board-2.csv", rows[20:])
    whole = _write(tmp_path / "board.csv", _rows(42, {1: "第1号留言已处理。", 30: "已处理。"}))
    args = ["ingest", "--preset", "teddycup-replies", "--db", str(db), "--json"]
    for path in (first, second, whole):
        capsys.readouterr()
        assert run([args[0], str(path), *args[1:]]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["kept_source"] == {str(whole): "board-1"}
    assert (summary["stored"], summary["already_stored"]) == (2, 40)
    with open_store(db) as store:
        assert store.scalar("SELECT count(*) FROM posts") == 42
        assert store.scalar("SELECT count(*) FROM cases") == 42
        assert store.cases.case_for_post("board-1:1")["reply_text"] == "第1号留言已处理。"
        assert store.cases.case_for_post("board-2:30")["reply_text"] == "已处理。"
