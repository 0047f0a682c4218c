"""Answer commands: departments, the case queue, one case, routing, reply quality, and each
department's public record."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from heard.clock import local_time, zone_label, zone_named
from heard.store import store_exists
from heard.cli.admin import train_app
from heard.cli.hints import on_this_store
from heard.cli.app import CONFIG_HELP, DB_HELP, app, console, count_of, emit_json, settings_from

Db = Annotated[Optional[str], typer.Option("--db", help=DB_HELP)]
Config = Annotated[Optional[Path], typer.Option("--config", help=CONFIG_HELP)]
Json = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]
DepartmentsOpt = Annotated[
    Optional[str],
    typer.Option(
        "--departments",
        help="Department preset when heard.toml has no [\\[departments]]: 'teddycup'.",
    ),
]


def _departments(settings: Any, store: Any = None) -> list[Any]:
    """The configured departments, with the dashboard's edits when the store exists (read from
    ``store`` when one is open, else opened read-only here)."""
    from heard.answer.operator import configured_departments
    from heard.errors import StoreLockedError
    from heard.store import open_store

    if store is not None or not store_exists(settings.db):
        return configured_departments(settings, store)
    try:
        with open_store(settings.db, read_only=True) as opened:
            return configured_departments(settings, opened)
    except StoreLockedError:  # heard serve holds the file: its edits are not readable now
        console.print(
            "[yellow]note:[/] the store is in use (heard serve?): departments edited in the "
            "dashboard are not read; heard.toml's are used"
        )
        return configured_departments(settings)


def _days(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _json(data: Any) -> None:
    from heard.read.common import jsonable

    emit_json(jsonable(data))


@app.command()
def departments(
    db: Db = None, config: Config = None, preset: DepartmentsOpt = None, json_out: Json = False
) -> None:
    """The departments concerns are routed to: names, deadlines, open and total cases.

    A department an earlier run stored that is out of service is listed as retired (--json:
    "retired": true): heard.toml no longer names it, or an admin retired it in the dashboard or
    the API (POST /api/v1/departments/CODE/retire). It is told nothing and offered to no one,
    its record stays, and its open cases were moved to triage.
    """
    from heard.read.cases import list_departments
    from heard.store import open_store

    settings = settings_from(config, db=db, department_preset=preset)
    if store_exists(settings.db):
        with open_store(settings.db, read_only=True) as store:
            rows = list_departments(store, _departments(settings, store))
    else:  # nothing ingested yet: the configured departments alone
        rows = list_departments(None, _departments(settings))
    if json_out:
        _json({"departments": rows})
        return
    if not rows:
        console.print(
            escape(
                "no departments: add [[departments]] to heard.toml, or use --departments teddycup"
            )
        )
        return
    table = Table(title="Departments")
    for name in ("code", "name", "deadline (working days)", "open", "cases"):
        table.add_column(name)
    for r in rows:
        name = " / ".join(n for n in (r["name_zh"], r["name_en"]) if n)
        table.add_row(
            r["code"],
            escape(name + (" (retired)" if r.get("retired") else "")),
            str(r["deadline_days"].get("default", "-")),
            f"{r['open']:,}",
            f"{r['cases']:,}",
        )
    Console().print(table)


@app.command()
def cases(
    department: Annotated[
        Optional[str], typer.Option(help="Only this department's queue (a code, or 'triage').")
    ] = None,
    status: Annotated[
        Optional[str],
        typer.Option(
            help="Only cases in this status (open, investigating, in_progress, action_scheduled, "
            "internal_referral, fixed, closed, duplicate, not_responsible, "
            "no_further_action)."
        ),
    ] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only open cases past their deadline.")
    ] = False,
    limit: Annotated[
        int, typer.Option(help="Show at most this many (0: all).", min=0, max=100_000)
    ] = 50,
    db: Db = None,
    config: Config = None,
    json_out: Json = False,
) -> None:
    """The case queue, newest first: department, status, deadline, reply time."""
    from heard.clock import utcnow
    from heard.read.cases import check_department, list_cases
    from heard.store import open_store

    settings = settings_from(config, db=db)
    with open_store(settings.db, read_only=True) as store:
        if department is not None:
            check_department(store, department)
        result = list_cases(
            store,
            now=utcnow(),
            department=department,
            status=status,
            overdue=overdue,
            limit=limit or None,
        )
    if json_out:
        _json(result)
        return
    zone = zone_named(settings.timezone)
    table = Table(title=f"Cases (days in {zone_label(zone)})")
    for name in ("case", "subject", "department", "status", "opened", "deadline",
                 "reply (days)", "title"):  # fmt: skip
        table.add_column(name)
    for r in result["cases"]:
        flag = " [red]overdue[/]" if r["overdue"] else ""
        subject = f"issue {r['issue']['issue_id']}" if r.get("issue") else "message"
        table.add_row(
            r["case_id"],
            subject,
            r["department"],
            r["status"] + flag,
            local_time(r["created_at"], zone, minutes=False),
            local_time(r["deadline_at"], zone, minutes=False) if r["deadline_at"] else "-",
            _days(r["response_days"]),
            escape((r["title"] or "")[:40]),
        )
    Console().print(table)
    console.print(f"{len(result['cases'])} shown of {count_of(result['total'], 'case')}")


@app.command()
def case(
    case_id: Annotated[
        str, typer.Argument(help="Case id, as listed by 'heard cases'; or 'open' with --issue.")
    ],
    issue: Annotated[
        Optional[int],
        typer.Option("--issue", help="With 'open': the issue to hand over as one case."),
    ] = None,
    department: Annotated[
        Optional[str],
        typer.Option("--department", help="With 'open': the department's code (default: routed)."),
    ] = None,
    db: Db = None,
    config: Config = None,
    json_out: Json = False,
) -> None:
    """One case: the concern, its department and why, the reply, and every change.

    heard case open --issue ID [--department CODE] hands an issue (heard issues) to its
    department as one case, or shows the case it has already: the department most of its
    messages' cases are with, else the router's (triage when unsure). Its public token, to
    dispute a closure, is printed once.
    """
    from heard.clock import utcnow
    from heard.errors import InputError
    from heard.read.cases import case_detail
    from heard.store import open_store

    settings = settings_from(config, db=db)
    if case_id == "open":
        if issue is None:
            raise InputError("'heard case open' needs --issue ID", "list issues: heard issues")
        _open_issue_case(settings, issue, department, json_out)
        return
    if issue is not None or department is not None:
        raise InputError(
            "--issue and --department go with 'open'",
            f"open an issue's case: heard case open --issue {issue or 'ID'}",
        )
    with open_store(settings.db, read_only=True) as store:
        detail = case_detail(store, case_id, now=utcnow())
    if json_out:
        _json(detail)
        return
    _print_case(detail, zone_named(settings.timezone))


def _open_issue_case(settings: Any, issue_id: int, department: str | None, json_out: bool) -> None:
    from heard.answer.issue_cases import open_for_issue
    from heard.clock import utcnow
    from heard.errors import InputError
    from heard.read.cases import case_detail
    from heard.store import open_store

    if not store_exists(settings.db):
        raise InputError(f"{settings.db} does not exist", "give the store with --db")
    with open_store(settings.db) as store:
        # the command line is the operator's: it acts as admin, and says so in the timeline
        opened = open_for_issue(
            store, settings, issue_id, now=utcnow(), role="admin", actor="cli",
            department=department,
        )  # fmt: skip
        detail = case_detail(store, opened.case["case_id"], now=utcnow())
    if json_out:
        _json({"created": opened.created, "case": detail, "token": opened.token})
        return
    dept = detail["department"]
    verb = "opened" if opened.created else "already had"
    console.print(
        f"issue {issue_id} {verb} case {detail['case_id']} · {escape(dept['code'])} · "
        f"{detail['status']} " + escape(on_this_store(f"(heard case {detail['case_id']})")),
        soft_wrap=True,
    )
    if opened.token:
        console.print(
            f"public token (shown once; it disputes the closure): {opened.token}", soft_wrap=True
        )


def _print_case(detail: dict[str, Any], zone: Any) -> None:
    """One case for people: times local to the deployment, the zone marked."""
    out = Console()
    dept = detail["department"]
    out.print(
        f"[bold]Case {detail['case_id']}[/] · {detail['status']} "
        f"({detail['open311_status']}) · {escape(dept['name_zh'] or dept['code'])}"
        + (" · [red]overdue[/]" if detail["overdue"] else "")
    )
    if detail.get("issue"):
        i = detail["issue"]
        gone = "" if i["active"] else " (no longer forms)"
        out.print(escape(f"issue {i['issue_id']}: {i['label']}, {i['messages']} messages{gone}"))
    else:
        out.print(escape(f"{detail['title'] or ''} — {(detail['text'] or '')[:300]}"))
    conf = detail["routed_confidence"]
    out.print(f"routed by {detail['routed_by']}" + (f" ({conf:.2f})" if conf is not None else ""))
    terms = (detail["explanation"] or {}).get("terms") or []
    if terms:
        out.print("because of: " + escape(", ".join(t["term"] for t in terms)))
    reply = detail["reply"]
    if reply:
        out.print(
            f"[bold]reply[/] from {escape(reply['attributed_to'])}, "
            f"{local_time(reply['replied_at'], zone)} ({_days(reply['response_days'])} days)"
        )
        out.print(escape(reply["text"][:500]))
    out.print("[bold]timeline[/]")
    for e in detail["timeline"]:
        move = " → ".join(x for x in (e["from_status"], e["to_status"]) if x) or ""
        dept_move = " → ".join(x for x in (e["from_department"], e["to_department"]) if x)
        out.print(
            f"  {local_time(e['at'], zone)}  {e['kind']} {move} {dept_move} ({e['actor_role']})"
        )
        if e.get("note"):
            out.print("      " + escape(e["note"][:300]))


@app.command()
def accountability(db: Db = None, config: Config = None, json_out: Json = False) -> None:
    """Each department's public record: cases, answered, response rate, median and p90 response
    time, overdue open cases, cases closed late, reopened closures (of them disputed by the
    citizen: the public pages' "disputed closures"), complaints not answered (a case whose
    message complains, or an issue's case, with no reply yet), mean reply quality."""
    from heard.clock import utcnow
    from heard.read.cases import accountability as record
    from heard.store import open_store

    settings = settings_from(config, db=db)
    # no store is an error (exit 2), not a record of zeros: a mistyped --db would read as if
    # every department had had nothing to answer
    with open_store(settings.db, read_only=True) as store:
        result = record(store, now=utcnow(), configured=_departments(settings, store))
    if json_out:
        _json(result)
        return
    table = Table(title="Accountability (response times in days)")
    for name in (  # ten columns, so that 80 keep every figure whole
        "department",
        "cases (answered)",
        "rate",
        "median",
        "p90",
        "overdue",
        "closed late",
        "reopened (disputed)",
        "complaints unanswered",
        "quality",
    ):
        table.add_column(name, min_width=8 if name == "department" else None)
    for r in result["departments"] + ([result["total"]] if result["total"] else []):
        q = r["mean_reply_quality"]
        table.add_row(
            escape(r["name_zh"] or r["department"] or "all"),
            f"{r['cases']:,} ({r['answered']:,})",
            "-" if r["response_rate"] is None else f"{r['response_rate']:.0%}",
            _days(r["median_days"]),
            _days(r["p90_days"]),
            f"{r['overdue_open']:,}",
            f"{r['closed_late']:,}",
            f"{r['reopened']:,} ({r['disputed']:,})",
            f"{r['unanswered_complaints']:,}",
            "-" if q is None else f"{q:.2f}",
        )
    Console().print(table)


@app.command()
def notify(
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Only say what would be sent: store and send nothing."),
    ] = False,
    db: Db = None,
    config: Config = None,
    json_out: Json = False,
) -> None:
    """Tell departments about their cases: new case, deadline near, overdue, disputed.

    Sends each notification once to the department's webhook and e-mail ([\\[departments]]
    webhook/email; e-mail through smtp_host), and retries the channels that failed before, up to
    notify_max_attempts scans. A notification whose department has no webhook or e-mail any
    more is closed unsent (no_contact), never sent later; so is a new-case, deadline or overdue
    notice whose case was closed or moved meanwhile (overtaken). A department removed from
    heard.toml, or retired by an admin, is told nothing more, even at the contacts stored for
    it (retired): its open cases are moved to triage, each with a timeline note. heard watch
    runs the same scan at every refresh.
    """
    from heard.answer.notifications import notify_cases
    from heard.clock import utcnow
    from heard.errors import InputError
    from heard.store import open_store

    settings = settings_from(config, db=db)
    if not store_exists(settings.db):
        raise InputError(f"{settings.db} does not exist", "give the store with --db")
    with open_store(settings.db) as store:
        result = notify_cases(store, settings, utcnow(), dry_run=dry_run)
    if json_out:
        _json(result)
        return
    if result["email_unconfigured"]:
        console.print(
            f"[yellow]warning:[/] {', '.join(result['email_unconfigured'])} have an e-mail but "
            "smtp_host is not set: only their webhooks are used",
            soft_wrap=True,
        )
    if dry_run:
        for n in result["new"]:
            console.print(
                escape(f"would send {n['kind']} for case {n['case_id']} to {n['department']}")
            )
        console.print(
            f"{count_of(len(result['new']), 'new notification')}; "
            f"{result['pending']:,} would be sent or retried"
        )
        return
    table = Table(title="Notifications sent")
    for name in ("case", "kind", "department", "webhook", "email"):
        table.add_column(name)
    for n in result["sent"]:
        cells = []
        for channel in ("webhook", "email"):
            d = n["deliveries"].get(channel)
            cells.append(
                "-" if d is None else "ok" if d["ok"] else f"failed ({escape(str(d['error']))})"
            )
        table.add_row(n["case_id"], n["kind"], n["department"], *cells)
    if result["sent"]:
        console.print(table)
    for n in result.get("retired", []):
        console.print(
            escape(
                f"moved to triage: case {n['case_id']}: {n['from']} is retired (removed from "
                "the configuration) — a person assigns it in the desk"
            ),
            soft_wrap=True,
        )
    for n in result.get("closed", []):
        why = {
            "no_contact": f"{n['department']} has no webhook or e-mail any more",
            "retired": f"{n['department']} is retired (out of service)",
        }.get(n["reason"], f"the case was closed or moved from {n['department']} meanwhile")
        console.print(
            escape(f"closed unsent: {n['kind']} for case {n['case_id']}: {why} ({n['reason']})"),
            soft_wrap=True,
        )
    console.print(
        f"{count_of(len(result['new']), 'new notification')}, {len(result['sent']):,} sent or "
        f"retried now, {result['pending']:,} waiting for a retry"
    )


