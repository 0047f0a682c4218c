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
    since: Annotated[
        Optional[str],
        typer.Option(
            help="posts created, alerts detected, at or after; topics seen since: a date or "
            "date-time (UTC unless an offset is given) or, for posts and topics, a span before "
            "the newest post (7d)."
        ),
    ] = None,
    until: Annotated[
        Optional[str],
        typer.Option(help="posts created, alerts detected, before this time (as heard posts)."),
    ] = None,
    lang: Annotated[Optional[str], typer.Option(help="posts: only this language.")] = None,
    source: Annotated[Optional[str], typer.Option(help="posts: only this source.")] = None,
    topic: Annotated[
        Optional[int], typer.Option(help="posts: only those of this topic.", min=0)
    ] = None,
    sentiment: Annotated[
        Optional[str], typer.Option(help="posts: negative, neutral or positive.")
    ] = None,
    intent: Annotated[
        Optional[str], typer.Option(help="posts: complaint, suggestion, question … (heard posts).")
    ] = None,
    query: Annotated[
        Optional[str],
        typer.Option(
            "--query", "-q", help="topics: label or keyword; issues: place, problem or title."
        ),
    ] = None,
    min_size: Annotated[
        Optional[int], typer.Option(help="topics: with at least this many posts.", min=1)
    ] = None,
    window: Annotated[
        Optional[str],
        typer.Option(help="issues: with a message in this span before the newest post (7d, all)."),
    ] = None,
    db: Db = None,
    config: Config = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print what was written as JSON on stdout.")
    ] = False,
) -> None:
    """Export posts, topics, issues or alerts as CSV, XLSX, Parquet or JSONL, redacted as shown.

    Personal data in texts is masked; authors never leave; topics (and a post's topic id) are given
    only for topics with at least k distinct authors. Each export takes the filters of the list it
    exports (heard posts, heard topics, heard issues); one it does not take is refused. Example:
    heard export --what posts --since 2020-01-01 --lang zh --out posts.xlsx
    """
    from heard.clock import parse_instant, to_naive_utc
    from heard.read.export import ExportFilter, check, check_filter, export, format_of
    from heard.read.topics import parse_since
    from heard.store import open_store

    settings = settings_from(config, db=db)
    fmt = format_of(out, fmt)
    check(what, fmt)
    if not store_exists(settings.db):
        raise InputError(
            f"no Heard database at {settings.db}",
            "ingest something first (heard ingest FILE) or pass --db",
        )
    if sentiment is not None and sentiment not in ("negative", "neutral", "positive"):
        raise InputError(f"--sentiment {sentiment!r} is not a sentiment", "use negative, "
                         "neutral or positive")  # fmt: skip
    if intent is not None:
        from heard.models.intent_rules import LABELS as INTENTS

        if intent not in INTENTS:
            raise InputError(f"--intent {intent!r} is not an intent", "use one of: "
                             + ", ".join(INTENTS))  # fmt: skip
    with open_store(settings.db, read_only=True) as store:
        reader = store.reader()
        start = parse_since(since, reader) if since else None
        f = ExportFilter(
            since=None if start is None else to_naive_utc(start),
            until=to_naive_utc(parse_instant(until, what="--until")) if until else None,
            lang=lang, source=source, topic=topic, sentiment=sentiment, intent=intent, q=query,
            min_size=min_size, window=window,
        )  # fmt: skip
        check_filter(what, f)
        payload, n = export(reader, what, fmt, settings.min_group_size, f)
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
