"""``heard.pipeline.reconnect.patiently``: work that met the database down is run again after
pauses that double up to a ceiling, for a bounded time in all; any other error stops it at once.
(The real PostgreSQL stopped under `heard watch` and `heard ingest` is
tests/contract/test_cli_database_restart.py.)"""

from __future__ import annotations

import pytest

from heard.errors import InputError, StoreUnavailableError
from heard.pipeline.reconnect import LONGEST_PAUSE_S, patiently


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.pauses: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds


def test_work_runs_again_until_the_database_is_back() -> None:
    clock, told = Clock(), []
    tries = iter([StoreUnavailableError("down")] * 3 + [None])

    def work() -> str:
        failure = next(tries)
        if failure:
            raise failure
        return "stored"

    got = patiently(work, on_wait=told.append, sleep=clock.sleep, clock=lambda: clock.now)
    assert got == "stored"
    assert clock.pauses == [0.5, 1.0, 2.0]
    assert len(told) == 3 and all("waiting for the database: down" in t for t in told)


def test_it_gives_up_after_the_wait_and_says_why() -> None:
    clock = Clock()

    def work() -> None:
        raise StoreUnavailableError("still down")

    with pytest.raises(StoreUnavailableError, match="still down"):
        patiently(work, wait_s=60, sleep=clock.sleep, clock=lambda: clock.now)
    assert sum(clock.pauses) <= 60 and max(clock.pauses) == LONGEST_PAUSE_S


def test_other_errors_are_not_waited_for() -> None:
    clock, calls = Clock(), []

    def work() -> None:
        calls.append(1)
        raise InputError("bad row")

    with pytest.raises(InputError):
        patiently(work, sleep=clock.sleep, clock=lambda: clock.now)
    assert calls == [1] and clock.pauses == []
