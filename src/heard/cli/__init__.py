"""The ``heard`` command line: thin commands over plain functions.

Each command module registers itself on ``heard.cli.app.app``; ``main`` turns Heard's own errors
into a clear message and exit code instead of a traceback.
"""

from __future__ import annotations

import importlib
import sys

from rich.markup import escape

from heard.cli.app import app, console
from heard.errors import HeardError

COMMAND_MODULES = [
    "heard.cli.listen",  # ingest, stats, posts, quarantine
    "heard.cli.project",  # config show, demo
    "heard.cli.admin",  # train
    "heard.cli.topics",  # topics, topic
    "heard.cli.hot",  # hot, watch, report
    "heard.cli.serve",  # serve, users add|list|remove|token
]
"""Modules that add commands to ``app``. A module that is not written yet is skipped."""


def _register() -> None:
    for name in COMMAND_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def run(argv: list[str] | None = None) -> int:
    """Run the CLI with ``argv`` (default: sys.argv) and return the exit code; tests call this."""
    _register()
    try:
        result = app(args=argv, prog_name="heard", standalone_mode=False)
    except HeardError as exc:
        # one line each, never hard-wrapped (scripts grep them); the texts are not rich markup
        console.print(f"[bold red]error:[/] {escape(exc.what)}", soft_wrap=True)
        if exc.fix:
            console.print(f"[bold]fix:[/] {escape(exc.fix)}", soft_wrap=True)
        return exc.exit_code
    except KeyboardInterrupt:
        console.print("interrupted: what was committed is kept; run the same command again to resume")
        return 130
    except Exception as exc:  # usage errors arrive here in non-standalone mode
        import click
        import typer
        from typer.exceptions import TyperException

        # typer bundles its own click (typer._click): its usage errors are TyperExceptions with
        # click's show() and exit_code, not click.ClickException
        if isinstance(exc, (click.exceptions.ClickException, TyperException)) and hasattr(exc, "show"):
            exc.show()
            return int(getattr(exc, "exit_code", 2))
        if isinstance(exc, (click.exceptions.Abort, typer.Abort)):
            return 1
        raise
    return result if isinstance(result, int) else 0


def main() -> None:
    sys.exit(run())
