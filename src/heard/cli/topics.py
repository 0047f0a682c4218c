"""Topic commands: the list of topics people raise, and one topic in detail."""

from __future__ import annotations

import shlex
from datetime import tzinfo
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from heard.clock import local_time, zone_label, zone_named
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

Db = Annotated[Optional[str], typer.Option("--db", help=DB_HELP)]
Config = Annotated[Optional[Path], typer.Option("--config", help=CONFIG_HELP)]
Json = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]


def _fmt_day(value: Any, zone: tzinfo | None = None) -> str:
    """The local day (the deployment's time zone) of a stored UTC time."""
    if value is None:
        return "-"
    return local_time(value, zone, minutes=False) if zone else value.strftime("%Y-%m-%d")


def _fmt_mean(value: float | None) -> str:
    """A sentiment mean as +0.12 / -0.40; one that rounds to zero is 0.00, never -0.00."""
    if value is None:
        return "-"
    rounded = round(value, 2)
    return "0.00" if rounded == 0 else f"{rounded:+.2f}"


def _fmt_trend(value: float | None) -> str:
    if value is None:
        return "-"
    return "↑" if value > 0.01 else "↓" if value < -0.01 else "→"


MOSTLY_UNASSIGNED = 0.5
"""A rebuild that leaves more than this share of posts outside every topic says so, and why."""


def unassigned_warning(summary: dict[str, Any], center: bool) -> str | None:
    """Why most posts fit no topic after a rebuild, and what to do (None when most do fit)."""
    from heard.read.topics import ONE_DOMAIN_MEAN

    posts, left = summary["posts"], summary["unassigned"]
    if not posts or left / posts <= MOSTLY_UNASSIGNED:
        return None
    share = f"{left:,} of {posts:,} posts ({left / posts:.0%}) fit no topic"
    length = summary.get("mean_length")
    if center and length is not None and length < ONE_DOMAIN_MEAN:
        return (
            f"{share}: --center subtracted the posts' common direction, but these posts do not "
            f"lean "
            f"one way (their mean embedding is {length:.2f} long, under the {ONE_DOMAIN_MEAN} "
            f"where "
            "centring helps), so most end too far from any topic to join one. Rebuild without it: "
            "heard topics --rebuild"
        )
    return (
        f"{share}: a topic forms only where enough posts are close together, and these are spread "
        "thin. Ingest more posts, or look at them with: heard posts --query WORD"
    )


