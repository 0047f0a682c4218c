"""Text is shown as text: no terminal escape sequences, no bidi overrides (issue 16 item 11).

A post that carries ``ESC [31m`` recolours (or rewrites) the terminal of whoever runs
``heard posts``; one that carries U+202E (RIGHT-TO-LEFT OVERRIDE) shows reversed in the
dashboard, so a post can read as saying what it does not. ``neutralise`` is applied on display
only — by ``redact`` (every post text, title and excerpt the read model, the API, the CLI and the
exports give) and by the dashboard's and the brief's templates for everything they print — and
never to the stored text.

Control characters become their visible Unicode "control pictures" (ESC → ␛), so an operator can
still see that they were there; bidi embeddings, overrides, isolates and marks are dropped;
newlines and tabs stay (a lone carriage return becomes a newline).
"""

from __future__ import annotations

import re
from typing import Any

_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")


def _picture(match: re.Match[str]) -> str:
    ch = match.group(0)
    code = ord(ch)
    if ch == "\r":
        return "\n"
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    if code <= 0x9F:
        return "\ufffd"
    return ""  # a bidi control


def neutralise(text: Any) -> Any:
    """``text`` safe to print in a terminal or a page; anything not a string is returned as is."""
    if not isinstance(text, str) or not _UNSAFE.search(text):
        return text
    out = _UNSAFE.sub(_picture, str.replace(text, "\r\n", "\n"))
    # a markup-safe string (a chart) stays markup-safe: dropping characters adds no markup
    return out if type(text) is str else type(text)(out)
