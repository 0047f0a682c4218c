"""Project commands: show the settings in force, and run the demo end to end."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape

from heard.cli.app import CONFIG_HELP, app, emit_json, results, settings_from
from heard.settings import Settings

config_app = typer.Typer(help="Show the settings in force (defaults < heard.toml < HEARD_* < flags).", no_args_is_help=True)
app.add_typer(config_app, name="config")


@config_app.command("show")
def config_show(
    config: Annotated[Optional[Path], typer.Option("--config", help=CONFIG_HELP)] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print every setting with its value and what it does (the author salt is never shown)."""
    settings = settings_from(config)
    values = settings.public()
    if json_out:
        emit_json(values)
        return
    out = results()
    for name, field in Settings.model_fields.items():  # descriptions hold [user], [heard]: not markup
        out.print(f"[bold]{name}[/] = {escape(repr(values[name]))}\n    {escape(field.description or '')}"
                  f"  (env HEARD_{name.upper()})", soft_wrap=True)


DEMO_CORPUS = Path(__file__).resolve().parents[3] / "data" / "demo" / "posts.jsonl"
"""The bundled corpus in the repository (``make demo`` installs Heard from the clone, editable)."""


@app.command()
def demo(
    db: Annotated[Path, typer.Option("--db", help="DuckDB file for the demo (created if missing).")] = Path("demo.duckdb"),
    out: Annotated[Path, typer.Option("--out", help="Folder for the HTML brief.")] = Path("out/demo-report"),
    config: Annotated[Optional[Path], typer.Option("--config", help=CONFIG_HELP)] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Also print what the demo did as JSON on stdout.")] = False,
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
