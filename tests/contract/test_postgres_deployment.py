"""One PostgreSQL database, three processes at once (issue 15 §3): `heard serve`, `heard watch`
following a growing file, and CLI commands in between — as a city would run the dashboard and a
live feed together. The watch's posts reach the server's pages and API as they arrive (with
their topics), the CLI reads and writes (an account and its token) while both run, and the
server's public form files a concern while the watch holds the topics between its batches."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "data" / "demo" / "posts.jsonl"
PASSWORD = "pg-deploy-pass-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _heard(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from heard.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )


def _start(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", "from heard.cli import main; main()", *args],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _get(url: str, token: str | None = None) -> Any:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as r:
        body = r.read().decode()
    return (
        json.loads(body)
        if r.headers.get("content-type", "").startswith("application/json")
        else body
    )


def _wait(condition: Any, seconds: float, what: str, logs: list[Path]) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.5)
    tails = "\n".join(f"--- {p.name}\n{p.read_text()[-1500:]}" for p in logs if p.exists())
    pytest.fail(f"timed out waiting for {what}\n{tails}")


def test_serve_watch_and_cli_share_one_postgresql_database(pg_url: str, tmp_path: Path) -> None:
    lines = DEMO.read_text(encoding="utf-8").splitlines()[:240]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(lines[:80]) + "\n", encoding="utf-8")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    serve_log, watch_log = tmp_path / "serve.log", tmp_path / "watch.log"
    watch = _start(
        ["watch", str(feed), "--db", pg_url, "--refresh-every", "2", "--max-wait", "0.5"],
        watch_log,
    )
    serve = None
    try:
        # the watch creates the schema and stores the first lines; the server starts beside it
        _wait(lambda: "posts" in watch_log.read_text() or watch.poll() is not None, 180,
              "the watch to store its first batch", [watch_log])  # fmt: skip
        assert watch.poll() is None, watch_log.read_text()[-2000:]
        serve = _start(
            ["serve", "--db", pg_url, "--host", "127.0.0.1", "--port", str(port)], serve_log
        )
        _wait(lambda: _get(base + "/health") is not None, 120, "the server", [serve_log])

        # a CLI command writes while both run: an account and its API token
        added = _heard("users", "add", "ana", "--role", "admin", "--password", PASSWORD,
                       "--db", pg_url)  # fmt: skip
        assert added.returncode == 0, added.stderr
        made = _heard("users", "token", "ana", "--label", "test", "--json", "--db", pg_url)
        assert made.returncode == 0, made.stderr
        token = json.loads(made.stdout)["token"]

        # more posts arrive, a few at a time
        for start in range(80, 240, 40):
            with feed.open("a", encoding="utf-8") as fh:
                fh.write("\n".join(lines[start : start + 40]) + "\n")
            time.sleep(1.0)

        def stored() -> int:
            return int(_get(base + "/api/v1/stats", token)["posts"])

        _wait(lambda: stored() >= 240, 240, "the server to see all 240 posts",
              [watch_log, serve_log])  # fmt: skip

        # the public form files a concern while the watch runs (it waits for the topics lock
        # between the watch's batches, never fails)
        form = urllib.request.Request(
            base + "/open311/v2/requests.json",
            data=json.dumps({"service_code": "nope", "description": "x"}).encode(),
            headers={"content-type": "application/json"},
        )
        try:
            urllib.request.urlopen(form, timeout=60)
        except urllib.error.HTTPError as err:
            assert err.code == 404  # no departments configured: refused with a reason, no 500

        # topics exist and the CLI reads them while serve and watch hold the database
        _wait(lambda: _get(base + "/api/v1/topics", token)["topics"], 120,
              "topics on the server", [watch_log, serve_log])  # fmt: skip
        listed = _heard("topics", "--db", pg_url, "--json")
        assert listed.returncode == 0, listed.stderr
        assert json.loads(listed.stdout)["topics"]
        # search finds the watch's posts once its refresh has indexed them
        _wait(lambda: _get(base + "/api/v1/posts?q=%E5%85%AC%E4%BA%A4", token)["posts"], 120,
              "search to find 公交", [watch_log, serve_log])  # fmt: skip
        page = _get(base + "/topics", token)
        assert "<table" in page
        assert watch.poll() is None and serve.poll() is None
    finally:
        _stop(watch)
        if serve is not None:
            _stop(serve)
    assert "Traceback" not in serve_log.read_text(), serve_log.read_text()[-3000:]
    assert "Traceback" not in watch_log.read_text(), watch_log.read_text()[-3000:]
