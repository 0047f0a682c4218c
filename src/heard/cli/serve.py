"""`heard serve` (dashboard + REST API) and `heard users …` (accounts, roles, API tokens)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.markup import escape

from heard.store import store_exists
from heard.store.backends import shown
from heard.cli.app import CONFIG_HELP, DB_HELP, app, console, emit_json, results, settings_from
from heard.errors import InputError

Db = Annotated[Optional[str], typer.Option("--db", help=DB_HELP)]
Config = Annotated[Optional[Path], typer.Option("--config", help=CONFIG_HELP)]
Json = Annotated[bool, typer.Option("--json", help="Print the result as JSON on stdout.")]

users_app = typer.Typer(
    help="Accounts for the dashboard and API: add, list, department, remove, token.",
    no_args_is_help=True,
)
app.add_typer(users_app, name="users")


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on (127.0.0.1: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers_threads: Annotated[
        int, typer.Option("--threads", min=1, max=256, help="Request threads.")
    ] = 16,
    db: Db = None,
    config: Config = None,
) -> None:
    """Run the dashboard and REST API over the database (a DuckDB file: this process owns it while
    it runs; PostgreSQL: heard watch and other commands can use it at the same time)."""
    import anyio.to_thread
    import uvicorn

    from heard.api import create_app
    from heard.pipeline.memory import fix_mmap_threshold

    settings = settings_from(config, db=db)
    if not store_exists(settings.db):
        raise InputError(
            f"no Heard database at {settings.db}",
            "ingest something first (heard ingest FILE) or pass --db",
        )
    _check_port_free(host, port)
    fix_mmap_threshold()  # a server runs for days: its uploads' temporaries go back when freed
    web = create_app(settings)

    @web.on_event("startup")
    async def _threads() -> None:  # sync routes run in this pool
        anyio.to_thread.current_default_thread_limiter().total_tokens = workers_threads

    console.print(
        f"[bold]Heard[/] dashboard: http://{host}:{port}/  ·  API: http://{host}:{port}/api/v1/  "
        f"·  db {escape(shown(settings.db))}"
    )
    uvicorn.run(
        web,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        proxy_headers=False,
        server_header=False,
    )


def _check_port_free(host: str, port: int) -> None:
    """Refuse a port another program listens on, before saying where the dashboard is (uvicorn
    alone printed the address, then its bind error, and exited with 1)."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise InputError(
            f"cannot listen on {host}: {exc.strerror or exc}",
            "give an address of this machine: --host 127.0.0.1 (this machine only) or "
            "--host 0.0.0.0 (every interface)",
        ) from exc
    family, kind, proto, _, address = infos[0]
    other = port + 1 if port < 65535 else port - 1
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as exc:
            raise InputError(
                f"cannot listen on {host}:{port}: {exc.strerror or exc} (another heard serve, "
                "or another program, may be using it)",
                f"stop that program, or pick another port: heard serve --port {other}",
            ) from exc


TOKENS_WHILE_SERVING = (
    "while 'heard serve' runs, an admin creates and revokes API tokens on its API tokens page "
    "(/admin/tokens) or with POST /api/v1/tokens"
)


def _accounts(
    db: Path | None,
    config: Path | None,
    must_exist: bool = True,
    while_serving: str = TOKENS_WHILE_SERVING,
):
    """The store and its accounts. Only ``users add`` (``must_exist=False``) may create the
    database: ``users list`` in the wrong folder made an empty heard.duckdb there.
    ``while_serving``: what to do instead while ``heard serve`` holds the DuckDB file."""
    from heard.auth import Accounts
    from heard.store import open_store, store_exists

    from heard.errors import InputError, StoreLockedError

    settings = settings_from(config, db=db)
    if must_exist and not store_exists(settings.db):
        raise InputError(
            f"no Heard database at {settings.db}",
            "pass --db, or create one: heard ingest FILE, or heard users add NAME --role admin",
        )
    try:
        store = open_store(settings.db)
    except (
        StoreLockedError
    ) as exc:  # most often 'heard serve' owns the file: it manages tokens itself
        raise StoreLockedError(exc.what, f"{while_serving}; otherwise {exc.fix}") from exc
    return store, Accounts(store)


