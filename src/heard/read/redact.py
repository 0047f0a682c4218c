"""Personal data in post text is redacted in every display and export (RIGHTS.md §7).

Covers e-mail addresses, PRC resident ID numbers, bank-card-like digit runs, phone numbers
(mainland mobiles, landlines with area code, international +CC numbers) and street addresses down
to the door: a house number on a road or street ("桂香街32号楼" → "桂香街[address]", "12 Baker
Street" → "[address]"), a flat's unit and room ("7栋2单元401室", "Flat 4B"). What stays is what
names a public place rather than a home: the road, the estate, a building of an estate ("金桂苑3栋"),
a metro line ("3号线"), a date ("11月3号").

@mentions are handles, and RIGHTS.md §4 shows raw handles only for the public institutional
accounts an operator names (``public_accounts`` in the settings, set once at the edge with
``set_public_accounts``): "@澜河水务" stays when it is named, "@骑车的老周" becomes "@[user]".

The originals stay in the store; the API, the dashboard, the brief and the exports only ever show
the redacted text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("email", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")),
    ("id_number", re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")),
    ("bank_card", re.compile(r"(?<!\d)(?:\d[ -]?){15,18}\d(?!\d)")),
    ("phone", re.compile(r"(?<![\d+])(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)")),
    ("phone", re.compile(r"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)")),
    ("phone", re.compile(r"(?<![\w+])\+\d{1,3}[ -]?\(?\d{1,4}\)?(?:[ -]?\d{2,4}){2,4}(?!\d)")),
    # a building of an estate with its unit (and room): 7栋2单元401室, 3号楼1单元; a unit and room
    ("address", re.compile(r"(?<!\d)\d{1,3}(?:栋|幢|号楼)\d{1,2}单元(?:\d{2,4}(?:室|号|房)?)?")),
    ("address", re.compile(r"(?<!\d)\d{1,2}单元\d{2,4}(?:室|号|房)?")),
    ("address", re.compile(r"(?<!\d)\d{3,4}(?:室|房间)")),
    # a house number on a road, street or lane (the road's name stays): 长乐路128号, 桂香街32号楼
    ("address", re.compile(r"(?:(?<=[路街巷弄])|(?<=大道))\d{1,5}(?:[-之]\d{1,4})?号(?!线)"
                           r"(?:楼|院|附\d{1,3}号?)?")),
    ("address", re.compile(r"(?<!\w)\d{1,5}[A-Za-z]? (?:[A-Z][a-z]+ ){1,3}"
                           r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct)\b\.?")),
    ("address", re.compile(r"\b(?:Apt|Apartment|Flat|Suite)\.? ?#?\d{1,4}[A-Za-z]?\b")),
]

LABELS = {"email": "[email]", "id_number": "[id]", "bank_card": "[card]", "phone": "[phone]",
          "address": "[address]"}

_MENTION = re.compile(r"(?<![\w@])@(\w[\w-]{0,29}(?:\.[\w-]{1,30}){0,3})")
"""An @handle (letters in any script, digits, _ and -, a few inner dots; at most 30 characters a
part, as on Weibo); e-mail addresses are masked before mentions are looked at."""

_public_accounts: frozenset[str] = frozenset()


def set_public_accounts(names: Iterable[str]) -> frozenset[str]:
    """Name the public institutional accounts whose @handles are shown as written (the settings'
    ``public_accounts``; the CLI and the server call this once with them). Case does not matter.
    Returns the names in force before, so that a caller can put them back."""
    global _public_accounts
    before = _public_accounts
    _public_accounts = frozenset(n.strip().lstrip("@").casefold() for n in names if n.strip().lstrip("@"))
    return before


@contextmanager
def public_accounts(names: Iterable[str]) -> Iterator[None]:
    """``set_public_accounts(names)`` for the length of a ``with`` block (the demo, tests)."""
    before = set_public_accounts(names)
    try:
        yield
    finally:
        set_public_accounts(before)


def _mention(match: re.Match[str]) -> str:
    return match.group(0) if match.group(1).casefold() in _public_accounts else "@[user]"


def redact(text: str | None) -> str | None:
    """``text`` with personal data replaced by ``[email]``, ``[id]``, ``[card]``, ``[phone]``,
    ``[address]``, and the @handles of people (not of the named public accounts) by ``@[user]``."""
    if not text:
        return text
    for kind, pattern in _PATTERNS:
        text = pattern.sub(LABELS[kind], text)
    return _MENTION.sub(_mention, text)
