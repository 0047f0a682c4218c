"""Issues on the product path when a few posts arrive later: the demo store through ``heard
ingest`` (the full pipeline, the USE embedder, intent and sentiment, the issues operator) into a
DuckDB file, then two small files.

Two unrelated posts leave every issue's id and messages as they were. Two thank-you posts ("感谢…
路灯已经修好了", "Thanks, … fixed") are no complaint: they join no issue, and the issue about
that place keeps its messages (before, 松柏路's thank-you joined its street-light issue and
bridged it with a second 松柏路 issue, which dissolved into it).
"""

from __future__ import annotations

import json
from pathlib import Path

from heard.cli import run
from heard.store import open_store

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo" / "posts.jsonl"
UNRELATED = [
    {
        "id": "u1",
        "source": "cityboard",
        "author": "读者甲",
        "title": "市图书馆周一能不能开放",
        "text": "市图书馆每周一闭馆，上班族只有周末能去，希望周一也能开放半天。",
        "created_at": "2026-11-09T10:00:00+08:00",
    },
    {
        "id": "u2",
        "source": "cityboard",
        "author": "reader b",
        "title": "Library opening hours",
        "text": "Could the city library stay open until 9pm on weekdays? Students need a quiet "
        "place to study.",
        "created_at": "2026-11-09T11:00:00+08:00",
    },
]
THANKS = [
    {
        "id": "th1",
        "source": "cityboard",
        "author": "松柏路居民",
        "title": "感谢松柏路路灯已经修好了",
        "text": "感谢城管局，松柏路的路灯已经修好了，晚上走路终于亮堂了，谢谢！",
        "created_at": "2026-11-09T20:00:00+08:00",
    },
    {
        "id": "th2",
        "source": "cityboard",
        "author": "changle resident",
        "title": "Thanks, Changle Road water is fixed",
        "text": "Thanks to the water company crews, the burst main on Changle Road is fixed and "
        "water is back. Great work!",
        "created_at": "2026-11-09T21:00:00+08:00",
    },
]


def issues_of(db: Path) -> dict[int, tuple[str, list[str]]]:
    with open_store(db, read_only=True) as store:
        rows = store.rows(
            "SELECT i.issue_id, i.status, p.external_id FROM issues i "
            "LEFT JOIN issue_posts ip USING (issue_id) LEFT JOIN posts p ON p.id = ip.post_id"
        )
    out: dict[int, tuple[str, list[str]]] = {}
    for r in rows:
        status, members = out.setdefault(r["issue_id"], (r["status"], []))
        if r["external_id"]:
            members.append(r["external_id"])
    return {k: (s, sorted(m)) for k, (s, m) in out.items()}


def _ingest(tmp_path: Path, db: Path, name: str, posts: list[dict[str, str]]) -> None:
    path = tmp_path / name
    path.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in posts), "utf-8")
    assert run(["ingest", str(path), "--db", str(db)]) == 0


def test_late_unrelated_and_thank_you_posts_leave_the_issues_alone(tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    assert run(["ingest", str(DEMO), "--db", str(db)]) == 0
    before = issues_of(db)
    assert any(status == "active" for status, _ in before.values())
    _ingest(tmp_path, db, "unrelated.jsonl", UNRELATED)
    assert issues_of(db) == before
    _ingest(tmp_path, db, "thanks.jsonl", THANKS)
    after = issues_of(db)
    assert not {"th1", "th2"} & {m for _, members in after.values() for m in members}
    assert after == before
