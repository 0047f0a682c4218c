"""Waiting out a database that went away (a PostgreSQL restart, a failover) instead of stopping.

``heard watch`` is a service: it stopped at the first batch that met the database down, and
``heard ingest`` stopped with the error. ``patiently(work)`` runs ``work`` again after a pause
each time it raises ``StoreUnavailableError``, for up to ``RECONNECT_WAIT_S`` seconds in all.
Only for work that is safe to run twice: a batch is one transaction with its checkpoint, and
post ids are keys, so a batch whose commit was lost is stored once when run again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from heard.errors import StoreUnavailableError

T = TypeVar("T")

RECONNECT_WAIT_S = 300.0
"""How long, in all, work waits for the database to come back before the error stops it."""

FIRST_PAUSE_S = 0.5
LONGEST_PAUSE_S = 10.0


def patiently(
    work: Callable[[], T],
    *,
    on_wait: Callable[[str], None] | None = None,
    wait_s: float = RECONNECT_WAIT_S,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """``work()``, run again after a pause (doubling, up to ``LONGEST_PAUSE_S``) each time the
    database is unavailable, until ``wait_s`` seconds have passed; then the error.
    ``on_wait(message)`` is told of each pause (what failed and when it is tried again)."""
    deadline = clock() + wait_s
    pause = FIRST_PAUSE_S
    while True:
        try:
            return work()
        except StoreUnavailableError as exc:
            if clock() + pause > deadline:
                raise
            if on_wait is not None:
                on_wait(f"waiting for the database: {exc.what}; trying again in {pause:g} s")
            sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE_S)
