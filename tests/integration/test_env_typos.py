"""A HEARD_* variable that names no setting was silent everywhere but `heard config show`:
HEARD_DATABSE=postgresql://… (for HEARD_DB) left `heard ingest` writing ./heard.duckdb without a
word (found 2026-12-07). Every command now warns once on stderr, naming the variable and the
nearest setting's; the test suite's HEARD_TEST_* hooks and the helpers' HEARD_PG_BINDIR stay
quiet."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from heard.cli import run

HEARD = [sys.executable, "-c", "from heard.cli import main; main()"]


def test_a_misspelt_variable_is_named_with_the_nearest_setting(tmp_path) -> None:
    env = {
        **os.environ,
        "HEARD_DATABSE": "postgresql://heard@db/heard",
        "HEARD_TEST_NOTHING": "1",
        "HEARD_PG_BINDIR": "/nowhere",
        "HEARD_THREADS": "3",
    }
    env.pop("HEARD_DB", None)
    done = subprocess.run(
        [*HEARD, "users", "list", "--db", str(tmp_path / "t.duckdb")],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    err = " ".join(done.stderr.split())
    assert "HEARD_DATABSE is not a Heard setting and was ignored" in err, done.stderr
    assert "did you mean HEARD_DB?" in err
    assert err.count("HEARD_DATABSE") == 1  # once
    assert "HEARD_TEST_NOTHING" not in err and "HEARD_PG_BINDIR" not in err
    assert "HEARD_THREADS" not in err  # a setting


def test_the_warning_comes_once_per_process(
    tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import heard.settings

    monkeypatch.setattr(heard.settings, "_warned", set())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HEARD_BATCHSIZE", "10")
    db = str(tmp_path / "o.duckdb")
    run(["users", "list", "--db", db])
    run(["users", "list", "--db", db])
    err = " ".join(capsys.readouterr().err.split())
    assert err.count("HEARD_BATCHSIZE is not a Heard setting") == 1
    assert "did you mean HEARD_BATCH_SIZE?" in err


def test_the_smtp_password_variable_named_by_the_settings_is_read(
    tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import heard.settings

    monkeypatch.setattr(heard.settings, "_warned", set(), raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HEARD_SMTP_PASSWORD_ENV", "HEARD_MAIL_PW")
    monkeypatch.setenv("HEARD_MAIL_PW", "secret")
    run(["users", "list", "--db", str(tmp_path / "m.duckdb")])
    assert "HEARD_MAIL_PW" not in capsys.readouterr().err