@app.command()
def replies(
    department: Annotated[
        Optional[str], typer.Option(help="Only this department's replies.")
    ] = None,
    limit: Annotated[
        int, typer.Option(help="List at most this many replies (0: all).", min=0, max=100_000)
    ] = 20,
    db: Db = None,
    config: Config = None,
    json_out: Json = False,
) -> None:
    """Reply quality per case (relevance, completeness, interpretability, timeliness, each
    explained) and averaged per department."""
    from heard.read.cases import check_department, reply_quality
    from heard.store import open_store

    settings = settings_from(config, db=db)
    with open_store(settings.db, read_only=True) as store:
        if department is not None:
            check_department(store, department)
        result = reply_quality(store, department=department, limit=limit or None)
    if json_out:
        _json(result)
        return
    table = Table(title="Reply quality per department (0–1)")
    for name in (
        "department",
        "replies",
        "overall",
        "relevance",
        "completeness",
        "interpretability",
        "timeliness",
    ):
        table.add_column(name)
    for r in result["departments"]:
        table.add_row(
            r["department"],
            f"{r['replies']:,}",
            *(
                f"{r[d]:.2f}" if d in r else "-"
                for d in ("overall", "relevance", "completeness", "interpretability", "timeliness")
            ),
        )
    Console().print(table)


