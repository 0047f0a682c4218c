"""Exports an official can hand on: posts (with 留言编号, topic and issue ids), topics, issues
and alerts as CSV, XLSX, Parquet or JSONL — the same redacted, k-suppressed view as the dashboard
and the API.

Texts pass through ``heard.read.redact`` (via ``safe_row``); author keys and internals never
leave; topics (and a post's topic id) are given only for topics with at least k distinct authors
(RIGHTS.md §4). CSV cells that would start a formula (``=``, ``+``, ``-``, ``@``) are written
with a leading apostrophe so a post cannot run in Excel; in XLSX such a cell is typed as text
with Excel's quote prefix, its value the text as shown (an apostrophe there would be part of
the value). In an XLSX file, characters XML 1.0 forbids (U+FFFE, U+FFFF and C0 controls that
reached a column unredacted) become U+FFFD: written as they were, one post made the whole
workbook unreadable ("not well-formed"), in Excel and in Heard; and a text longer than an Excel
cell holds (32,767 characters) is cut with a note that says so and how long it was (openpyxl
cut it silently).
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from heard.errors import InputError
from heard.read.common import jsonable, safe_row
from heard.read import moderation
from heard.read.posts import PostFilter, store_query
from heard.store.protocol import Reader
from heard.store.queries import export as stored

WHATS = ("posts", "topics", "issues", "alerts")
FORMATS = ("csv", "xlsx", "parquet", "jsonl")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson",
    "parquet": "application/vnd.apache.parquet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
POST_EXPORT = (
    "id",
    "external_id",
    "source",
    "created_at",
    "lang",
    "title",
    "text",
    "sentiment_label",
    "sentiment_score",
    "topic_id",
    "topic_label",
    "issue_id",
    "url",
    "place",
    "likes",
    "shares",
    "replies",
)
ISSUE_EXPORT = (
    "issue_id",
    "place",
    "problem",
    "title",
    "heat",
    "distinct_messages",
    "messages",
    "authors",
    "first_seen",
    "last_seen",
    "bursting",
    "burst_p",
    "topic_id",
)
TOPIC_EXPORT = (
    "topic_id",
    "label",
    "keywords",
    "size",
    "n_authors",
    "first_seen",
    "last_seen",
    "sentiment_mean",
    "sentiment_trend",
    "places",
)
ALERT_EXPORT = (
    "alert_id",
    "topic_id",
    "label",
    "onset",
    "detected_at",
    "count",
    "authors",
    "expected",
    "rate_ratio",
    "p_value",
    "window_start",
    "window_end",
    "keywords",
)
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
XLSX_CELL_CHARS = 32_767
"""The most characters an Excel cell holds."""


def _two(row: dict[str, Any]) -> float | None:
    """A post's sentiment score to two decimals (rounded here: both backends alike)."""
    value = row["sentiment_score"]
    return None if value is None else round(float(value), 2)


def check(what: str, fmt: str) -> None:
    """Refuse what cannot be exported, saying what can."""
    if what not in WHATS:
        raise InputError(f"cannot export {what!r}", "choose one of: " + ", ".join(WHATS))
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}", "choose one of: " + ", ".join(FORMATS))


def format_of(path: Path, given: str | None) -> str:
    """The format given, else the file's suffix (``.csv``, ``.xlsx``, ``.parquet``, ``.jsonl``)."""
    fmt = (given or path.suffix.lstrip(".")).lower()
    if fmt == "json":
        fmt = "jsonl"
    if fmt not in FORMATS:
        raise InputError(
            f"cannot tell the export format of {path.name!r}",
            "pass --format csv|xlsx|parquet|jsonl or name the file .csv, .xlsx, .parquet or .jsonl",
        )
    return fmt


@dataclass(frozen=True)
class ExportFilter:
    """The filters of an export: those of the list it exports (``APPLIES``). ``since``: posts
    created at or after it, topics seen since it, alerts detected at or after it (naive UTC);
    ``until``: posts created, alerts detected, before it; ``lang``, ``source``, ``topic``,
    ``sentiment``, ``intent``: as ``heard posts``; ``q``: topics by label or keyword, issues by
    place, problem or title; ``min_size``: topics of at least that many posts; ``window``: issues
    with a message in that span before the newest post (``7d``, ``all``)."""

    since: datetime | None = None
    until: datetime | None = None
    lang: str | None = None
    source: str | None = None
    topic: int | None = None
    sentiment: str | None = None
    intent: str | None = None
    q: str | None = None
    min_size: int | None = None
    window: str | None = None


