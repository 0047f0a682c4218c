"""Project commands: show the settings in force, and run the demo end to end."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape

from heard.store import store_exists
from heard.store.backends import shown
from heard.cli.app import CONFIG_HELP, DB_HELP, app, emit_json, results, settings_from
from heard.settings import Settings, ignored_env, ignored_env_note

config_app = typer.Typer(
    help="Show the settings in force (defaults < heard.toml < HEARD_* < flags); rotate the author "
    "salt.",
    no_args_is_help=True,
)
app.add_typer(config_app, name="config")


@config_app.command("show")
def config_show(
    config: Annotated[Optional[Path], typer.Option("--config", help=CONFIG_HELP)] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print every setting with its value and what it does (the author salt is never shown)."""
    from heard.cli.app import console

    settings = settings_from(config, warn=False)  # noted here, every time, not once
    values = settings.public()
    for name, nearest in ignored_env(settings):  # e.g. HEARD_DATABASE for HEARD_DB
        console.print(f"note: {escape(ignored_env_note(name, nearest))}", soft_wrap=True)
    if json_out:
        emit_json(values)
        return
    out = results()
    for (
        name,
        field,
    ) in Settings.model_fields.items():  # descriptions hold [user], [heard]: not markup
        out.print(
            f"[bold]{name}[/] = {escape(repr(values[name]))}\n    {escape(field.description or '')}"
            f"  (env HEARD_{name.upper()})",
            soft_wrap=True,
        )


@config_app.command("rotate-salt")
def config_rotate_salt(
    db: Annotated[Optional[str], typer.Option("--db", help="Store to re-key: " + DB_HELP)] = None,
    config: Annotated[Optional[Path], typer.Option("--config", help=CONFIG_HELP)] = None,
) -> None:
    """Give the store a new random author salt and re-key its author keys with it (RIGHTS.md §4):
    a store ingested with the old shared default salt stops being reversible; the same person
    keeps one key, so distinct-author counts do not change."""
    from heard.errors import InputError
    from heard.protect.salt import rotate_author_salt
    from heard.store import open_store

    settings = settings_from(config, db=db)
    if settings.author_salt:
        raise InputError(
            "author_salt is set in the settings, so this store's keys follow it",
            "unset author_salt (heard.toml / HEARD_AUTHOR_SALT) to use a per-store "
            "random salt, then run this again",
        )
    if not store_exists(settings.db):
        raise InputError(
            f"no Heard database at {settings.db}", "pass --db with the store to re-key"
        )
    with open_store(settings.db) as store:
        n = rotate_author_salt(store)
    print(f"re-keyed {n:,} authors of {shown(settings.db)} with a new random salt")


DEMO_CORPUS = Path(__file__).resolve().parents[3] / "data" / "demo" / "posts.jsonl"
"""The bundled corpus in the repository (``make demo`` installs Heard from the clone, editable)."""


@app.command()
def demo(
    db: Annotated[
        Path, typer.Option("--db", help="DuckDB file for the demo (created if missing).")
    ] = Path("demo.duckdb"),
    out: Annotated[Path, typer.Option("--out", help="Folder for the HTML brief.")] = Path(
        "out/demo-report"
    ),
    config: Annotated[Optional[Path], typer.Option("--config", help=CONFIG_HELP)] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Also print what the demo did as JSON on stdout.")
    ] = False,
) -> None:
    """Run the main job on the bundled bilingual demo corpus, then say what to look at.

    Ingests and enriches the corpus, finds topics and hot spots, fires alerts, writes the HTML
    brief, and prepares a demo login for the dashboard. Safe to run again: nothing is duplicated.
    """
    from heard.cli.demo import run_demo

    settings = settings_from(config, db=db)
    result = run_demo(settings, DEMO_CORPUS, out)
    if json_out:
        emit_json(result)
