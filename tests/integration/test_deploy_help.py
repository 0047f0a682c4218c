"""The deployment commands' --help says what --db takes: a DuckDB file or a PostgreSQL URL (the
help said "DuckDB file" only, while HEARD_DB=postgresql://… runs them all), and no help claims
that `heard serve` owns a PostgreSQL database."""

from __future__ import annotations

import pytest

from heard.cli import run

COMMANDS = [
    ["serve"],
    ["watch"],
    ["ingest"],
    ["stats"],
    ["users", "add"],
    ["users", "list"],
    ["users", "token"],
    ["config", "rotate-salt"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_db_help_names_both_backends(
    command: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    assert run([*command, "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "postgresql://" in text and "DuckDB file" in text, text
    if command in (["serve"], ["users", "token"]):
        assert "PostgreSQL" in text.split("╭")[0], text  # the description says what differs
