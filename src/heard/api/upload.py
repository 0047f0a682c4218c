"""Uploads through the API: files (JSONL, a .json array, CSV/TSV, XLSX) or a JSON array of
objects, ingested with the CLI's semantics (same mapper, pipeline, quarantine, idempotence), one
upload at a time.

Checks before any work: the size limit (413), the type by suffix *and* by content (415), and the
field-map options (400). The reply is the ingest summary: stored, already stored, quarantined with
reasons.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from heard.api.errors import ApiError
from heard.clock import utcnow
from heard.connectors.base import excerpt
from heard.errors import HeardError
from heard.records import Quarantined, RawRow
from heard.store.queries.overview import quarantined_in

SUFFIXES = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
}
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
MAX_JSON_ITEMS = 100_000
MAX_QUARANTINED_SHOWN = 100
"""The most quarantined rows an upload's reply lists (position, reason, detail); the count
covers them all, and the quarantine page and ``heard quarantine`` show the rest."""
_SAFE_NAME = re.compile(r"[^\w.-]+", re.UNICODE)


def check_upload_name(filename: str | None) -> tuple[str, str]:
    """(safe file name, format) for an uploaded file name, or a 415 that says what is accepted."""
    name = Path(filename or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ApiError(
            415,
            f"cannot ingest a {suffix or 'suffix-less'} file",
            [
                "accepted: " + ", ".join(sorted(SUFFIXES)),
                "fix: export the data as JSONL, JSON, CSV or XLSX, or POST a JSON array of objects",
            ],
        )
    stem = _SAFE_NAME.sub("_", Path(name).stem).strip("._") or "upload"
    return stem[:80] + suffix, SUFFIXES[suffix]


def check_content(head: bytes, fmt: str, name: str) -> None:
    """The first bytes must fit the format the suffix claims."""
    if fmt == "xlsx":
        if not head.startswith(b"PK\x03\x04"):
            raise ApiError(
                415,
                f"{name} is not an XLSX workbook (no ZIP signature)",
                ["fix: save it as .xlsx from a spreadsheet program, or fix the suffix"],
            )
        return
    if b"\x00" in head[:8192]:
        raise ApiError(
            415,
            f"{name} looks binary, not {fmt.upper()} text",
            ["fix: upload UTF-8 text for .jsonl/.json/.csv files"],
        )


def parse_json_body(body: bytes) -> Any:
    """The JSON body; 400 when it is not JSON. A body nested too deep for ``json.loads`` (one
    item of a thousand levels) is read item by item (``connectors.jsonarray``), and each item too
    deep to read becomes a quarantined row (``too_deep``): one bad item never fails the others."""
    try:
        return json.loads(body)
    except RecursionError:
        pass
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "the body is not valid JSON", [str(exc)[:200]]) from None
    import io

    from heard.connectors.jsonarray import array_items

    if not body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
        raise ApiError(
            400,
            "the JSON body nests too deep and is not an array",
            ['fix: send [{"text": "…", "created_at": "…"}, …] with flat objects'],
        )
    return [
        item.fields if isinstance(item, RawRow) else item
        for item in array_items(io.BytesIO(body), "api-upload")
    ]


def save_stream(chunks_source: Any, dest: Path, max_bytes: int) -> int:
    """Copy a file-like object to ``dest`` refusing more than ``max_bytes`` (413)."""
    total = 0
    with dest.open("wb") as out:
        while chunk := chunks_source.read(1024 * 1024):
            total += len(chunk)
            if total > max_bytes:
                raise ApiError(
                    413,
                    f"the upload is larger than the limit of {max_bytes // (1024 * 1024)} MiB",
                    ["fix: split the file, or use `heard ingest FILE` on the server"],
                )
            out.write(chunk)
    return total


class Uploader:
    """Holds the pipeline (loaded once, on first use) and ingests uploads under the write lock."""

    def __init__(self, settings: Any, db: Any, metrics: Any, max_bytes: int = DEFAULT_MAX_BYTES):
        self.settings = settings
        self.db = db
        self.metrics = metrics
        self.max_bytes = max_bytes
        self._pipelines: dict[Any, Any] = {}

    def pipeline(self, settings: Any = None):
        """The pipeline for ``settings`` (the server's, or a preset's: ``teddycup-replies``
        adds the cases operator), built once each."""
        settings = settings or self.settings
        key = (settings.answer_cases, settings.department_preset, tuple(settings.case_sources))
        if key not in self._pipelines:
            from heard.pipeline.assemble import default_pipeline

            self._pipelines[key] = default_pipeline(settings)
        return self._pipelines[key]

    def _run(self, preset: str | None, maps: list[str]):
        from heard.connectors.mapping import fieldmap_for, parse_map
        from heard.pipeline.assemble import Run, preset_settings

        fieldmap = fieldmap_for(preset or None, parse_map([m for m in maps if m]))
        settings = preset_settings(self.settings, preset or None)
        return Run(settings, self.db.store, self.pipeline(settings), fieldmap)

    def _reply(self, summary: Any, shown_name: str) -> dict[str, Any]:
        data = summary.to_dict()
        data["files"] = [shown_name]
        # keyed by the name it was sent under, not the server's temporary path: an upload of a
        # file read before reads "0 rows" and must say why
        for key in ("resumed_after", "read_again", "kept_source"):
            data[key] = {shown_name: value for value in (data.get(key) or {}).values()}
        self.metrics.ingested_posts += data.get("stored", 0)
        self.metrics.quarantined_rows += data.get("quarantined", 0)
        self.db.changed()
        return {"ok": True, **data}

    def ingest_file(
        self,
        fileobj: Any,
        filename: str | None,
        *,
        preset: str | None = None,
        source: str | None = None,
        maps: list[str] | None = None,
    ) -> dict[str, Any]:
        name, fmt = check_upload_name(filename)
        tmp = Path(tempfile.mkdtemp(prefix="heard-upload-"))
        try:
            path = tmp / name
            save_stream(fileobj, path, self.max_bytes)
            with path.open("rb") as fh:
                check_content(fh.read(8192), fmt, name)
            with self.db.write_lock:
                started = utcnow()
                # its bad rows are quarantined under the name it was sent as: the temporary
                # path meant nothing to the uploader (heard quarantine, the dashboard)
                summary = self._run(preset, maps or []).ingest_files(
                    [path], fmt=fmt, source=source or None, named={str(path): name}
                )
                shown = quarantined_in(self.db.store, name, MAX_QUARANTINED_SHOWN, started)
            summary.check_read_something()  # 400: an empty file, or a header only
            return {**self._reply(summary, name), "quarantined_rows": shown}
        except HeardError as exc:  # named as it was sent: the temporary copy means nothing
            exc.what = exc.what.replace(str(path), name)
            exc.fix = exc.fix.replace(str(path), name) if exc.fix else exc.fix
            raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def ingest_json(
        self,
        items: Any,
        *,
        preset: str | None = None,
        source: str | None = None,
        maps: list[str] | None = None,
    ) -> dict[str, Any]:
        if not isinstance(items, list):
            raise ApiError(
                400,
                "the JSON body must be an array of objects",
                ['fix: send [{"text": "…", "created_at": "…"}, …]'],
            )
        if len(items) > MAX_JSON_ITEMS:
            raise ApiError(
                413,
                f"the array has {len(items):,} items; the limit is {MAX_JSON_ITEMS:,}",
                ["fix: send it in several requests"],
            )
        source = source or "api"
        rows = [
            RawRow(item, "api-upload", i + 1)
            if isinstance(item, dict)
            else item
            if isinstance(item, Quarantined)
            else Quarantined(
                "api-upload",
                i + 1,
                "not_an_object",
                "array item is not an object",
                excerpt(json.dumps(item, ensure_ascii=False, default=str)),
            )
            for i, item in enumerate(items)
        ]
        with self.db.write_lock:
            summary = self._run(preset, maps or []).ingest_records(rows, source=source)
        return self._reply(summary, "api-upload")
