"""A user's mistake on the command line is a clear message and exit code 2, never a traceback
(README: "a user's mistake ... exits with code 2 and no traceback")."""

from __future__ import annotations

import json

import pytest

from heard.cli import run


HUGE = str(10**20)  # past int64: the store cannot bind it


@pytest.mark.parametrize(
    "args",
    [
        ["topics", "--limit", "-3"],
        ["topics", "--limit", HUGE],
        ["hot", "--no-scan", "--limit", "-1"],
        ["hot", "--no-scan", "--limit", HUGE],
        ["cases", "--limit", HUGE],
        ["replies", "--limit", HUGE],
        ["flags", "--limit", HUGE],
        ["decisions", "--limit", HUGE],
        ["review", "--as", "nobody", "--limit", HUGE],
    ],
)
def test_out_of_range_limits_are_usage_errors(seeded_db_copy, capsys, args):
    assert run([*args, "--db", str(seeded_db_copy)]) == 2
    err = capsys.readouterr().err
    assert "--limit" in err


def test_no_departments_names_the_table_to_add(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no heard.toml here
    assert run(["departments", "--db", str(tmp_path / "none.duckdb")]) == 0
    err = capsys.readouterr().err  # a hint: stderr
    assert "[[departments]]" in err  # Rich read it as markup and printed "add [] to heard.toml"


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path, capsys):
    posts = tmp_path / "posts.jsonl"
    posts.write_text('{"text": "hi"}\n')
    # DuckDB raised CatalogException ("Cannot launch in-memory database in read-only mode")
    code = run(["stats", "--db", str(posts)])
    err = capsys.readouterr().err
    assert code in (2, 3) and "Traceback" not in err and "posts.jsonl" in err


@pytest.mark.parametrize("kind", ["directory", "not-utf8"])
def test_an_unreadable_config_is_a_clear_error(tmp_path, capsys, kind):
    config = tmp_path / "heard.toml"
    if kind == "directory":
        config.mkdir()  # IsADirectoryError, with a traceback
    else:
        config.write_bytes(b"\xff\xfe[heard]\n")  # UnicodeDecodeError, with a traceback
    assert run(["stats", "--config", str(config), "--db", str(tmp_path / "x.duckdb")]) == 2
    assert "heard.toml" in capsys.readouterr().err


def test_a_responder_for_a_configured_department_before_its_first_case(tmp_path, monkeypatch):
    from heard.store import open_store

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HEARD_DEPARTMENT_PRESET", "teddycup")
    db = tmp_path / "fresh.duckdb"
    open_store(db).close()
    # 'heard departments' lists transport; 'users add' said "no department 'transport'"
    args = ["users", "add", "bo", "--role", "responder", "--password", "resp-pass-123"]
    assert run([*args, "--department", "transport", "--db", str(db)]) == 0
    assert run([*args[:2], "cy", *args[3:], "--department", "nosuch", "--db", str(db)]) == 2


def test_an_unknown_time_zone_stops_ingest_before_the_store_is_made(tmp_path, capsys):
    posts = tmp_path / "posts.jsonl"
    posts.write_text('{"text": "路灯坏了", "created_at": "2026-03-01 08:00"}\n', encoding="utf-8")
    db = tmp_path / "new.duckdb"
    assert run(["ingest", str(posts), "--timezone", "Mars/Base", "--db", str(db)]) == 2
    assert "Mars/Base" in capsys.readouterr().err
    assert not db.exists()  # 'heard ingest' used to create the store, then fail on the zone


def test_paths_that_look_like_markup_are_printed_as_they_are(tmp_path, capsys):
    """Square brackets are legal in file names: Rich read "x[red].duckdb" as markup and the
    summary said "x.duckdb", a file that does not exist."""
    src = tmp_path / "board[red].jsonl"
    src.write_text('{"id": "1", "text": "公交站牌坏了"}\n', encoding="utf-8")
    db = tmp_path / "x[red].duckdb"
    assert run(["ingest", str(src), "--db", str(db)]) == 0
    err = capsys.readouterr().err
    assert "x[red].duckdb" in err, err


