"""An issue's title is the start of its text, cut at 60 characters and redacted when shown: a
cut inside an ID or a card left its first digits, which the redaction no longer took for one
("身份证11010519900307…" in issue lists, exports and the brief)."""

from __future__ import annotations

import re

import pytest

from heard.listen.issues.measure import TITLE_CHARS, title_from
from heard.read.redact import redact

NUMBERS = ["110105199003071239", "110105\u200b19900307\u200b1239", "6222 0212 3456 7890 123"]


@pytest.mark.parametrize("number", NUMBERS)
@pytest.mark.parametrize("inside", [1, 5, 9, 14])
def test_a_title_cut_never_leaves_a_piece_of_personal_data(number, inside):
    lead = "东湖路小区停水了，物业一直不管" * 5
    text = lead[: TITLE_CHARS - inside] + "身份证" + number + "，请尽快处理"
    shown = redact(title_from(text)) or ""
    assert shown.endswith("…")
    assert not re.search(r"\d{3}", re.sub(r"[\u200b\s]", "", shown)), shown


def test_a_title_without_personal_data_is_cut_at_its_length():
    text = "东湖路小区停水了，物业一直不管" * 6
    assert title_from(text) == text[:TITLE_CHARS].rstrip() + "…"
