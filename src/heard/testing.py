"""Crash points for tests: ``HEARD_TEST_KILL_AT=NAME`` makes the process kill itself with SIGKILL
when it reaches the point ``NAME`` (``test_hook("NAME")``), exactly as a ``kill -9`` there would.
``HEARD_TEST_KILL_AT=NAME+SECONDS`` arms a timer at ``NAME`` instead: the process dies SECONDS
later, wherever it then is (a random point after a known one, for bench/kill_ingest.py).
``HEARD_TEST_MARKS=FILE`` appends ``NAME <monotonic seconds>`` to FILE at each point reached, so a
run's timeline can be measured.

The crash-recovery tests (tests/integration/test_kill_recovery.py) use it to stop a real
``heard ingest`` at chosen moments of the end-of-run work, which a timed kill hits only by luck.
Unset (always, outside those tests) it costs two dictionary lookups.
"""

from __future__ import annotations

import os
import signal
import threading
import time

KILL_AT = "HEARD_TEST_KILL_AT"
MARKS = "HEARD_TEST_MARKS"


def _kill() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_hook(point: str) -> None:
    """Die here, now, with SIGKILL, when ``HEARD_TEST_KILL_AT`` names this point (or arm the
    timer of ``NAME+SECONDS``); note the time in ``HEARD_TEST_MARKS``'s file when it is set."""
    marks = os.environ.get(MARKS)
    if marks:
        with open(marks, "a", encoding="utf-8") as f:
            f.write(f"{point} {time.monotonic():.6f}\n")
    kill_at = os.environ.get(KILL_AT)
    if not kill_at:
        return
    name, plus, delay = kill_at.partition("+")
    if name != point:
        return
    if not plus:
        _kill()
    timer = threading.Timer(float(delay), _kill)
    timer.daemon = True
    timer.start()


test_hook.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
