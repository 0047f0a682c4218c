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
from typing import Any

from fastapi import Request

from heard.api.peer import client_address
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


def _state(request: Request) -> tuple[RecentReports, LoginLimiter]:
    state = request.app.state
    if not hasattr(state, "recent_reports"):
        state.recent_reports = RecentReports()
    if not hasattr(state, "report_limiter"):
        state.report_limiter = LoginLimiter(max_failures=REPORTS_PER_HOUR, window_s=3600.0)
    return state.recent_reports, state.report_limiter


def file_report(request: Request, post_id: str, label: str, note: str) -> dict[str, Any]:
    """A report by the caller: ``{flag_id, source, duplicate}``. Spends the public budget (a 429
    when it is used up), answers a repeat with the first report's flag, and refuses (429) an
    anonymous address's new reports beyond ``REPORTS_PER_HOUR``. Bad input raises as
    ``Review.report`` does (an unknown post, a label outside the taxonomy)."""
    from heard.api.errors import ApiError
    from heard.api.routes.deps import spend_public_action
    from heard.api.routes.protect import locked_write, username_of
    from heard.protect.review import Review

    spend_public_action(request)
    who = username_of(request)
    reporter = f"user:{who}" if who else "addr:" + client_address(request)
    recent, limiter = _state(request)
    key = recent.key(reporter, post_id, label)
    earlier = recent.get(key)
    if earlier is not None:
        flag = locked_write(request, lambda store: store.protect.flag(earlier), changes=False)
        if flag is not None and flag["status"] == "pending":
            return {"flag_id": earlier, "source": flag["source"], "duplicate": True}
    budget = "reports:" + reporter
    if who is None:
        wait = limiter.retry_after(budget)
        if wait > 0:
            raise ApiError(
                429,
                f"this address has filed {REPORTS_PER_HOUR} reports in the last hour",
                [
                    f"fix: try again in {int(wait // 60) + 1} minutes; each report is read by a "
                    "person, so reports from one address are limited"
                ],
                {"Retry-After": str(int(wait) + 1)},
            )
    row = locked_write(
        request, lambda store: Review(store).report(post_id, label, note=note, flagger=who)
    )
    if who is None:
        limiter.failed(budget)
    recent.put(key, row["flag_id"])
    return {"flag_id": row["flag_id"], "source": row["source"], "duplicate": False}
