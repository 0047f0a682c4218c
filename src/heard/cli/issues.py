"""``heard issues`` and ``heard issue ID``: one problem at one place (or of one group)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table

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
from heard.clock import local_time, zone_label, zone_named

Db = Annotated[Optional[str], typer.Option("--db", help=DB_HELP)]
Config = Annotated[Optional[Path], typer.Option("--config", help=CONFIG_HELP)]
Json = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]


@app.command()
def issues(
    window: Annotated[
        str,
        typer.Option(
            "--window",
            help="Only issues with a message in this span before the newest post: 7d, 30d, 90d, "
            "1y, or all (the default: a historical board keeps its issues).",
        ),
    ] = "all",
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="How many.")] = 20,
    query: Annotated[
        Optional[str],
        typer.Option(
            "--query", "-q", help="Only issues whose place or problem contains this."
        ),  # fmt: skip
    ] = None,
    db: Db = None,
    config: Config = None,
    json_out: Json = False,
) -> None:
    """Issues, hottest first: each is one problem at one place or of one group (丽发新城 ·
    搅拌站 noise), with its messages (near copies counted once), distinct authors, time range,
    heat and whether it is bursting now. Issues with fewer than k distinct authors are not shown.
    """
    from heard.read.common import jsonable
    from heard.read.issues import list_issues
    from heard.store import open_store

    settings = settings_from(config, db=db)
    with open_store(settings.db, read_only=True) as store:
        result = list_issues(store, settings.min_group_size, window=window, limit=limit, q=query)
    shown = f"{len(result['issues'])} shown" + (
        f"; more match (raise --limit, now {limit})" if result.get("more") else ""
    )
    if json_out:
        emit_json(jsonable(result))
        if result.get("more"):
            console.print(shown)
        return
    zone = zone_named(settings.timezone)
    table = Table(title=f"Issues (days in {zone_label(zone)})")
    for name, kw in (
        ("id", {"justify": "right"}),
        ("place / group", {}),
        ("problem", {}),
        ("heat", {"justify": "right"}),
        ("messages", {"justify": "right"}),
        ("authors", {"justify": "right"}),
        ("first → last", {"no_wrap": True}),
        ("department", {}),
        ("now", {}),
    ):
        table.add_column(name, **kw)
    for i in result["issues"]:
        span = (
            f"{local_time(i['first_seen'], zone, minutes=False)} → "
            f"{local_time(i['last_seen'], zone, minutes=False)}"
        )
        count = f"{i['distinct_messages']:,}" + (
            f" (+{count_of(i['messages'] - i['distinct_messages'], 'copy', 'copies')})"
            if i["messages"] > i["distinct_messages"]
            else ""
        )
        table.add_row(
            str(i["issue_id"]),
            escape(i["place"]),
            escape(i["problem"] or i["title"] or ""),
            f"{i['heat']:.1f}",
            count,
            f"{i['authors']:,}",
            span,
            (i.get("department") or {}).get("code", ""),
            "bursting" if i["bursting"] else "",
        )
    results().print(table)
    console.print(
        f"{shown} · {result['hidden_below_k']} hidden (fewer than "
        f"{result['k']} authors) · window {result['window']}"
        + (f" · {result['note']}" if result.get("note") else "")
    )


@app.command()
def issue(
    issue_id: Annotated[int, typer.Argument(help="Issue id, as listed by 'heard issues'.")],
    messages: Annotated[
        int,
        typer.Option(
            "--messages", min=0, max=500, help="How many of its messages to show (newest first)."
        ),
    ] = 10,  # fmt: skip
    db: Db = None,
    config: Config = None,
    json_out: Json = False,
) -> None:
    """One issue: place, problem, representative title, heat and its components, burst test,
    and its messages (redacted; near copies marked)."""
    from heard.read.common import jsonable
    from heard.read.issues import issue_detail
    from heard.store import open_store

    settings = settings_from(config, db=db)
    with open_store(settings.db, read_only=True) as store:
        detail = issue_detail(store, issue_id, settings.min_group_size, messages=messages)
    if json_out:
        emit_json(jsonable(detail))
        return
    zone = zone_named(settings.timezone)
    out = results()
    out.print(f"[bold]Issue {detail['issue_id']}[/] · {escape(detail['place'])} · "
              f"{escape(detail['problem'])}")  # fmt: skip
    out.print(f"  {escape(detail['title'] or '')}")
    out.print(
        f"  {detail['distinct_messages']:,} messages ({detail['messages']:,} with copies) from "
        f"{detail['authors']:,} authors · {local_time(detail['first_seen'], zone)} → "
        f"{local_time(detail['last_seen'], zone)}"
    )
    components = detail["heat_components"].get("components", {})
    parts = " · ".join(f"{k} {v:.2f}" for k, v in components.items())
    out.print(f"  heat {detail['heat']:.1f} ({parts})")
    state = "bursting now" if detail["bursting"] else "not bursting"
    out.print(f"  {state} (last 7 days vs its history: p = {detail['burst_p']:.3g})")
    if detail.get("topic_id") is not None:
        topic = detail["topic_id"]
        hint = on_this_store(f"(heard topic {topic})")
        out.print(f"  topic {topic} {hint}", markup=False, soft_wrap=True)
    owner = detail.get("department")
    if owner:
        out.print(
            f"  department {owner['code']}: {owner['messages_with_it']} of the "
            f"{owner['messages_with_a_case']} messages with a case are with it"
        )
    handed = detail.get("case")
    if handed:
        out.print(
            f"  case {handed['case_id']} · {handed['department']} · {handed['status']} "
            + on_this_store(f"(heard case {handed['case_id']})"),
            markup=False,
            soft_wrap=True,
        )
    else:
        issue = detail["issue_id"]
        out.print(
            on_this_store(f"  no case yet (hand it over: heard case open --issue {issue})"),
            markup=False,
            soft_wrap=True,
        )
    for a in detail.get("alerts", []):
        out.print(f"  [red]alert[/] {local_time(a['detected_at'], zone)}: {escape(a['message'])}")
    for p in detail["posts"]:
        copy = f"  [dim](copy of {p['duplicate_of']})[/]" if p.get("duplicate_of") else ""
        title = f"{p['title']} — " if p.get("title") else ""
        out.print(
            f"- {escape(p['id'])} {local_time(p['created_at'], zone)}{copy}\n"
            f"  {escape(title + p['text'][:200])}"
        )
