"""What an official pipes to a file: results on stdout, status and hints on stderr (issue 16 §12),
and settings printed as written (Rich markup in descriptions is escaped)."""

from __future__ import annotations

import pytest

from heard.cli import run


@pytest.mark.parametrize(
    "args, expect",
    [
        (["posts", "-q", "停水", "--limit", "3"], "停水"),
        (["stats"], "47 posts"),
        (["hot", "--no-scan"], ""),
        (["quarantine"], "malformed_json"),
        (["users", "list"], "analyst"),
        (["topics"], "东湖路"),
    ],
)
def test_results_go_to_stdout(seeded_db_copy, capsys, args, expect):
    assert run([*args, "--db", str(seeded_db_copy)]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip(), (
        f"heard {' '.join(args)} wrote nothing on stdout; stderr: {captured.err[:300]}"
    )
    assert expect in captured.out


def test_config_show_prints_markup_like_text_as_written(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert run(["config", "show"]) == 0
    out = capsys.readouterr().out
    assert "@[user]" in out  # the public_accounts description; Rich used to swallow "[user]"
    assert "timezone = 'Asia/Shanghai'" in out


def test_topic_table_keeps_whole_dates_when_piped(seeded_db_copy, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    assert run(["topics", "--db", str(seeded_db_copy)]) == 0
    out = capsys.readouterr().out
    assert "2026-11-03" in out and "2026-11-04" in out  # first and last (local days), each whole


def test_rebuild_prints_the_same_unassigned_figure_as_the_list(seeded_db_copy, capsys):
    import re

    assert run(["topics", "--rebuild", "--db", str(seeded_db_copy)]) == 0
    err = capsys.readouterr().err
    rebuilt = re.search(r"\(([\d,]+) not in any topic yet\)", err)
    listed = re.search(r"· ([\d,]+) posts? not in any topic yet", err)
    assert rebuilt and listed and rebuilt.group(1) == listed.group(1), err


def test_users_commands_speak_json(seeded_db_copy, capsys):
    import json

    assert (
        run(
            [
                "users",
                "add",
                "clerk",
                "--role",
                "analyst",
                "--password",
                "long-enough-1",
                "--json",
                "--db",
                str(seeded_db_copy),
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out) == {"added": "clerk", "role": "analyst"}
    assert (
        run(["users", "token", "clerk", "--label", "bureau", "--json", "--db", str(seeded_db_copy)])
        == 0
    )
    made = json.loads(capsys.readouterr().out)
    assert made["token"].startswith("hrd_") and made["username"] == "clerk"
    assert (
        run(
            [
                "users",
                "token",
                "clerk",
                "--revoke",
                made["token_id"],
                "--json",
                "--db",
                str(seeded_db_copy),
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out) == {"revoked": made["token_id"]}
    assert run(["users", "remove", "clerk", "--json", "--db", str(seeded_db_copy)]) == 0
    assert json.loads(capsys.readouterr().out) == {"removed": "clerk"}


def test_users_token_while_the_store_is_held_points_to_the_dashboard(seeded_db_copy, capsys):
    import subprocess
    import sys

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
            "print('held', flush=True); time.sleep(60)",
            str(seeded_db_copy),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        assert run(["users", "token", "viewer", "--db", str(seeded_db_copy)]) != 0
        err = capsys.readouterr().err
        assert "/admin/tokens" in err and "POST /api/v1/tokens" in err
    finally:
        holder.kill()
        holder.wait()


def test_topic_and_posts_show_message_ids_and_topics(seeded_db_copy, capsys):
    import re

    assert run(["topic", "1", "--db", str(seeded_db_copy)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"\+08:00  #w\d+  ", out)  # each representative post with its message id
    assert run(["posts", "-q", "停水", "--limit", "3", "--db", str(seeded_db_copy)]) == 0
    table = capsys.readouterr().out
    assert "message id" in table and re.search(r"│ w\d+\s+│\s+1 │", table)


def test_posts_since_takes_a_span_as_topics_since_does(seeded_db_copy, capsys):
    """``heard topics --since 7d`` worked and ``heard posts --since 7d`` was an error."""
    import json
    from datetime import timedelta

    from heard.store import open_store

    with open_store(seeded_db_copy, read_only=True) as store:
        newest = store.scalar("SELECT max(created_at) FROM posts")
    cut = (newest - timedelta(hours=30)).isoformat() + "Z"
    db = ["--db", str(seeded_db_copy), "--json", "--limit", "500"]
    assert run(["posts", "--since", "30h", *db]) == 0
    by_span = json.loads(capsys.readouterr().out)
    assert run(["posts", "--since", cut, *db]) == 0
    by_time = json.loads(capsys.readouterr().out)
    assert by_span == by_time and 0 < len(by_span) < 47