APPLIES = {
    "posts": ("since", "until", "lang", "source", "topic", "sentiment", "intent"),
    "topics": ("since", "min_size", "q"),
    "issues": ("window", "q"),
    "alerts": ("since", "until"),
}
"""The filters each export takes: those of ``heard posts``, ``heard topics``, ``heard issues`` and
the alert list."""


def check_filter(what: str, f: ExportFilter) -> None:
    """Refuse a filter the export of ``what`` does not take (it would be silently ignored: the
    file would hold more than was asked for), saying which it takes."""
    given = [x.name for x in fields(f) if getattr(f, x.name) is not None]
    wrong = [name for name in given if name not in APPLIES.get(what, ())]
    if wrong:
        flags = {"q": "--query", "min_size": "--min-size"}
        takes = APPLIES[what]
        raise InputError(
            f"an export of {what} is not filtered by {', '.join(wrong)}",
            f"{what} are filtered by {', '.join(takes)} (heard export: "
            + ", ".join(flags.get(name, f"--{name}") for name in takes)
            + ")",
        )


def rows(db: Reader, what: str, k: int, f: ExportFilter | None = None) -> list[dict[str, Any]]:
    """The rows of one export, redacted and k-suppressed, in a fixed column order; those ``f``
    keeps."""
    check(what, "csv")
    f = f or ExportFilter()
    check_filter(what, f)
    if what == "posts":
        return _posts(db, k, f)
    if what == "topics":
        return _topics(db, k, f)
    if what == "issues":
        return _issues(db, k, f)
    return _alerts(db, k, f)


def posts_filter(f: ExportFilter) -> PostFilter:
    """The post list's filter that an export of posts filtered by ``f`` holds the posts of."""
    return PostFilter(
        lang=f.lang,
        source=f.source,
        topic=None if f.topic is None else str(f.topic),
        sentiment=f.sentiment,
        intent=f.intent,
        since=f.since,
        until=f.until,
    )


def _posts(db: Reader, k: int, f: ExportFilter) -> list[dict[str, Any]]:
    where = store_query(db, posts_filter(f), k)  # as the post list: one way to a store query
    found = stored.posts(db, k, where)
    shown = moderation.apply(db, found)  # a removed post's text is exported nowhere either
    return [
        _ordered(
            safe_row({**r, "topic_text": r.pop("topic_label"), "sentiment_score": _two(r)}),
            POST_EXPORT,
            rename={"topic_text": "topic_label"},
        )
        for r in shown
    ]


def _topics(db: Reader, k: int, f: ExportFilter) -> list[dict[str, Any]]:
    from heard.read.topics import list_topics_json

    page = list_topics_json(db, k, since=f.since, min_size=f.min_size or 1, q=f.q)  # every one
    return [
        _ordered(
            {**t, "keywords": _terms(t.get("keywords")), "places": _terms(t.get("places"))},
            TOPIC_EXPORT,
        )
        for t in page["topics"]
    ]


def _issues(db: Reader, k: int, f: ExportFilter) -> list[dict[str, Any]]:
    from heard.read.issues import list_issues

    found = list_issues(db, k, window=f.window or "all", limit=1_000_000, q=f.q)["issues"]
    return [_ordered({**i, "terms": None}, ISSUE_EXPORT) for i in found]


def _alerts(db: Reader, k: int, f: ExportFilter) -> list[dict[str, Any]]:
    from heard.clock import parse_instant, to_naive_utc
    from heard.read.hotspots import alerts

    def kept(alert: dict[str, Any]) -> bool:
        if f.since is None and f.until is None:
            return True
        value = alert.get("detected_at")
        if not value:
            return False
        at = to_naive_utc(value if isinstance(value, datetime) else parse_instant(str(value)))
        return (f.since is None or at >= f.since) and (f.until is None or at < f.until)

    return [
        _ordered({**a, "keywords": _terms(a.get("keywords"))}, ALERT_EXPORT)
        for a in alerts(db, k, 100_000)
        if kept(a)
    ]


def _terms(value: Any) -> str:
    if not isinstance(value, list):
        return "" if value is None else str(value)
    words = [
        v.get("term") or v.get("word") or ""
        if isinstance(v, dict)
        else (v[0] if isinstance(v, list) and v else v)
        for v in value
    ]
    return ", ".join(str(w) for w in words if w)


