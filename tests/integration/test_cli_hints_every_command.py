"""Every follow-up command the CLI prints names the store it ran on.

Earlier fixes made the 'next:' and 'more topics:' hints keep ``--db``/``--config``, but
``(heard case N)``, ``(heard topic N)``, ``see 'heard quarantine'`` and the fixes of errors
("list the topics: heard topics") still did not: pasted, each read the default heard.duckdb.
This test runs commands on a store at a path with a space and a config file, and reads every
``heard …`` in what they print with its own scanner (not the CLI's)."""

from __future__ import annotations

import re
import shlex
import shutil

import pytest
from api_seed import add_issues

from heard.cli import run

# a command: 'heard' and what follows up to where a sentence goes on (', or', ')', ' · ')
_MENTION = re.compile(r"(?<![\w./-])heard (?=[a-z])")
_END = re.compile(r",|\)| · |$")


def _commands(text: str) -> list[str]:
    found = []
    for line in text.splitlines():
        for match in _MENTION.finditer(line):
            rest = line[match.start() :]
            found.append(rest[: _END.search(rest, len("heard ")).start()])
    return found


def _assert_each_names(text: str, db, config, at_least: int) -> list[str]:
    commands = _commands(text)
    assert len(commands) >= at_least, text
    for command in commands:
        assert f"--db {shlex.quote(str(db))}" in command, (command, text)
        assert f"--config {shlex.quote(str(config))}" in command, (command, text)
    return commands


@pytest.fixture()
def config(tmp_path):
    path = tmp_path / "heard.toml"
    path.write_text("[heard]\n", encoding="utf-8")
    return path


@pytest.fixture()
def issues_db(tmp_path, seeded_db):
    db = tmp_path / "my store.duckdb"
    shutil.copy(seeded_db, db)
    add_issues(db)
    return db


def _run(capsys, *args) -> tuple[int, str]:
    code = run([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_issue_case_and_topic_hints_name_the_store(issues_db, config, capsys):
    flags = ["--db", issues_db, "--config", config]
    code, text = _run(capsys, "issue", "1", *flags)
    assert code == 0
    commands = _assert_each_names(text, issues_db, config, 2)
    assert any(c.startswith("heard topic ") for c in commands), text
    assert any(c.startswith("heard case open --issue 1") for c in commands), text

    code, text = _run(capsys, "case", "open", "--issue", "1", *flags)
    assert code == 0
    [case] = _assert_each_names(text, issues_db, config, 1)
    assert case.startswith("heard case ")
    assert run(shlex.split(case)[1:]) == 0  # pasted as printed: that case, on this store
    capsys.readouterr()

    code, text = _run(capsys, "issue", "1", *flags)
    assert any(c.startswith("heard case ") for c in _assert_each_names(text, issues_db, config, 2))


@pytest.mark.parametrize(
    "args",
    [["topic", "999"], ["issue", "999"], ["gold", "kappa"], ["hot", "--no-scan"]],
    ids=["topic-error", "issue-error", "gold-kappa", "hot"],
)
def test_error_fixes_and_notes_name_the_store(issues_db, config, capsys, args):
    _, text = _run(capsys, *args, "--db", issues_db, "--config", config)
    _assert_each_names(text, issues_db, config, 1)


def test_quarantine_and_next_hints_after_ingest_name_the_store(tmp_path, config, capsys):
    feed = tmp_path / "posts.jsonl"
    feed.write_text(
        '{"id": "1", "text": "东湖路停水三天了", "created_at": "2026-11-03T08:00:00Z"}\n'
        '{"id": "2", "text": "", "created_at": "2026-11-03T09:00:00Z"}\n',
        encoding="utf-8",
    )
    db = tmp_path / "my store.duckdb"
    code, text = _run(capsys, "ingest", feed, "--db", db, "--config", config)
    assert code == 0
    commands = _assert_each_names(text, db, config, 4)
    assert any(c.startswith("heard quarantine") for c in commands), text
