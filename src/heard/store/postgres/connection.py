"""When a PostgreSQL connection is gone: told from an error, or seen before a statement."""

from __future__ import annotations

import select
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus

from heard.errors import StoreError, StoreUnavailableError
from heard.store.postgres.sql import redact_url


def connection_lost(exc: psycopg.OperationalError) -> bool:
    """Whether ``exc`` means the connection is gone (closed by the server, a network failure),
    not a statement the server refused (a cancelled query is an OperationalError too)."""
    state = exc.sqlstate
    return state is None or state.startswith(("08", "57P"))


def dropped(con: psycopg.Connection[Any]) -> bool:
    """Whether the server has closed ``con`` while it sat idle (a restart, a failover, an idle
    timeout): it then sends its last words (57P01 "terminating connection") and closes the
    socket, which is readable at once. Heard listens to no notifications, so an idle
    connection with something to read is one the server ended; a poll costs no round trip."""
    if con.closed:
        return True
    if con.info.transaction_status != TransactionStatus.IDLE:  # in use: its error will say
        return False
    try:
        poller = select.poll()
        poller.register(con.fileno(), select.POLLIN)
        return bool(poller.poll(0))
    except (OSError, ValueError, psycopg.Error):
        return True


def as_role(url: str, role: str) -> str:
    """``url`` connecting as ``role`` (no password: libpq finds it in ~/.pgpass or PGPASSWORD)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    host = rest.rpartition("@")[2] if "@" in rest.split("/", 1)[0] else rest
    return f"{scheme}://{role}@{host}"


def migration_refused(
    con: psycopg.Connection[Any], url: str, shown: str, version: int, exc: psycopg.Error
) -> tuple[str, str]:
    """(what, fix) when this role may not migrate: Heard's tables (or, on a new database, the
    schema) belong to another role, which must run the migration, or let this one create. Was
    "permission denied for schema public" with a fix that said to GRANT what the role had."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    row = con.execute(
        "SELECT current_user, current_schema(), "
        "(SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() "
        "AND tablename = 'schema_version'), "
        "(SELECT CASE WHEN pg_get_userbyid(nspowner) = 'pg_database_owner' "
        "THEN (SELECT pg_get_userbyid(datdba) FROM pg_database "
        "WHERE datname = current_database()) ELSE pg_get_userbyid(nspowner) END "
        "FROM pg_namespace WHERE nspname = current_schema())"
    ).fetchone()
    me, schema, table_owner, schema_owner = row if row else (None, None, None, None)
    if table_owner:
        what = f"{shown}: {me} may not migrate Heard's tables to version {version} ({first})"
        return what, (
            f"Heard's tables belong to {table_owner}: run one command as {table_owner} to "
            f"migrate them (every heard command migrates first), e.g. heard stats --db "
            f"{redact_url(as_role(url, table_owner))}; then {me} works as before"
        )
    owner = schema_owner or "the schema's owner"
    what = f"{shown}: {me} may not create Heard's tables in the schema {schema} ({first})"
    return what, (
        f"the schema {schema} belongs to {owner}: as {owner}, GRANT CREATE ON SCHEMA {schema} "
        f"TO {me} (psql), or run this command as {owner}: --db {redact_url(as_role(url, owner))}"
    )


@contextmanager
def teaching_errors(where: str) -> Iterator[None]:
    """Connection losses, writes to a read-only store and a role without rights on the tables
    become ``StoreError``s that say what to do; SQL errors (a bug, or a constraint) pass
    unchanged."""
    try:
        yield
    except psycopg.errors.ReadOnlySqlTransaction as exc:
        raise StoreError(
            f"{where} is open read-only: {str(exc).splitlines()[0]}",
            "open it for writing (read_only=False); CLI queries open read-only",
        ) from exc
    except psycopg.errors.InsufficientPrivilege as exc:
        raise StoreError(
            f"{where}: {str(exc).strip().splitlines()[0]}",
            "connect as the role that made Heard's tables (the first to run Heard on this "
            "database), or let this one use them: GRANT SELECT, INSERT, UPDATE, DELETE ON ALL "
            "TABLES IN SCHEMA public TO it (and USAGE ON ALL SEQUENCES)",
        ) from exc
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if not connection_lost(exc):
            raise StoreError(f"{where}: {first}", "run the command again") from exc
        raise StoreUnavailableError(
            f"lost the connection to {where}: {first}",
            "check that the PostgreSQL server runs, then run the command again "
            "(an ingest resumes after its last stored batch)",
        ) from exc
