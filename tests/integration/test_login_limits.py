"""Login limiting and cookies through the real in-process app (issue 16 item 10): a success does
not reset the per-address limit; behind a named reverse proxy the forwarded client is counted and
https is seen; forwarded headers from anyone else are ignored."""

from __future__ import annotations

import re
import shutil

import pytest
from api_seed import PASSWORD, build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.auth import LoginLimiter
from heard.settings import Settings


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    db = tmp_path_factory.mktemp("seed") / "api.duckdb"
    build(db)
    return db


def client_for(tmp_path, seeded, **settings):
    db = tmp_path / "api.duckdb"
    shutil.copy(seeded, db)
    app = create_app(
        Settings(db=db, **settings), limiter=LoginLimiter(max_failures=5, window_s=300)
    )
    return TestClient(app, raise_server_exceptions=False)


def attempt(client, username, password, headers=None):
    form = client.get("/login", headers=headers)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    client.cookies.set("heard_login_csrf", csrf)  # a Secure cookie is not sent back over http
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf},
        headers=headers,
        follow_redirects=False,
    )


def test_a_successful_login_does_not_reset_the_address_limit(tmp_path, seeded):
    with client_for(tmp_path, seeded) as client:
        statuses = []
        for i in range(12):  # a guesser with one account of its own, trying other names between
            if i % 4 == 3:
                attempt(client, "viewer", PASSWORD)
            statuses.append(attempt(client, f"victim{i}", "guess").status_code)
        assert statuses.count(401) == 5 and statuses[-1] == 429


def test_behind_a_trusted_proxy_each_client_has_its_own_limit_and_https_is_seen(tmp_path, seeded):
    with client_for(tmp_path, seeded, trusted_proxies=["testclient"]) as client:
        for _ in range(5):
            assert (
                attempt(client, "viewer", "wrong", {"X-Forwarded-For": "203.0.113.7"}).status_code
                == 401
            )
        assert (
            attempt(client, "analyst", "wrong", {"X-Forwarded-For": "203.0.113.7"}).status_code
            == 429
        )
        # another user behind the same proxy is not locked out by that client
        ok = attempt(
            client,
            "analyst",
            PASSWORD,
            {"X-Forwarded-For": "198.51.100.2", "X-Forwarded-Proto": "https"},
        )
        assert ok.status_code == 303
        assert "secure" in ok.headers["set-cookie"].lower()
        # a spoofed hop written by the client to the left of the real one changes nothing
        spoof = {"X-Forwarded-For": "1.2.3.4, 203.0.113.7"}
        assert attempt(client, "analyst", "wrong", spoof).status_code == 429


def test_forwarded_headers_from_an_untrusted_peer_are_ignored(tmp_path, seeded):
    with client_for(tmp_path, seeded) as client:  # no trusted_proxies
        ok = attempt(client, "viewer", PASSWORD, {"X-Forwarded-Proto": "https"})
        assert ok.status_code == 303 and "secure" not in ok.headers["set-cookie"].lower()
        for i in range(5):  # a client cannot pose as many by writing X-Forwarded-For
            attempt(client, "viewer", "wrong", {"X-Forwarded-For": f"203.0.113.{i}"})
        assert (
            attempt(client, "viewer", PASSWORD, {"X-Forwarded-For": "198.51.100.9"}).status_code
            == 429
        )
