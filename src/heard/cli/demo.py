"""The demo: the main job end to end on the bundled bilingual corpus, with what to look at next.

1. ingest the corpus through the standard pipeline (normalise → langid → tokens → embed →
   sentiment → topics → issues → harm flags → cases) into a DuckDB file;
2. list the biggest topics;
3. scan for bursts (alerts go to the terminal and the alert log) and rank hot spots over the
   corpus's last week;
4. answer: each post was routed to the department that must answer it (the seven departments of
   the ``teddycup`` preset unless heard.toml names others; unsure routes wait in triage);
5. protect: a few more posts arrive (``later.jsonl``); what the detectors flag waits for a
   person, except spam and scams that two detectors agree on (RIGHTS.md §5);
6. write the self-contained HTML brief, and create the demo login for the dashboard.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape

from heard.answer.cases import TRIAGE
from heard.cli.hints import on_this_store
from heard.cli.app import count_of
from heard.clock import local_time, zone_named
from heard.errors import InputError
from heard.read.redact import public_accounts
from heard.settings import Settings
from heard.store.backends import shown

console = Console(stderr=True)

LATER = "later.jsonl"
"""Posts that arrive after the corpus (beside it): scams, spam, a threat, a doxxing post, and the
criticism, satire, protest and whistleblowing that must never be flagged."""
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
    settings = with_cases(settings)
    later = corpus.parent / LATER
    db = shown(settings.db)
    zone = zone_named(settings.timezone)
    with (
        public_accounts([*settings.public_accounts, *PUBLIC_ACCOUNTS]),
        open_run(
            settings, preset="social", loading=lambda: console.status("loading models…")
        ) as run,
    ):
        store = run.store
        console.print(f"[bold]1/6 ingest[/] {escape(corpus.name)} → {escape(str(db))}")
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
            "[bold]2/6 topics[/] (biggest first; only topics with ≥ "
            f"{settings.min_group_size} distinct authors are shown)"
        )
        topics = list_topics(store, settings.min_group_size, limit=6)
        for t in topics["topics"]:
            console.print(
                f"    #{t['topic_id']:<3} {t['size']:>4} posts  {escape(t['label'] or '')}"
            )

        console.print(
            "[bold]3/6 hot spots and alerts[/] "
            f"(alerts also go to {escape(str(settings.alert_log))})"
        )
        alerts = AlertEngine.from_settings(
            store, [ConsoleSink(console), JsonlSink(settings.alert_log)], settings
        )
        fired = alerts.scan()
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

        departments = show_cases(store, settings)
        protect = show_protect(run, store, later)
        fired += alerts.scan()  # what the posts that arrived set off
        console.print("[bold]6/6 brief[/]")
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
        "departments": departments,
        "protect": protect,
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
    console.print(  # the store the demo wrote, named as a shell reads it (a path with spaces)
        "\n[bold green]Done.[/] Look at:\n"
        f"  • the brief (opens offline):  {escape(str(report))}\n"
        "  • the dashboard:              "
        + escape(on_this_store(".venv/bin/heard serve", db=str(settings.db)))
        + "   → http://127.0.0.1:8000  (login demo / heard-demo)\n"
        "  • the command line:           "
        + escape(
            on_this_store(
                ".venv/bin/heard topics · .venv/bin/heard hot --window 7d · .venv/bin/heard "
                "posts --query 停水 · .venv/bin/heard cases · .venv/bin/heard review",
                db=str(settings.db),
            )
        )
    )
    return result


def with_cases(settings: Settings) -> Settings:
    """The demo's settings: every post opens a case (``answer_cases``), routed over the
    ``teddycup`` preset's seven city departments unless heard.toml names departments."""
    update: dict[str, object] = {"answer_cases": True}
    if not settings.departments and settings.department_preset is None:
        update["department_preset"] = "teddycup"
    return settings.model_copy(update=update)


def show_cases(store: Any, settings: Settings) -> list[dict[str, Any]]:
    """Step 4: the cases per department, triage last; returns them for ``--json``."""
    from heard.answer.operator import configured_departments
    from heard.read.cases import list_departments

    console.print(
        "[bold]4/6 answer[/] (each post routed to the department that must answer it; "
        "an unsure route waits in triage for a person)"
    )
    rows = [
        {"code": d["code"], "name": d["name_zh"] or d["name_en"], "cases": d["cases"]}
        for d in list_departments(store, configured_departments(settings, store))
        if d["cases"]
    ]
    for d in sorted(rows, key=lambda d: (d["code"] == TRIAGE, -d["cases"])):
        console.print(f"    {d['cases']:>4} cases  {escape(d['name'])}")
    return rows


def show_protect(run: Any, store: Any, later: Path) -> dict[str, Any]:
    """Step 5: ``later`` arrives; its flags, and what was decided automatically."""
    from heard.read.protect import list_flags, transparency

    if not later.exists():
        console.print(f"[bold]5/6 protect[/] skipped: {escape(later.name)} is missing")
        return {"posts": 0, "flags": []}
    summary = run.ingest_files([later], source="demo")
    arrived = summary.stored + summary.already_stored
    console.print(
        f"[bold]5/6 protect[/] {count_of(arrived, 'more post')} arrive ({escape(later.name)}); "
        "a flag waits for a person unless two detectors agree on spam or a scam"
    )
    ids = [f"demo:{i}" for i in _ids(later)]
    arrived_ids = set(ids)
    flags = [f for f in list_flags(store, limit=1000)["flags"] if f["post_id"] in arrived_ids]
    for post_id in ids:
        mine = [f for f in flags if f["post_id"] == post_id]
        if not mine:
            continue
        labels = " · ".join(f"{f['label']} {f['score']:.2f}" for f in mine)
        state = (
            "actioned automatically"
            if any(f["status"] != "pending" for f in mine)
            else "waits for a moderator"
        )
        text = " ".join((mine[0]["post_text"] or "").split())
        console.print(f"    {escape(labels)} — {state}\n      {escape(_clip(text, 70))}")
    automated = transparency(store)["decisions"]["by_automation"]
    unflagged = len(ids) - len({f["post_id"] for f in flags})
    console.print(
        f"    {unflagged} of its posts are not flagged (criticism, satire and protest never are: "
        "RIGHTS.md); decisions so far: "
        + (", ".join(f"{k} {v}" for k, v in automated.items()) or "none")
    )
    return {
        "posts": len(ids),
        "flags": [{k: f[k] for k in ("post_id", "label", "score", "status")} for f in flags],
        "decisions_by_automation": automated,
    }


def _ids(path: Path) -> list[str]:
    return [json.loads(x)["id"] for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def _clip(text: str, cells: int) -> str:
    """``text`` cut to ``cells`` terminal columns (a Chinese character takes two), with … if cut."""
    if cell_len(text) <= cells:
        return text
    out = ""
    for ch in text:
        if cell_len(out + ch) > cells - 1:
            break
        out += ch
    return out + "…"
