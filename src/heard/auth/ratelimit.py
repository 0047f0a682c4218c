"""Login rate limiting: a sliding window of failed attempts per client address and per username."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable


PRUNE_MIN_KEYS = 1024
"""Keys held before the first pruning of stale ones."""


class LoginLimiter:
    """Allow at most ``max_failures`` failed logins per ``window_s`` for one key.

    Keys are ``ip:<addr>`` and ``user:<name>``, so one address cannot try many names and many
    addresses cannot hammer one name. ``clock`` is injected (seconds, monotonic).
    """

    def __init__(
        self,
        max_failures: int = 5,
        window_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.max_failures = max_failures
        self.window_s = window_s
        self.clock = clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()
        self._prune_at = PRUNE_MIN_KEYS

    def _prune(self) -> None:
        """Forget keys with no attempt left in the window, once the table has doubled since the
        last pruning (amortised O(1) per attempt): a long-running server counted every client
        address it ever saw, and its memory grew with them."""
        if len(self._failures) < self._prune_at:
            return
        cutoff = self.clock() - self.window_s
        for key in [k for k, q in self._failures.items() if not q or q[-1] < cutoff]:
            del self._failures[key]
        self._prune_at = max(PRUNE_MIN_KEYS, 2 * len(self._failures))

    def _recent(self, key: str) -> deque[float]:
        q = self._failures[key]
        cutoff = self.clock() - self.window_s
        while q and q[0] < cutoff:
            q.popleft()
        return q

    def retry_after(self, *keys: str) -> float:
        """Seconds until a login may be tried again for these keys (0 when allowed now)."""
        with self._lock:
            wait = 0.0
            for key in keys:
                q = self._recent(key)
                if len(q) >= self.max_failures:
                    wait = max(wait, q[0] + self.window_s - self.clock())
            return max(wait, 0.0)

    def take(self, *keys: str) -> float:
        """Count one attempt for ``keys`` and return 0 when it is allowed; else count nothing and
        return the seconds to wait. One step under the lock: looking (``retry_after``) and then
        counting (``failed``) let attempts sent at once all pass before any was counted."""
        with self._lock:
            self._prune()
            now = self.clock()
            queues = [self._recent(key) for key in keys]
            full = [q[0] + self.window_s - now for q in queues if len(q) >= self.max_failures]
            if full:
                return max(max(full), 0.001)
            for q in queues:
                q.append(now)
            return 0.0

    def refund(self, *keys: str) -> None:
        """Take back the newest attempt counted for ``keys`` (one that turned out not to count,
        such as a right token)."""
        with self._lock:
            for key in keys:
                q = self._recent(key)
                if q:
                    q.pop()

    def failed(self, *keys: str) -> None:
        with self._lock:
            self._prune()
            now = self.clock()
            for key in keys:
                self._recent(key).append(now)

    def succeeded(self, *keys: str) -> None:
        """Forget the failures of ``keys`` — pass the username's key only, never the address's:
        a success must not reset the per-address count (one known account would otherwise let
        an address try unlimited other names)."""
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
