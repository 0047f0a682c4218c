"""Hot-spot commands: what is surging now (hot), follow a stream and alert (watch), the HTML brief
(report)."""

from __future__ import annotations

import json
import signal
import threading
from datetime import datetime
from pathlib import Path
from collections.abc import Callable, Iterator
from typing import Annotated, Any, Optional

import typer
from rich.markup import escape
from rich.table import Table

from heard.clock import local_time, offset_mark, parse_instant, zone_named
from heard.cli.hints import on_this_store
from heard.cli.app import (
    CONFIG_HELP,
    DB_HELP,
    app,
    console,
    count_of,
    emit_json,
    results,
    settings_from,
)
from heard.errors import InputError
from heard.settings import Settings

Db = Annotated[Optional[str], typer.Option("--db", help=DB_HELP)]
Config = Annotated[Optional[Path], typer.Option("--config", help=CONFIG_HELP)]
Json = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]
At = Annotated[
    Optional[str],
    typer.Option(
        "--at",
        help="End of the window (2020-01-31T12:00, UTC unless an offset is given); default: the "
        "newest post.",
    ),
]


def _parse_at(value: str | None) -> datetime | None:
    return parse_instant(value, what="--at") if value else None


def _sinks(settings: Settings, json_out: bool) -> list[Any]:
    from heard.listen.hotspots import ConsoleSink, JsonlSink, WebhookSink

    sinks: list[Any] = [ConsoleSink(console), JsonlSink(settings.alert_log)]
    if settings.webhooks:
        sinks.append(WebhookSink(settings.webhooks, on_failure=_webhook_failed))
    return sinks


def _webhook_failed(url: str, attempts: list[str]) -> None:
    console.print(
        f"[yellow]warning:[/] the alert did not reach webhook {escape(url)} "
        f"({len(attempts)} tries: {escape(', '.join(attempts))}); the failed delivery is recorded "
        + escape(on_this_store("with the alert (heard hot --json shows it)")),
        soft_wrap=True,
    )


@app.command()
def hot(
    window: Annotated[
        str,
        typer.Option(
            help="Window to rank, ending at the newest post: 90m, 24h, 7d, 2w, 90d, 1y, or all "
            "(the whole data)."
        ),
    ] = "7d",
    at: At = None,
    limit: Annotated[
        int, typer.Option(help="Show at most this many hot spots.", min=1, max=10_000)
    ] = 10,
    no_scan: Annotated[
        bool,
        typer.Option("--no-scan", help="Only read: do not run the burst scan (no new alerts)."),
    ] = False,
    db: Db = None,
    config: Config = None,
    json_out: Json = False,
) -> None:
    """What is surging: topics ranked by heat over the window, with each heat component.

    Heat = volume, growth against the topic's own baseline (a burst test), distinct authors,
    engagement and negativity (docs/heat.md). First scans the store for bursts and fires the
    alerts not fired yet (terminal, alert log, webhooks). Topics with fewer than k distinct
    authors in the window are counted, never shown.
    """
    from heard.listen.hotspots import AlertEngine, rank_hotspots, recent_alerts
    from heard.read.hotspots import (
        ALL_ALERTS,
        advice_text,
        detected_by,
        parse_window,
        quiet_advice,
    )
    from heard.read.issues import recent_issue_alerts
    from heard.store import open_store, store_exists

    settings = settings_from(config, db=db)
    zone = zone_named(settings.timezone)
    now = _parse_at(at)
    if not store_exists(settings.db):  # the scan writes: it made an empty database here
        raise InputError(
            f"no Heard database at {settings.db}",
            f"ingest something first (heard ingest FILE --db {settings.db}) or pass --db",
        )
    with open_store(settings.db, read_only=no_scan) as store:
        span = parse_window(store, window, now=now)
        if not no_scan:
            AlertEngine.from_settings(store, _sinks(settings, json_out), settings).scan()
        result = rank_hotspots(
            store, span, now=now, min_group_size=settings.min_group_size, limit=limit
        )
        every = limit if now is None else ALL_ALERTS  # as of --at: those detected by then
        result["alerts"] = detected_by(recent_alerts(store, limit=every), now)[:limit]
        result["issue_alerts"] = detected_by(
            recent_issue_alerts(store, settings.min_group_size, every), now
        )[:limit]
        if not result["hotspots"]:  # a quiet or historical board: say why, and what shows data
            result["quiet"] = quiet_advice(store, settings.min_group_size, span, now)
    if json_out:
        emit_json(result)
        return
    if not result["hotspots"]:
        ending = local_time(result["now"], zone) if result.get("now") else "the newest post"
        # "in the all before" read as a typo
        span_words = (
            "over the whole data" if window == "all" else f"in the {window} before {ending}"
        )
        console.print(
            f"no hot spot {span_words} "
            f"({count_of(result['hidden_below_k'], 'topic')} under {settings.min_group_size} "
            f"authors not shown): "
            f"{advice_text(result['quiet'], window, zone)}",
            soft_wrap=True,
        )
        return
    table = Table(title=f"hot spots · {window} ending {local_time(result['now'], zone)}")
    for name in (
        "#",
        "heat",
        "topic",
        "label",
        "posts",
        "authors",
        "growth −log10 p",
        "engagement",
        "negativity",
    ):
        table.add_column(name, justify="right" if name not in ("label",) else "left")
    for s in result["hotspots"]:
        h = s["heat"]
        table.add_row(
            str(s["rank"]),
            f"{h['index']:.1f}",
            str(s["topic_id"]),
            escape(s["label"] or "-"),
            str(h["volume"]),
            str(h["authors"]),
            f"{h['growth']:.1f}",
            str(h["engagement"]),
            f"{h['negativity']:.2f}",
        )
    results().print(table)
    console.print(  # pasted, the commands read this store, not heard.duckdb
        f"{result['hidden_below_k']} more under {settings.min_group_size} distinct authors (not "
        f"shown) · "
        f"{count_of(len(result['alerts']), 'topic alert')} stored"
        + on_this_store(
            (
                f" · {count_of(len(result['issue_alerts']), 'issue alert')} (heard issue ID)"
                if result["issue_alerts"]
                else ""
            )
            + " · details: heard hot --json · heard topic ID"
        ),
        markup=False,
        soft_wrap=True,
    )


