"""The full-text tokenizer of DuckDB's fts extension, in Python: both stores index the same terms.

DuckDB builds its index with ``tokenize(s)`` = ``string_split_regex(regexp_replace(
lower(strip_accents(s)), '[^\\p{L}\\p{N}_]+', ' ', 'g'), '\\s+')``
(``heard.store.duckdb.store.FTS_IGNORE``; empty tokens are dropped). PostgreSQL's regular
expressions have no ``\\p{L}`` and its ``[:alnum:]`` depends on the server's locale, so the
PostgreSQL store tokenizes here, in the client, at index build and at query time alike: the same
function on both sides, whatever the server's collation. Checked code point by code point against
DuckDB's own ``tokenize`` in tests/contract/test_store_contract.py.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache


def _ranges(keep: str) -> str:
    """A regex class body of every code point whose general category starts with one of ``keep``."""
    out: list[str] = []
    start = prev = -2
    for cp in range(sys.maxunicode + 1):
        if unicodedata.category(chr(cp))[0] in keep:
            if cp != prev + 1:
                if start >= 0:
                    out.append(_span(start, prev))
                start = cp
            prev = cp
    if start >= 0:
        out.append(_span(start, prev))
    return "".join(out)


def _span(lo: int, hi: int) -> str:
    return f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}"


@lru_cache(maxsize=1)
def _separators() -> re.Pattern[str]:
    """Runs of anything but letters, digits and ``_`` (built once: ~0.3 s over all code points)."""
    return re.compile(f"[^{_ranges('LN')}_]+")


def strip_accents(text: str) -> str:
    """Decompose, drop every mark (Mn, Mc, Me), recompose: DuckDB's ``strip_accents`` (utf8proc's
    STRIPMARK: é → e, 世 unchanged)."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(c for c in decomposed if not _dropped(unicodedata.category(c)))
    return unicodedata.normalize("NFC", kept)


def _dropped(category: str) -> bool:
    return category[0] == "M"


def tokenize(text: str | None) -> list[str]:
    """The index terms of one ``search_text`` (or a query), in order, empty tokens dropped."""
    if not text:
        return []
    return [t for t in _separators().split(strip_accents(text).lower()) if t]
