"""Where alerts go: the terminal, a JSONL log, webhooks.

Each sink has ``send(alert) -> dict`` returning a delivery record (what was tried, what
happened). A sink never raises for a delivery failure: a dead webhook must not stop the stream;
the failure is recorded with the alert (``alerts.deliveries``) and said on the terminal.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import httpx
from rich.console import Console
from rich.markup import escape

from heard.errors import InputError


class AlertSink(Protocol):
    name: str

    def send(self, alert: dict[str, Any]) -> dict[str, Any]: ...


def issue_now_note(alert: dict[str, Any]) -> str:
    """Where an issue alert's messages are now, when the issue it names has merged or
    dissolved since it fired (``issue_now``, ``heard.read.issues.with_issue_now``)."""
    now = alert.get("issue_now") or {}
    if now.get("status") == "merged":
        return f"; its messages are now in issue {now['issue_id']}"
    if now.get("status") == "dissolved":
        return "; the issue has since dissolved"
    return ""


class ConsoleSink:
    """One readable block per alert on the terminal (stderr, beside progress)."""

    name = "cli"

    def __init__(self, console: Console):
        self.console = console

    def send(self, alert: dict[str, Any]) -> dict[str, Any]:
        ev = alert["evidence"]
        if alert.get("kind") == "issue":
            self.console.print(
                f"[bold red]ALERT[/] issue {alert['issue_id']} "
                f"[bold]{escape(alert['label'])}[/] — {ev['count']} messages from "
                f"{ev['authors']} authors in the last 7 days (expected {ev['expected']:.2f}, "
                f"p={ev['p_value']:.2g}){issue_now_note(alert)}"
            )
            return {"sink": self.name, "ok": True}
        self.console.print(
            f"[bold red]ALERT[/] topic {alert['topic_id']} "
            f"[bold]{escape(alert['label'] or '(unlabelled)')}[/] — "
            f"{ev['count']} posts from {ev['authors']} authors in "
            f"{int(ev['window_seconds'] // 60) or 1} min "
            f"(expected {ev['expected']:.2f}, p={ev['p_value']:.2g}); burst began {alert['onset']}"
        )
        for post in alert.get("sample_posts", [])[:3]:
            self.console.print(f"    · {post['text'][:140]}", markup=False, highlight=False)
        return {"sink": self.name, "ok": True}


class JsonlSink:
    """Appends each alert as one JSON line to ``path`` (the alert log, ``settings.alert_log``)."""

    name = "jsonl"

    def __init__(self, path: Path):
        self.path = Path(path)
        if self.path.parent and not self.path.parent.exists():
            raise InputError(
                f"the folder of the alert log {self.path} does not exist",
                "create it, or set alert_log in heard.toml / HEARD_ALERT_LOG",
            )

    def send(self, alert: dict[str, Any]) -> dict[str, Any]:
        try:
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(alert, ensure_ascii=False, default=str) + "\n")
        except OSError as exc:
            return {"sink": self.name, "ok": False, "error": f"cannot write {self.path}: {exc}"}
        return {"sink": self.name, "ok": True, "path": str(self.path)}


RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
"""Statuses worth another try; any other 4xx means the request itself is wrong."""


class WebhookSink:
    """POSTs each alert as JSON to every URL, with a timeout, retries and exponential backoff.

    A try that times out, cannot connect, or gets a status in ``RETRY_STATUS`` is retried up to
    ``retries`` more times, waiting ``backoff × 2^attempt`` seconds (``sleep`` is injectable for
    tests). The header ``Idempotency-Key`` carries the alert id (the ``id_field`` of what is sent:
    ``alert_id`` for alerts, ``notification_id`` for case notifications), so a receiver can drop
    repeats.
    ``on_failure(url, attempts)`` is called for each URL that was not reached in the end (the CLI
    prints a warning; the result is stored with the alert either way).
    """

    name = "webhook"

    def __init__(
        self,
        urls: Sequence[str],
        *,
        retries: int = 3,
        backoff: float = 0.5,
        timeout: float = 5.0,
        sleep: Callable[[float], None] = time.sleep,
        client: httpx.Client | None = None,
        on_failure: Callable[[str, list[str]], None] | None = None,
        id_field: str = "alert_id",
    ):
        for url in urls:
            if not url.startswith(("http://", "https://")):
                raise InputError(
                    f"webhook {url!r} is not an http(s) URL",
                    "give full URLs, e.g. https://hooks.example.org/heard",
                )
        self.urls = list(urls)
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self.on_failure = on_failure
        self.id_field = id_field
        self.client = client or httpx.Client(
            timeout=timeout, headers={"User-Agent": "heard-alerts"}
        )

    def send(self, alert: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps(alert, ensure_ascii=False, default=str).encode("utf-8")
        results = [self._post(url, body, str(alert[self.id_field])) for url in self.urls]
        if self.on_failure is not None:
            for failed in (r for r in results if not r["ok"]):
                self.on_failure(failed["url"], failed["attempts"])
        return {"sink": self.name, "ok": all(r["ok"] for r in results), "targets": results}

    def _post(self, url: str, body: bytes, alert_id: str) -> dict[str, Any]:
        attempts: list[str] = []
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                response = self.client.post(
                    url,
                    content=body,
                    headers={"Content-Type": "application/json", "Idempotency-Key": alert_id},
                )
            except httpx.TimeoutException:
                attempts.append("timeout")
                continue
            except httpx.TransportError as exc:
                attempts.append(f"unreachable: {type(exc).__name__}")
                continue
            attempts.append(str(response.status_code))
            if response.is_success:
                return {"url": url, "ok": True, "attempts": attempts}
            if response.status_code not in RETRY_STATUS:
                break
        return {"url": url, "ok": False, "attempts": attempts}

    def close(self) -> None:
        self.client.close()
