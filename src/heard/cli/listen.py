"""Listen commands: ingest files, and look at what was stored (stats, posts, quarantine)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from heard.clock import local_time, parse_instant, zone_named
from heard.errors import InputError
from heard.cli.hints import on_this_store
from heard.cli.app import (
    app,
    CONFIG_HELP,
    console,
    count_of,
    DB_HELP,
    emit_json,
    results,
    settings_from,
)

Db = Annotated[Optional[str], typer.Option("--db", help=DB_HELP)]
Config = Annotated[Optional[Path], typer.Option("--config", help=CONFIG_HELP)]
Json = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]


@app.command()
def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Files to ingest: .jsonl, .json (an array), .csv, .tsv, .xlsx or .parquet."
        ),
    ],
    fmt: Annotated[
        Optional[str],
        typer.Option("--format", help="jsonl|json|csv|xlsx|parquet (default: from the suffix)."),
    ] = None,
    preset: Annotated[
        Optional[str],
        typer.Option(
            help="Field preset: 'teddycup' (Teddy Cup message board), 'teddycup-replies' (the "
            "same, and each message opens a case with its official reply), 'social' or "
            "'open311' (GeoReport v2 requests). Default: all of these names."
        ),
    ] = None,
    mapping: Annotated[
        Optional[list[str]],
        typer.Option(
            "--map", help="Field mapping FIELD=COLUMN, e.g. --map text=留言详情 (repeatable)."
        ),
    ] = None,
    source: Annotated[
        Optional[str],
        typer.Option(help="Source name stored with each post (default: the file name)."),
    ] = None,
    timezone_: Annotated[
        Optional[str],
        typer.Option(
            "--timezone", help="Time zone of timestamps without one (default Asia/Shanghai)."
        ),
    ] = None,
    batch_size: Annotated[
        Optional[int],
        typer.Option(help="Posts per batch (default: the batch_size setting, 512).", min=1),
    ] = None,
    db: Db = None,
    config: Config = None,
    json_out: Json = False,
) -> None:
    """Ingest files: map fields, enrich (language, tokens, embeddings, sentiment, topics), store.

    Re-running on the same file stores nothing new; a run that was interrupted resumes after the
    last committed batch. Bad rows are quarantined with file, position and reason (see
    'heard quarantine'); the rest is stored. A missing file or unknown format exits with code 2.
    A PostgreSQL database that goes away mid-run (a restart) is waited for, up to 5 minutes.
    """
    from heard.read.topics import ONE_DOMAIN_MEAN, one_domain_mean
    from heard.pipeline.assemble import open_run

    settings = settings_from(config, db=db, timezone=timezone_, batch_size=batch_size)
    with open_run(
        settings, preset=preset, mapping=mapping, loading=lambda: console.status("loading models…")
    ) as run:
        with Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            BarColumn(bar_width=None),
            TextColumn("{task.completed:,} rows"),
            TimeElapsedColumn(),
            console=console,
            transient=json_out,
            disable=not console.is_terminal and json_out,
        ) as bar:
            task = bar.add_task("ingesting", total=None)
            summary = run.ingest_files(
                list(paths),
                fmt=fmt,
                source=source,
                progress=lambda n: bar.advance(task, n),
                on_file=lambda p: bar.update(task, description=f"ingesting {escape(p.name)}"),
                last=True,  # nothing is ingested after: the end-of-run work gets the models' memory
                on_wait=lambda message: console.print(f"[yellow]{escape(message)}[/]"),
            )
        summary.check_read_something()  # a database it created is removed: nothing stored
        one_domain = one_domain_mean(run.store)
    if json_out:
        emit_json(summary.to_dict())
        return
    from heard.store.backends import shown

    console.print(
        f"[bold green]stored {count_of(summary.stored, 'new post')}[/] from "
        f"{count_of(summary.rows_read, 'row')} "
        f"in {summary.seconds:.1f}s ({summary.posts_per_second:,} posts/s) → "
        f"{escape(shown(settings.db))}"
    )
    if summary.already_stored:
        console.print(
            f"  {summary.already_stored:,} were stored already (same id): nothing duplicated"
        )
    if summary.other_messages:
        console.print(
            f"  [yellow]{count_of(summary.other_messages, 'row')} had the id of a stored post "
            "but another text[/]: the stored post was kept and nothing of these rows was "
            "stored or put on its case (another board under the same source name? ingest it "
            "with --source NAME)"
        )
    if summary.duplicate_ids_in_input:
        console.print(
            f"  {count_of(summary.duplicate_ids_in_input, 'row')} repeated the id of an earlier "
            "row: the first was kept"
        )
    for file, position in summary.resumed_after.items():
        console.print(
            f"  {escape(str(file))}: resumed after position {position:,} (committed by an earlier "
            "run)"
        )
    for file, kept in summary.kept_source.items():
        console.print(
            f"  {escape(str(file))}: its rows were stored before as source {escape(kept)!r}, "
            "which it keeps (pass --source to choose another): nothing is stored twice"
        )
    for file, position in summary.read_again.items():
        console.print(
            f"  {escape(str(file))}: read again from its first row: rows before position "
            f"{position:,} (committed by an earlier run) have changed since; stored posts were "
            "not stored twice"
        )
    if summary.duplicate_texts:
        console.print(
            f"  {count_of(summary.duplicate_texts, 'exact-duplicate text')} (stored under their "
            "own ids, counted)"
        )
    if summary.quarantined:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(summary.quarantine_reasons.items()))
        console.print(
            f"  [yellow]{count_of(summary.quarantined, 'row')} quarantined[/] ({reasons}): "
            + escape(on_this_store("see: heard quarantine")),
            soft_wrap=True,
        )
    if one_domain is not None:
        console.print(
            f"  hint: these posts lean one way (their mean embedding has length {one_domain} ≥ "
            f"{ONE_DOMAIN_MEAN}), as on one city's complaint board, where topics come out coarse; "
            + escape(on_this_store("for finer ones run: heard topics --rebuild --center")),
            soft_wrap=True,
        )
    console.print(
        on_this_store("next: heard stats · heard posts --query WORD · heard topics"),
        soft_wrap=True,
        markup=False,
    )


@app.command()
def stats(db: Db = None, config: Config = None, json_out: Json = False) -> None:
    """Counts by source, language and day; sentiment distribution; duplicates; quarantine."""
    from heard.read import stats as queries
    from heard.store import open_store

    settings = settings_from(config, db=db)
    with open_store(settings.db, read_only=True) as store:
        data = queries.stats(store, zone_named(settings.timezone))
    if json_out:
        emit_json(data)
        return
    out = results()
    from heard.store.backends import shown

    out.print(
        f"[bold]{count_of(data['posts'], 'post')}[/] in {escape(shown(settings.db))} "
        f"({count_of(data['duplicate_texts'], 'exact-duplicate text')}; "
        f"{count_of(data['quarantine']['total'], 'quarantined row')})"
    )
    span = data["time_range"]
    if span["first"] is not None:  # as the dashboard's overview shows it
        zone = zone_named(settings.timezone)
        out.print(f"from {local_time(span['first'], zone)} to {local_time(span['last'], zone)}")
    for title, key in (("source", "by_source"), ("language", "by_language")):
        table = Table(title=f"by {title}", show_header=False)
        for k, v in data[key].items():
            table.add_row(k, f"{v:,}")
        out.print(table)
    table = Table(title=f"by day ({data['days_in']})", show_header=False)
    for k, v in data["by_day"].items():
        table.add_row(k, f"{v:,}", "▇" * max(1, round(40 * v / max(data["by_day"].values()))))
    out.print(table)
    s = data["sentiment"]
    out.print(
        "sentiment: "
        + ", ".join(f"{k} {v:,}" for k, v in s["labels"].items())
        + f" (mean {s['mean_score']}; model {', '.join(s['models']) or '-'})"
    )
    if data.get("intent"):
        out.print("intent: " + ", ".join(f"{k} {v:,}" for k, v in data["intent"].items()))
    if data["quarantine"]["by_reason"]:
        out.print(
            "quarantine: "
            + ", ".join(f"{k} {v}" for k, v in data["quarantine"]["by_reason"].items())
        )


@app.command()
def posts(
    query: Annotated[
        Optional[str],
        typer.Option(
            "--query", "-q", help="Full-text query, Chinese or English (all words must match)."
        ),
    ] = None,
    lang: Annotated[Optional[str], typer.Option(help="Only this language, e.g. zh or en.")] = None,
    source: Annotated[Optional[str], typer.Option(help="Only this source.")] = None,
    topic: Annotated[
        Optional[int],
        typer.Option(help="Only the posts of this topic (as heard topics lists it).", min=0),
    ] = None,
    sentiment: Annotated[
        Optional[str], typer.Option(help="Only this sentiment: negative, neutral or positive.")
    ] = None,
    intent: Annotated[
        Optional[str],
        typer.Option(
            help="Only this intent: complaint, suggestion, question, praise, incident_report, "
            "other."
        ),
    ] = None,
    since: Annotated[
        Optional[str],
        typer.Option(
            help="Only posts created at or after this time (ISO, UTC unless an offset is "
            "given), or a span before the newest post (24h, 7d, 2w), as heard topics --since."
        ),
    ] = None,
    until: Annotated[
        Optional[str],
        typer.Option(
            help="Only posts created before this time (ISO, UTC unless an offset is given: "
            "2020-02-01T00:00+08:00 is 2020-01-31T16:00 UTC), as /api/v1/posts?until=."
        ),
    ] = None,
    limit: Annotated[
        int,
        typer.Option(
            min=1,
            max=10_000,
            help="How many posts to show; when more match, stderr says so (--json too).",
        ),
    ] = 20,
    cursor: Annotated[
        Optional[str],
        typer.Option(
            help="The next page: the cursor stderr gave with the page before (--json too), "
            "unchanged, with the same query and filters.",
        ),
    ] = None,
    db: Db = None,
    config: Config = None,
    json_out: Json = False,
) -> None:
    """Search posts (best match first with --query, else newest first). Personal data is
    redacted."""
    from heard.models.intent_rules import LABELS as INTENTS
    from heard.read.posts import SENTIMENTS, PostFilter, search
    from heard.read.topics import parse_since
    from heard.store import open_store

    if intent and intent not in INTENTS:
        raise InputError(
            f"--intent {intent!r} is not an intent", "use one of: " + ", ".join(INTENTS)
        )
    if sentiment and sentiment not in SENTIMENTS:
        raise InputError(
            f"--sentiment {sentiment!r} is not a sentiment", "use one of: " + ", ".join(SENTIMENTS)
        )
    settings = settings_from(config, db=db)
    with open_store(settings.db, read_only=True) as store:
        after = parse_since(since, store)
        before = parse_instant(until, what="--until") if until else None
        found = search(
            store,
            PostFilter(
                q=query,
                lang=lang,
                source=source,
                topic=None if topic is None else str(topic),
                sentiment=sentiment,
                intent=intent,
                since=after,
                until=before,
            ),
            limit=limit,
            cursor=cursor,
            k=settings.min_group_size,
        )
    rows = found["posts"]
    if found.get("query_note"):
        console.print(found["query_note"], markup=False)
    # 20 rows and no word of the rest read as "20 posts match", in a table or to a script
    more = found.get("next_cursor")
    cut = (
        f"{count_of(len(rows), 'post')} shown; more match (raise --limit, now {limit}); "
        f"next page: --cursor {more}"
    )
    if json_out:
        emit_json(rows)
        if more:
            console.print(cut, soft_wrap=True, markup=False)
        return
    if not rows:
        console.print("no posts match")
        return
    zone = zone_named(settings.timezone)
    table = Table(show_lines=False)
    table.add_column("created", no_wrap=True)
    table.add_column("message id", no_wrap=True)
    table.add_column("topic", justify="right")
    for col in ("lang", "sentiment", "text"):
        table.add_column(col, overflow="fold")
    for r in rows:
        text = (r["title"] + " — " if r.get("title") else "") + r["text"]
        table.add_row(
            local_time(r["created_at"], zone),
            escape(r.get("external_id") or ""),
            "" if r.get("topic_id") is None else str(r["topic_id"]),
            r["lang"] or "",
            r["sentiment_label"] or "",
            escape(text[:200]),
        )
    results().print(table)
    if more:
        console.print(cut, soft_wrap=True, markup=False)


@app.command("quarantine")
def quarantine_cmd(
    reason: Annotated[Optional[str], typer.Option(help="Only this reason, e.g. bad_date.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100_000, help="How many rows to show.")] = 50,
    db: Db = None,
    config: Config = None,
    json_out: Json = False,
) -> None:
    """Rows that could not be stored: file, position, reason and the start of the raw row."""
    from heard.read import stats as queries
    from heard.store import open_store

    settings = settings_from(config, db=db)
    with open_store(settings.db, read_only=True) as store:
        rows = queries.quarantine(store, limit=limit, reason=reason)
        if not rows and reason is not None:  # a typo (bad-date) is not an empty quarantine
            from heard.read.overview import quarantine as summary

            held = summary(store, limit=1)["by_reason"]
    if json_out:
        emit_json(rows)
        return
    if not rows and reason is not None and held:
        counts = ", ".join(f"{name} {n}" for name, n in held.items())
        console.print(
            f"no quarantined rows with reason {escape(reason)!r}; the quarantine holds: {counts}"
        )
        return
    if not rows:
        console.print("quarantine is empty")
        return
    table = Table()
    for col in ("file", "position", "reason"):
        table.add_column(col, overflow="fold")
    table.add_column("detail", overflow="fold", max_width=40)
    table.add_column(
        "raw", overflow="fold"
    )  # up to 80 characters of the row: one line when it fits
    for r in rows:
        table.add_row(
            escape(Path(r["file"]).name),
            str(r["position"]),
            r["reason"],
            escape(r["detail"] or ""),
            escape((r["raw"] or "")[:80]),
        )
    results().print(table)
