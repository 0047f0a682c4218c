"""Turn a source's own fields into a ``Post``: which column is the text, the time, the author...

A ``FieldMap`` lists, for each post field (a *target*), the source column names that may hold it;
the first one the file has wins. Presets cover the Teddy Cup message-board files and generic
social-media exports; ``--map target=column`` (``parse_map``) names a column outright, and then
the file must have it. ``Mapper.check_columns`` resolves the map against a file's header once
(CSV, XLSX, Parquet) and raises ``InputError`` when a named column, or any column for ``text`` or
``created_at``, is missing; for JSONL (no header) each record is resolved on its own.

Decisions (each bad row becomes a ``Quarantined`` with its file, position and one reason code):

- ``missing_text``: no text, or only whitespace (text is whitespace-stripped before the check).
- ``text_too_long``: more than ``MAX_TEXT_CHARS`` (100,000) characters after stripping, in the
  text or in the title. Such rows are quarantined, never truncated: a cut text would be analysed
  as if it were the whole post.
- ``id_too_long``: an id of more than ``MAX_ID_CHARS`` (512) characters. A ``place`` or ``url``
  of more than ``MAX_FIELD_CHARS`` (2,000) is stored empty, with a note.
- ``invalid_utf8``: a bytes value (Parquet binary column) that is not UTF-8.
- ``missing_date``: no ``created_at`` value. Heard never substitutes the ingest time: a post's
  time drives trends and surges, and "now" would invent a burst.
- ``bad_date``: a time that cannot be read, or is before 1900, epoch 0 or less (a missing value in
  disguise), or more than a day after the injected clock's ``now()``.
- Counts (likes, shares, replies, dislikes) that are not non-negative whole numbers are stored as
  0, never a reason to drop a post; what was given is noted in ``raw["_heard_notes"]``.
  "1,234", "1.2万" (12,000), "3k" and integral floats (``12.0``) are read as numbers. A count
  above ``MAX_COUNT`` (2^31 - 1: ``1e20``, 2^63) is stored as ``MAX_COUNT``, with a note.
- Text that is not valid Unicode (lone UTF-16 surrogates, e.g. JSON's ``"\\ud800"``) is repaired
  with U+FFFD and a note, in every field (``heard.connectors.clean``); values nested deeper than
  64 levels are cut, with a note. Notes are kept in ``raw["_heard_notes"]``.

Dates read: ``2019-07-21 10:29:36``, ``2019/7/12 17:00:34``, ``2019年7月12日 17:00``, ISO 8601
with ``Z`` or an offset, ``2019-07-21``, ``20190721``, epoch seconds / milliseconds / micro- /
nanoseconds (by magnitude, as numbers or digit strings), RFC 2822 (``Tue, 15 Nov 1994 08:12:31
GMT``), Twitter's ``Wed Oct 10 20:19:24 +0000 2018``, and ``datetime``/``date`` values (Excel date
cells, Parquet timestamps). A time without a zone is in the configured zone (default
Asia/Shanghai); every ``created_at`` is stored as tz-aware UTC. Day-first forms such as
``12/07/2019`` are ambiguous and refused (``bad_date``).

Identity and privacy (RIGHTS.md §4): ``Post.id`` is ``source:external_id``; a record without an id
gets ``content_hash(text)``. The author becomes ``author_key`` = HMAC-SHA256(salt, handle), hex,
first 16 characters. ``Post.raw`` keeps every source field except the text (stored as
``Post.text``) and every author-like column (``AUTHOR_COLUMNS`` plus the mapped one), so no raw
handle is stored anywhere — quarantined rows included.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from heard.clock import utcnow
from heard.connectors.clean import clean_fields
from heard.connectors.header import NO_TIME, missing_column
from heard.connectors.scrub import scrub_raw
from heard.connectors.values import (  # noqa: F401
    MAX_COUNT,
    _as_id,
    _as_str,
    _missing,
    _shown,
    parse_count,
    parse_datetime,
)
from heard.errors import InputError
from heard.connectors.markup import html_text, looks_like_html
from heard.records import AUTHOR_COLUMNS, MAX_TEXT_CHARS, Post, Quarantined, RawRow, content_hash

TARGETS = (
    "external_id",
    "text",
    "title",
    "created_at",
    "author",
    "url",
    "parent_id",
    "thread_id",
    "likes",
    "shares",
    "replies",
    "dislikes",
    "place",
)
ALIASES = {"id": "external_id", "time": "created_at", "date": "created_at"}
REQUIRED = ("text", "created_at")
COUNTS = ("likes", "shares", "replies", "dislikes")
"""The largest count stored (the columns are 32-bit); a larger one is stored as this, with a
note."""

REASONS: dict[str, str] = {
    "missing_text": "the record has no text (empty or whitespace only)",
    "text_too_long": f"the text is longer than {MAX_TEXT_CHARS} characters (quarantined, not cut)",
    "invalid_utf8": "a bytes value is not valid UTF-8",
    "missing_date": "the record has no created_at value",
    "bad_date": "created_at cannot be read as a time, or is implausible",
    "mapping_failed": "mapping the record raised an error nobody foresaw (a bug: please report it)",
    "formula_without_value": "the text or time cell is a spreadsheet formula saved without a "
    "computed value (a workbook written by a script)",
    "id_too_long": "the record's id is longer than 512 characters (ids go into links and case "
    "numbers)",
}
MAX_ID_CHARS = 512
"""Longest ``external_id`` stored: a post's id is part of its links (``/post/ID``); one of
megabytes could be stored but never opened, flagged or answered."""
MAX_FIELD_CHARS = 2_000
"""Longest ``place`` or ``url`` kept; a longer one is stored empty, with a note."""
"""Reason codes the mapper quarantines with (connectors add theirs:
``heard.connectors.REASONS``)."""


_SOCIAL: dict[str, tuple[str, ...]] = {
    "external_id": ("id", "id_str", "post_id", "message_id", "tweet_id", "mid", "uuid"),
    "text": ("full_text", "text", "content", "body", "message"),
    "title": ("title", "subject"),
    "created_at": (
        "created_at",
        "timestamp",
        "date",
        "time",
        "datetime",
        "published_at",
        "created",
        "created_utc",
    ),
    "author": (
        "author",
        "user",
        "username",
        "user_name",
        "screen_name",
        "handle",
        "user_id",
        "author_id",
        "account",
    ),
    "url": ("url", "link", "permalink"),
    "parent_id": (
        "parent_id",
        "in_reply_to_status_id_str",
        "in_reply_to_status_id",
        "in_reply_to_id",
    ),
    "thread_id": ("thread_id", "conversation_id"),
    "likes": ("likes", "like_count", "favorite_count", "favorites", "upvotes", "favourites_count"),
    "shares": (
        "shares",
        "share_count",
        "retweets",
        "retweet_count",
        "reposts",
        "reposts_count",
        "reblogs_count",
    ),
    "replies": (
        "replies",
        "reply_count",
        "comments",
        "comments_count",
        "num_comments",
        "replies_count",
    ),
    "dislikes": ("dislikes", "dislike_count", "downvotes"),
    "place": ("place", "location", "city", "region"),
}
_TEDDYCUP: dict[str, tuple[str, ...]] = {
    "external_id": ("留言编号",),
    "author": ("留言用户",),
    "title": ("留言主题",),
    "created_at": ("留言时间",),
    "text": ("留言详情",),
    "likes": ("点赞数",),
    "dislikes": ("反对数",),
}

_CHINESE: dict[str, tuple[str, ...]] = {
    "external_id": ("编号", "序号", "微博id", "帖子id"),
    "text": ("内容", "正文", "留言内容", "微博正文", "评论内容", "帖子内容", "文本"),
    "title": ("标题", "主题"),
    "created_at": ("时间", "发布时间", "发帖时间", "创建时间", "日期"),
    "author": ("作者", "用户", "用户名", "昵称", "用户昵称", "发布者"),
    "url": ("链接", "网址"),
    "likes": ("点赞", "点赞数"),
    "shares": ("转发", "转发数"),
    "replies": ("评论数", "回复数"),
    "place": ("地点", "位置", "城市", "地区"),
}
"""Common Chinese export headers (Weibo and forum crawlers, spreadsheets typed by hand): a file
whose text column is 内容 was refused with "no column for text" until it was renamed."""


_OPEN311: dict[str, tuple[str, ...]] = {
    "external_id": ("service_request_id",),
    "text": ("description",),
    "created_at": ("requested_datetime",),
    "place": ("address",),
}
"""Open311 GeoReport v2 requests (``requests.json`` of a city's 311 server, Heard's own
included): service_name, status and the rest stay in raw."""


@dataclass(frozen=True)
class FieldMap:
    """For each target, the source columns that may hold it (first present wins).

    ``explicit`` targets were named by the user: their one column must exist in the file.
    A dotted name (``user.screen_name``) reaches into nested JSON objects.
    """

    name: str
    candidates: Mapping[str, tuple[str, ...]]
    explicit: frozenset[str] = field(default_factory=frozenset)

    def with_overrides(self, overrides: Mapping[str, str]) -> FieldMap:
        """This map with ``target -> column`` pairs forced (``-`` as column: do not map)."""
        merged = dict(self.candidates)
        for target, column in overrides.items():
            merged[target] = () if column == "-" else (column,)
        explicit = {t for t, c in overrides.items() if c != "-"}
        return FieldMap(self.name, merged, self.explicit | explicit)


def _merge(*maps: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    return {t: tuple(c for m in maps for c in m.get(t, ())) for t in TARGETS}


PRESETS: dict[str, FieldMap] = {
    "teddycup": FieldMap("teddycup", _merge(_TEDDYCUP)),
    "teddycup-replies": FieldMap("teddycup-replies", _merge(_TEDDYCUP)),
    "social": FieldMap("social", _merge(_SOCIAL)),
    "open311": FieldMap("open311", _merge(_OPEN311)),
    "default": FieldMap("default", _merge(_SOCIAL, _TEDDYCUP, _CHINESE, _OPEN311)),
}
"""``teddycup``: the 2020 Teddy Cup C message-board files (附件2/3/4; 一级标签/一级分类 and
答复意见/答复时间 stay in raw). ``teddycup-replies``: the same fields, and the run also opens a
case per message with its official reply (``heard.pipeline.assemble.preset_settings``).
``social``: common export names. ``open311``: GeoReport v2 requests (description,
requested_datetime, service_request_id, address). ``default``: those, the Teddy Cup names, common
Chinese headers (内容, 正文, 标题, 发布时间, 作者 …) and the Open311 names, in that order of
preference."""


def fieldmap_for(preset: str | None = None, overrides: Mapping[str, str] | None = None) -> FieldMap:
    """The named preset (``default`` when None) with the ``--map`` overrides applied."""
    name = preset or "default"
    if name not in PRESETS:
        raise InputError(f"unknown field-map preset {name!r}", f"use one of: {', '.join(PRESETS)}")
    return PRESETS[name].with_overrides(overrides or {})


def parse_map(items: list[str]) -> dict[str, str]:
    """``["text=留言详情", "id=编号"]`` -> ``{"text": "留言详情", "external_id": "编号"}``."""
    out: dict[str, str] = {}
    valid = ", ".join(TARGETS + tuple(ALIASES))
    for item in items:
        target, sep, column = item.partition("=")
        target, column = target.strip(), column.strip()
        if not sep or not target or not column:
            raise InputError(
                f"the field map {item!r} is not TARGET=COLUMN",
                "write it like text=留言详情",
                field="map",
            )
        target = ALIASES.get(target, target)
        if target not in TARGETS:
            raise InputError(
                f"the field map {item!r}: {target!r} is not a post field",
                f"targets: {valid}",
                field="map",
            )
        if target in out:
            raise InputError(
                f"the field map names {target!r} twice ({out[target]!r}, {column!r})",
                "give it once",
                field="map",
            )
        if column == "-" and target in REQUIRED:
            raise InputError(
                f"the field map {item!r}: {target} is required and cannot be switched off",
                NO_TIME if target == "created_at" else f"name the column that holds {target}",
                field="map",
            )
        out[target] = column
    return out


def default_source(path: Path) -> str:
    """The source name of a file when none is given: its stem (``:`` would break post ids)."""
    return Path(path).stem.replace(":", "_").strip() or "file"


def author_key(handle: str, salt: str | tuple[str, ...]) -> str:
    """Salted pseudonymous key of an author handle (RIGHTS.md §4): HMAC-SHA256, hex[:16]. A
    tuple is a store's chain of salts, applied in order (``heard.protect.salt``: a re-keyed
    store)."""
    key = handle
    for one in (salt,) if isinstance(salt, str) else salt:
        key = hmac.new(one.encode("utf-8"), key.encode("utf-8"), hashlib.sha256).hexdigest()[:16]
    return key


def _author_handle(value: Any) -> str | None:
    if isinstance(value, dict):  # a nested user object: prefer its stable id
        for key in ("id_str", "id", "screen_name", "username", "name"):
            if not _missing(value.get(key)):
                return _as_id(value[key])
        return None
    return _as_id(value)


# ---------------------------------------------------------------------------------- mapper


def _lookup(fields: Mapping[str, Any], column: str) -> tuple[bool, Any]:
    """(present, value) of ``column`` in ``fields``; a dotted name walks nested objects."""
    if column in fields:
        return True, fields[column]
    if "." in column:
        node: Any = fields
        for part in column.split("."):
            if not isinstance(node, Mapping) or part not in node:
                return False, None
            node = node[part]
        return True, node
    return False, None


class Mapper:
    """Maps raw rows of one source to posts; see the module docstring for every decision."""

    def __init__(
        self,
        fieldmap: FieldMap | Mapping[str, str] | None,
        source: str,
        tz: str = "Asia/Shanghai",
        salt: str | tuple[str, ...] = "",
        now: Callable[[], datetime] = utcnow,
    ):
        if fieldmap is None or not isinstance(fieldmap, FieldMap):
            fieldmap = fieldmap_for(None, fieldmap or {})
        if not source or ":" in source:
            raise InputError(
                f"source name {source!r} is empty or contains ':'",
                "give a name like 'teddycup_a3' (post ids are source:external_id)",
            )
        try:
            self.zone = ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InputError(
                f"unknown time zone {tz!r}", "use an IANA name such as Asia/Shanghai or UTC"
            ) from exc
        self.fieldmap, self.source, self.salt, self.now = fieldmap, source, salt, now
        self._columns: dict[str, str | None] | None = None  # target -> column, once resolved
        self._by_keys: dict[tuple[str, ...], dict[str, str | None]] = {}
        self._dotted = any("." in c for cs in fieldmap.candidates.values() for c in cs)

    def check_columns(self, columns: Sequence[str] | None) -> dict[str, str | None]:
        """Resolve the map against a file's header (call before mapping its rows).

        ``None`` (JSONL: no header) means each record is resolved on its own. Raises
        ``InputError`` when a column the user named, or any column for text/created_at, is absent.
        """
        if columns is None:
            self._columns = None
            return {}
        have = list(columns)
        by_fold = {c.casefold(): c for c in reversed(have)}
        resolved: dict[str, str | None] = {}
        for target in TARGETS:
            wanted = self.fieldmap.candidates.get(target, ())
            found = next((c for c in wanted if c in have), None)
            found = found or next(
                (by_fold[c.casefold()] for c in wanted if c.casefold() in by_fold), None
            )
            if found is None and (target in self.fieldmap.explicit or target in REQUIRED):
                raise missing_column(target, wanted, have, target in self.fieldmap.explicit)
            resolved[target] = found
        self._columns = resolved
        return resolved

    def _resolve_row(self, fields: Mapping[str, Any]) -> Mapping[str, str | None]:
        """target -> column for one record: the header's resolution, or (JSONL) the first
        candidate this record has; cached by the record's keys, which rarely vary."""
        if self._columns is not None:
            return self._columns
        keys = tuple(fields)
        cached = self._by_keys.get(keys)
        if cached is None:
            cached = {}
            for target in TARGETS:
                wanted = self.fieldmap.candidates.get(target, ())
                cached[target] = next((c for c in wanted if _lookup(fields, c)[0]), None)
            if not self._dotted:  # a dotted name's presence depends on values, not keys
                if len(self._by_keys) > 1024:
                    self._by_keys.clear()
                self._by_keys[keys] = cached
        return cached

    @staticmethod
    def _pick(
        fields: Mapping[str, Any], columns: Mapping[str, str | None], target: str
    ) -> tuple[str | None, Any]:
        """(column used, value) for ``target`` in this record."""
        column = columns.get(target)
        if column is None:
            return None, None
        return column, (fields[column] if column in fields else _lookup(fields, column)[1])

    def _safe_raw(self, fields: Mapping[str, Any], drop: set[str]) -> dict[str, Any]:
        # author-like keys go at any depth: in_reply_to_screen_name, retweeted_status.user, …
        result: dict[str, Any] = scrub_raw(
            {
                k: v
                for k, v in fields.items()
                if k not in drop and k.casefold() not in AUTHOR_COLUMNS
            }
        )
        return result

    def _quarantine(self, row: RawRow, reason: str, detail: str, drop: set[str]) -> Quarantined:
        safe = self._safe_raw(row.fields, drop)  # the text stays, cut short, to show what was wrong
        short = {
            k: (v.decode("utf-8", errors="replace") if isinstance(v, bytes) else v)
            for k, v in safe.items()
        }
        short = {k: (v[:300] if isinstance(v, str) else v) for k, v in short.items()}
        raw = json.dumps(short, ensure_ascii=False, default=str)[:2000]
        return Quarantined(row.file, row.position, reason, detail, raw)

    def _uncalculated(
        self, row: RawRow, column: str | None, formula: str, drop: set[str]
    ) -> Quarantined:
        detail = (
            f"{column} is a formula without a computed value ({formula[:80]}); open and save the "
            "file in a spreadsheet program, or export CSV"
        )
        return self._quarantine(row, "formula_without_value", detail, drop)

    def map(self, row: RawRow) -> Post | Quarantined:
        fields, notes = clean_fields(row.fields)
        if notes:
            row = RawRow(fields, row.file, row.position, row.formulas)
        columns = self._resolve_row(fields)
        formulas = row.formulas or {}

        def get(target: str) -> tuple[str | None, Any]:
            return self._pick(fields, columns, target)

        author_col, author_value = get("author")
        drop = {author_col.split(".")[0]} if author_col else set()

        text_col, text = get("text")
        if isinstance(text, bytes):
            try:
                text = text.decode("utf-8")
            except UnicodeDecodeError as exc:
                return self._quarantine(row, "invalid_utf8", f"{text_col}: byte {exc.start}", drop)
        if isinstance(text, (dict, list)):
            return self._quarantine(
                row, "missing_text", f"{text_col} holds a {type(text).__name__}", drop
            )
        text = "" if _missing(text) else str(text).strip()
        if looks_like_html(text):  # Mastodon's content, an RSS description
            text = html_text(text)
        if not text and text_col in formulas:
            return self._uncalculated(row, text_col, formulas[text_col], drop)
        if not text:
            return self._quarantine(row, "missing_text", f"{text_col or 'text'} is empty", drop)
        if len(text) > MAX_TEXT_CHARS:
            detail = f"{len(text)} characters, the limit is {MAX_TEXT_CHARS}"
            return self._quarantine(row, "text_too_long", detail, drop)

        date_col, date_value = get("created_at")
        try:
            created_at = parse_datetime(date_value, self.zone, self.now())
        except (ValueError, OverflowError, OSError) as exc:
            return self._quarantine(row, "bad_date", f"{date_col}: {exc}", drop)
        if created_at is None and date_col in formulas:
            return self._uncalculated(row, date_col, formulas[date_col], drop)
        if created_at is None:
            return self._quarantine(
                row, "missing_date", f"{date_col or 'created_at'} is empty", drop
            )

        notes.extend(
            f"{column}: a formula without a computed value ({formula[:60]}); stored empty"
            for column, formula in formulas.items()
        )
        raw = self._safe_raw(fields, drop | ({text_col} if text_col else set()))
        handle = _author_handle(author_value)
        if handle and len(handle) >= 3:  # e.g. a reply that greets the author by their id
            raw = {
                k: (v.replace(handle, "[user]") if isinstance(v, str) else v)
                for k, v in raw.items()
            }
        counts: dict[str, int] = {}
        for target in COUNTS:
            column, value = get(target)
            n = parse_count(value)
            if n is None:
                notes.append(f"{target}: {_shown(value)!r} in {column} is not a count; stored 0")
            elif n > MAX_COUNT:
                notes.append(
                    f"{target}: {_shown(value)} in {column} is above the largest count "
                    f"stored ({MAX_COUNT:,}); stored {MAX_COUNT}"
                )
                n = MAX_COUNT
            counts[target] = n or 0

        id_col, external_id = get("external_id")
        external_id = _as_id(external_id) or content_hash(text)
        if len(external_id) > MAX_ID_CHARS:
            detail = f"{id_col}: {len(external_id)} characters, the limit is {MAX_ID_CHARS}"
            return self._quarantine(row, "id_too_long", detail, drop)
        title_col, title = get("title")
        title = _as_str(title)
        if title is not None and len(title) > MAX_TEXT_CHARS:
            detail = f"{title_col}: {len(title)} characters, the limit is {MAX_TEXT_CHARS}"
            return self._quarantine(row, "text_too_long", detail, drop)
        extra: dict[str, str | None] = {}
        for target in ("place", "url"):
            column, value = get(target)
            extra[target] = _as_str(value)
            if extra[target] is not None and len(extra[target] or "") > MAX_FIELD_CHARS:
                notes.append(
                    f"{target}: {len(extra[target] or ''):,} characters in {column}, more than "
                    f"{MAX_FIELD_CHARS:,}; stored empty"
                )
                extra[target] = None
        if notes:
            raw["_heard_notes"] = notes
        return Post(
            id=f"{self.source}:{external_id}",
            source=self.source,
            external_id=external_id,
            text=text,
            created_at=created_at,
            author_key=author_key(handle, self.salt) if handle else None,
            title=title,
            url=extra["url"],
            parent_id=_as_id(get("parent_id")[1]),
            thread_id=_as_id(get("thread_id")[1]),
            place=extra["place"],
            raw=raw,
            file=row.file,
            position=row.position,
            **counts,
        )


def map_rows(connector: Any, mapper: Mapper, start_after: int = 0) -> Iterator[Post | Quarantined]:
    """Convenience for the ingest runner: check the header once, then map every row in order."""
    mapper.check_columns(connector.columns)
    for item in connector.rows(start_after):
        yield item if isinstance(item, Quarantined) else mapper.map(item)
