"""When a PostgreSQL connection is gone: told from an error, or seen before a statement."""

from __future__ import annotations

import select
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus


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