@app.command()
def watch(
    path: Annotated[
        Optional[Path],
        typer.Argument(help="JSONL file to follow as it grows; '-' or nothing: stdin."),
    ] = None,
    once: Annotated[
        bool,
        typer.Option("--once", help="Stop at the end of the file instead of waiting for more."),
    ] = False,
    preset: Annotated[
        Optional[str], typer.Option(help="Field preset: 'social' (default) or 'teddycup'.")
    ] = "social",
    mapping: Annotated[
        Optional[list[str]], typer.Option("--map", help="Field mapping FIELD=COLUMN (repeatable).")
    ] = None,
    source: Annotated[
        Optional[str],
        typer.Option(help="Source name stored with each post (default: file name or 'stdin')."),
    ] = None,
    batch_size: Annotated[
        Optional[int],
        typer.Option(
            help="Posts per small batch (default: the watch_batch_size setting, 64).", min=1
        ),
    ] = None,
    max_wait: Annotated[
        float, typer.Option(help="Seconds a partial batch waits before it is processed.", min=0.01)
    ] = 1.0,
    refresh_every: Annotated[
        float,
        typer.Option(
            help="Seconds between refreshes of topic labels and the search index, each with a "
            "status line "
            "(only when new posts arrived; topics are consolidated on their own schedule and at "
            "the end).",
            min=0.0,
        ),
    ] = 120.0,
    db: Db = None,
    config: Config = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print each alert as one JSON line on stdout.")
    ] = False,
) -> None:
    """Follow a stream of JSONL posts, ingest them in small batches, print alerts as they fire.

    Reads stdin until it ends, or follows a growing file (like tail -f) until Ctrl-C or SIGTERM
    (the lines already read are stored first; a second Ctrl-C stops at once), or to its end with
    --once. Stored history is scanned first. Each alert also goes to the alert log and
    the configured webhooks, once per topic per burst episode. Each refresh also notifies
    departments of their cases (as heard notify does). Restarting on the same file resumes after
    the last committed line. A file rotated away (cut, or renamed and created again) is followed
    into the new file, as tail -F does. A PostgreSQL database that goes away (a restart, a
    failover) is waited for, up to 5 minutes, and the batch stored once it is back.
    """
    from heard.answer.notifications import notify_cases
    from heard.clock import utcnow
    from heard.connectors.base import file_key as key_of
    from heard.listen.hotspots import AlertEngine
    from heard.connectors.follow import NewFile, follow, follow_file, open_input
    from heard.pipeline.resume import resume_point_of
    from heard.listen.hotspots.watch import watch as run_watch
    from heard.pipeline.assemble import open_run
    from heard.pipeline.reconnect import patiently
    from heard.pipeline.runner import IngestSummary, finish_run

    settings = settings_from(config, db=db, watch_batch_size=batch_size)
    if settings.smtp_user:  # a missing SMTP password stops the watch now, not at a refresh
        settings.smtp_password()
    if path is not None and str(path) != "-" and not path.exists():
        raise InputError(
            f"{path} does not exist", "give the JSONL file to follow, or '-' for stdin"
        )
    if path is not None and str(path) != "-":
        from heard.connectors.detect import SUFFIXES

        kind = SUFFIXES.get(path.suffix.lower(), "jsonl")
        if kind != "jsonl":  # each line would be quarantined as malformed JSON
            raise InputError(
                f"heard watch follows JSON Lines (one post per line); {path} is a {kind} file",
                f"ingest it with heard ingest {path} (run it again as the file grows: it resumes "
                "where it stopped), or write the stream as JSONL",
            )
    if path is not None and str(path) != "-":
        from heard.connectors.jsonl import check_encoding

        check_encoding(path)  # a GBK file: one iconv, not a quarantine entry per line
    fh, file = open_input(path)
    stdin = file == "<stdin>"
    name = source or ("stdin" if stdin else Path(file).stem)
    with open_run(
        settings, preset=preset, mapping=mapping, loading=lambda: console.status("loading models…")
    ) as run:
        store = run.store
        summary = IngestSummary(run_id="watch")
        fkey = None if stdin else f"{name}|{key_of(Path(file))}"

        def wait_for_db(message: str) -> None:  # the database went away: the batch waits
            console.print(f"[yellow]{escape(message)}[/]", soft_wrap=True)

        def patient(ingest: Callable[..., tuple[int, int]]) -> Callable[..., tuple[int, int]]:
            """A batch is one transaction with its checkpoint: safe to store again once the
            database is back (a PostgreSQL restart stopped the watch). Its figures are the run's
            growth over every try: a try that stored the batch and then lost the link counted
            it, and the next finds its rows stored."""

            def run(*a: Any, **kw: Any) -> tuple[int, int]:
                stored, quarantined = summary.stored, summary.quarantined
                patiently(lambda: ingest(*a, **kw), on_wait=wait_for_db)
                return summary.stored - stored, summary.quarantined - quarantined

            return run

        ingest_batch = patient(run.small_batches(summary, source=name, file_key=fkey, file=file))
        start_after = resume_point_of(store, fkey, Path(file)) if fkey else 0
        if start_after < 0:  # the file was rotated since: a new file under the same name
            console.print(
                f"{escape(file)} is not the file the last watch read to line {-start_after:,} "
                "(rotated or rewritten since): reading it from its first line; stored posts are "
                "not stored twice"
            )
            start_after = 0

        def on_new_file(event: NewFile) -> Callable[..., tuple[int, int]]:
            console.print(
                f"{escape(file)} was {event.reason} (log rotation?): reading the new file from "
                "its first line"
            )
            key = f"{name}|{key_of(Path(file))}"
            return patient(run.small_batches(summary, source=name, file_key=key, file=file))

        def on_alert(alert: dict[str, Any]) -> None:
            if json_out:
                print(json.dumps(alert, ensure_ascii=False, default=str), flush=True)

        engine = AlertEngine.from_settings(store, _sinks(settings, json_out), settings)
        from heard.store.backends import shown

        console.print(
            f"watching {escape(str(file))} → {escape(shown(settings.db))} (alerts also to "
            f"{escape(str(settings.alert_log))}"
            f"{', ' + str(len(settings.webhooks)) + ' webhooks' if settings.webhooks else ''}); "
            f"Ctrl-C stops"
        )
        stop = threading.Event()
        if stdin:
            lines: Iterator[Any] = follow(fh, start_after=start_after, stop=stop)
        else:
            fh.close()  # followed by path: a rotated file is followed by the new one
            lines = follow_file(
                Path(file), start_after=start_after, keep_following=not once, stop=stop
            )

        issue_alerts: list[dict[str, Any]] = []

        def finish(final: bool) -> None:
            with run.exclusive():  # on PostgreSQL, other processes' topic writes wait
                finish_run(store, run.pipeline, summary, final=final)

        def refresh(final: bool) -> None:
            patiently(lambda: finish(final), on_wait=wait_for_db)
            # the reads and sends after it wait for the database too (a restart between them
            # stopped the watch); each is one transaction, safe to run again
            for alert in patiently(engine.issue_alerts, on_wait=wait_for_db):
                issue_alerts.append(alert)  # issues found at this refresh that burst
                on_alert(alert)
            notes = patiently(  # departments told of their cases
                lambda: notify_cases(store, settings, utcnow()), on_wait=wait_for_db
            )
            if notes["sent"]:
                waiting = sum(1 for n in notes["sent"] if not n["done"])
                console.print(
                    f"{count_of(len(notes['sent']), 'case notification')} sent or retried"
                    + (f", {waiting:,} waiting for a retry" if waiting else "")
                )
            if not final:  # a live stream: say it is alive between alerts
                console.print(
                    f"[dim]{clock_time(zone_named(settings.timezone))} "
                    f"{count_of(summary.stored, 'new post')}, "
                    f"{summary.quarantined:,} quarantined so far; topic labels refreshed[/]"
                )

        def request_stop(signum: int, frame: Any) -> None:
            if stop.is_set() and signum == signal.SIGINT:  # a second Ctrl-C: stop at once
                raise KeyboardInterrupt
            stop.set()

        previous = {
            sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            result = run_watch(
                lines,
                file,
                ingest_batch=ingest_batch,
                on_new_file=on_new_file,
                engine=engine,
                on_alert=on_alert,
                refresh=refresh,
                batch_size=settings.watch_batch_size,
                max_wait=max_wait,
                refresh_every=refresh_every,
                stop=stop,
                patient=lambda read: patiently(read, on_wait=wait_for_db),
            )
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    console.print(
        f"stopped ({result.stopped_by}): {count_of(result.rows, 'row')}, "
        f"{count_of(result.stored, 'new post')}, {result.quarantined:,} quarantined, "
        f"{count_of(len(result.alerts) + len(issue_alerts), 'alert')}"
    )


def clock_time(zone: Any) -> str:
    """The wall-clock time where Heard is deployed, its offset marked ("20:44:01 +08:00"), as
    every other time the CLI shows (the machine's own zone, often UTC on a server, was shown
    unmarked)."""
    here = datetime.now(zone)
    return f"{here.strftime('%H:%M:%S')} {offset_mark(here)}"


@app.command()
def report(
    out: Annotated[Path, typer.Option("--out", help="Folder to write index.html into (created).")],
    window: Annotated[
        str, typer.Option(help="Hot-spot window: 24h, 7d, 30d, 90d, 1y or all (the whole data).")
    ] = "7d",
    at: At = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of the brief: en or zh.")] = "en",
    db: Db = None,
    config: Config = None,
    json_out: Json = False,
) -> None:
    """Write a self-contained HTML brief: hot spots with charts, alerts, top topics, sentiment.

    Opens offline (plotly.js is inside the file); post texts are escaped and personal data masked.
    With --at every section is as of that moment: posts counted, issues and topics (their
    messages by then), hot spots, alerts detected by then, the sentiment chart.
    """
    from heard.read.hotspots import parse_window
    from heard.report import write_report
    from heard.store import open_store

    settings = settings_from(config, db=db)
    with open_store(settings.db, read_only=True) as store:
        now = _parse_at(at)
        span = parse_window(store, window, now=now)
        path = write_report(
            store,
            out,
            window=span,
            window_text=window,
            now=now,
            min_group_size=settings.min_group_size,
            timezone=settings.timezone,
            lang=lang,
        )
    if json_out:
        emit_json({"file": str(path), "bytes": path.stat().st_size, "lang": lang, "window": window})
        return
    console.print(
        f"[bold green]wrote[/] {path} ({path.stat().st_size / 1e6:.1f} MB, opens offline)"
    )
    typer.echo(str(path))
