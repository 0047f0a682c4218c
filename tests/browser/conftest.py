"""Browser-test fixtures: a `heard serve` subprocess on 127.0.0.1 (stopped by its PID) over a
seeded DuckDB file, and Debian chromium driven by Playwright (never `playwright install`)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
sys.path.insert(0, str(REPO / "tests" / "integration"))  # the shared seed (api_seed.py)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """(base URL, password) of a running `heard serve`; the users are viewer/analyst/admin."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"needs {CHROMIUM}: run scripts/install-browser.sh (make test does)")
    from api_seed import PASSWORD, build

    db = tmp_path_factory.mktemp("browser") / "browser.duckdb"
    build(db)
    port = _free_port()
    log = (tmp_path_factory.getbasetemp() / "serve.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from heard.cli import main; main()",
            "serve",
            "--db",
            str(db),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=str(tmp_path_factory.getbasetemp()),
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            os.kill(proc.pid, signal.SIGKILL) if proc.poll() is None else None
            pytest.fail("heard serve did not start: " + Path(log.name).read_text()[-2000:])
        time.sleep(0.3)
    yield base, PASSWORD
    os.kill(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    log.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"needs {CHROMIUM}: run scripts/install-browser.sh (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture()
def page(browser, server):
    """A fresh context (no cookies), recording dialogs, console errors and page errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    pg = context.new_page()
    pg.dialogs, pg.console_errors, pg.page_errors = [], [], []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.page_errors.append(str(e)))
    pg.set_default_timeout(20_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield pg
    context.close()


def login(page, base: str, password: str, user: str = "analyst") -> None:
    page.goto(base + "/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(base + "/")
