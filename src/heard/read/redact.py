"""Personal data in post text is redacted in every display, export and search index (RIGHTS.md §7).

Covers e-mail addresses, PRC resident ID numbers, bank-card-like digit runs, phone numbers
(mainland mobiles, landlines with area code, international +CC numbers) and street addresses down
to the door: a house number on a road or street ("桂香街32号楼" → "桂香街[address]", "12 Baker
Street" → "[address]"), a flat's unit and room ("7栋2单元401室", "Flat 4B"). What stays is what
names a public place rather than a home: the road, the estate, a building of an estate
("金桂苑3栋"),
a metro line ("3号线"), a date ("11月3号").

@mentions are handles, and RIGHTS.md §4 shows raw handles only for the public institutional
accounts an operator names (``public_accounts`` in the settings, set once at the edge with
``set_public_accounts``): "@澜河水务" stays when it is named, "@骑车的老周" becomes "@[user]".
Likewise a department's own published numbers (``[[departments]] phone``, set at the edge with
``set_public_numbers``) stay as written: "咨询电话0731-88886666" in its reply is its hotline, not a
person's number. Short public service numbers (12345, 110, 120, 119, 12315) are never taken
for personal data in the first place.

A post's url is shown as its origin only (``redact_url``).

The originals stay in the store; the API, the dashboard, the brief and the exports only ever show
the redacted text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any
from contextlib import contextmanager
from urllib.parse import urlsplit

from heard.read.display import neutralise
from heard.protect.pii import LABELS as _ALL_LABELS
from heard.protect.pii import MENTION as _MENTION
from heard.protect.names import doxxing_names
from heard.protect.pii import PiiSpan, find_pii, fold_width, replace_pii

NAMES = (doxxing_names,)
"""The names a doxxing post introduces are personal data in every display, export and the
search index (``heard.protect.names``)."""

LABELS = {k: v for k, v in _ALL_LABELS.items() if k != "handle"}

_public_accounts: frozenset[str] = frozenset()
_public_numbers: frozenset[str] = frozenset()
MIN_NUMBER_DIGITS = 7
"""A configured number and a number in a text that differ by an area or country code are the same
number from this many digits on ("84411234" is the department's "0731-84411234")."""
_AREA = re.compile(r"0\d{2,3}")
"""What may stand before a local number: a mainland area code (0731; +86 731 is read as 0731). A
mobile's leading digits (137…) are never one: a citizen's 13788886666 is not the department's
8888 6666."""


def set_public_accounts(names: Iterable[str]) -> frozenset[str]:
    """Name the public institutional accounts whose @handles are shown as written (the settings'
    ``public_accounts``; the CLI and the server call this once with them). Case does not matter.
    Returns the names in force before, so that a caller can put them back."""
    global _public_accounts
    before = _public_accounts
    _public_accounts = frozenset(
        n.strip().lstrip("@").casefold() for n in names if n.strip().lstrip("@")
    )
    return before


@contextmanager
def public_accounts(names: Iterable[str]) -> Iterator[None]:
    """``set_public_accounts(names)`` for the length of a ``with`` block (the demo, tests)."""
    before = set_public_accounts(names)
    try:
        yield
    finally:
        set_public_accounts(before)


def _digits(text: str) -> str:
    """A number's digits, the mainland's country code read as the trunk 0 (+86 731 8888 6666 is
    073188886666; +86 138… is 138…)."""
    digits = "".join(c for c in fold_width(text) if c.isdigit())
    for country in ("0086", "86"):
        if digits.startswith(country) and len(digits) - len(country) >= 9:
            digits = digits[len(country) :]
            return digits if digits.startswith(("0", "1")) else "0" + digits
    return digits


def set_public_numbers(numbers: Iterable[str]) -> frozenset[str]:
    """Name the departments' own published numbers (``[[departments]] phone``; the CLI and the
    server call this with the configured ones), shown as written where a text gives them: a
    department's hotline in its reply is not personal data. Only digits count ("0731-8888 6666"
    is "073188886666"). Returns the numbers in force before."""
    global _public_numbers
    before = _public_numbers
    _public_numbers = frozenset(d for d in map(_digits, numbers) if len(d) >= 3)
    return before


@contextmanager
def public_numbers(numbers: Iterable[str]) -> Iterator[None]:
    """``set_public_numbers(numbers)`` for the length of a ``with`` block (tests)."""
    before = set_public_numbers(numbers)
    try:
        yield
    finally:
        set_public_numbers(before)


def _is_public_number(span: PiiSpan) -> bool:
    if span.kind != "phone" or not _public_numbers:
        return False
    found = _digits(span.text)
    return found in _public_numbers or any(_same_number(found, n) for n in _public_numbers)


def _same_number(a: str, b: str) -> bool:
    """``a`` and ``b`` (digits) are one number, one with an area code the other leaves out."""
    short, long = sorted((a, b), key=len)
    return (
        len(short) >= MIN_NUMBER_DIGITS
        and long.endswith(short)
        and _AREA.fullmatch(long[: len(long) - len(short)]) is not None
    )


def _is_public(span: PiiSpan) -> bool:
    return _is_public_account(span) or _is_public_number(span)


def _is_public_account(span: PiiSpan) -> bool:
    if span.kind != "handle":
        return False
    match = _MENTION.fullmatch(fold_width(span.text))  # an @handle, or a WeChat ID (no @)
    name = match.group(1) if match is not None else fold_width(span.text)
    return name.casefold() in _public_accounts


def redact(text: str | None) -> str | None:
    """``text`` with personal data replaced by ``[email]``, ``[id]``, ``[card]``, ``[phone]``,
    ``[address]``, and the @handles of people (not of the named public accounts) by ``@[user]``
    (found by ``heard.protect.pii.find_pii``: the one detector display, export and search use),
    and with terminal escapes and bidi overrides neutralised (``heard.read.display``)."""
    result: str | None = neutralise(replace_pii(text, keep=_is_public, masked=True, also=NAMES))
    return result


def redact_url(url: str | None) -> str | None:
    """A post's url cut down to its origin (``https://weibo.com``): its path names the author on
    most platforms (``twitter.com/<handle>/status/…``, ``weibo.com/u/<id>``, and a status id
    leads to its author too) and its query can carry a phone number or an e-mail address
    (RIGHTS.md §4, §7). ``None`` for anything but an http(s) url with a host, and for a host that
    itself holds personal data. The stored url is unchanged."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host or find_pii(host, masked=True):
        return None
    return f"{scheme}://{host}" + (f":{port}" if port else "")


def redact_for_search(text: str | None) -> str:
    """``text`` with every piece of personal data (not the named public accounts' handles) blanked
    out: what the search index is built from and what a search query is cut down to, so that
    nothing a display redacts can be found again by searching for it (RIGHTS.md §4, §7)."""
    if not text:
        return ""
    out, last = [], 0
    for span in find_pii(text, masked=True, also=NAMES):
        if _is_public_account(span):
            continue
        out.append(text[last : span.start])
        out.append(" ")
        last = span.end
    out.append(text[last:])
    return "".join(out)


def _inside(spans: list[PiiSpan], start: int, end: int) -> PiiSpan | None:
    return next((s for s in spans if s.start < end and start < s.end), None)


def _label(span: PiiSpan) -> str:
    return _ALL_LABELS.get(span.kind, "[redacted]")


def redact_evidence(evidence: Any, text: str | None) -> Any:
    """A flag's ``evidence`` with every matched term whose span lies in personal data of the
    post's raw ``text`` shown as that data's label (``[phone]`` …), and every head n-gram found
    in ``text`` only inside personal data likewise: a single digit with its position, or a
    four-digit gram, is a piece of the number the displays redact. The stored flag is unchanged."""
    if not isinstance(evidence, dict) or not text:
        return evidence
    spans = [s for s in find_pii(text, masked=True, also=NAMES) if not _is_public(s)]
    if not spans:
        return evidence
    out = dict(evidence)
    matches = []
    for m in evidence.get("matches") or []:
        start, end = (m.get("start"), m.get("end")) if isinstance(m, dict) else (None, None)
        if isinstance(start, int) and isinstance(end, int):
            span = _inside(spans, start, end)
            if span is not None:
                m = {**m, "text": _label(span)}
        matches.append(m)
    if "matches" in evidence:
        out["matches"] = matches
    details = evidence.get("details")
    if isinstance(details, dict) and isinstance(details.get("head_ngrams"), list):
        low = text.lower()
        grams = []
        for item in details["head_ngrams"]:
            gram = item[0] if isinstance(item, (list, tuple)) and item else None
            if isinstance(gram, str) and gram.strip():
                g = gram.strip().lower()
                at = [i for i in range(len(low)) if low.startswith(g, i)]
                hits = [_inside(spans, i, i + len(g)) for i in at]
                first = hits[0] if hits else None
                if first is not None and all(hits):
                    item = [_label(first), *item[1:]]
            grams.append(item)
        out["details"] = {**details, "head_ngrams": grams}
    return out