def _password_from_stdin() -> str:
    """Asked for twice in a terminal; one line from a pipe (a script has no one to confirm)."""
    import sys

    import click

    from heard.errors import InputError

    closed = InputError(
        "stdin is closed: no password was typed",
        "give one with --password (at least 8 characters), pipe it as one line, or run the "
        "command in a terminal",
    )
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise closed
        return line.rstrip("\r\n")
    try:
        return str(typer.prompt("password", hide_input=True, confirmation_prompt=True))
    except (click.exceptions.Abort, typer.Abort):  # typer bundles its own click
        raise closed from None


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[
        str, typer.Option(help="viewer, responder, analyst, moderator or admin.")
    ] = "viewer",
    department: Annotated[
        Optional[str],
        typer.Option(
            help="For a responder: the department whose queue it works (a code from 'heard "
            "departments')."
        ),
    ] = None,
    password: Annotated[
        Optional[str],
        typer.Option(
            help="Password (≥ 8 characters). Omitted: asked for twice in a terminal, or read as "
            "one line from a pipe (printf '%s\\n' \"$PW\" | heard users add NAME)."
        ),
    ] = None,
    db: Db = None,
    config: Config = None,
    json_out: Json = False,
) -> None:
    """Add an account."""
    from heard.auth import Role
    from heard.errors import InputError

    parsed = Role.parse(role)
    if parsed == Role.responder and not department:
        raise InputError(
            "a responder works one department's queue: none was given",
            "name it: --department CODE (see heard departments)",
        )
    if password is None:
        password = _password_from_stdin()
    store, accounts = _accounts(db, config, must_exist=False)
    with store:
        if department:
            _check_department(store, settings_from(config, db=db), department)
        user = accounts.add_user(username, password, parsed, department)
    if json_out:
        emit_json(
            {
                "added": user.username,
                "role": user.role.name,
                **({"department": department} if department else {}),
            }
        )
        return
    suffix = f", {department}" if department else ""
    console.print(f"added {escape(user.username)} ({user.role.name}{suffix})")


def _check_department(store: Any, settings: Any, department: str) -> None:
    """Refuse a code that is no department in service: the departments 'heard departments'
    lists (configured ones before their first case), not triage, not a retired one."""
    from heard.answer.operator import configured_departments
    from heard.errors import InputError
    from heard.read.cases import list_departments

    listed = {
        d["code"]: d for d in list_departments(store, configured_departments(settings, store))
    }
    found = listed.get(department)
    in_service = sorted(c for c, d in listed.items() if not d["retired"] and c != "triage")
    if found is None or department == "triage":
        raise InputError(
            f"no department {department!r} in {store.path}",
            f"use a code from 'heard departments': {', '.join(in_service) or '(none yet)'}",
        )
    if found["retired"]:
        raise InputError(
            f"department {department!r} is retired (removed from the configuration, or by an "
            "admin)",
            f"use a department in service: {', '.join(in_service) or '(none)'}",
        )


@users_app.command("department")
def users_department(
    username: Annotated[str, typer.Argument(help="The responder account to move.")],
    department: Annotated[
        str, typer.Argument(help="The department whose queue it works from now on (a code).")
    ],
    db: Db = None,
    config: Config = None,
    json_out: Json = False,
) -> None:
    """Move a responder to another department's queue, keeping the account.

    The account keeps its password, its sessions and its API tokens; from its next request it
    sees and works the new department's queue, and no longer the old one's. The cases it
    answered stay as they were (a reply is the department's, never a person's). The change is
    written to the audit log (kind account_department: account, from, to; heard audit verify
    checks it). Only a responder is tied to a department; the code must be one in service
    (heard departments), not triage and not a department removed from heard.toml.
    """
    from heard.clock import utcnow
    from heard.protect import audit

    store, accounts = _accounts(
        db,
        config,
        while_serving="accounts are not managed in the dashboard (on PostgreSQL this command "
        "works beside the server)",
    )
    with store:
        _check_department(store, settings_from(config, db=db), department)
        with store.transaction():
            before = accounts.change_department(username, department)
            entry = audit.append(
                store,
                "account_department",
                username,
                {"from": before, "to": department, "by": "command line"},
                utcnow(),
            )
    if json_out:
        emit_json(
            {"username": username, "from": before, "to": department, "audit_seq": entry["seq"]}
        )
        return
    console.print(
        escape(f"{username} now works the queue of {department} (was {before or 'none'}); ")
        + f"audit entry {entry['seq']}"
    )


