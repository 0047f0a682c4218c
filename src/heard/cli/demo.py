"""The demo: the main job end to end on the bundled bilingual corpus, with what to look at next.

1. ingest the corpus through the standard pipeline (normalise → langid → tokens → embed →
   sentiment → topics) into a DuckDB file;
2. list the biggest topics;
3. scan for bursts (alerts go to the terminal and the alert log) and rank hot spots over the
   corpus's last week;
4. write the self-contained HTML brief, and create the demo login for the dashboard.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from heard.cli.app import count_of
from heard.clock import local_time, zone_named
from heard.errors import InputError
from heard.read.redact import public_accounts
from heard.settings import Settings
from heard.store.backends import shown

console = Console(stderr=True)

DEMO_WINDOW = timedelta(days=7)
"""Hot spots are ranked over the corpus's last week (it spans two weeks)."""
INCIDENT = re.compile(
    r"长乐路.*(爆|水管|喷|停水)|Changle Road.*(water|main|burst|flood)", re.IGNORECASE
)
"""Posts that plainly tell of the corpus's planted incident (the water-main burst on 2026-11-05);
tests and benches check where they end up."""
PUBLIC_ACCOUNTS = (
    "澜河发布",
    "澜河水务",
    "澜河公交",
    "青石区城管",
    "新港区城管",
    "澜河记者站",
    "LanheLocalNews",
)
"""The demo city's government, utility, transport and city-management accounts and its local
newsrooms: their @handles are shown as written (RIGHTS.md §4); people's become @[user]."""


def run_demo(settings: Settings, corpus: Path, out: Path) -> dict:
    """Run the demo; return what it did (``heard demo --json`` prints it)."""
    from heard.read import stats as queries
    from heard.auth import ensure_demo_user
    from heard.listen.hotspots import (
        AlertEngine,
        ConsoleSink,
        JsonlSink,
        rank_hotspots,
        recent_alerts,
    )
    from heard.pipeline.assemble import open_run
    from heard.report import write_report
    from heard.read.topics import list_topics

    if not corpus.exists():
        raise InputError(
            f"the demo corpus is missing at {corpus}", "run make demo from a full clone of Heard"
        )
    db = shown(settings.db)
    zone = zone_named(settings.timezone)
    with (
        public_accounts([*settings.public_accounts, *PUBLIC_ACCOUNTS]),
        open_run(
            settings, preset="social", loading=lambda: console.status("loading models…")
        ) as run,
    ):
        store = run.store
        console.print(f"[bold]1/4 ingest[/] {escape(corpus.name)} → {escape(str(db))}")
        summary = run.ingest_files([corpus], source="demo")
        data = queries.stats(store)

        def counts(of: dict[str, int]) -> str:
            return ", ".join(f"{k} {v:,}" for k, v in of.items())

        # a second run reads no row ("0 new posts stored (0 were there already)" read as if
        # the corpus were missing): it says that the file was ingested before
        stored = (
            "already ingested by an earlier run: nothing new to store"
            if summary.resumed_after and not summary.rows_read
            else f"{count_of(summary.stored, 'new post')} stored ({summary.already_stored:,} "
            f"were there already) in {summary.seconds:.1f}s"
        )
        console.print(
            f"    {stored} · {data['posts']:,} posts in all · "
            f"languages {counts(data['by_language'])} · "
            f"sentiment {counts(data['sentiment']['labels'])}"
        )

        console.print(
            "[bold]2/4 topics[/] (biggest first; only topics with ≥ "
            f"{settings.min_group_size} distinct authors are shown)"
        )
        topics = list_topics(store, settings.min_group_size, limit=6)
        for t in topics["topics"]:
            console.print(
                f"    #{t['topic_id']:<3} {t['size']:>4} posts  {escape(t['label'] or '')}"
            )

        console.print(
            "[bold]3/4 hot spots and alerts[/] "
            f"(alerts also go to {escape(str(settings.alert_log))})"
        )
        fired = AlertEngine.from_settings(
            store, [ConsoleSink(console), JsonlSink(settings.alert_log)], settings
        ).scan()
        if not fired:  # a second demo run on the same file: the alert went out the first time
            for alert in recent_alerts(store, limit=3):
                ev = alert["evidence"]
                console.print(
                    f"    alert already fired by an earlier run: topic #{alert['topic_id']} "
                    f"{escape(alert.get('label') or '')} at "
                    f"{local_time(alert['detected_at'], zone)} "
                    f"({ev['count']} posts from {ev['authors']} authors)"
                )
        hot = rank_hotspots(store, DEMO_WINDOW, min_group_size=settings.min_group_size, limit=3)
        for spot in hot["hotspots"]:
            heat = spot["heat"]
            console.print(
                f"    {spot['rank']}. heat {heat['index']:.1f}  topic #{spot['topic_id']} "
                f"{escape(spot['label'] or '')}  ({heat['volume']} posts, {heat['authors']} "
                f"authors)"
            )

        console.print("[bold]4/4 brief[/]")
        report = write_report(
            store,
            out,
            window=DEMO_WINDOW,
            min_group_size=settings.min_group_size,
            timezone=settings.timezone,
        )
        ensure_demo_user(store)
    console.print(f"    {escape(str(report))}")
    result = {
        "db": str(db),
        "brief": str(report),
        "stored": summary.stored,
        "already_stored": summary.already_stored,
        "posts": data["posts"],
        "languages": data["by_language"],
        "sentiment": data["sentiment"]["labels"],
        "topics": [
            {"topic_id": t["topic_id"], "size": t["size"], "label": t["label"]}
            for t in topics["topics"]
        ],
        "alerts_fired": len(fired),
        "hotspots": [
            {
                "rank": s["rank"],
                "topic_id": s["topic_id"],
                "label": s["label"],
                "heat": s["heat"]["index"],
            }
            for s in hot["hotspots"]
        ],
        "login": {"username": "demo", "password": "heard-demo"},
    }
    console.print(
        "\n[bold green]Done.[/] Look at:\n"
        f"  • the brief (opens offline):  {report}\n"
        f"  • the dashboard:              .venv/bin/heard serve --db {db}   → "
        f"http://127.0.0.1:8000  "
        "(login demo / heard-demo)\n"
        f"  • the command line:           .venv/bin/heard topics --db {db} · .venv/bin/heard hot "
        f"--db {db} --window 7d"
        f" · .venv/bin/heard posts --db {db} --query 停水"
    )
    return result
