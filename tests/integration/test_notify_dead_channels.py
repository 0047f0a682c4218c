"""A dead webhook or a dead SMTP server costs one notification's tries per scan, not every
notification's. Before, each pending notification tried the dead channel in full (a webhook: 1 +
3 retries with backoff, 3.5 s when refused and about 24 s when it hangs past the 5-s timeout; an
SMTP server: up to its 10-s timeout), one after the other: a department with 20 open cases and a
hung webhook held a `heard notify` run, a `heard watch` refresh or the server's notifier for
about 8 minutes, and every other department's notifications waited behind it. Now a channel
found dead in a scan is not tried again in that scan: its other notifications stay pending,
each counted as tried (so a dead channel is still given up after ``notify_max_attempts`` scans),
and the next scan tries again. Real SMTP server (aiosmtpd), real HTTP receiver, real store."""

from __future__ import annotations

import socket
import threading

from test_case_notifications import Mailbox, Receiver, _open, _scan, _settings

from heard.store import open_store


def test_a_dead_webhook_is_tried_once_per_scan_and_later_delivered(tmp_path):
    mailbox = Mailbox()
    receiver = Receiver([503] * 12)  # enough refusals for three notifications' tries in full
    try:
        settings = _settings(tmp_path, mailbox, receiver.url)
        with open_store(settings.db) as store:
            cases = [_open(store, n) for n in range(3)]
            first = _scan(store, settings)
            assert len(receiver.script) == 12 - 4  # one notification's 1 + 3 tries, no more
            assert first["pending"] == 3 and len(mailbox.messages) == 3  # e-mail went on
            hooks = [store.cases.notifications(c)[0]["deliveries"]["webhook"] for c in cases]
            assert all(h["ok"] is False and h["attempts"] == 1 for h in hooks)
            assert sum(h["tries"] == ["503"] * 4 for h in hooks) == 1
            receiver.script = []  # the webhook is back
            second = _scan(store, settings)
            assert second["pending"] == 0
            assert sorted(r["body"]["case_id"] for r in receiver.received) == sorted(cases)
            assert len(mailbox.messages) == 3  # none sent twice
            assert _scan(store, settings)["sent"] == []
    finally:
        receiver.close()
        mailbox.stop()


def test_a_dead_webhook_is_still_given_up_after_max_attempts(tmp_path):
    mailbox = Mailbox()
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/hook"
    try:
        settings = _settings(tmp_path, mailbox, dead, notify_max_attempts=2)
        with open_store(settings.db) as store:
            cases = [_open(store, n) for n in range(3)]
            assert _scan(store, settings)["pending"] == 3
            assert _scan(store, settings)["pending"] == 0
            assert _scan(store, settings)["sent"] == []
            for case_id in cases:
                record = store.cases.notifications(case_id)[0]
                assert record["deliveries"]["webhook"]["attempts"] == 2 and record["done"]
    finally:
        mailbox.stop()


class ClosingSmtp:
    """A TCP server on 127.0.0.1 that accepts and at once closes: an SMTP server that is down
    (smtplib raises SMTPServerDisconnected); counts the connections."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.sock.close()


def test_a_dead_smtp_server_is_tried_once_per_scan(tmp_path):
    down = ClosingSmtp()
    receiver = Receiver()
    try:
        settings = _settings(tmp_path, None, receiver.url).model_copy(
            update={"smtp_port": down.port}
        )
        with open_store(settings.db) as store:
            cases = [_open(store, n) for n in range(3)]
            first = _scan(store, settings)
            assert down.connections == 1
            assert first["pending"] == 3 and len(receiver.received) == 3  # the webhook went on
            mails = [store.cases.notifications(c)[0]["deliveries"]["email"] for c in cases]
            assert all(m["ok"] is False and m["attempts"] == 1 for m in mails)
            _scan(store, settings)
            assert down.connections == 2 and len(receiver.received) == 3
    finally:
        down.close()
        receiver.close()