@app.command()
def route(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Texts to route, or files (.txt: one text a line; .csv/.jsonl: a text column)."
        ),
    ],
    model: Annotated[
        Optional[Path],
        typer.Option(
            help="A router trained with 'heard train router' (default: the router_model "
            "setting, else zero-shot)."
        ),
    ] = None,
    preset: DepartmentsOpt = None,
    config: Config = None,
    json_out: Json = False,
) -> None:
    """Route texts to departments: for each its id, department, confidence and explanation."""
    from heard.answer.router_io import open_router
    from heard.answer.route_input import read_route_inputs

    settings = settings_from(config, department_preset=preset)
    departments = _departments(settings)
    router = open_router(
        model or settings.router_model, departments or None, embedder_spec=settings.embedder
    )
    ids, texts = read_route_inputs(inputs)
    routes = router.route(texts, ids)
    if json_out:
        _json({"model": router.name, "routes": [r.to_dict() for r in routes]})
        return
    for r in routes:
        terms = ", ".join(t["term"] for t in r.explanation.terms[:3])
        console.print(
            f"{escape(r.id)}: {r.queue} ({r.department}, {r.confidence:.2f})"
            + (f" because of {escape(terms)}" if terms else ""),
            soft_wrap=True,
        )


@train_app.command("router")
def train_router(
    data: Annotated[
        Optional[Path],
        typer.Option(
            help="CSV/JSONL of text + department (default: the store's labelled cases and "
            "corrections)."
        ),
    ] = None,
    out: Annotated[Path, typer.Option(help="Directory to write the router into.")] = Path("router"),
    preset: DepartmentsOpt = None,
    db: Db = None,
    config: Config = None,
    json_out: Json = False,
) -> None:
    """Train a router from labelled history; responders' corrections count twice."""
    from heard.answer.router_io import save_router
    from heard.answer.route_input import store_training_set
    from heard.answer.routing import Router
    from heard.answer.training_data import read_labelled
    from heard.errors import InputError

    settings = settings_from(config, db=db, department_preset=preset)
    departments = _departments(settings)
    if not departments:
        raise InputError(
            "no departments to train a router for",
            "add [[departments]] to heard.toml, or pass --departments teddycup",
        )
    if data is not None:
        examples, description = read_labelled(data, departments), str(data)
    else:
        examples = store_training_set(settings.db, departments)
        description = f"labelled cases and corrections in {settings.db}"
    with console.status(f"training on {len(examples):,} examples…"):
        router = Router.train(
            examples, departments, embedder_spec=settings.embedder, data_description=description
        )
        save_router(router, out)
    result = {
        "out": str(out),
        "examples": len(examples),
        "model": router.name,
        "out_of_fold_accuracy": router.meta.get("out_of_fold_accuracy"),
        "triage_below": round(router.triage_below, 4),
    }
    if json_out:
        _json(result)
        return
    console.print(
        f"trained {router.name} on {len(examples):,} examples "
        f"(out-of-fold accuracy {result['out_of_fold_accuracy']}); wrote {out}"
    )
    shown = escape(str(out))
    console.print(  # the router is used only once named: say how
        f'use it: router_model = "{shown}" under \\[heard] in heard.toml (ingest, serve, '
        "route), or " + escape(on_this_store(f"heard route --model {shlex.quote(str(out))} TEXT")),
        soft_wrap=True,
    )
