"""The brief covers the answer and protect sides too: each department's public record (the
figures of ``heard accountability``) and the protect side's flags and decisions (counts only).
A brief written ``--at`` a past moment leaves them out and says why (their history is not
replayed); a store without cases or flags shows neither section. Real runs: the CLI ingest with
cases on, the harm detectors, a DuckDB file, ``heard report``."""

from __future__ import annotations

import json
import re
from pathlib import Path

from heard.cli import run
from heard.store import open_store

POSTS = [
    "长乐路自来水管爆裂，路面大面积积水，请尽快抢修。",
    "松柏路路灯大面积不亮，晚上行人车辆都很危险。",
    "公交12路早高峰等车要四十分钟，希望增开班次。",
    "【澜河水务】因长乐路爆管停水，您本月水费可申请双倍退还。请点击 http://refund.example "
    "填写银行卡号和手机验证码，24小时内办理，逾期作废。",
]


def _store(tmp_path: Path, monkeypatch, cases: bool, posts: list[str] = POSTS) -> Path:
    path = tmp_path / "posts.jsonl"
    rows = [
        {"id": str(i), "text": t, "created_at": f"2026-11-0{i + 1}T10:00:00+08:00"}
        for i, t in enumerate(posts)
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    if cases:
        monkeypatch.setenv("HEARD_ANSWER_CASES", "true")
        monkeypatch.setenv("HEARD_DEPARTMENT_PRESET", "teddycup")
    db = tmp_path / "h.duckdb"
    assert run(["ingest", str(path), "--db", str(db)]) == 0
    return db


def _brief(db: Path, out: Path, *extra: str) -> str:
    assert run(["report", "--db", str(db), "--out", str(out), *extra]) == 0
    return (out / "index.html").read_text(encoding="utf-8")


def _cells(html: str, table_id: str) -> list[list[str]]:
    start = html.index(f'id="{table_id}"')
    table = html[start : html.index("</table>", start)]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    return [[c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)] for r in rows]


def test_the_brief_shows_each_departments_record_and_the_flags(tmp_path, monkeypatch):
    db = _store(tmp_path, monkeypatch, cases=True)
    with open_store(db, read_only=True) as store:
        cases = store.rows("SELECT department FROM cases")
        flags = store.rows("SELECT label, status FROM flags")
        automated = store.scalar("SELECT count(*) FROM decisions WHERE automated_decision")
    html = _brief(db, tmp_path / "brief")

    rows = _cells(html, "accountability")
    assert rows[-1][0] == "all" and int(rows[-1][1]) == len(cases) == len(POSTS) - automated
    assert sum(int(r[1]) for r in rows[:-1]) == len(cases)  # the departments add up to all
    assert all(r[2] == "0" and r[3] == "—" for r in rows)  # nothing answered yet

    pending = sum(1 for f in flags if f["status"] == "pending")
    line = re.search(r'id="protect-line">([^<]*)<', html).group(1)
    assert line.startswith(f"{len(flags)} flags, {pending} waiting for a moderator")
    assert f"{automated} of them automated" in line and automated >= 1
    by_label = {name: int(n) for name, n in _cells(html, "flags-by-label")}
    assert by_label["Scam / fraud"] == sum(1 for f in flags if f["label"] == "scam_fraud")
    # decisions in the dashboard's words (its transparency page and statements of reasons)
    assert dict(_cells(html, "by-decision")) == {"visibility limited": str(automated)}

    zh = _brief(db, tmp_path / "zh", "--lang", "zh")
    assert "回应：各部门公开记录" in zh and "诈骗" in zh

    past = _brief(db, tmp_path / "past", "--at", "2026-11-03T12:00+08:00")
    assert 'id="sides-at"' in past
    assert 'id="accountability"' not in past and 'id="protect-line"' not in past


def test_no_section_without_cases_or_flags(tmp_path, monkeypatch):
    db = _store(tmp_path, monkeypatch, cases=False, posts=POSTS[:3])
    html = _brief(db, tmp_path / "brief")
    assert 'id="accountability"' not in html and 'id="protect-line"' not in html
    past = _brief(db, tmp_path / "past", "--at", "2026-11-03T12:00+08:00")
    assert 'id="sides-at"' not in past
