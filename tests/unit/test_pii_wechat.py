"""A WeChat ID in a message is a way to reach its author, as a phone or a QQ number is: a citizen
wrote "微信 zhang_san88" on the public form and the public case page showed it. It is now
redacted as an account name (``@[user]``); what stays: 微信 as a word, WeChat Pay and groups,
official accounts (公众号), and English words after "WeChat" without a colon."""

from __future__ import annotations

import pytest

from heard.protect.pii import find_pii
from heard.read.redact import redact

FOUND = [
    ("加我微信 zhang_san88 详谈", "加我微信 @[user] 详谈"),
    ("微信号：wxid_abc123def", "微信号：@[user]"),
    ("我的微信是ZhangSan2019，随时联系", "我的微信是@[user]，随时联系"),
    ("vx: li-si_1990", "vx: @[user]"),
    ("WeChat ID: wangwu88", "WeChat ID: @[user]"),
    ("wechat: zhangsan", "wechat: @[user]"),
    ("加V：zs1990", "加V：@[user]"),
    ("微信 13812345678", "微信 [phone]"),  # a phone number stays a phone number
]

KEPT = [
    "请关注微信公众号查询进度",
    "用微信支付了停车费",
    "微信群里大家都在说这件事",
    "WeChat Pay is accepted here",
    "I told them on WeChat yesterday",
    "the WeChat account was suspended",
    "微信 2023 年度报告",
]


@pytest.mark.parametrize(("text", "shown"), FOUND)
def test_a_wechat_id_is_redacted(text: str, shown: str) -> None:
    assert redact(text) == shown


@pytest.mark.parametrize("text", KEPT)
def test_what_is_not_a_wechat_id_stays(text: str) -> None:
    assert redact(text) == text
    assert not [s for s in find_pii(text) if s.kind == "handle"]


def test_the_doxxing_label_does_not_count_wechat_ids() -> None:
    """Redaction only: the doxxing detector reads phone, ID, card, e-mail and address spans."""
    from heard.protect.detectors.doxxing import SPAN_KINDS

    [span] = find_pii("加我微信 zhang_san88")
    assert span.kind == "handle" and span.kind not in SPAN_KINDS


def test_a_named_public_account_stays() -> None:
    """On 63,418 Teddy Cup texts the rule finds one WeChat ID, a museum's official account in a
    reply (微信号：cssbwg): an operator names such accounts in ``public_accounts``, as for
    @handles."""
    from heard.read.redact import public_accounts

    text = "请关注市博物馆微信公众号（微信号：cssbwg）"
    assert redact(text) == "请关注市博物馆微信公众号（微信号：@[user]）"
    with public_accounts(["cssbwg"]):
        assert redact(text) == text
