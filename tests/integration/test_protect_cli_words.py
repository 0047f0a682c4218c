"""What the protect commands print, read as people read them (found running them on the demo
store): Python reprs from ``heard transparency``, and ``heard appeal --json`` out of step with
every other display."""

from __future__ import annotations

import json

from heard.cli import run
from heard.store import open_store

POSTS = [
    {
        "id": "s1",
        "text": "我是你们王总，换了新号码，现在急需转一笔款，先转5万到这个账户，别打电话。",
    },
    {"id": "s2", "text": "市长答应的公交线路到现在都没开，群众意见很大，请给个说法。"},
]


def test_the_plain_figures_read_without_python_reprs(tmp_path, capsys):
    """``heard transparency`` without --json printed "by_label: {'spam': 2}" and
    "median_hours_to_human_decision: None": these are public figures."""
    src = tmp_path / "p.jsonl"
    src.write_text(
        "".join(
            json.dumps({**p, "created_at": "2026-11-30T10:00:00+08:00"}, ensure_ascii=False) + "\n"
            for p in POSTS
        ),
        encoding="utf-8",
    )
    db = tmp_path / "t.duckdb"
    assert run(["ingest", str(src), "--db", str(db)]) == 0
    with open_store(db) as store:
        flags = store.rows("SELECT label FROM flags")
    capsys.readouterr()
    assert run(["transparency", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "{" not in out and "'" not in out and "None" not in out
    assert f"flags total {len(flags)}" in out
    if not flags:
        assert "by_label: none" in out
    assert "median_hours_to_human_decision: —" in out  # no person has decided anything


def test_heard_appeal_json_has_iso_times_and_redacted_text(tmp_path, capsys):
    """`heard appeal --json` printed "filed_at": "2026-12-07 13:04:09.182095" (every other
    command prints ISO 8601) and the appeal's text as typed, phone number included, where every
    display redacts it."""
    from heard.auth.accounts import Accounts
    from heard.protect.review import Review

    src = tmp_path / "p.jsonl"
    src.write_text(
        json.dumps({**POSTS[1], "created_at": "2026-11-30T10:00:00+08:00"}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "a.duckdb"
    assert run(["ingest", str(src), "--db", str(db)]) == 0
    with open_store(db) as store:
        Accounts(store).add_user("mod1", "password-1", "moderator")
        review = Review(store)
        flag_id = review.report(store.rows("SELECT id FROM posts")[0]["id"], "spam")["flag_id"]
        decision_id = review.decide(flag_id, "remove", "Adverts.", "mod1")["decision_id"]
    capsys.readouterr()
    text = "Call me on 13812345678: this was no advert"
    assert run(["appeal", decision_id, "--text", text, "--db", str(db), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "13812345678" not in json.dumps(out) and "[phone]" in out["text"]
    assert out["filed_at"].endswith("Z") and "T" in out["filed_at"]


def test_a_reports_history_leaves_out_what_a_report_has_not(tmp_path, capsys):
    """`heard flags --history` of a public report printed "detector None, version None, score
    None, threshold None"."""
    from heard.protect.review import Review

    src = tmp_path / "p.jsonl"
    src.write_text(
        json.dumps({**POSTS[1], "created_at": "2026-11-30T10:00:00+08:00"}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "h.duckdb"
    assert run(["ingest", str(src), "--db", str(db)]) == 0
    with open_store(db) as store:
        post_id = store.rows("SELECT id FROM posts")[0]["id"]
        flag_id = Review(store).report(post_id, "harassment")["flag_id"]
    capsys.readouterr()
    assert run(["flags", "--history", flag_id, "--db", str(db)]) == 0
    out = " ".join(capsys.readouterr().out.split())  # the console wraps at its width
    assert "label harassment" in out and "source public_report" in out
    assert "None" not in out
