"""Small parts of `heard serve`: redaction, the login limiter, UI strings, cursors, roles."""

from __future__ import annotations

import pytest

from heard.read.common import decode_cursor, encode_cursor
from heard.read.redact import public_accounts, redact
from heard.auth import LoginLimiter, Role
from heard.errors import InputError
from heard.web.i18n import STRINGS, translator


def test_personal_data_is_redacted_and_ordinary_numbers_are_not():
    text = (
        "电话13812345678, 010-12345678, a.b@x.com, 身份证11010519491231002X, "
        "card 6222 0202 0000 1234 567"
    )
    out = redact(text)
    for secret in ("13812345678", "010-12345678", "a.b@x.com", "11010519491231002X", "6222 0202"):
        assert secret not in out
    assert out.count("[phone]") == 2 and "[email]" in out and "[id]" in out and "[card]" in out
    assert redact("12路公交 2020年 300元 #35") == "12路公交 2020年 300元 #35"


def test_street_addresses_are_redacted_down_to_the_door_and_public_places_are_not():
    # RIGHTS.md §7: a house number or a flat identifies a home; the road or the estate does not
    assert redact("住在桂香街32号楼三楼，油烟") == "住在桂香街[address]三楼，油烟"
    assert redact("长乐路128号门口") == "长乐路[address]门口"
    assert redact("金桂苑3栋2单元401室漏水") == "金桂苑[address]漏水"
    assert redact("我家401室楼上") == "我家[address]楼上"
    assert redact("I live at 12 Baker Street, Flat 4B.") == "I live at [address], [address]."
    for public in (
        "地铁3号线北岭段",
        "今天11月3号了",
        "不知道3号能不能修好",
        "3栋、5栋电梯频繁故障",
        "住翠湖花园7栋",
        "第3单元",
        "12 buses on Changle Road",
        "Route 12",
        "Unit 3 of the course",
    ):
        assert redact(public) == public


def test_people_s_handles_are_masked_and_named_public_accounts_are_not():
    text = (
        "@澜河水务 长乐路爆管了 //@骑车的老周: 快看 @tom.teaches.english. "
        "mail a.b@x.com @LanheLocalNews"
    )
    assert redact(text) == "@[user] 长乐路爆管了 //@[user]: 快看 @[user]. mail [email] @[user]"
    with public_accounts(
        ["澜河水务", "@lanhelocalnews"]
    ):  # RIGHTS.md §4: institutions an operator names
        assert (
            redact(text)
            == "@澜河水务 长乐路爆管了 //@[user]: 快看 @[user]. mail [email] @LanheLocalNews"
        )
    assert redact(text).startswith("@[user]")  # the names in force before are back


def test_login_limiter_blocks_after_failures_and_forgets_after_the_window():
    now = {"t": 0.0}
    limiter = LoginLimiter(max_failures=2, window_s=10, clock=lambda: now["t"])
    assert limiter.retry_after("ip:a") == 0
    limiter.failed("ip:a", "user:x")
    limiter.failed("ip:a", "user:x")
    assert limiter.retry_after("ip:a") == pytest.approx(10) and limiter.retry_after("user:x") > 0
    assert limiter.retry_after("ip:b") == 0
    now["t"] = 10.5
    assert limiter.retry_after("ip:a", "user:x") == 0


def test_every_ui_string_exists_in_both_languages():
    for key, (en, zh) in STRINGS.items():
        assert en.strip() and zh.strip(), key
    assert translator("zh")("topics") == "话题" and translator("en")("topics") == "Topics"


def test_cursors_round_trip_exactly_and_reject_garbage():
    values = [0.123456789012345, "syn:9"]
    assert decode_cursor(encode_cursor(values), (float, str)) == values
    for garbage in (
        "not-a-cursor",
        encode_cursor(["x", 3]),
        encode_cursor([1.0]),
        encode_cursor([None, 3]),
        encode_cursor([[1], 3]),
    ):
        with pytest.raises(InputError, match="not one this server gave"):
            decode_cursor(garbage, (float, int))


def test_roles_are_ordered_and_parsed():
    assert Role.admin > Role.analyst > Role.viewer
    assert Role.parse(" Analyst ") is Role.analyst
    with pytest.raises(InputError, match="unknown role"):
        Role.parse("moderator-in-chief")


def test_cache_computes_a_key_once_while_concurrent_requests_wait():
    import threading
    import time

    from heard.read.common import VersionedCache

    cache, calls, results = VersionedCache(), [], []

    def slow() -> int:
        calls.append(1)
        time.sleep(0.2)
        return 42

    threads = [
        threading.Thread(target=lambda: results.append(cache.get(1, "overview", slow)))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [42] * 8 and len(calls) == 1
    assert cache.get(2, "overview", lambda: 7) == 7  # a new data version computes again


def test_read_view_runs_at_most_max_queries_at_once(tmp_path):
    import threading

    from heard.store.duckdb.view import ReadView
    from heard.store import open_store

    with open_store(tmp_path / "h.duckdb") as store:
        view = ReadView(store, max_queries=2)
        running, peak, lock = [0], [0], threading.Lock()
        original = view._cursor

        def counting_cursor():
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            try:
                return original()
            finally:
                threading.Event().wait(0.05)
                with lock:
                    running[0] -= 1

        view._cursor = counting_cursor
        threads = [
            threading.Thread(target=lambda: view.scalar("SELECT count(*) FROM range(100000)"))
            for _ in range(6)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert peak[0] == 2
