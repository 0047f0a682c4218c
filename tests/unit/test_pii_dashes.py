"""A phone number written with an em dash or another wide dash is found like one written with a
hyphen: `电话：0734—7237198` passed every display unredacted (14 of the Teddy Cup 附件4 replies
write numbers so; found by the answer-side pass, 2026-12-07). Dates and ranges with the same
dashes are still not personal data."""

from __future__ import annotations

import pytest

from heard.protect.pii import find_pii
from heard.read.redact import redact


@pytest.mark.parametrize(
    "text",
    ["电话：0734—7237198", "联系 138—1234—5678", "tel 0731–8888 6666", "电话0734−7237198"],
)
def test_a_number_with_a_wide_dash_is_a_phone(text):
    assert [s.kind for s in find_pii(text)] == ["phone"]
    assert "[phone]" in redact(text) and not any(c.isdigit() for c in redact(text)[-6:])


@pytest.mark.parametrize("text", ["2019—2020年度", "第3—5条", "10—12月", "1998–2003"])
def test_ranges_with_wide_dashes_are_not_personal_data(text):
    assert find_pii(text) == [] and redact(text) == text
