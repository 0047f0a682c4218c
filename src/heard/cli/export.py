"""``heard export``: what an official hands on to a department, as a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from rich.markup import escape

from heard.store import store_exists
from heard.cli.app import CONFIG_HELP, DB_HELP, app, console, count_of, emit_json, settings_from
from heard.errors import InputError
from heard.files import write_atomically

Db = Annotated[Optional[str], typer.Option("--db", help=DB_HELP)]
Config = Annotated[Optional[Path], typer.Option("--config", help=CONFIG_HELP)]


@app.command("export")
def export_cmd(
    out: Annotated[
        Path,
        typer.Option(
            "--out", help="File to write (its suffix gives the format when --format is not given)."
        ),
    ],
    what: Annotated[
        str,
        typer.Option(
            "--what",
            help="posts (with 留言编号, topic and issue ids), topics, issues or alerts.",
        ),
    ] = "posts",
    fmt: Annotated[
        Optional[str],
        typer.Option(
            "--format", help="csv, xlsx, parquet or jsonl (default: from --out's suffix)."
        ),
    ] = None,
    db: Db = None,
    config: Config = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print what was written as JSON on stdout.")
    ] = False,
) -> None:
    """Export posts, topics, issues or alerts as CSV, XLSX, Parquet or JSONL, redacted as shown.

    Personal data in texts is masked; authors never leave; topics (and a post's topic id) are given
    only for topics with at least k distinct authors. Example:
    heard export --what posts --out posts.xlsx
    """
    from heard.read.export import check, export, format_of
    from heard.store import open_store

    settings = settings_from(config, db=db)
    fmt = format_of(out, fmt)
    check(what, fmt)
    if not store_exists(settings.db):
        raise InputError(
            f"no Heard database at {settings.db}",
            "ingest something first (heard ingest FILE) or pass --db",
        )
    with open_store(settings.db, read_only=True) as store:
        payload, n = export(store.reader(), what, fmt, settings.min_group_size)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(out, payload)
    except OSError as exc:
        raise InputError(
            f"cannot write {out}: {exc.strerror or exc}", "choose another --out"
        ) from exc
    if json_out:
        emit_json({"what": what, "format": fmt, "rows": n, "file": str(out), "bytes": len(payload)})
        return
    console.print(
        f"[bold green]exported[/] {count_of(n, what.removesuffix('s'))} → {escape(str(out))} "
        f"({fmt}, {len(payload) / 1e3:,.1f} kB; "
        "personal data masked)",
        soft_wrap=True,
    )
