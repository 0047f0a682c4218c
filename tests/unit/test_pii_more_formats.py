"""Formats a tester tried on 2026-12-07 that leaked: a mainland mobile behind a bare 86, a UK
mobile with one space, a US Social Security number, an e-mail spelled out with a dotted name, a
rural home address (a house number in a town or in a village's group). Each is redacted whole;
the look-alikes beside them stay."""

from __future__ import annotations

import pytest

from heard.protect.pii import find_pii
from heard.read.redact import redact

FOUND = [
    ("打8613812345678找我", "打[phone]找我", "phone"),
    ("mob 07700 900123", "mob [phone]", "phone"),
    ("+44 7700 900123 after six", "[phone] after six", "phone"),
    ("SSN 123-45-6789, please", "SSN [id], please", "id_number"),
    ("email me: john dot smith at gmail dot com", "email me: [email]", "email"),
    # a rural home: a house number in a town, or in a village's group (村民小组)
    ("我家在干杉镇031号", "我家在干杉镇[address]", "address"),
    ("住路口镇明月村石咀组217号的村民", "住路口镇明月村石咀组[address]的村民", "address"),
]
KEPT = [
    "订单号13812345678910",  # too long for a phone
    "2019-12-2019",
    "版本 123-45-67890",
    "000-12-3456",  # no SSN starts 000
    "look at this dot com bubble",
    "score 3-2 in the 45th minute",
    "请问干杉镇031号县道何时修好",  # a county road's number
    "第3组1号选手上场",  # a contestant, not a house
    "青石村5组的路灯坏了",  # a village group: thirty households, no one's door
]


@pytest.mark.parametrize(("text", "shown", "kind"), FOUND)
def test_the_format_is_redacted_whole(text: str, shown: str, kind: str) -> None:
    assert redact(text) == shown
    assert [s.kind for s in find_pii(text)] == [kind]


@pytest.mark.parametrize("text", KEPT)
def test_the_look_alike_stays(text: str) -> None:
    assert redact(text) == text
