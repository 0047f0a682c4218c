"""Personal data in post text is redacted in every display and export (RIGHTS.md §7).

Covers e-mail addresses, PRC resident ID numbers, bank-card-like digit runs and phone numbers
(mainland mobiles, landlines with area code, international +CC numbers). The originals stay in
the store; the API and dashboard only ever show the redacted text.
"""

from __future__ import annotations

import re

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("email", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")),
    ("id_number", re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")),
    ("bank_card", re.compile(r"(?<!\d)(?:\d[ -]?){15,18}\d(?!\d)")),
    ("phone", re.compile(r"(?<![\d+])(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)")),
    ("phone", re.compile(r"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)")),
    ("phone", re.compile(r"(?<![\w+])\+\d{1,3}[ -]?\(?\d{1,4}\)?(?:[ -]?\d{2,4}){2,4}(?!\d)")),
]

LABELS = {"email": "[email]", "id_number": "[id]", "bank_card": "[card]", "phone": "[phone]"}


def redact(text: str | None) -> str | None:
    """``text`` with personal data replaced by ``[email]``, ``[id]``, ``[card]``, ``[phone]``."""
    if not text:
        return text
    for kind, pattern in _PATTERNS:
        text = pattern.sub(LABELS[kind], text)
    return text
