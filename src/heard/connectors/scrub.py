"""Handles never reach the store, nested or not (RIGHTS.md §4: authors are salted keys only).

``Post.raw`` keeps a record's other fields for provenance, and a quarantined row keeps an excerpt
so an operator can see what was wrong. Both used to keep handles a level down: a tweet's
``in_reply_to_screen_name``, ``retweeted_status.user.screen_name``,
``entities.user_mentions[].screen_name``, a search API's ``from_user``, and a malformed CSV row's
author column verbatim. Here:

- ``scrub_raw(value)`` drops author-like keys at any depth (``is_author_key``);
- ``scrub_csv_record(record, columns)`` drops a CSV record's author columns by header position;
- ``scrub_excerpt(text)`` parses what it can as JSON and scrubs it, and otherwise masks the
  values of author-like JSON keys and every @handle (``@[user]``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from heard.protect.pii import MENTION
from heard.records import AUTHOR_COLUMNS

AUTHOR_KEYS = AUTHOR_COLUMNS | frozenset(
    {
        "from_user",
        "from_user_name",
        "from_user_id",
        "from_user_id_str",
        "to_user",
        "to_user_name",
        "to_user_id",
        "to_user_id_str",
        "in_reply_to_user_id",
        "in_reply_to_user_id_str",
        "in_reply_to_screen_name",
        "user_mentions",
        "mentions",
        "mentioned_users",
        "owner",
        "poster",
        "reply_to_user",
        "retweeted_user",
        "user_name_str",
        "用户id",
        "用户ID",
        "发帖人",
        "回复人",
        "留言人",
        "网友",
        "联系人",
    }
)
"""Keys whose values name or identify an account: dropped wherever they occur."""
_AUTHOR_SUFFIXES = ("screen_name", "user_id", "user_name", "username", "nickname", "_handle")
MAX_DEPTH = 64
"""Deeper values are cut ("[nested too deep]"): a raw record is provenance, not a data store."""


def is_author_key(key: Any) -> bool:
    """Whether a field called ``key`` holds a handle or an account id, at any level of a record."""
    name = str(key).casefold()
    return name in AUTHOR_KEYS or str(key) in AUTHOR_KEYS or name.endswith(_AUTHOR_SUFFIXES)


def scrub_raw(value: Any, depth: int = 0) -> Any:
    """``value`` (a record's fields, or any part of them) without author-like keys at any depth."""
    if depth > MAX_DEPTH:
        return "[nested too deep]"
    if isinstance(value, dict):
        return {k: scrub_raw(v, depth + 1) for k, v in value.items() if not is_author_key(k)}
    if isinstance(value, (list, tuple)):
        return [scrub_raw(v, depth + 1) for v in value]
    return value


def author_positions(columns: list[str]) -> list[int]:
    """Positions of a CSV header's author-like columns."""
    return [i for i, name in enumerate(columns) if is_author_key(name.strip())]


def scrub_csv_record(record: list[str], columns: list[str]) -> list[str]:
    """A CSV record without the fields at the header's author positions (a malformed row: its
    fields may not line up with the header, but a handle in the author position is gone)."""
    drop = set(author_positions(columns))
    return [v for i, v in enumerate(record) if i not in drop]


_AUTHOR_VALUE = re.compile(
    r'("(?:'
    + "|".join(re.escape(c) for c in sorted(AUTHOR_KEYS, key=len, reverse=True))
    + r'|[^"]*(?:screen_name|user_id|username|nickname))"\s*:\s*)'
    r'("(?:[^"\\]|\\.)*"|"[^"]*$|\{[^{}]*\}?|\[[^\[\]]*\]?|[^,{}\[\]\s"]+)',
    re.IGNORECASE,
)


def mask_handles(text: str) -> str:
    """``text`` with every @handle as ``@[user]`` (a quarantined excerpt is never a display of
    public accounts: it is raw input)."""
    return MENTION.sub("@[user]", text)


def scrub_excerpt(text: str | None, limit: int | None = None) -> str:
    """A quarantined record's text without handles: JSON that parses is scrubbed as data; what
    does not parse has author-like values removed by pattern; @handles are masked either way."""
    if not text:
        return text or ""
    stripped = text.strip()
    if stripped[:1] in "{[":
        try:
            parsed = json.loads(stripped)
        except (ValueError, RecursionError):
            pass
        else:
            if isinstance(parsed, (dict, list)):
                text = json.dumps(scrub_raw(parsed), ensure_ascii=False, default=str)
    text = _AUTHOR_VALUE.sub(r'\1"[author removed]"', text)
    text = mask_handles(text)
    return text[:limit] if limit else text


def scrub_csv_text(text: str, columns: list[str], delimiter: str = ",") -> str:
    """A CSV line (or lines) as text, its author columns dropped by header position where the
    line splits into fields; @handles are masked either way."""
    import csv

    try:
        records = list(csv.reader(text.splitlines(), delimiter=delimiter))
    except csv.Error:
        return mask_handles(text)
    if len(records) != 1:
        return mask_handles(text)
    return mask_handles(delimiter.join(scrub_csv_record(records[0], columns)))
