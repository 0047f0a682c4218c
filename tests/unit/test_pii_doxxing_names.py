"""A person's name is personal data where a doxxing post introduces it ("他叫王建军，住…，大家去他家
门口…"), and only there: the same name in criticism of an official, in praise or in news stays
(RIGHTS.md §1). Real detectors: ``find_pii`` and the doxxing rules."""

from __future__ import annotations

import pytest

from heard.protect.pii import find_pii
from heard.read.redact import NAMES, redact

DOXXING = [
    (
        "就是这个物业经理害我们停水的，他叫王建军，住翠湖苑5栋1203，手机13800138000，"
        "大家有空都去他家门口“问候”一下。",
        "王建军",
    ),
    (
        "His real name is John Smith, he lives at 12 Oak Street, go and show up at his door "
        "tonight",
        "John Smith",
    ),
    ("人肉出来了，真名李海燕，家住桂香街32号，大家去她单位闹。", "李海燕"),
]
LEGITIMATE = [
    "市长王建军必须为长乐路爆管负责！",
    "他叫王建军，是我们小区的物业经理，服务很好，感谢他。",
    "The council named Sarah Jones as the new head of transport; she should resign.",
    "记者张伟报道：长乐路爆管已修复，水务局称下周公布调查报告。",
]


@pytest.mark.parametrize("text,name", DOXXING)
def test_a_name_a_doxxing_post_introduces_is_redacted(text, name):
    assert name in text
    shown = redact(text)
    assert name not in shown and "[name]" in shown
    assert [s.text for s in find_pii(text, also=NAMES) if s.kind == "name"] == [name]
    # the doxxing detector reads without names (it decides whether they are personal data)
    assert all(s.kind != "name" for s in find_pii(text))


@pytest.mark.parametrize("text", LEGITIMATE)
def test_a_name_elsewhere_is_kept(text):
    assert redact(text) == text
    assert not [s for s in find_pii(text, also=NAMES) if s.kind == "name"]
