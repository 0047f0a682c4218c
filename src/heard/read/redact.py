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

The originals stay in the store; the API, the dashboard, the brief and the exports only ever show
the redacted text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from heard.read.display import neutralise
from heard.protect.pii import LABELS as _ALL_LABELS
from heard.protect.pii import MENTION as _MENTION
from heard.protect.pii import PiiSpan, find_pii, fold_width, replace_pii

LABELS = {k: v for k, v in _ALL_LABELS.items() if k != "handle"}

_public_accounts: frozenset[str] = frozenset()


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


def _is_public_account(span: PiiSpan) -> bool:
    if span.kind != "handle":
        return False
    match = _MENTION.fullmatch(fold_width(span.text))
    return match is not None and match.group(1).casefold() in _public_accounts


def redact(text: str | None) -> str | None:
    """``text`` with personal data replaced by ``[email]``, ``[id]``, ``[card]``, ``[phone]``,
    ``[address]``, and the @handles of people (not of the named public accounts) by ``@[user]``
    (found by ``heard.protect.pii.find_pii``: the one detector display, export and search use),
    and with terminal escapes and bidi overrides neutralised (``heard.read.display``)."""
    result: str | None = neutralise(replace_pii(text, keep=_is_public_account, masked=True))
    return result


def redact_for_search(text: str | None) -> str:
    """``text`` with every piece of personal data (not the named public accounts' handles) blanked
    out: what the search index is built from and what a search query is cut down to, so that
    nothing a display redacts can be found again by searching for it (RIGHTS.md §4, §7)."""
    if not text:
        return ""
    out, last = [], 0
    for span in find_pii(text, masked=True):
        if _is_public_account(span):
            continue
        out.append(text[last : span.start])
        out.append(" ")
        last = span.end
    out.append(text[last:])
    return "".join(out)
