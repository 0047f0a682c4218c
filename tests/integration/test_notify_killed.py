"""`heard notify` killed half-way (SIGKILL, while a slow webhook is answering) and run again:
every notification reaches both channels, none is lost, and a repeat is only the one in flight
at the kill, with the same Idempotency-Key or Message-ID (delivery is at least once,
docs/answer/notifications.md). A real subprocess, a real SMTP server, a real HTTP receiver."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from test_case_notifications import Mailbox, _open

from heard.store import open_store

CASES = 8


class SlowReceiver:
    """A webhook that takes 0.5 s to answer 200; keeps each request's Idempotency-Key."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(0.5)
                outer.keys.append(self.headers.get("Idempotency-Key") or "")
                try:
                    self.send_response(200)
                    self.end_headers()
                    self.wfile.write(b"{}")
                except OSError:  # the sender was killed while waiting
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_a_killed_notify_run_loses_nothing_when_run_again(tmp_path):
    mailbox, receiver = Mailbox(), SlowReceiver()
    try:
        db = tmp_path / "n.duckdb"
        with open_store(db) as store:
            for n in range(CASES):
                _open(store, n, created=datetime.now() - timedelta(hours=1))
        config = tmp_path / "heard.toml"
        config.write_text(
            f'[heard]\nsmtp_host = "127.0.0.1"\nsmtp_port = {mailbox.port}\n\n'
            f'[[departments]]\ncode = "transport"\nname_en = "Transport"\n'
            f'email = "t@city.example"\nwebhook = "{receiver.url}"\n',
            encoding="utf-8",
        )
        heard = Path(sys.executable).with_name("heard")
        cmd = [str(heard), "notify", "--db", str(db), "--config", str(config), "--json"]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        first = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        give_up = time.monotonic() + 60
        while len(receiver.keys) < 3 and time.monotonic() < give_up:
            time.sleep(0.05)
        time.sleep(0.2)  # into the next notification's webhook
        first.send_signal(signal.SIGKILL)
        first.communicate()
        assert len(receiver.keys) < CASES  # killed half-way
        again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
        assert again.returncode == 0, again.stderr[-2000:]
        assert json.loads(again.stdout)["pending"] == 0
        hooks = Counter(receiver.keys)
        mails = Counter(m["msg"]["Message-ID"] for m in mailbox.messages)
        assert len(hooks) == CASES and len(mails) == CASES  # none lost
        assert sum(hooks.values()) - CASES <= 1 and sum(mails.values()) - CASES <= 1
        assert sum(hooks.values()) + sum(mails.values()) - 2 * CASES <= 1  # only the one in flight
        with open_store(db, read_only=True) as store:
            notes = store.cases.notifications()
        assert len(notes) == CASES and all(n["done"] for n in notes)
    finally:
        receiver.close()
        mailbox.stop()
