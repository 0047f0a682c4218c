"""The server's case-notification worker: while ``heard serve`` runs it owns the store (a DuckDB
file has one writer), so it is the server that tells departments of their cases — a background
thread that runs ``heard.answer.notifications.notify_cases`` every ``notify_interval_s`` seconds
and soon after a case moves (``wake``). The write lock is held around store access only, never
while a webhook or an SMTP server is slow. A failed scan is logged and tried again at the next
interval; it never stops the server."""

from __future__ import annotations

import logging
import threading
from typing import Any

from heard.clock import utcnow

log = logging.getLogger("heard.notify")
WAKE_DELAY_S = 2.0
"""After a wake, wait this long for the moves that come with it (a reply and its closing)."""


class CaseNotifier:
    def __init__(self, store: Any, settings: Any, lock: Any):
        self.store, self.settings, self.lock = store, settings, lock
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.scans = 0
        self.last: dict[str, Any] | None = None

    def start(self) -> None:
        if self.settings.notify_interval_s <= 0 or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="case-notifier", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """A case moved: scan soon instead of at the next interval."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def scan(self) -> dict[str, Any]:
        from heard.answer.notifications import notify_cases

        result = notify_cases(self.store, self.settings, utcnow(), lock=self.lock)
        self.scans += 1
        self.last = result
        return result

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                result = self.scan()
                if result["sent"]:
                    log.info("case notifications: %d tried, %d pending",
                             len(result["sent"]), result["pending"])  # fmt: skip
                if result.get("closed"):
                    log.info(
                        "case notifications: %d closed unsent (%s)",
                        len(result["closed"]),
                        ", ".join(sorted({c["reason"] for c in result["closed"]})),
                    )
            except Exception:  # a scan must never stop the server: log it, try again later
                log.exception("case notification scan failed")
            woken = self._wake.wait(self.settings.notify_interval_s)
            if woken and not self._stop.is_set():
                self._wake.clear()
                self._stop.wait(WAKE_DELAY_S)
