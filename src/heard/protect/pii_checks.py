"""The checks beyond a pattern that tell a number that is personal data from one that only looks
like it: the PRC resident ID's check character and birth date, the Luhn sum of a payment card,
the shape of a mainland mobile (``heard.protect.pii``,
``heard.protect.pii_split``)."""

from __future__ import annotations

import re
from datetime import date

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_checksum_ok(number: str) -> bool:
    """The ISO 7064 MOD 11-2 check character of an 18-character PRC resident ID."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17].upper()


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def luhn_ok(digits: str) -> bool:
    """The Luhn check every payment card number passes."""
    if not digits.isdigit():
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


MOBILE = re.compile(r"1[3-9]\d{9}")
"""An 11-digit mainland mobile number: 1, then 3–9 (the numbering plan opens new blocks, 16x and
19x lately; the shape of the groups is checked by the caller)."""


def id_number_ok(number: str) -> bool:
    """An 18-character PRC ID: a region that starts 1–8, a birth date that exists (1900 on),
    and its check character."""
    return (
        len(number) == 18
        and number[0] in "12345678"
        and id_checksum_ok(number)
        and number[6:8] in ("19", "20")
        and _valid_date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    )
