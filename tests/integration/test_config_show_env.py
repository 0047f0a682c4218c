"""`heard config show` names the HEARD_* variables it ignored: HEARD_DATABASE=postgresql://… (for
HEARD_DB) used to leave the commands on ./heard.duckdb without a word."""

from __future__ import annotations

import pytest

from heard.cli import run


def test_config_show_names_an_ignored_heard_variable(
    tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HEARD_DATABASE", "postgresql://heard@db/heard")
    monkeypatch.setenv("HEARD_THREADS", "3")
    assert run(["config", "show"]) == 0
    captured = capsys.readouterr()
    assert "threads = 3" in captured.out
    err = " ".join(captured.err.split())
    assert "HEARD_DATABASE is not a Heard setting and was ignored" in err
    assert "HEARD_THREADS" not in err