@app.command()
def topics(
    since: Annotated[
        Optional[str],
        typer.Option(
            help="Only topics seen since a date (2020-01-31) or a span before the newest post "
            "(24h, 7d, 2w)."
        ),
    ] = None,
    min_size: Annotated[
        int, typer.Option(help="Only topics with at least this many posts.", min=1)
    ] = 1,
    limit: Annotated[
        int, typer.Option(help="Show at most this many topics (0: all).", min=0, max=100_000)
    ] = 50,
    cursor: Annotated[
        Optional[str],
        typer.Option(
            help="The next page: the next_cursor a page before gave (--json), unchanged. Each "
            "page holds the biggest topics the walk has not shown yet, so a topic that grows "
            "between pages comes once, and one that still exists after a merge between pages "
            "is never skipped (it may, rarely, come twice). A cursor this version cannot "
            "read (from an older Heard) says to start again from the first page.",
        ),
    ] = None,
    rebuild: Annotated[
        bool,
        typer.Option("--rebuild", help="Recompute all topics from the stored embeddings first."),
    ] = False,
    seed: Annotated[
        int, typer.Option(help="Seed for --rebuild (same data + seed → same topics).")
    ] = 0,
    center: Annotated[
        bool,
        typer.Option(
            "--center",
            help="With --rebuild: subtract the corpus's common direction first (finer topics on "
            "single-domain data such as a city message board).",
        ),
    ] = False,
    undo_merge: Annotated[
        Optional[int],
        typer.Option(
            "--undo-merge",
            metavar="EVENT",
            help="Undo a merge: its absorbed topic gets its id and posts back (event numbers: "
            "heard topic ID).",
        ),
    ] = None,
    db: Db = None,
    config: Config = None,
    json_out: Json = False,
) -> None:
    """What people raise: topics found as posts arrive, biggest first.

    Topics written by fewer than k distinct authors (min_group_size, RIGHTS.md §4) are not shown;
    their number is. Posts that fit no topic yet are counted as unassigned, never lumped together.
    """
    from heard.listen.analysis.clustering import ClusterParams
    from heard.store import open_store
    from heard.listen.topics import rebuild_topics
    from heard.read.topics import list_topics, parse_since

    settings = settings_from(config, db=db)
    if undo_merge is not None:
        from heard.listen.topics.undo import undo_merge as undo

        with open_store(settings.db) as store:
            done = undo(store, undo_merge)
        console.print(
            f"merge {done['event']} undone: topic {done['restored']} is back with "
            f"{count_of(done['posts'], 'post')} (taken from topic {done['from']})"
        )
    if rebuild:
        from heard.pipeline.memory import fix_mmap_threshold

        fix_mmap_threshold()  # a rebuild's large temporaries go back to the system when freed
        with (
            open_store(settings.db) as store,
            Progress(
                SpinnerColumn(),
                TextColumn("[bold]rebuilding topics"),
                BarColumn(bar_width=None),
                TextColumn("{task.completed:,} posts"),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            ) as bar,
        ):
            task = bar.add_task("rebuild", total=None)
            summary = rebuild_topics(
                store,
                seed=seed,
                params=ClusterParams(center=center),
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
        console.print(
            f"rebuilt {summary['topics']} topics from {summary['posts']:,} posts "
            f"({summary['unassigned']:,} not in any topic yet)"
        )
        warning = unassigned_warning(summary, center)
        if warning:
            console.print(f"[yellow]warning:[/] {escape(on_this_store(warning))}", soft_wrap=True)
    with open_store(settings.db, read_only=True) as store:
        result = list_topics(
            store,
            settings.min_group_size,
            since=parse_since(since, store),
            min_size=min_size,
            limit=limit or None,
            cursor=cursor,
        )
    if json_out:
        emit_json(result)
        return
    zone = zone_named(settings.timezone)
    table = Table(title=f"Topics (days in {zone_label(zone)})", show_lines=False)
    for name, kw in (
        ("id", {"justify": "right"}),
        ("label", {}),
        ("posts", {"justify": "right"}),
        ("authors", {"justify": "right"}),
        ("first", {"no_wrap": True}),
        ("last", {"no_wrap": True}),
        ("sentiment", {"justify": "right"}),
        ("trend", {}),
        ("places", {}),
    ):
        table.add_column(name, **kw)
    for t in result["topics"]:
        mean = t["sentiment_mean"]
        table.add_row(
            str(t["topic_id"]),
            escape(t["label"] or ""),
            f"{t['size']:,}",
            f"{t['n_authors']:,}",
            _fmt_day(t["first_seen"], zone),
            _fmt_day(t["last_seen"], zone),
            _fmt_mean(mean),
            _fmt_trend(t["sentiment_trend"]),
            escape(", ".join(p for p, _ in t["places"][:3])),
        )
    results().print(table)
    kept = [  # "0 shown" after a filter must not read as "no topics"
        *([f"with {min_size:,} posts or more"] if min_size > 1 else []),
        *([f"seen since {since}"] if since else []),
    ]
    filters = f" (topics {', '.join(kept)})" if kept else ""
    console.print(
        f"{len(result['topics'])} shown{filters} · {result['hidden_below_k']} hidden (fewer than "
        f"{result['k']} authors) · {count_of(result['unassigned_posts'], 'post')} "
        "not in any topic yet"
        + (
            f" · {result['provisional_posts']:,} more shown in their nearest topic provisionally"
            " (not counted in its posts or authors)"
            if result.get("provisional_posts")
            else ""
        )
    )
    if result["next_cursor"]:
        console.print(
            on_this_store(
                f"more topics: heard topics --limit {limit} --cursor {result['next_cursor']}"
                + (f" --since {shlex.quote(since)}" if since else "")
                + (f" --min-size {min_size}" if min_size > 1 else "")
            ),
            soft_wrap=True,
            markup=False,
        )


@app.command()
def topic(
    topic_id: Annotated[int, typer.Argument(help="Topic id, as listed by 'heard topics'.")],
    db: Db = None,
    config: Config = None,
    json_out: Json = False,
) -> None:
    """One topic: keywords, time series, languages, places and organisations, representative posts,
    history."""
    from heard.store import open_store
    from heard.read.topics import topic_detail
    from heard.listen.topics.represent import N_ENTITY_POSTS

    settings = settings_from(config, db=db)
    zone = zone_named(settings.timezone)
    with open_store(settings.db, read_only=True) as store:
        detail = topic_detail(store, topic_id, settings.min_group_size, zone)
    if json_out:
        emit_json(detail)
        return
    out = results()
    out.print(f"[bold]Topic {detail['topic_id']}[/]: {escape(detail['label'] or '')}")
    mean = detail["sentiment_mean"]
    out.print(
        f"{detail['size']:,} posts by {detail['n_authors']:,} authors, "
        f"{local_time(detail['first_seen'], zone)} → {local_time(detail['last_seen'], zone)}; "
        f"sentiment "
        f"{_fmt_mean(mean)} {_fmt_trend(detail['sentiment_trend'])}"
    )
    if detail.get("provisional"):
        out.print(
            f"also shown with it: {count_of(detail['provisional'], 'loosely related post')} "
            "(end-of-run attach, not counted in its posts, authors or heat)"
        )
    out.print("keywords: " + escape(", ".join(k["term"] for k in detail["keywords"])))
    if detail["places"]:
        places = ", ".join(f"{p} ({n})" for p, n in detail["places"])
        out.print(
            f"places (mentions in its {N_ENTITY_POSTS} most central posts): " + escape(places)
        )
    if detail["orgs"]:
        out.print(
            "organisations (same posts): "
            + escape(", ".join(f"{o} ({n})" for o, n in detail["orgs"]))
        )
    series = detail["series"]  # local hours, days or weeks, as the topics table (read.days)
    if series["points"]:
        peak = min(series["points"], key=lambda p: (-p["posts"], p["t"]))
        n, when, units = peak["posts"], local_time(peak["t"], zone), len(series["points"])
        if series["unit"] in ("day", "week"):
            when = f"{local_time(peak['t'], zone, minutes=False)} ({zone_label(zone)})"
            if series["unit"] == "week":
                when = f"the week of {when}"
        out.print(
            f"posts per {series['unit']}: {units} {series['unit']}s with posts, peak {n} on {when}"
        )
    if detail.get("languages"):
        out.print(
            "languages: " + ", ".join(f"{lang} ({n})" for lang, n in detail["languages"].items())
        )
    if detail.get("intents"):
        out.print(
            "intents: " + ", ".join(f"{label} ({n})" for label, n in detail["intents"].items())
        )
    out.print("[bold]representative posts[/]")
    for p in detail["representative_posts"]:
        text = (p["title"] + " — " if p["title"] else "") + p["text"]
        msg = f"  #{escape(str(p['external_id']))}" if p.get("external_id") else ""
        out.print(f"  {local_time(p['created_at'], zone)}{msg}  {escape(text[:160])}")
    if detail["history"]:
        out.print("[bold]history[/]")
        for e in detail["history"]:
            other = f" → {e['other_id']}" if e["other_id"] is not None else ""
            if e["kind"] == "unmerged":
                other = f" (out of {e['other_id']}, undoing #{e['detail'].get('event')})"
            note = " (across languages)" if e["detail"].get("language_neutral") else ""
            if e["kind"] == "moved":
                note = f" ({count_of(e['detail'].get('posts', 0), 'post')}, by neighbour vote)"
            if e["kind"] == "merged" and "mixing" in e["detail"]:
                similarity, mixing = e["detail"].get("similarity"), e["detail"]["mixing"]
                note += f" (centroids {similarity}, members mixed {mixing})"
            event_no = f"#{e['event_id']} " if e.get("event_id") is not None else ""
            out.print(
                f"  {local_time(e['at'], zone)}  {event_no}{e['kind']} {e['topic_id']}{other}{note}"
            )
