"""The brief written ``--at`` a past moment: every section as of then, not only the hot spots.

``heard report --at 2026-11-01T00:00`` of the demo listed the issues as of now: "changle road,
8 messages, 2026-11-05 → 2026-11-06, bursting now", four days after the moment the brief was
for, and its header counted the 613 posts up to 2026-11-08. The issues, the topics, the posts
counted, the alerts and the sentiment chart are now as of ``--at``."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

from api_seed import add_issues, build

from heard.clock import parse_span
from heard.report import write_report
from heard.store import open_store


def _brief(db, tmp_path, at: datetime | None) -> str:
    with open_store(db, read_only=True) as store:
        page = write_report(
            store, tmp_path / f"out-{at and at.isoformat()}", window=parse_span("7d"), now=at
        )
    return page.read_text(encoding="utf-8")


def _issue_rows(html: str) -> list[tuple[str, int, int, str]]:
    """(place, messages, authors, first → last) of each row of the issues table."""
    if 'id="issues"' not in html:
        return []
    table = html[html.index('id="issues"') : html.index("</table>", html.index('id="issues"'))]
    rows = re.findall(
        r"<tr><td>([^<]*)</td>.*?<td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td>"
        r"<td>([^<]*)",
        table,
        re.S,
    )
    return [(p, int(m), int(a), span.strip()) for p, m, a, span in rows]


def _posts_until(db, at: datetime) -> list[dict]:
    cut = at.astimezone(timezone.utc).replace(tzinfo=None)
    with open_store(db, read_only=True) as store:
        rows = store.rows("SELECT id, author_key, created_at FROM posts ORDER BY created_at")
    return [r for r in rows if r["created_at"] <= cut]


def _alert_detected(db, at: str) -> None:
    """An issue alert on the water issue, detected (its window ending) at ``at``."""
    evidence = {"window_start": at, "window_end": at, "count": 9, "authors": 9, "expected": 0.5}
    alert = {"alert_id": "late", "kind": "issue", "issue_id": 1, "label": "东湖路 · 停水",
             "detected_at": at, "evidence": evidence, "message": "issue 1: late"}  # fmt: skip
    with open_store(db) as store:
        store.con.execute(
            "INSERT INTO issue_alerts VALUES ('late', 1, ?, ?, 1e-5, ?, NULL)",
            [datetime(2026, 11, 4), datetime(2026, 11, 4), json.dumps(alert, ensure_ascii=False)],
        )


def test_every_section_of_the_brief_is_as_of_at(tmp_path):
    db = tmp_path / "seed.duckdb"
    build(db)
    add_issues(db)
    _alert_detected(db, "2026-11-03T20:00:00Z")
    html = _brief(db, tmp_path, None)
    now = _issue_rows(html)
    assert [(p, m, a) for p, m, a, _ in now] == [("东湖路", 35, 9)]  # as stored
    assert "issue 1 · " in html  # the alert is listed

    at = datetime(2026, 11, 3, 10, 30, tzinfo=timezone.utc)
    before = _posts_until(db, at)
    water = [r for r in before if r["id"].startswith("seed:w")]
    assert 0 < len(water) < 35 and len({r["author_key"] for r in water}) >= 5
    html = _brief(db, tmp_path, at)
    rows = _issue_rows(html)
    assert [(p, m, a) for p, m, a, _ in rows] == [
        ("东湖路", len(water), len({r["author_key"] for r in water}))
    ]
    assert rows[0][3].endswith("2026-11-03")  # last seen by then, not the stored 2026-11-04
    assert f"{len(before)} posts from" in html  # the header counts the posts by then
    assert "issue 1 · " not in html  # detected after --at: it had not fired then
    topics = html[html.index("<h2>Top topics") :]
    label = r"[^<]*(?: <span class=\"muted\">\(today\)</span>)?"  # a label of today is marked
    assert re.search(rf"<td>1</td><td>{label}</td><td class=\"num\">{len(water)}</td>", topics)

    early = datetime(2026, 11, 3, 8, 30, tzinfo=timezone.utc)  # 3 water posts, 3 authors
    assert len({r["author_key"] for r in _posts_until(db, early) if "w" in r["id"]}) < 5
    html = _brief(db, tmp_path, early)
    assert _issue_rows(html) == [] and 'id="no-issues"' in html  # below k then: not shown


def test_heard_hot_at_lists_the_alerts_detected_by_then(tmp_path, capsys):
    """``heard hot --at`` ranked the hot spots as of then and listed every stored alert."""
    from heard.cli import run

    db = tmp_path / "seed.duckdb"
    build(db)
    add_issues(db)
    _alert_detected(db, "2026-11-03T20:00:00Z")
    args = ["hot", "--db", str(db), "--no-scan", "--json", "--window", "all"]
    assert run(args) == 0
    assert [a["alert_id"] for a in json.loads(capsys.readouterr().out)["issue_alerts"]] == ["late"]
    for at, shown in (("2026-11-03T10:30Z", []), ("2026-11-03T20:00Z", ["late"])):
        assert run([*args, "--at", at]) == 0
        found = json.loads(capsys.readouterr().out)["issue_alerts"]
        assert [a["alert_id"] for a in found] == shown, at


def _topic_label_cell(html: str, topic_id: int) -> str:
    topics = html[html.index("<h2>Top topics") :]
    found = re.search(rf"<tr><td>{topic_id}</td><td>(.*?)</td>", topics, re.S)
    assert found, topics[:600]
    return found.group(1)


def test_topic_labels_are_those_of_at_where_the_store_knows_them(tmp_path):
    """``heard report --at`` showed every topic's label of today, made of words from posts
    written after ``--at``. A label is now kept as each run writes it, with the board's time
    then; the brief shows the one of ``--at``, and says which labels are today's for want of
    any older one."""
    db = tmp_path / "seed.duckdb"
    build(db)
    at = datetime(2026, 11, 3, 10, 30, tzinfo=timezone.utc)
    with open_store(db, read_only=True) as store:
        today = store.scalar("SELECT label FROM topics WHERE topic_id = 1")
    # the seed was stored in one run: its only labels were given at its newest post, after --at
    html = _brief(db, tmp_path, at)
    assert _topic_label_cell(html, 1) == f'{today} <span class="muted">(today)</span>'
    assert "topic label(s) marked “today” are today&#39;s" in html

    with open_store(db) as store:  # an earlier run had labelled topic 1 as it then stood
        store.topics.append_events(
            [
                (
                    "labelled",
                    1,
                    None,
                    {
                        "label": "东湖路 · 水压",
                        "keywords": [{"term": "水压"}],
                        "board_at": "2026-11-03T09:00:00",
                    },
                ),
                (
                    "labelled",
                    1,
                    None,
                    {"label": "later", "keywords": [], "board_at": "2026-11-03T11:00:00"},
                ),
            ],  # fmt: skip
            datetime(2026, 11, 3, 9),
        )
    html = _brief(db, tmp_path, at)
    assert _topic_label_cell(html, 1) == "东湖路 · 水压"
    assert "Topic labels and keywords as they stood at" in html
    assert _topic_label_cell(_brief(db, tmp_path, None), 1) == today  # no --at: today's
