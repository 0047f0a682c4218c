"""Small parts of `heard serve`: redaction, the login limiter, UI strings, cursors, roles."""

from __future__ import annotations

import pytest

from heard.api.errors import ApiError
from heard.api.queries.common import decode_cursor, encode_cursor
from heard.redact import redact
from heard.auth import LoginLimiter, Role
from heard.errors import InputError
from heard.web.i18n import STRINGS, translator


def test_personal_data_is_redacted_and_ordinary_numbers_are_not():
    text = "电话13812345678, 010-12345678, a.b@x.com, 身份证11010519491231002X, card 6222 0202 0000 1234 567"
    out = redact(text)
    for secret in ("13812345678", "010-12345678", "a.b@x.com", "11010519491231002X", "6222 0202"):
        assert secret not in out
    assert out.count("[phone]") == 2 and "[email]" in out and "[id]" in out and "[card]" in out
    assert redact("12路公交 2020年 300元 #35") == "12路公交 2020年 300元 #35"


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
    assert decode_cursor(encode_cursor(values), 2) == values
    with pytest.raises(ApiError) as err:
        decode_cursor("not-a-cursor", 2)
    assert err.value.status == 400


def test_roles_are_ordered_and_parsed():
    assert Role.admin > Role.analyst > Role.viewer
    assert Role.parse(" Analyst ") is Role.analyst
    with pytest.raises(InputError, match="unknown role"):
        Role.parse("moderator-in-chief")
