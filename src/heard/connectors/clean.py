"""Make a source record safe for every later step, or say why it cannot be.

Two things in a record that is otherwise valid JSON (or a valid API body) would crash a later step
far from the input, and stop the whole ingest there:

- **Lone surrogates** (``"x\\ud800"``): JSON allows the escape, Python keeps it as a string, and
  then every UTF-8 encode fails (the content hash, DuckDB, the tokeniser). Each one is replaced by
  U+FFFD where the record is decoded, and the record carries a note saying so.
- **Deep nesting** (``[[[[…]]]]`` a thousand levels): ``json.loads`` and every recursive walk after
  it raise ``RecursionError``. A JSONL line nested deeper than ``MAX_JSON_DEPTH`` is quarantined
  as ``too_deep`` before it is parsed (``json_depth`` scans the text, not the parsed value); a
  deeper value that reaches the mapper another way is cut at that depth, with a note.
"""

from __future__ import annotations

import re
from itertools import accumulate
from typing import Any

MAX_JSON_DEPTH = 64
"""Deepest nesting of objects/arrays a record may have (a tweet nests about 5 levels)."""

_SURROGATE = re.compile(r"[\ud800-\udfff]")
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_depth(text: str) -> int:
    """How deep the arrays/objects in a JSON text nest (0 for a scalar); cheap when the text has
    few brackets, and never recursive, so a line nested 100,000 deep is measured, not parsed."""
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return min(MAX_JSON_DEPTH, text.count("[") + text.count("{"))
    brackets = _NOT_BRACKET.sub("", _STRINGS.sub("", text))
    return max(accumulate(_STEP[c] for c in brackets), default=0)


def fix_surrogates(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD (the replacement character)."""
    return _SURROGATE.sub("\ufffd", text)


def clean_fields(fields: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``fields`` with lone surrogates replaced (keys and values, at any depth) and values nested
    deeper than ``MAX_JSON_DEPTH`` cut; the notes say what was changed. The same dict comes back
    when nothing needed changing, so the common case costs one scan per string."""
    notes: list[str] = []
    found = {"surrogates": 0, "deep": 0}

    def walk(value: Any, depth: int) -> Any:
        if isinstance(value, str):
            if value.isascii() or not _SURROGATE.search(value):
                return value
            found["surrogates"] += 1
            return fix_surrogates(value)
        if isinstance(value, (dict, list)) and depth >= MAX_JSON_DEPTH:
            found["deep"] += 1
            return f"[nested deeper than {MAX_JSON_DEPTH} levels: not kept]"
        if isinstance(value, dict):
            out = {walk(k, depth + 1): walk(v, depth + 1) for k, v in value.items()}
            return out if _changed(out, value) else value
        if isinstance(value, list):
            items = [walk(v, depth + 1) for v in value]
            return items if any(a is not b for a, b in zip(items, value)) else value
        return value

    cleaned = walk(fields, 0)
    if found["surrogates"]:
        notes.append(
            f"{found['surrogates']} value(s) held lone UTF-16 surrogates (invalid text); "
            "each was replaced by U+FFFD"
        )
    if found["deep"]:
        notes.append(
            f"{found['deep']} value(s) nested deeper than {MAX_JSON_DEPTH} levels were not kept"
        )
    return cleaned, notes


def _changed(new: dict[Any, Any], old: dict[Any, Any]) -> bool:
    if len(new) != len(old):
        return True
    return any(a is not b or new[a] is not old[b] for a, b in zip(new, old))
