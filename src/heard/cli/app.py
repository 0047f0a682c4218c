"""The Typer application every command module registers on, and the shared option helpers."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from heard.answer.departments import phone_numbers
from heard.read.common import jsonable
from heard.read.redact import set_public_accounts, set_public_numbers
from heard.settings import Settings, load_settings

app = typer.Typer(
    name="heard",
    help=(
        "Heard listens to what people post (Chinese and English), finds topics and surging issues, "
        "measures sentiment, and keeps online spaces healthy.\n\n"
        "Start with:  heard ingest FILE  →  heard stats  →  heard posts --query WORD"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

console = Console(stderr=True)
"""Human-facing messages and progress go to stderr; stdout carries results (and --json)."""

RESULT_WIDTH = 160
"""Width of result tables written to a file or pipe (Rich's 80 would fold dates and labels)."""


def results() -> Console:
    """The console for results: stdout, so that ``heard posts -q 噪音 > f.txt`` keeps them (the
    status lines stay on stderr). Made per call so it follows the stdout in force (tests capture
    it); wide when stdout is not a terminal. No emoji codes: a post's ':phone:' stays as
    written."""
    return Console(
        highlight=False, emoji=False, width=None if sys.stdout.isatty() else RESULT_WIDTH
    )


DB_HELP = (
    "DuckDB file, or a PostgreSQL URL postgresql://user@host:port/db (default: heard.duckdb, "
    "or \\[heard] db in heard.toml, or HEARD_DB)."
)
CONFIG_HELP = "Path of a heard.toml (default: ./heard.toml when present)."


given_store: dict[str, Any] = {}
"""The ``--db`` and ``--config`` the command running gave ``settings_from`` (``heard.cli.run``
empties it first): its hints and its errors' fixes name them (``heard.cli.hints``)."""


def settings_from(config: Path | None = None, *, warn: bool = True, **flags: Any) -> Settings:
    """Settings for one command: defaults < heard.toml < HEARD_* < the flags given. The public
    accounts among them are handed to the redaction every display goes through. ``warn``: of
    HEARD_* variables that name no setting (``heard.settings.warn_ignored_env``)."""
    given_store.update(db=flags.get("db"), config=config)
    settings = load_settings(config, warn=warn, **flags)
    set_public_accounts(settings.public_accounts)
    set_public_numbers(phone_numbers(settings.departments))  # departments' own: not personal
    return settings


def same_store(db: str | None, config: Path | None) -> str:
    """The ``--db``/``--config`` a command was given, shell-quoted, for the next command a hint
    prints: without them a pasted hint reads the default heard.duckdb, not this store. A
    PostgreSQL URL is named with its password hidden (``heard.store.backends.shown``)."""
    import shlex

    from heard.store.backends import shown

    flags = [*(["--db", shown(db)] if db else []), *(["--config", str(config)] if config else [])]
    return "".join(f" {shlex.quote(flag)}" for flag in flags)


def count_of(n: int, noun: str, plural: str | None = None) -> str:
    """'1 alert', '2 alerts', '1,200 posts'; ``plural`` where adding an s is wrong ('copies')."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def _json_value(value: Any) -> Any:
    """What JSON cannot hold as is: times as ISO 8601 in UTC with a ``Z`` (as the API gives them;
    a stored time carries no zone and is UTC), dates as ISO days, anything else as text."""
    if isinstance(value, (datetime, date)):
        return jsonable(value)
    return str(value)


def emit_json(data: Any) -> None:
    """Write ``data`` as JSON on stdout (for scripts)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=_json_value) + "\n")