def test_users_add_with_stdin_closed_says_how_to_give_the_password(tmp_path, capsys, monkeypatch):
    """'heard users add mod1 --role moderator </dev/null' printed 'Password:' and a getpass
    warning, then exited 1 with no word of what to do."""
    import io

    from heard.store import open_store

    db = tmp_path / "fresh.duckdb"
    open_store(db).close()
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert run(["users", "add", "mod1", "--role", "moderator", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "stdin is closed" in err and "--password" in err


@pytest.mark.parametrize("command", ["route", "notify"])
def test_help_names_the_departments_table(capsys, command):
    """Rich read "[[departments]]" in the help as markup: "when heard.toml has no []"."""
    assert run([command, "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "[[departments]]" in out and "no []" not in out and "([]" not in out


def test_route_a_missing_file_is_an_error_not_a_text(tmp_path, capsys, monkeypatch):
    """A mistyped file name was routed as the text "backlog.csv" (to triage, exit 0)."""
    monkeypatch.chdir(tmp_path)
    code = run(["route", str(tmp_path / "backlog.csv"), "--departments", "teddycup"])
    err = capsys.readouterr().err
    assert code == 2 and "backlog.csv" in err and "Traceback" not in err, err


def test_cases_for_an_unknown_department_is_an_error(seeded_db_copy, capsys):
    """A mistyped department (``--department trasnport``) printed an empty queue, "0 shown of 0
    cases", as if that department had nothing to do."""
    code = run(["cases", "--department", "trasnport", "--db", str(seeded_db_copy)])
    err = capsys.readouterr().err
    assert code == 2 and "trasnport" in err and "heard departments" in err, err
    assert run(["cases", "--department", "water", "--db", str(seeded_db_copy)]) == 0


EDGE_LATE = "9999-12-31T23:59:59-12:00"  # in year 10000 once it is in UTC
EDGE_EARLY = "0001-01-01T00:00:00+14:00"  # in year 0 once it is in UTC


@pytest.mark.parametrize(
    "args",
    [
        ["posts", "--since", EDGE_LATE],
        ["topics", "--since", EDGE_EARLY],
        ["hot", "--no-scan", "--at", EDGE_LATE],
    ],
)
def test_times_that_leave_the_calendar_in_utc_are_usage_errors(seeded_db_copy, capsys, args):
    """They were an OverflowError traceback."""
    assert run([*args, "--db", str(seeded_db_copy)]) == 2
    err = capsys.readouterr().err
    assert "outside the years 1 to 9999 once it is in UTC" in err and "Traceback" not in err


def test_a_window_that_reaches_before_year_one_holds_what_there_is(seeded_db_copy, capsys):
    """--at early in year 1: the quiet-window advice subtracted the window and overflowed."""
    assert run(["hot", "--no-scan", "--at", "0001-01-03", "--db", str(seeded_db_copy)]) == 0
    assert "the 7d window holds 0 posts" in capsys.readouterr().err


def test_the_api_answers_400_for_such_times(seeded_db_copy):
    from fastapi.testclient import TestClient

    from heard.api import create_app
    from heard.auth.accounts import Accounts
    from heard.settings import Settings
    from heard.store import open_store

    with open_store(seeded_db_copy) as store:
        Accounts(store).add_user("viewer9", "password-9x", "viewer")
        _, token = Accounts(store).create_token("viewer9", "t")
    app = create_app(Settings(db=seeded_db_copy))
    with TestClient(app, raise_server_exceptions=False) as client:
        h = {"Authorization": f"Bearer {token}"}
        for since in (EDGE_LATE, EDGE_EARLY):
            r = client.get("/api/v1/posts", params={"since": since}, headers=h)
            assert r.status_code == 400, r.text
            assert "outside the years 1 to 9999" in r.json()["error"]
        r = client.get("/open311/v2/requests.json", params={"end_date": "0001-01-05T00:00:00Z"})
        assert r.status_code == 200 and r.json() == []  # 90 days before it: from year 1


def test_route_skips_texts_with_nothing_visible(tmp_path, capsys):
    """A line of control characters (NUL) or zero-width spaces was routed as a concern, to
    triage, with an explanation; an argument of them alike. They are skipped as blank lines
    are, and nothing else to route is exit 2."""
    backlog = tmp_path / "backlog.txt"
    backlog.write_text("\x00\x01\n\u200b\u200b\n公交车拒载乘客\n", encoding="utf-8")
    capsys.readouterr()
    assert run(["route", str(backlog), "--departments", "teddycup", "--json"]) == 0
    routes = json.loads(capsys.readouterr().out)["routes"]
    assert [r["id"] for r in routes] == ["backlog.txt:3"]
    code = run(["route", "\u200b\u200d", "--departments", "teddycup"])
    err = capsys.readouterr().err
    assert code == 2 and "nothing to route" in err, err


def test_users_add_reads_a_piped_password_as_one_line(tmp_path, monkeypatch):
    """`printf 'pw\\n' | heard users add bob` asked for a confirmation a pipe cannot give and
    said "stdin is closed"; a script's one line is the password now."""
    import io

    from heard.auth import Accounts
    from heard.store import open_store

    db = tmp_path / "fresh.duckdb"
    open_store(db).close()
    monkeypatch.setattr("sys.stdin", io.StringIO("long enough pw\n"))
    assert run(["users", "add", "bob", "--db", str(db)]) == 0
    with open_store(db) as store:
        assert Accounts(store).authenticate("bob", "long enough pw") is not None


def test_the_last_admin_cannot_be_removed(tmp_path, capsys):
    """Removing the only admin left a deployment no one could manage."""
    db = str(tmp_path / "admins.duckdb")
    assert (
        run(["users", "add", "alice", "--role", "admin", "--password", "alice-pw-1", "--db", db])
        == 0
    )
    assert run(["users", "remove", "alice", "--db", db]) == 2
    err = capsys.readouterr().err
    assert "last admin" in err and "add another admin first" in err
    assert (
        run(["users", "add", "bob", "--role", "admin", "--password", "bob-pw-12", "--db", db]) == 0
    )
    assert run(["users", "remove", "alice", "--db", db]) == 0
    assert run(["users", "remove", "bob", "--db", db]) == 2  # now bob is the last one
