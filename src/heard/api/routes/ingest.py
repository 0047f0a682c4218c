"""POST /api/v1/ingest: a multipart file upload, or a JSON array body."""

from __future__ import annotations

import io
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from heard.api.errors import ApiError
from heard.api.upload import MAX_JSON_ITEMS, parse_json_body
from heard.api.errors import declared
from heard.api.security import requires
from heard.connectors.mapping import ALIASES, PRESETS, REQUIRED, TARGETS
from heard.auth import Role

MAP_ITEM = (
    r"^$|^\s*(" + "|".join(t for t in (*TARGETS, *ALIASES) if t not in REQUIRED) + r")\s*=\s*\S"
)
"""One ``TARGET=COLUMN`` of the field map, or nothing (a required field's column is named,
not switched off, by a preset or the file; the CLI's ``--map`` takes several)."""

router = APIRouter(prefix="/api/v1", tags=["ingest"])


@router.post(
    "/ingest",
    dependencies=[requires(Role.analyst)],
    summary="Ingest a JSONL/CSV/XLSX file (multipart field 'file') or a JSON array of objects",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {
                                "type": "string",
                                "pattern": "^[^\\x00]*$",
                                "description": "The file, as a file part (its name says the "
                                "format: .jsonl, .csv, .tsv or .xlsx; anything else is a 415) or "
                                "as a plain field (read as JSON Lines)",
                            },
                            "preset": {"type": "string", "enum": ["", *PRESETS]},
                            "source": {"type": "string"},
                            "map": {
                                "type": "array",
                                "items": {"type": "string", "pattern": MAP_ITEM},
                            },
                        },
                    },
                },
                "application/json": {
                    "schema": {
                        "type": "array",
                        "maxItems": MAX_JSON_ITEMS,
                        "items": {
                            "description": "A post as an object; any other item is quarantined "
                            "(reason not_an_object) and the others are stored"
                        },
                    }
                },
            },
        }
    },
    responses=declared(400, 413, 415),
)
async def ingest(
    request: Request,
    # read here too (a JSON array has no form to carry them); declared so that the check of
    # unknown query parameters (deps.known_query_only) lets them through and the schema lists them
    preset: Annotated[
        str | None, Query(max_length=40, description="A field preset (as the form's 'preset')")
    ] = None,
    source: Annotated[
        str | None, Query(max_length=100, description="The source name stored with each post")
    ] = None,
    maps: Annotated[
        list[str] | None,
        Query(alias="map", description="TARGET=COLUMN of the field map; may repeat"),
    ] = None,
) -> dict[str, Any]:
    uploader = request.app.state.uploader
    ctype = request.headers.get("content-type", "")
    length = int(request.headers.get("content-length") or 0)
    if length > uploader.max_bytes + 64 * 1024:
        raise ApiError(
            413,
            f"the upload is larger than the limit of {uploader.max_bytes // (1024 * 1024)} MiB",
            ["fix: split the file, or use `heard ingest FILE` on the server"],
        )
    if ctype.startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=50, max_part_size=uploader.max_bytes)
        upload = form.get("file")
        if isinstance(upload, str):  # the part had no file name: its text is JSON Lines
            upload = UploadFile(io.BytesIO(upload.encode("utf-8")), filename="upload.jsonl")
        if not isinstance(upload, UploadFile):
            raise ApiError(
                400, "no file in the form", ["fix: send the file in the multipart field 'file'"]
            )
        return await run_in_threadpool(
            uploader.ingest_file,
            upload.file,
            upload.filename,
            preset=_text(form.get("preset")) or preset,
            source=_text(form.get("source")) or source,
            maps=[m for m in form.getlist("map") if isinstance(m, str)] or maps or [],
        )
    if ctype.startswith("application/json"):
        body = await request.body()
        if len(body) > uploader.max_bytes:
            raise ApiError(
                413, "the JSON body is larger than the upload limit", ["fix: send it in parts"]
            )
        items = parse_json_body(body)
        return await run_in_threadpool(
            uploader.ingest_json,
            items,
            preset=preset,
            source=source,
            maps=maps or [],
        )
    raise ApiError(
        415,
        f"cannot ingest a body of type {ctype or '(none)'}",
        ["fix: send multipart/form-data with a 'file' field, or application/json with an array"],
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
