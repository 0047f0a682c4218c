"""The protect commands end to end on a real database: flags, review (non-interactive and
interactive), decisions with statements and the DSA export, appeal, transparency, audit verify
(issue 19 §6), and the refusals RIGHTS.md §4 asks for."""

from __future__ import annotations

import json

import pytest

from heard.cli import run
from heard.store import open_store

POSTS = [
    {
        "id": "h1",
        "text": "我是你们王总，现在在开会不方便接电话，有个合作方急需打款，你先转38万到这个账户，回"
        "头我签字。",
    },
    {
        "id": "h2",
        "text": "If you report me again I will burn your house down with your family inside. Call "
        "13812345678.",
    },
    {"id": "h3", "text": "市长答应的公交线路到现在都没开，群众意见很大，请给个说法。"},
]


def heard(*args) -> int:
    return run([str(a) for a in args])


def out_json(capsys):
    return json.loads(capsys.readouterr().out)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("protect_cli")
    src = tmp / "p.jsonl"
    src.write_text(
        "".join(
            json.dumps({**p, "created_at": "2026-11-30T10:00:00+08:00"}, ensure_ascii=False) + "\n"
            for p in POSTS
        ),
        encoding="utf-8",
    )
    path = tmp / "p.duckdb"
    assert heard("ingest", src, "--db", path) == 0
    for name, role in (("mod1", "moderator"), ("mod2", "moderator"), ("viewer1", "viewer")):
        assert (
            heard("users", "add", name, "--role", role, "--password", "password-x", "--db", path)
            == 0
        )
    return path


def test_flags_json_has_explained_flags_and_redacted_text(db, capsys):
    assert heard("flags", "--db", db, "--json") == 0
    flags = {f["label"]: f for f in out_json(capsys)["flags"]}
    threat = flags["violent_threat"]
    assert threat["score"] >= threat["threshold"] and threat["detector"] and threat["evidence"]
    assert "13812345678" not in json.dumps(flags, ensure_ascii=False)
    assert "[phone]" in threat["post_text"]
    assert (
        heard("flags", "--db", db, "--label", "violent_threat", "--status", "pending", "--json")
        == 0
    )
    assert [f["label"] for f in out_json(capsys)["flags"]] == ["violent_threat"]


def test_per_author_views_are_refused(db, capsys):
    assert heard("flags", "--db", db, "--author", "someone") == 2
    assert "never shown per author" in capsys.readouterr().err
    assert heard("decisions", "--db", db, "--author", "someone") == 2


def test_review_decide_appeal_transparency_and_audit(db, capsys):
    assert heard("flags", "--db", db, "--label", "violent_threat", "--json") == 0
    flag_id = out_json(capsys)["flags"][0]["flag_id"]
    assert (
        heard(
            "review",
            "--db",
            db,
            "--decide",
            flag_id,
            "--decision",
            "remove",
            "--facts",
            "Threatens arson against a family.",
            "--as",
            "viewer1",
        )
        == 2
    )
    assert "not a moderator" in capsys.readouterr().err
    assert (
        heard(
            "review",
            "--db",
            db,
            "--decide",
            flag_id,
            "--decision",
            "remove",
            "--facts",
            "Threatens arson against a family.",
            "--as",
            "mod1",
            "--json",
        )
        == 0
    )
    decision_id = out_json(capsys)["decision_id"]
    assert heard("decisions", "--db", db, "--json") == 0
    listed = {d["decision_id"]: d for d in out_json(capsys)["decisions"]}
    st = listed[decision_id]["statement"]
    assert st["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_REMOVED"]
    assert st["category"] == "STATEMENT_CATEGORY_VIOLENCE" and st["decision_facts"]
    assert heard("decisions", "--db", db, "--dsa") == 0
    exported = out_json(capsys)
    assert any(s["puid"] == decision_id for s in exported)
    assert heard("appeal", decision_id, "--text", "It was a quote.", "--db", db, "--json") == 0
    appeal_id = out_json(capsys)["appeal_id"]
    assert heard("appeal", decision_id, "--text", "again", "--db", db) == 2
    assert "appealed already" in capsys.readouterr().err
    assert heard("appeal", appeal_id, "--outcome", "reversed", "--as", "mod1", "--db", db) == 2
    assert "may not decide its appeal" in capsys.readouterr().err
    # an appeal decision tells the author why (DSA Art. 20(5)): none, or blank, is refused
    for blank in ([], ["--facts", "   "]):
        args = ("appeal", appeal_id, "--outcome", "upheld", "--as", "mod2", *blank, "--db", db)
        assert heard(*args) == 2
        assert "needs its reasons" in capsys.readouterr().err
    assert (
        heard(
            "appeal",
            appeal_id,
            "--outcome",
            "upheld",
            "--facts",
            "Not a quote.",
            "--as",
            "mod2",
            "--db",
            db,
        )
        == 0
    )
    assert heard("transparency", "--db", db, "--json") == 0
    t = out_json(capsys)
    assert t["decisions"]["by_decision"]["remove"] >= 1
    assert t["decisions"]["by_automation"].get("human") == 1
    assert t["appeals"]["by_outcome"] == {"upheld": 1}
    assert t["decisions"]["median_hours_to_decision"] is not None
    assert "author" not in json.dumps(t)
    assert heard("audit", "verify", "--db", db) == 0


