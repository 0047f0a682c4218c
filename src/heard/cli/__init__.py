"""The ``heard`` command line: thin commands over plain functions.

Each command module registers itself on ``heard.cli.app.app``; ``main`` turns Heard's own errors
into a clear message and exit code instead of a traceback.
"""

from __future__ import annotations

import importlib
import inspect
import os
import re
import signal
import sys

from heard.errors import HeardError

# heard.cli.app and the command modules are imported by ``run``, not here: they take seconds
# (scikit-learn, numpy), and a Ctrl-C while ``heard`` starts ended in a traceback (exit -2)

COMMAND_MODULES = [
    "heard.cli.listen",  # ingest, stats, posts, quarantine
    "heard.cli.project",  # config show, demo
    "heard.cli.admin",  # train
    "heard.cli.topics",  # topics, topic
    "heard.cli.issues",  # issues, issue
    "heard.cli.hot",  # hot, watch, report
    "heard.cli.serve",  # serve, users add|department|list|remove|token|trusted
    "heard.cli.export",  # export
    "heard.cli.answer",  # departments, cases, case, notify, route, replies, accountability,
    # train router
    "heard.cli.protect",  # flags, flag, review, decisions, appeal, transparency, audit
    "heard.cli.gold",  # gold add, gold kappa
]
"""Modules that add commands to ``app``. A module that is not written yet is skipped."""


_LIST_ITEM = re.compile(r"^(- |• |\d+\. )")


def reflow(text: str) -> str:
    """Join the hard-wrapped lines of each paragraph of a help text, so that the terminal wraps it.

    typer's rich help keeps single line breaks, which turned docstrings wrapped at 100 columns
    into ragged text. Paragraphs stay apart, list items ("- ", "• ", "1. ") keep their own line,
    and a paragraph that starts with ``\\b`` is kept as written (click's "no rewrap" marker).
    """
    paragraphs = []
    for paragraph in inspect.cleandoc(text).split("\n\n"):
        if paragraph.startswith("\b"):
            paragraphs.append(paragraph)
            continue
        lines: list[str] = []
        for line in paragraph.splitlines():
            if lines and not _LIST_ITEM.match(line.strip()):
                lines[-1] = f"{lines[-1]} {line.strip()}"
            else:
                lines.append(line.strip())
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def _reflow_help(typer_app, group: str = "") -> None:
    """Reflow each command's help and put its examples (``heard.cli.examples``) at its foot."""
    from heard.cli.examples import epilog_of

    for info in typer_app.registered_commands:
        text = info.help or (inspect.getdoc(info.callback) if info.callback else None)
        if text:
            info.help = reflow(text)
        name = info.name or (info.callback.__name__.replace("_", "-") if info.callback else "")
        info.epilog = info.epilog or epilog_of(f"{group} {name}".strip())
    for sub in typer_app.registered_groups:
        if sub.typer_instance is not None:
            _reflow_help(sub.typer_instance, sub.name or sub.typer_instance.info.name or "")


def _register() -> None:
    from heard.cli.app import app

    for name in COMMAND_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    _reflow_help(app)


def run(argv: list[str] | None = None) -> int:
    """Run the CLI with ``argv`` (default: sys.argv) and return the exit code; tests call this."""
    try:
        _register()  # seconds on a busy machine: a Ctrl-C may land here
    except KeyboardInterrupt:
        return _interrupted()
    from heard.cli.app import given_store

    given_store.clear()  # tests run several commands in one process
    try:
        code = _run(argv)
        sys.stdout.flush()  # a reader gone shows at the last write: here, not at exit
    except BrokenPipeError:
        return _closed_pipe()
    except SystemExit as exc:
        # Rich (on_broken_pipe) and typer (on EPIPE) end a write to a closed stdout with
        # SystemExit(1), silent: '| head -1' read as a failure of the command
        if _caused_by(exc, BrokenPipeError):
            return _closed_pipe()
        raise
    return code


def _run(argv: list[str] | None) -> int:
    from rich.markup import escape

    from heard.cli.app import app, console

    try:
        result = app(args=argv, prog_name="heard", standalone_mode=False)
    except HeardError as exc:
        # one line each, never hard-wrapped (scripts grep them); the texts are not rich markup
        console.print(f"[bold red]error:[/] {escape(exc.what)}", soft_wrap=True)
        if exc.fix:
            from heard.cli.hints import on_this_store

            # the input to fix as this surface names it: its option (InputError.field); the
            # commands it names, on the store this one ran on
            field = getattr(exc, "field", None)
            fix = on_this_store(exc.fix) + (f" (--{field.replace('_', '-')})" if field else "")
            console.print(f"[bold]fix:[/] {escape(fix)}", soft_wrap=True)
        return exc.exit_code
    except KeyboardInterrupt:
        return _interrupted()
    except Exception as exc:  # usage errors arrive here in non-standalone mode
        if _caused_by(exc, KeyboardInterrupt):
            return _interrupted()
        import click
        import typer
        from typer.exceptions import TyperException

        # typer bundles its own click (typer._click): its usage errors are TyperExceptions with
        # click's show() and exit_code, not click.ClickException
        if isinstance(exc, (click.exceptions.ClickException, TyperException)) and hasattr(
            exc, "show"
        ):
            exc.show()
            return int(getattr(exc, "exit_code", 2))
        if isinstance(exc, (click.exceptions.Abort, typer.Abort)):
            return 1
        raise
    if result == INTERRUPTED:  # typer turns a Ctrl-C into Exit(130) before it reaches us
        return _interrupted()
    return result if isinstance(result, int) else 0


INTERRUPTED = 130
"""The exit code of a command stopped by Ctrl-C (128 + SIGINT), as shells give it."""


def _interrupted() -> int:
    # plain stderr: a Ctrl-C while heard starts may come before the console is imported
    sys.stderr.write(
        "interrupted: what was committed is kept; run the same command again to resume\n"
    )
    sys.stderr.flush()
    return INTERRUPTED


CLOSED_PIPE = 141
"""The exit code of a command whose reader closed stdout early (128 + SIGPIPE), as ``ls | head -1``
gives it."""


def _closed_pipe() -> int:
    """The reader of stdout is gone (``heard posts | head -1``): nothing more to say, and nothing
    to say it to. stdout goes to /dev/null so that the flush at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no file descriptor (a test's captured stdout): nothing to do
        pass
    return CLOSED_PIPE


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    """Whether ``exc`` is or comes of a ``kind``: DuckDB stops the query it runs on a Ctrl-C and
    raises its own error ("Query interrupted") from the KeyboardInterrupt, which would otherwise
    end in a traceback; Rich and typer end a BrokenPipeError in SystemExit."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, kind):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False


def main() -> None:
    from heard.cli.stdio import guard

    guard()  # a closed stdout or stderr (2>&-), or stderr's reader gone (heard.cli.stdio)
    try:
        code = run()
    except KeyboardInterrupt:  # a second Ctrl-C while the first one's message is written
        code = INTERRUPTED
    if code == CLOSED_PIPE and hasattr(signal, "SIGPIPE"):
        # end as ls, yes or git do when their reader goes: by SIGPIPE, which the shell shows as
        # 141 (Python ignores SIGPIPE while it runs, so that sockets are not killed by it)
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGPIPE)
    sys.exit(code)
