"""Each command's --help ends with examples, and every example is read by the real command line
as it stands: a renamed or removed option fails here, not in front of a user. (The help showed
options only: how to call a command was in the README and nowhere in the tool.)"""

from __future__ import annotations

import shlex

import pytest
import typer

from heard.cli import _register, run
from heard.cli.app import app
from heard.cli.examples import EXAMPLES

_register()
ROOT = typer.main.get_command(app)


def heard_args(line: str) -> list[str]:
    """The words after ``heard`` in a shell line, its pipes and redirections left out."""
    words = shlex.split(line)
    if "|" in words and words[0] != "heard":  # `tail -f feed.jsonl | heard watch`
        words = words[words.index("|") + 1 :]
    for stop in ("|", ">"):
        if stop in words:
            words = words[: words.index(stop)]
    assert words[0] == "heard", line
    return words[1:]


@pytest.mark.parametrize(
    "name, line", [(name, line) for name, lines in EXAMPLES.items() for line, _ in lines]
)
def test_every_example_parses(name, line):
    args = heard_args(line)
    parent = ROOT.make_context("heard", [], resilient_parsing=True)
    command = ROOT
    for word in name.split():
        assert args[0] == word, (name, line)
        command = command.get_command(parent, args.pop(0))
        assert command is not None, (name, line)
    command.make_context(name, args, parent=parent)  # an unknown option raises a UsageError


def _top_level_commands() -> list[str]:
    return [n for n, c in ROOT.commands.items() if not hasattr(c, "commands")]


@pytest.mark.parametrize("name", _top_level_commands())
def test_every_command_has_examples(name):
    assert EXAMPLES.get(name), f"heard {name} --help shows no example"


@pytest.mark.parametrize("name", ["ingest", "users add"])
def test_help_shows_them(name, capsys):
    assert run([*name.split(), "--help"]) == 0
    out = capsys.readouterr().out
    assert "Examples:" in out
    for line, what in EXAMPLES[name]:
        assert line in out and what in out


def _leaves(command, prefix=()):
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            yield from _leaves(sub, (*prefix, name))
    else:
        yield " ".join(prefix), command


def test_the_readme_names_the_commands_without_json():
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    said = re.search(r"`--json` for scripts \(all but ([^)]*)\)", readme)
    assert said, "README no longer says which commands lack --json"
    named = set(re.findall(r"`([^`]+)`", said.group(1)))
    without = {
        name
        for name, command in _leaves(ROOT)
        if not any("--json" in p.opts for p in command.params)
    }
    assert named == without