def test_interactive_review_shows_definition_and_records_the_decision(db, capsys, monkeypatch):
    # someone reports a citizen's complaint about the mayor as harassment; a moderator dismisses it
    assert (
        heard(
            "flag",
            "p:h3",
            "--label",
            "harassment",
            "--note",
            "insults the mayor, call me at 13912345678",
            "--db",
            db,
        )
        == 0
    )
    capsys.readouterr()
    answers = iter(["ban", "no_action", "Criticism of an office holder's conduct, not harassment."])
    monkeypatch.setattr("typer.prompt", lambda *a, **k: next(answers))
    assert heard("review", "--db", db, "--as", "mod2", "--limit", "1") == 0
    shown = capsys.readouterr().out
    assert "市长答应的公交线路" in shown and "never use it against" in shown
    assert "13912345678" not in shown and "[phone]" in shown
    assert heard("flags", "--db", db, "--label", "harassment", "--json") == 0
    assert [f["status"] for f in out_json(capsys)["flags"]] == ["dismissed"]


def test_audit_verify_fails_on_a_tampered_row_and_names_it(db, tmp_path, capsys):
    copy = tmp_path / "t.duckdb"
    copy.write_bytes(db.read_bytes())
    with open_store(copy) as store:
        seq = store.scalar(
            "SELECT min(seq) FROM audit_log WHERE kind = 'decision' AND payload LIKE '%\"remove\"%'"
        )
        store.con.execute(
            "UPDATE audit_log SET payload = replace(payload, 'remove', 'no_action') WHERE seq = ?",
            [seq],
        )
    assert heard("audit", "verify", "--db", copy) == 1
    assert f"broken at entry {seq}" in capsys.readouterr().err
    assert heard("audit", "verify", "--db", copy, "--json") == 1
    assert out_json(capsys)["broken_seq"] == seq


def test_review_with_stdin_closed_says_how_to_decide_without_prompts(db, capsys, monkeypatch):
    """'heard review --as mod1 </dev/null' (a script, a cron job) showed the first item and the
    prompt, then exited 1 with no word of why."""
    import io

    assert heard("flag", "p:h1", "--label", "spam", "--db", db) == 0
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert heard("review", "--db", db, "--as", "mod1", "--limit", "1") == 2
    said = capsys.readouterr().err
    assert "stdin is closed" in said and "--decide" in said


def test_flags_print_evidence_as_written_not_as_emoji(db, capsys):
    """Rich turned ':phone:' into an emoji: a doxxing flag's cue 'pii:phone' read 'pii☎', and a
    reporter's or an author's ':smile:' was not shown as written."""
    note = "see :smile: and pii:phone: here"
    assert heard("flag", "p:h3", "--label", "doxxing", "--note", note, "--db", db) == 0
    capsys.readouterr()
    assert heard("flags", "--db", db, "--label", "doxxing") == 0
    shown = capsys.readouterr().out
    assert ":smile:" in shown and "pii:phone:" in shown and "☎" not in shown, shown
