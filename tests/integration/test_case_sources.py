"""Which posts open cases: with ``case_sources`` only posts of those sources do (a message board's
posts are concerns, a microblog's are listened to), at ingest and when cases are switched on for
a store that already has posts; and a post the protect side actioned automatically as spam or a
scam opens none (a department's queue is no place for spam). Real runs: the CLI, a DuckDB file,
the embedder, the harm detectors and the zero-shot router."""

from __future__ import annotations

import json
from pathlib import Path

from heard.cli import run
from heard.store import open_store

BOARD = [
    "长乐路自来水管爆裂，路面大面积积水，请尽快抢修。",
    "松柏路路灯大面积不亮，晚上行人车辆都很危险。",
]
MICROBLOG = [
    "今天长乐路堵得厉害，绕路走吧。",
    "Nice sunset over the river tonight.",
]
SCAM = (
    "【澜河水务】因长乐路爆管停水，您本月水费可申请双倍退还。请点击 http://refund.example "
    "填写银行卡号和手机验证码，24小时内办理，逾期作废。"
)


def _jsonl(path: Path, texts: list[str], prefix: str) -> Path:
    rows = [
        {"id": f"{prefix}{i}", "text": t, "created_at": f"2026-11-0{i + 1}T10:00:00+08:00"}
        for i, t in enumerate(texts)
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return path


def _cases(db: Path) -> dict[str, str]:
    with open_store(db, read_only=True) as store:
        rows = store.rows("SELECT post_id, department FROM cases")
    return {r["post_id"]: r["department"] for r in rows}


def _ingest(db: Path, path: Path, source: str) -> None:
    assert run(["ingest", str(path), "--source", source, "--db", str(db)]) == 0


def test_only_the_named_sources_open_cases(tmp_path, monkeypatch):
    monkeypatch.setenv("HEARD_ANSWER_CASES", "true")
    monkeypatch.setenv("HEARD_DEPARTMENT_PRESET", "teddycup")
    monkeypatch.setenv("HEARD_CASE_SOURCES", '["board"]')
    db = tmp_path / "h.duckdb"
    _ingest(db, _jsonl(tmp_path / "b.jsonl", BOARD, "b"), "board")
    _ingest(db, _jsonl(tmp_path / "m.jsonl", MICROBLOG, "m"), "weibo")
    assert sorted(_cases(db)) == ["board:b0", "board:b1"]


def test_cases_switched_on_later_open_only_for_the_named_sources(tmp_path, monkeypatch):
    db = tmp_path / "h.duckdb"
    _ingest(db, _jsonl(tmp_path / "b.jsonl", BOARD, "b"), "board")
    _ingest(db, _jsonl(tmp_path / "m.jsonl", MICROBLOG, "m"), "weibo")
    assert _cases(db) == {}
    monkeypatch.setenv("HEARD_ANSWER_CASES", "true")
    monkeypatch.setenv("HEARD_DEPARTMENT_PRESET", "teddycup")
    monkeypatch.setenv("HEARD_CASE_SOURCES", '["board"]')
    # the next run opens the stored posts' cases first (the cases operator's recovery)
    _ingest(db, _jsonl(tmp_path / "b2.jsonl", BOARD[:1], "c"), "board")
    assert sorted(_cases(db)) == ["board:b0", "board:b1", "board:c0"]


def test_spam_actioned_automatically_opens_no_case(tmp_path, monkeypatch):
    monkeypatch.setenv("HEARD_ANSWER_CASES", "true")
    monkeypatch.setenv("HEARD_DEPARTMENT_PRESET", "teddycup")
    db = tmp_path / "h.duckdb"
    _ingest(db, _jsonl(tmp_path / "b.jsonl", [SCAM, BOARD[0]], "b"), "board")
    with open_store(db, read_only=True) as store:
        decided = store.rows("SELECT post_id, automated_decision FROM decisions")
    assert [(d["post_id"], d["automated_decision"]) for d in decided] == [("board:b0", True)]
    assert sorted(_cases(db)) == ["board:b1"]
    # nor does the recovery of posts without a case give it one on the next run
    _ingest(db, _jsonl(tmp_path / "b2.jsonl", BOARD[1:], "c"), "board")
    assert sorted(_cases(db)) == ["board:b1", "board:c0"]
