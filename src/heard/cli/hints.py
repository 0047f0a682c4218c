"""Follow-up commands as the user can paste them: on the store the command ran on.

A hint such as "(heard case 12)" or a fix such as "list the topics: heard topics" read the
default heard.duckdb when pasted, not the ``--db``/``--config`` the command was given. Every
``heard …`` command a command prints — its own hints and the fixes of the errors it ends with —
goes through ``on_this_store``, which appends the ``--db``/``--config`` given (``same_store``) to
each command that takes them and does not name them already.
"""

from __future__ import annotations

import re
import shlex
from functools import cache
from pathlib import Path
from typing import Any

from heard.cli.app import app, given_store, same_store

_WORD = r"\"[^\"]*\"|'[^']*'|[^\s,;()·\"'`]+"
_COMMAND = re.compile(rf"(?P<quote>')?(?<![\w.-])heard(?P<words>(?: (?:{_WORD}))+)(?(quote)')")
"""``heard`` and the words after it up to a separator (a comma, semicolon, bracket, ' · ', a
quote closing a quoted command); a quoted word ("…") is one word."""


@cache
def _commands() -> Any:
    import typer.main

    return typer.main.get_command(app)


def _command_span(words: list[str]) -> tuple[Any, int]:
    """The click command ``words`` name and how many of the words are that command's: its
    subcommand names, options (with their values) and arguments; prose after them is not."""
    command, used = _commands(), 0
    while hasattr(command, "commands") and used < len(words) and words[used] in command.commands:
        command = command.commands[words[used]]
        used += 1
    if hasattr(command, "commands") or used == 0:
        return None, 0
    options = {name: p for p in command.params for name in getattr(p, "opts", [])}
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    left = [-1 if p.nargs == -1 else p.nargs for p in arguments]
    while used < len(words):
        word = words[used]
        if word.startswith("-"):
            option = options.get(word.split("=", 1)[0])
            if option is None:
                break
            takes_value = "=" not in word and not getattr(option, "is_flag", False)
            used += 2 if takes_value else 1
            continue
        while left and left[0] == 0:
            left.pop(0)
        if not left:
            break
        if left[0] > 0:
            left[0] -= 1
        used += 1
    return command, min(used, len(words))


def _with_store(match: re.Match[str], db: str | None, config: Path | None) -> str:
    text = "heard" + match.group("words")
    words = re.findall(_WORD, match.group("words"))
    command, used = _command_span(words)
    if command is None:
        return text
    names = {p.name for p in command.params}
    mine = words[:used]
    flags = same_store(
        db if "db" in names and "--db" not in mine else None,
        config if "config" in names and "--config" not in mine else None,
    )
    if not flags:
        return text
    # the command's words end where its last word ends in the text
    end = 0
    for word in mine:
        end = text.index(word, end) + len(word)
    return text[:end] + flags + text[end:]


def on_this_store(text: str, db: str | None = None, config: Path | None = None) -> str:
    """``text`` with each ``heard …`` command in it followed by the ``--db``/``--config`` given
    (default: those the running command gave ``settings_from``: ``app.given_store``),
    shell-quoted, where the command takes them and does not name them already: pasted, it reads
    the same store."""
    db = db if db is not None else given_store.get("db")
    config = config if config is not None else given_store.get("config")
    if not db and not config:
        return text
    return _COMMAND.sub(lambda m: _in_text(m, db, config), text)


def _in_text(match: re.Match[str], db: str | None, config: Path | None) -> str:
    command = _with_store(match, db, config)
    if not match.group("quote"):
        return command
    # 'heard quarantine --db '/my store.duckdb'' would not paste: such a one goes in "…"
    return f'"{command}"' if "'" in command and '"' not in command else f"'{command}'"


def pasted(text: str) -> list[list[str]]:
    """The ``heard`` commands in ``text`` as a shell splits them (tests read hints with it)."""
    commands = []
    for match in _COMMAND.finditer(text):
        words = re.findall(_WORD, match.group("words"))
        used = _command_span(words)[1]
        commands.append(["heard", *shlex.split(" ".join(words[:used]))])
    return commands
