"""The public actions' limit (concerns filed, disputes, wrong tokens) is per client address; an
IPv6 client holds a whole /64 (2^64 addresses, one per request if it likes), so keyed by the
full address the limit held for no one on IPv6. An IPv6 client's actions are now counted per
/64; IPv4 addresses and other IPv6 networks keep their own limits. The same holds for failed
logins and anonymous reports."""

from __future__ import annotations

from fastapi.testclient import TestClient

from heard.api import create_app
from heard.auth.ratelimit import LoginLimiter
from heard.settings import Settings
from heard.store import open_store


def _file(client, address: str, n: int) -> int:
    return client.post(
        "/open311/v2/requests.json",
        data={"service_code": "transport", "description": f"路灯不亮，第{n}次反映"},
        headers={"X-Forwarded-For": address},
    ).status_code


def test_an_ipv6_client_cannot_rotate_addresses_within_its_network(tmp_path):
    db = tmp_path / "h.duckdb"
    open_store(db).close()
    settings = Settings(db=db, department_preset="teddycup", trusted_proxies=["testclient"])
    with TestClient(create_app(settings)) as client:
        client.app.state.public_limiter = LoginLimiter(max_failures=3, window_s=3600.0)
        rotating = [_file(client, f"2001:db8:1:2::{n:x}", n) for n in range(1, 5)]
        assert rotating == [200, 200, 200, 429]
        # written another way, the same network is the same client
        assert _file(client, "2001:0db8:0001:0002:ffff::1", 9) == 429
        # another /64 and an IPv4 client are not held back by it
        assert _file(client, "2001:db8:1:3::1", 10) == 200
        assert [_file(client, f"203.0.113.{n}", n) for n in range(1, 5)] == [200] * 4
        assert [_file(client, "198.51.100.7", n) for n in range(4)] == [200, 200, 200, 429]
        posts = client.app.state.db.scalar("SELECT count(*) FROM posts")
    assert posts == 3 + 1 + 4 + 3


def test_limit_keys():
    from heard.api.peer import limit_key

    assert limit_key("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"
    assert limit_key("::ffff:203.0.113.7") == limit_key("203.0.113.7") == "203.0.113.7"
    assert limit_key("fe80::1%eth0") == "fe80::/64"
    assert limit_key("testclient") == "testclient"


def _login(client, address: str, name: str) -> int:
    import re

    form = client.get("/login", headers={"X-Forwarded-For": address})
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    client.cookies.set("heard_login_csrf", csrf)
    return client.post(
        "/login",
        data={"username": name, "password": "guess", "csrf_token": csrf},
        headers={"X-Forwarded-For": address},
        follow_redirects=False,
    ).status_code


def test_a_password_guesser_on_ipv6_cannot_rotate_addresses(tmp_path):
    db = tmp_path / "h.duckdb"
    open_store(db).close()
    settings = Settings(db=db, trusted_proxies=["testclient"])
    app = create_app(settings, limiter=LoginLimiter(max_failures=3, window_s=300))
    with TestClient(app, raise_server_exceptions=False) as client:
        tries = [_login(client, f"2001:db8:7:7::{n:x}", f"victim{n}") for n in range(1, 5)]
        assert tries == [401, 401, 401, 429]
        assert _login(client, "2001:db8:7:8::1", "victim9") == 401  # another network


def test_anonymous_reports_from_one_ipv6_network_share_one_budget(tmp_path):
    from api_seed import build

    from heard.api.reports import REPORTS_PER_HOUR

    db = tmp_path / "r.duckdb"
    build(db)
    settings = Settings(db=db, trusted_proxies=["testclient"])
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        codes = [
            client.post(
                "/api/v1/report",
                json={"post_id": f"seed:w{10 + n}", "label": "spam"},
                headers={"X-Forwarded-For": f"2001:db8:9:9::{n + 1:x}"},
            ).status_code
            for n in range(REPORTS_PER_HOUR + 1)
        ]
        assert codes == [200] * REPORTS_PER_HOUR + [429]
