"""Reports from the public page and ``POST /api/v1/report`` (issue 19 §3): no account needed,
so every guard is per client address (or per account, when one is signed in).

* **A repeat is not a new flag.** The same address (or account) reporting the same post under the
  same label again, while its first report still waits for review (within ``REPEAT_WINDOW_S``),
  gets that report's flag id back with ``duplicate: true``: nothing is stored, the queue does
  not grow. Another label, another post, or a report after the first was decided is a new flag.
* **New reports per address are capped** at ``REPORTS_PER_HOUR`` (anonymous callers), inside the
  shared public budget (``PUBLIC_ACTIONS_PER_HOUR``: tokens, appeals, concerns and reports
  together). Each report is a queue item a moderator must read; 20 an hour let one address add
  480 a day. A person reporting what they read reports a handful.

What is remembered lives in the server's memory only, like the rate limits: a hash of the address
(or the account name), the post, the label and the flag id, for ``REPEAT_WINDOW_S`` at most.
Nothing about a reporter is stored with the flag (RIGHTS.md §4).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from fastapi import Request

from heard.api.peer import client_address, limit_key
from heard.auth.ratelimit import LoginLimiter

REPORTS_PER_HOUR = 5
"""New reports (flags) one address may file per hour without an account."""
REPEAT_WINDOW_S = 24 * 3600.0
"""How long a report is remembered, to answer a repeat with the first report's flag."""
MAX_REMEMBERED = 100_000


class RecentReports:
    """(reporter, post, label) → the flag id of that report, for ``window_s`` (oldest dropped
    first when more than ``max_entries`` are held). ``clock``: seconds, monotonic."""

    def __init__(
        self,
        window_s: float = REPEAT_WINDOW_S,
        max_entries: int = MAX_REMEMBERED,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.window_s = window_s
        self.max_entries = max_entries
        self.clock = clock
        self._seen: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(reporter: str, post_id: str, label: str) -> str:
        return hashlib.sha256(f"{reporter}\x00{post_id}\x00{label}".encode()).hexdigest()

    def get(self, key: str) -> str | None:
        with self._lock:
            self._expire()
            found = self._seen.get(key)
            return found[1] if found else None

    def put(self, key: str, flag_id: str) -> None:
        with self._lock:
            self._seen.pop(key, None)
            self._seen[key] = (self.clock(), flag_id)
            while len(self._seen) > self.max_entries:
                self._seen.popitem(last=False)

    def _expire(self) -> None:
        cutoff = self.clock() - self.window_s
        while self._seen:
            first = next(iter(self._seen.values()))
            if first[0] >= cutoff:
                break
            self._seen.popitem(last=False)


def report_guards(request: Request) -> tuple[RecentReports, LoginLimiter]:
    """The app's memory of recent reports and its limiter of new anonymous reports (made on
    first use). ``heard.api.routes.protect.file_report`` applies them."""
    state = request.app.state
    if not hasattr(state, "recent_reports"):
        state.recent_reports = RecentReports()
    if not hasattr(state, "report_limiter"):
        state.report_limiter = LoginLimiter(max_failures=REPORTS_PER_HOUR, window_s=3600.0)
    return state.recent_reports, state.report_limiter


def reporter_of(request: Request, username: str | None) -> str:
    """Who repeats are counted for: the signed-in account, else the client address (an IPv6
    client's /64, as every per-client limit counts it: ``heard.api.peer.limit_key``)."""
    return f"user:{username}" if username else "addr:" + limit_key(client_address(request))
