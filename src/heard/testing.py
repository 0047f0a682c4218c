"""Crash points for tests: ``HEARD_TEST_KILL_AT=NAME`` makes the process kill itself with SIGKILL
when it reaches the point ``NAME`` (``test_hook("NAME")``), exactly as a ``kill -9`` there would.

The crash-recovery tests (tests/integration/test_kill_recovery.py) use it to stop a real
``heard ingest`` at chosen moments of the end-of-run work, which a timed kill hits only by luck.
Unset (always, outside those tests) it costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

KILL_AT = "HEARD_TEST_KILL_AT"


def test_hook(point: str) -> None:
    """Die here, now, with SIGKILL, when ``HEARD_TEST_KILL_AT`` names this point."""
    if os.environ.get(KILL_AT) == point:
        os.kill(os.getpid(), signal.SIGKILL)


test_hook.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
