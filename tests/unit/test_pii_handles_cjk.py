"""An @handle right after a Chinese character is a handle too (RIGHTS.md §4): Weibo writes
"回复@淮侯:" and "恭喜@铁头咪", and 3,742 of 58,578 real texts (teddycup2020_c, weibo_senti_100k)
still showed such handles raw after redaction, since the detector wanted no word character
before the @. The normalise stage's own mention pattern already took them; now the detector does.
E-mail addresses stay e-mail addresses, and named public accounts stay as written."""

from __future__ import annotations

import pytest

from heard.read.redact import public_accounts, redact

HANDLES = [
    ("回复@淮侯:[鼓掌]", "回复@[user]:[鼓掌]"),
    ("回复@surper-women:谢谢若铭", "回复@[user]:谢谢若铭"),
    ("恭喜@铁头咪 一起", "恭喜@[user] 一起"),
    ("就是寿心女@毛毛iYY 咯", "就是寿心女@[user] 咯"),
]
EMAILS = [
    ("邮箱wang.wu@example.com", "邮箱[email]"),
    ("写信给王五@例子.中国", "[email]"),  # the IDN local part takes the words before
    ("发到123456@qq.com吧", "发到[email]吧"),
]


@pytest.mark.parametrize(("text", "shown"), HANDLES + EMAILS)
def test_a_handle_after_a_chinese_character_is_redacted(text, shown):
    assert redact(text) == shown


def test_a_handle_glued_to_the_words_after_it_is_hidden_with_them():
    """No space ends a handle here, so the words after it go too (up to 30 characters): a
    handle shown is worse than words hidden. 附件3 has one such stray @ before a sentence."""
    assert redact("Kai为了讨@angelababy的欢心，今天") == "Kai为了讨@[user]，今天"


def test_a_named_public_account_after_a_chinese_character_stays():
    with public_accounts(["澜河水务"]):
        assert redact("感谢@澜河水务 回复，@骑车的老周") == "感谢@澜河水务 回复，@[user]"