@users_app.command("list")
def users_list(
    tokens: Annotated[
        bool, typer.Option("--tokens", help="Also list API tokens (ids, never the tokens).")
    ] = False,
    db: Db = None,
    config: Config = None,
    json_out: Json = False,
) -> None:
    """List accounts (and API token ids)."""
    store, accounts = _accounts(db, config)
    with store:
        data = {
            "users": accounts.list_users(),
            **({"tokens": accounts.list_tokens()} if tokens else {}),
        }
    if json_out:
        emit_json(data)
        return
    out = results()
    for u in data["users"]:
        dept = f" department: {u['department']}" if u.get("department") else ""
        out.print(escape(f"{u['username']:<24} {u['role']:<8} tokens: {u['active_tokens']}{dept}"))
    for tk in data.get("tokens", []):
        state = "revoked" if tk["revoked_at"] else "active"
        out.print(
            escape(f"  token {tk['token_id']}  {tk['username']}  {tk['label'] or ''}  {state}")
        )


@users_app.command("remove")
def users_remove(
    username: str, db: Db = None, config: Config = None, json_out: Json = False
) -> None:
    """Remove an account, end its sessions and revoke its API tokens."""
    store, accounts = _accounts(db, config)
    with store:
        accounts.remove_user(username)
    if json_out:
        emit_json({"removed": username})
        return
    console.print(f"removed {escape(username)}")


@users_app.command("token")
def users_token(
    username: Annotated[str, typer.Argument(help="Whose token (it acts with that user's role).")],
    label: Annotated[str, typer.Option(help="What the token is for.")] = "",
    revoke: Annotated[
        Optional[str], typer.Option(help="Revoke the token with this id instead.")
    ] = None,
    db: Db = None,
    config: Config = None,
    json_out: Json = False,
) -> None:
    """Create an API token (printed once on stdout; stored hashed) or --revoke one.

    While 'heard serve' runs on a DuckDB file it owns the file: use the dashboard's API tokens
    page (/admin/tokens) or POST /api/v1/tokens as an admin instead. On PostgreSQL this command
    works beside the server.
    """
    store, accounts = _accounts(db, config)
    with store:
        if revoke:
            accounts.revoke_token(revoke)
            if json_out:
                emit_json({"revoked": revoke})
            else:
                console.print(f"revoked token {revoke}")
            return
        token_id, token = accounts.create_token(username, label)
    if json_out:
        emit_json({"token_id": token_id, "username": username, "token": token})
        return
    console.print(
        f"token id {token_id} for {username}: send it as 'Authorization: Bearer TOKEN'; "
        "it is shown only now"
    )
    typer.echo(token)


@users_app.command("trusted")
def users_trusted(
    username: Annotated[str, typer.Argument(help="The account.")],
    off: Annotated[bool, typer.Option("--off", help="Remove the attribute.")] = False,
    db: Db = None,
    config: Config = None,
    json_out: Json = False,
) -> None:
    """Mark an account as a trusted flagger (DSA Art. 22): its reports go first in the queue."""
    store, _ = _accounts(
        db,
        config,
        while_serving="trusted flaggers are not marked in the dashboard (on PostgreSQL this "
        "command works beside the server)",
    )
    with store:
        if store.accounts.user(username) is None:
            raise InputError(f"no user {username!r}", "see `heard users list`")
        was = store.accounts.is_trusted_flagger(username)
        store.accounts.set_trusted_flagger(username, not off)
    if json_out:
        emit_json({"username": username, "trusted_flagger": not off, "was": was})
        return
    console.print(f"{escape(username)}: trusted flagger {'off' if off else 'on'}")
