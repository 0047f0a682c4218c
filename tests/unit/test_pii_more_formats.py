"""Formats a tester tried on 2026-12-07 that leaked: a mainland mobile behind a bare 86, a UK
mobile with one space, a US Social Security number, an e-mail spelled out with a dotted name.
Each is redacted whole; the look-alikes beside them stay."""

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
]
KEPT = [
    "订单号13812345678910",  # too long for a phone
    "2019-12-2019",
    "版本 123-45-67890",
    "000-12-3456",  # no SSN starts 000
    "look at this dot com bubble",
    "score 3-2 in the 45th minute",
]


@pytest.mark.parametrize(("text", "shown", "kind"), FOUND)
def test_the_format_is_redacted_whole(text: str, shown: str, kind: str) -> None:
    assert redact(text) == shown
    assert [s.kind for s in find_pii(text)] == [kind]


@pytest.mark.parametrize("text", KEPT)
def test_the_look_alike_stays(text: str) -> None:
    assert redact(text) == text
