"""Protect commands: flags, the review queue, decisions, reports (``heard flag``; ``heard report``
is the HTML brief), appeals, transparency, audit.

Thin: parse, call ``heard.protect`` (writes) or ``heard.read.protect`` (displays, redacted),
print. Nothing here takes or shows an author (RIGHTS.md §4): ``--author`` is refused with why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.markup import escape

from heard.cli.app import CONFIG_HELP, DB_HELP, app, console, count_of, emit_json, settings_from

Db = Annotated[Optional[str], typer.Option("--db", help=DB_HELP)]
Config = Annotated[Optional[Path], typer.Option("--config", help=CONFIG_HELP)]
Json = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]
Author = Annotated[
    Optional[str],
    typer.Option(
        "--author", hidden=True, help="Refused: nothing is shown per author (RIGHTS.md §4)."
    ),
]
As = Annotated[Optional[str], typer.Option("--as", help="Your moderator account.")]

audit_app = typer.Typer(
    help="The hash-chained audit log of flags, decisions and appeals.", no_args_is_help=True
)
app.add_typer(audit_app, name="audit")


def _open(db: Path | None, config: Path | None, read_only: bool = False):
    from heard.store import open_store

    return open_store(settings_from(config, db=db).db, read_only=read_only)


def _need_as(who: str | None) -> str:
    from heard.errors import InputError

    if not who:
        raise InputError("this needs a moderator account", "pass --as USERNAME")
    return who


def _evidence_line(flag: dict[str, Any]) -> str:
    ev = flag.get("evidence") or {}
    terms = ", ".join(f"{m.get('cue')}: {m.get('text')!r}" for m in ev.get("matches", [])[:6])
    bits = [ev.get("rule") or "", terms, ev.get("note") or ""]
    return "; ".join(b for b in bits if b) or "-"


@app.command()
def flags(
    label: Annotated[Optional[str], typer.Option(help="Only this taxonomy label.")] = None,
    status: Annotated[
        Optional[str], typer.Option(help="pending, decided, dismissed or withdrawn.")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many flags.", min=1, max=100_000)] = 50,
    rescan: Annotated[
        bool,
        typer.Option(
            "--rescan",
            help="First run the detectors over every stored post (posts ingested before protect "
            "was on); only new flags are stored, and pending detector flags the current "
            "detectors no longer raise are withdrawn (audited, never deleted).",
        ),
    ] = False,
    history: Annotated[
        Optional[str],
        typer.Option(
            "--history",
            metavar="FLAG_ID",
            help="Show one flag's history from the audit log: raised, withdrawn, decided.",
        ),
    ] = None,
    author: Author = None,
    db: Db = None,
    config: Config = None,
    json_out: Json = False,
) -> None:
    """Flags on posts, highest priority first: label, score vs threshold, detector, evidence.

    Texts are redacted. There is no per-author view (RIGHTS.md §4)."""
    from heard.read.protect import list_flags

    if history is not None:
        _print_history(db, config, history, json_out)
        return
    if rescan:
        from heard.protect.operator import rescan as rescan_posts

        settings = settings_from(config, db=db)
        with _open(db, config) as store:
            done = rescan_posts(
                store,
                auto_threshold=settings.protect_auto_threshold,
                auto_action=settings.protect_auto_action,
            )
        console.print(
            f"rescanned {count_of(done['posts'], 'post')}: "
            f"{count_of(done['flags'], 'new flag')}, "
            f"{count_of(done['automated_decisions'], 'automated decision')}, "
            f"{count_of(done['withdrawn'], 'flag')} withdrawn, "
            f"{count_of(done['lifted'], 'automated decision')} lifted, "
            f"{count_of(done['reopened'], 'withdrawn flag')} raised again"
        )
    with _open(db, config, read_only=True) as store:
        result = list_flags(store, label=label, status=status, limit=limit, author=author)
    if json_out:
        emit_json(result)
        return
    out = Console(emoji=False)
    for f in result["flags"]:
        score = "-" if f["score"] is None else f"{f['score']:.2f} ≥ {f['threshold']:.2f}"
        by = f"{f['detector']}@{f['version']}" if f["detector"] else f["source"]
        out.print(
            f"[bold]{f['flag_id']}[/] {f['status']:9} {f['label']:21} {score:12} "
            f"{escape(by)}  post {escape(f['post_id'])}"
        )
        out.print(f"    {escape(f.get('post_text') or '')}")
        out.print(f"    evidence: {escape(_evidence_line(f))}")
    console.print(count_of(result["count"], "flag"))


def _print_history(db: Path | None, config: Path | None, flag_id: str, json_out: bool) -> None:
    from heard.read.protect import flag_history

    with _open(db, config, read_only=True) as store:
        result = flag_history(store, flag_id)
    if json_out:
        emit_json(result)
        return
    out = Console(emoji=False)
    for e in result["history"]:
        what = ", ".join(  # a report has no detector, score …: left out, not "None"
            f"{k} {v}" for k, v in e.items() if k not in ("seq", "at", "kind") and v is not None
        )
        out.print(f"{e['seq']:>6} {e['at']} [bold]{e['kind']}[/] {escape(what)}")


def _show_item(item: dict[str, Any]) -> None:
    out = Console(emoji=False)
    post, label = item["post"], item["label"]
    more = len(item.get("flag_ids") or ()) - 1  # one item per post: a decision closes them all
    out.rule(f"[bold]{item['flag_id']}[/]" + (f" (+{more} flags of this post)" if more else ""))
    out.print(escape(((post.get("title") or "") + " ") + (post.get("text") or "")))
    for f in item["flags"]:
        score = "" if f.get("score") is None else f" {f['score']:.2f} ≥ {f['threshold']:.2f}"
        out.print(
            f"  flag [bold]{f['label']}[/]{score} ({escape(str(f.get('detector') or f['source']))})"
            f": {escape(_evidence_line(f))}"
        )
    standing = item.get("in_force")
    if standing:  # deciding the item replaces it
        who = "automated" if standing["automated_decision"] else "by a moderator"
        out.print(
            f"[bold]in force[/]: {standing['decision']} ({standing['label']}, {who}, "
            f"{standing['decided_at']}, {standing['decision_id']}); a decision here replaces it"
        )
    for label in item.get("labels") or [label]:  # each label a pending flag raises
        out.print(f"[bold]{label['title']} / {label['title_zh']}[/]: {escape(label['definition'])}")
        out.print(f"[italic]never use it against[/]: {escape(label['misuse'])}")


def _ask(question: str, default: str | None = None) -> str:
    """A prompt of the interactive queue; a closed stdin (a script, cron) says what to do."""
    import click

    from heard.errors import InputError

    try:
        return str(typer.prompt(question, default=default))
    except (click.exceptions.Abort, typer.Abort):  # typer bundles its own click
        raise InputError(
            "stdin is closed: heard review asks for each decision",
            "in scripts decide one flag without prompts: heard review --decide FLAG_ID "
            '--decision no_action --facts "..." --as USER (flag ids: heard flags --json)',
        ) from None


@app.command()
def review(
    who: As = None,
    decide: Annotated[
        Optional[str],
        typer.Option("--decide", help="Decide this flag (or queue item) without prompts."),
    ] = None,
    decision: Annotated[
        Optional[str], typer.Option(help="no_action, label, limit_visibility or remove.")
    ] = None,
    facts: Annotated[Optional[str], typer.Option(help="The facts the decision rests on.")] = None,
    label: Annotated[
        Optional[str], typer.Option(help="The label decided (default: the flag's).")
    ] = None,
    ground: Annotated[
        str, typer.Option(help="incompatible (terms) or illegal (law).")
    ] = "incompatible",
    legal_ground: Annotated[
        Optional[str],
        typer.Option(help="With --ground illegal: the law and article relied on."),
    ] = None,
    keyword: Annotated[
        Optional[list[str]],
        typer.Option(
            "--keyword",
            "--keywords",
            help="A DSA keyword of the label that applies to the post (repeatable), e.g. "
            "KEYWORD_PHISHING; none: the label's keyword when it has only one, else none.",
        ),
    ] = None,
    flag_id: Annotated[
        Optional[list[str]],
        typer.Option(
            "--flag-id",
            help="With --decide: another pending flag of the post that you read (repeatable). "
            "A decision covers exactly the flags named; a pending flag not named refuses it.",
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option(help="Queue items (one per post) to work through.", min=1, max=10_000)
    ] = 20,
    db: Db = None,
    config: Config = None,
    json_out: Json = False,
) -> None:
    """Work the review queue: each post (redacted) with its flags, evidence and the label's
    definition; decide and state the facts. Trusted flaggers' flags come first, then by score.

    For scripts: heard review --decide FLAG_ID --decision remove --facts "..." --as USER"""
    from heard.errors import InputError
    from heard.protect.calibration import Calibration
    from heard.protect.review import Review
    from heard.protect.statement import DECISIONS
    from heard.read.protect import review_item

    moderator = _need_as(who)
    with _open(db, config) as store:
        rv, cal = Review(store), Calibration(store)
        if decide:
            if not decision or not facts:
                raise InputError(
                    "--decide needs --decision and --facts",
                    'e.g. --decision remove --facts "what the post does"',
                )
            # a gold item is answered with a decision's shape (docs/protect/calibration.md)
            decide_one = cal.answer if cal.is_gold(decide) else rv.decide
            result: dict[str, Any] = decide_one(
                decide,
                decision,
                facts=facts,
                moderator=moderator,
                label=label,
                ground=ground,
                legal_ground=legal_ground,
                keywords=keyword,
                seen=flag_id,
            )
            if json_out:
                emit_json(result)
            else:
                console.print(f"decided {decide}: {decision} ({result['decision_id']})")
                _print_token(result.get("author_token"))
            return
        queue = cal.queue(moderator, limit=limit)
        if not queue:
            console.print("the queue is empty")
            return
        for item in queue:
            _show_item(review_item(store, item))
            choice = ""
            while choice not in (*DECISIONS, "skip", "quit"):
                choice = _ask(
                    "decision [no_action/label/limit_visibility/remove/skip/quit]", "skip"
                )
            if choice == "quit":
                break
            if choice == "skip":
                continue
            # a gold item is asked for the facts like any item (asking less would give it away)
            stated = _ask("facts (what the post does, why the decision follows)")
            try:  # a gold item and a flag alike: refused input or decided meanwhile, go on
                decide_one = cal.answer if item.get("gold") else rv.decide
                # exactly the flags shown: one that arrived meanwhile refuses it (reload)
                seen = item.get("flag_ids") or [item["flag_id"]]
                d = decide_one(
                    item["flag_id"], choice, facts=stated, moderator=moderator, seen=seen
                )
            except InputError as exc:  # ConflictError too
                why = f"{exc.what} ({exc.fix})" if exc.fix else exc.what
                console.print(f"not decided: {escape(why)}; next item", soft_wrap=True)
                continue
            console.print(f"decided: {d['decision']} ({d['decision_id']})")
            _print_token(d.get("author_token"))


def _print_token(token: str | None) -> None:
    """The post's notice token after its first decision: the only time it is shown (the store
    keeps its hash). Without it the author cannot read the statement of reasons or appeal."""
    if token:
        console.print(  # not wrapped: the token must copy whole
            f"notice token for the author (shown once: hand it over with the decision): {token}",
            soft_wrap=True,
        )


@app.command()
def notice(
    post_id: Annotated[str, typer.Argument(help="A post with decisions.")],
    who: As = None,
    db: Db = None,
    config: Config = None,
    json_out: Json = False,
) -> None:
    """A new notice token for a post's author (the old one stops working): for an automated
    decision, whose first token nobody saw, or a token the author lost. Moderators only."""
    from heard.protect.review import Review

    with _open(db, config) as store:
        rv = Review(store)
        rv.moderator(_need_as(who))
        token = rv.renew_notice(post_id)
    if json_out:
        emit_json({"post_id": post_id, "author_token": token})
        return
    _print_token(token)


@app.command()
def original(
    post_id: Annotated[str, typer.Argument(help="A flagged post.")],
    reason: Annotated[
        str, typer.Option(help="Why the redacted text is not enough (written to the audit log).")
    ] = "",
    who: As = None,
    db: Db = None,
    config: Config = None,
    json_out: Json = False,
) -> None:
    """Show one flagged post's original text, personal data included (RIGHTS.md §7): moderators
    and admins only, with a reason; each use is written to the audit log."""
    from heard.protect.original import show_original

    with _open(db, config) as store:
        shown = show_original(store, post_id, reason, _need_as(who))
    if json_out:
        emit_json(shown)
        return
    console.print(
        f"original of post {escape(post_id)} (audit entry {shown['audit_seq']}):", soft_wrap=True
    )
    if shown["title"]:
        console.print(escape(shown["title"]), soft_wrap=True)
    console.print(escape(shown["text"] or ""), soft_wrap=True)


@app.command()
def decisions(
    limit: Annotated[
        int, typer.Option(help="At most this many decisions.", min=1, max=100_000)
    ] = 50,
    dsa: Annotated[
        bool,
        typer.Option(
            "--dsa",
            help="Print restrictions in the DSA transparency-database statement JSON; one "
            "reversed on appeal or replaced has end_date_visibility_restriction.",
        ),
    ] = False,
    author: Author = None,
    db: Db = None,
    config: Config = None,
    json_out: Json = False,
) -> None:
    """Decisions, newest first, with their statements of reasons and appeals."""
    from heard.read.protect import dsa_statements, list_decisions

    with _open(db, config, read_only=True) as store:
        if dsa:
            emit_json(dsa_statements(store))
            return
        result = list_decisions(store, limit=limit, author=author)
    if json_out:
        emit_json(result)
        return
    out = Console(emoji=False)
    for d in result["decisions"]:
        who = "automated" if d["automated_decision"] else d["moderator"]
        appeal = (
            f"; appeal {d['appeal_status']} {d['appeal_outcome'] or ''}" if d["appeal_id"] else ""
        )
        out.print(
            f"[bold]{d['decision_id']}[/] {d['created_at']} {d['decision']} "
            f"{d['label']} post {escape(d['post_id'])} by {escape(str(who))}{escape(appeal)}"
        )
        s = d["statement"]
        out.print(
            f"    {s.get('category', '-')} · {s['decision_ground']} · "
            f"detection {s['automated_detection']} · {s['automated_decision']}"
        )
        out.print(f"    facts: {escape(s.get('decision_facts') or '')}")
    console.print(count_of(result["count"], "decision"))


@app.command("flag")
def flag_post(
    post_id: Annotated[str, typer.Argument(help="The post reported.")],
    label: Annotated[str, typer.Option(help="The taxonomy label it breaks.")],
    note: Annotated[str, typer.Option(help="What is wrong with it.")] = "",
    who: Annotated[
        Optional[str],
        typer.Option(
            "--as", help="Your account (a trusted flagger's reports go first); none for anyone."
        ),
    ] = None,
    db: Db = None,
    config: Config = None,
    json_out: Json = False,
) -> None:
    """Report a post against a taxonomy label; a person reviews it."""
    from heard.protect.review import Review

    with _open(db, config) as store:
        row = Review(store).report(post_id, label, note=note, flagger=who)
    if json_out:
        emit_json({k: row[k] for k in ("flag_id", "post_id", "label", "source", "created_at")})
        return
    console.print(f"reported: {row['flag_id']} ({row['source']})")


@app.command()
def appeal(
    decision_id: Annotated[
        str, typer.Argument(help="The decision appealed, or with --outcome the appeal decided.")
    ],
    text: Annotated[Optional[str], typer.Option(help="Why the decision is wrong.")] = None,
    outcome: Annotated[
        Optional[str],
        typer.Option(help="Decide an appeal: upheld or reversed (give the appeal id)."),
    ] = None,
    facts: Annotated[
        str, typer.Option(help="With --outcome: the reasons (required: the author reads them).")
    ] = "",
    who: As = None,
    db: Db = None,
    config: Config = None,
    json_out: Json = False,
) -> None:
    """Appeal a decision once (--text), or decide an appeal (--outcome, by another moderator)."""
    from heard.errors import InputError
    from heard.protect.review import Review

    with _open(db, config) as store:
        rv = Review(store)
        if outcome:
            result = rv.decide_appeal(decision_id, outcome, _need_as(who), facts)
        elif text is not None:  # an empty --text is refused by appeal_text, saying why
            result = rv.appeal(decision_id, text)
        else:
            raise InputError(
                "give --text to appeal, or --outcome to decide an appeal",
                'heard appeal DECISION_ID --text "why it is wrong"',
            )
    if json_out:  # as every display: times in ISO 8601, the texts redacted
        from heard.read.common import jsonable
        from heard.read.redact import redact

        texts = {k: redact(result.get(k)) for k in ("text", "facts") if k in result}
        emit_json(jsonable({**result, **texts}))
    else:
        console.print(
            f"appeal {result['appeal_id']}: {result['status']}"
            + (f" ({result['outcome']})" if result.get("outcome") else "")
        )


@app.command()
def transparency(db: Db = None, config: Config = None, json_out: Json = False) -> None:
    """Public figures: flags by label and source, decisions by kind and automation, appeal
    outcomes, median time to decision. Never per author."""
    from heard.read.protect import transparency as figures

    with _open(db, config, read_only=True) as store:
        result = figures(store)
    if json_out:
        emit_json(result)
        return
    out = Console(emoji=False, highlight=False)
    for part, values in result.items():
        out.print(f"[bold]{part}[/] total {values['total']}")
        for key, value in values.items():
            if key == "total":
                continue
            if isinstance(value, dict):  # counts: "spam 4 · harassment 1", or "none"
                said = " · ".join(f"{k} {n}" for k, n in value.items()) or "none"
            else:  # a median: "—" while there is nothing to take it of
                said = "—" if value is None else str(value)
            out.print(f"  {key}: {said}", markup=False)


@audit_app.command("verify")
def audit_verify(db: Db = None, config: Config = None, json_out: Json = False) -> None:
    """Recompute the chain and check the flags, decisions and appeals against it; exit 0 when
    intact, 1 naming the first broken entry (or a row no entry recorded)."""
    from heard.protect.audit import verify

    with _open(db, config, read_only=True) as store:
        verdict = verify(store)
    if json_out:
        emit_json(verdict.as_dict())
    elif verdict.ok:
        console.print(
            f"audit log intact: {verdict.entries:,} entries, head {verdict.head[:16]}; "
            "flags, decisions and appeals match it"
        )
    else:
        where = f"at entry {verdict.broken_seq}" if verdict.broken_seq else "outside the log"
        console.print(f"[bold red]audit log broken {where}[/]: {escape(verdict.reason)}")
    if not verdict.ok:
        raise typer.Exit(1)


@audit_app.command("originals")
def audit_originals(
    limit: Annotated[int, typer.Option(help="The newest uses to list (1-1000).")] = 100,
    db: Db = None,
    config: Config = None,
    json_out: Json = False,
) -> None:
    """Who used "show original" (admins): each use's time, account, role, post and reason as the
    audit log recorded it, newest first. The originals themselves are never listed."""
    from heard.protect.original import original_views

    with _open(db, config, read_only=True) as store:
        views = original_views(store, limit)
    if json_out:
        emit_json({"views": views})
        return
    if not views:
        console.print("no original was shown")
    for v in views:
        what = f"post {v['post_id']}" if v["post_id"] else f"item {v['item']}"
        console.print(
            f"#{v['seq']} {v['at']} {escape(v['account'] or '-')} ({v['role']}) {escape(what)}: "
            f"{escape(v['reason'] or '')}",
            soft_wrap=True,
        )