def _ordered(
    row: dict[str, Any], columns: tuple[str, ...], rename: dict[str, str] | None = None
) -> dict[str, Any]:
    if rename:
        row = {rename.get(key, key): value for key, value in row.items()}
    out = {c: row.get(c) for c in columns}
    if "sentiment_mean" in out and isinstance(out["sentiment_mean"], float):
        out["sentiment_mean"] = round(out["sentiment_mean"], 2)
    result: dict[str, Any] = jsonable(out)
    return result


# ---- writers ------------------------------------------------------------------------------------
def _cell(value: Any, spreadsheet: bool, xlsx: bool = False) -> Any:
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    if spreadsheet and isinstance(value, str) and value.startswith(_FORMULA):
        value = "'" + value
    if xlsx and isinstance(value, str):
        value = _NOT_XML.sub("\ufffd", value)
        if len(value) > XLSX_CELL_CHARS:
            note = f" … [cut: {len(value):,} characters in all; CSV and JSONL exports keep all]"
            value = value[: XLSX_CELL_CHARS - len(note)] + note
    return value


XLSX_TIME = datetime(1980, 1, 1)
"""The time a workbook says it was made and saved, and the time of each part of its zip: fixed,
so the same rows give the same bytes (a published export's checksum can be checked against a
fresh one; CSV, JSONL and Parquet carry no time of their own). The file's own time says when."""


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose members are all dated ``XLSX_TIME`` (``writestr`` of a name dates it now,
    ``write`` of a file, as a write-only sheet is, by the file's time)."""

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: Any,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, XLSX_TIME.timetuple()[:6])
            zinfo_or_arcname.compress_type = self.compression
            zinfo_or_arcname.external_attr = 0o600 << 16
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        self.writestr(str(arcname or filename), Path(filename).read_bytes())


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    """A text is a text cell (openpyxl would write one starting with ``=`` as a formula), and one
    that would start a formula carries Excel's quote prefix: no apostrophe in its value."""
    if not isinstance(value, str) or not value.startswith(_FORMULA):
        return value  # any other text openpyxl writes as text
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def encode(data: list[dict[str, Any]], fmt: str, columns: tuple[str, ...] | None = None) -> bytes:
    """One export as the bytes of a file (CSV is UTF-8 with a BOM, so Excel shows Chinese)."""
    columns = columns or (tuple(data[0]) if data else ())
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in data).encode()
    if fmt == "csv":
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(columns)
        for r in data:
            writer.writerow(["" if r.get(c) is None else _cell(r.get(c), True) for c in columns])
        return ("\ufeff" + text.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        from openpyxl import Workbook

        from openpyxl.writer.excel import ExcelWriter

        book = Workbook(write_only=True)
        sheet = book.create_sheet("heard")
        sheet.append(list(columns))
        for r in data:
            sheet.append([_xlsx_cell(sheet, _cell(r.get(c), False, xlsx=True)) for c in columns])
        book.properties.created = book.properties.modified = XLSX_TIME
        buffer = io.BytesIO()
        with _FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            ExcelWriter(book, archive).save()  # Workbook.save stamps "modified" with the time
        return buffer.getvalue()
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = (
            pa.Table.from_pylist([{c: _cell(r.get(c), False) for c in columns} for r in data])
            if data
            else pa.table({c: pa.array([], pa.string()) for c in columns})
        )
        buffer = io.BytesIO()
        pq.write_table(table, buffer)
        return buffer.getvalue()
    raise InputError(f"unknown export format {fmt!r}", "choose one of: " + ", ".join(FORMATS))


COLUMNS = {
    "posts": POST_EXPORT,
    "topics": TOPIC_EXPORT,
    "issues": ISSUE_EXPORT,
    "alerts": ALERT_EXPORT,
}


def export(
    db: Reader, what: str, fmt: str, k: int, f: ExportFilter | None = None
) -> tuple[bytes, int]:
    """The file's bytes and its number of rows (those ``f`` keeps)."""
    check(what, fmt)
    data = rows(db, what, k, f)
    return encode(data, fmt, COLUMNS[what]), len(data)


def filename(what: str, fmt: str) -> str:
    return f"heard-{what}.{fmt}"


def chunks(payload: bytes, size: int = 1 << 16) -> Iterator[bytes]:
    for start in range(0, len(payload), size):
        yield payload[start : start + size]
