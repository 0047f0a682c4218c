"""The public actions' limit (concerns filed, disputes, wrong tokens) is per client address; an
IPv6 client holds a whole /64 (2^64 addresses, one per request if it likes), so keyed by the
full address the limit held for no one on IPv6. An IPv6 client's actions are now counted per
/64; IPv4 addresses and other IPv6 networks keep their own limits."""

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
