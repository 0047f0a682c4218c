"""The records that flow through Heard: raw rows from connectors, quarantined rows, posts.

A connector yields ``RawRow``s (a mapping of the source's own fields plus where it came from) and
``Quarantined`` items (rows it could not even read). The mapper turns a ``RawRow`` into a ``Post``
or a ``Quarantined`` with a reason. Stages then enrich posts batch by batch (see ``pipeline``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

MAX_TEXT_CHARS = 100_000

MODEL_TEXT_CHARS = 2_000
"""The models (language id, embedder) read the first this many characters of a post's normalised
text; the text is stored, tokenised, searched and shown whole. The embedder's cost grows with the
length (a 100,000-character post took 4.2 s and most of 1.5 GB for 50 of them; its first 2,000
characters take 0.08 s), and a post's topic and language show in its beginning. A post cut for
the models says so in its notes (``raw["_heard_notes"]``)."""

AUTHOR_COLUMNS = frozenset(
    {
        "author",
        "user",
        "username",
        "user_name",
        "screen_name",
        "handle",
        "nickname",
        "name",
        "user_id",
        "author_id",
        "userid",
        "uid",
        "留言用户",
        "用户",
        "用户名",
        "昵称",
        "作者",
        "发布者",
    }
)
"""Fields that hold handles: never kept in ``Post.raw`` or in a quarantined row's excerpt,
whether mapped or not (RIGHTS.md: handles are stored nowhere; authors are salted keys)."""
"""Texts longer than this are quarantined (reason ``text_too_long``), never truncated silently."""


@dataclass(slots=True)
class RawRow:
    """One record as the source gave it. ``position`` is the 1-based line (JSONL/CSV) or row
    (XLSX/Parquet) number in ``file``, counting a header row where the format has one.
    ``formulas``: the columns whose cell is a formula saved without a computed value (XLSX
    written by a script), with the formula; their field is None."""

    fields: dict[str, Any]
    file: str
    position: int
    formulas: dict[str, str] | None = None


@dataclass(slots=True)
class Quarantined:
    """A row that could not become a post, kept with where it was and why."""

    file: str
    position: int
    reason: str
    detail: str = ""
    raw: str = ""

    def key(self, identity: str | None = None) -> str:
        """Stable identity, so re-ingesting the same bad file adds nothing: the file's content
        identity when known (an upload lands at a new temporary path each time, so the path
        alone made a re-upload add every bad row again), else its path; with the position,
        the reason and the excerpt (two API uploads share the file name ``api-upload``)."""
        where = identity or self.file
        return hashlib.sha1(
            f"{where}\x1f{self.position}\x1f{self.reason}\x1f{self.raw}".encode(
                "utf-8", errors="replace"
            )
        ).hexdigest()[:20]


@dataclass(slots=True)
class Post:
    """A post as stored. ``id`` is ``source:external_id``; the author is a salted pseudonymous key
    (RIGHTS.md §4), never the raw handle."""

    id: str
    source: str
    external_id: str
    text: str
    created_at: datetime  # UTC, naive-free: always tz-aware UTC
    author_key: str | None = None
    title: str | None = None
    url: str | None = None
    parent_id: str | None = None
    thread_id: str | None = None
    likes: int = 0
    shares: int = 0
    replies: int = 0
    dislikes: int = 0
    place: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    file: str = ""
    position: int = 0

    def raw_json(self) -> str:
        return json.dumps(self.raw, ensure_ascii=False, default=str)


def content_hash(text: str) -> str:
    """Hash used as the external id when a source gives none, and to count exact duplicates."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def message_hash(text: str) -> str:
    """Hash of a message's words, blind to line ends and spacing: a board exported again (CRLF
    read as LF, trimmed or full-width spaces) holds the same messages under the same ids."""
    return content_hash(" ".join(text.split()))
