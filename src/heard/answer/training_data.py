"""Labelled history from a file: the input of ``heard train router --data FILE``.

CSV (header row) or JSONL (one object per line) with a text and a department; optional ``id``
and ``weight``. Column names are matched loosely so an export from a board works as it is:
``text`` / ``title`` / ``留言主题`` / ``留言详情`` …, ``department`` / ``label`` / ``一级标签`` ….
A department may be written as its code, its Chinese name or its English name. With a title and
a body both present, the text is "title body" (the router learns from both).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from heard.answer.departments import Department
from heard.answer.routing import LabelledText
from heard.errors import InputError

TEXT_COLUMNS = ("text", "title", "留言主题", "subject", "message")
BODY_COLUMNS = ("body", "detail", "留言详情", "content")
LABEL_COLUMNS = ("department", "label", "一级标签", "一级分类", "dept")
ID_COLUMNS = ("id", "留言编号", "message_id")
MAX_BODY_CHARS = 600


def read_labelled(path: str | Path, departments: list[Department]) -> list[LabelledText]:
    """Every labelled row of ``path`` as a ``LabelledText`` (department: a configured code)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(
            f"training data {path} does not exist", "give a CSV or JSONL file of text + department"
        )
    rows = _read_jsonl(path) if path.suffix.lower() in (".jsonl", ".ndjson") else _read_csv(path)
    if not rows:
        raise InputError(
            f"{path} has no rows", "give a CSV with a header row, or JSONL with one object per line"
        )
    columns = set().union(*(row.keys() for row in rows))  # JSONL objects may differ in keys
    text_col = _pick(columns, TEXT_COLUMNS)
    body_col = _pick(columns, BODY_COLUMNS)
    label_col = _pick(columns, LABEL_COLUMNS)
    if (text_col is None and body_col is None) or label_col is None:
        raise InputError(
            f"{path} has columns {sorted(columns)[:12]}; "
            "it needs a text column and a department column",
            f"name them 'text' (or one of {TEXT_COLUMNS + BODY_COLUMNS}) "
            f"and 'department' (or one of {LABEL_COLUMNS})",
        )
    id_col = _pick(columns, ID_COLUMNS)
    lookup = _department_lookup(departments)
    out: list[LabelledText] = []
    for n, row in enumerate(rows, start=1):
        text = " ".join(
            s
            for s in (
                str(row.get(text_col) or "").strip() if text_col else "",
                str(row.get(body_col) or "").strip()[:MAX_BODY_CHARS] if body_col else "",
            )
            if s
        )
        label = str(row.get(label_col) or "").strip()
        if not text or not label:
            continue  # unlabelled or empty rows are not history
        code = lookup.get(label.lower())
        if code is None:
            raise InputError(
                f"{path} row {n}: department {label!r} is not configured",
                f"use a code or name of {sorted({d.code for d in departments})}, "
                "or add it to [[departments]]",
            )
        weight = row.get("weight", 1.0)
        try:
            weight = float(weight if weight not in (None, "") else 1.0)
        except (TypeError, ValueError) as exc:
            raise InputError(
                f"{path} row {n}: weight {weight!r} is not a number", "give e.g. weight = 2"
            ) from exc
        if weight <= 0:
            raise InputError(
                f"{path} row {n}: weight {weight} must be positive", "drop the row instead"
            )
        text_id = (
            str(row.get(id_col)).strip()
            if id_col and row.get(id_col) not in (None, "")
            else f"{path.stem}:{n}"
        )
        out.append(LabelledText(text_id, text, code, weight))
    return out


def _department_lookup(departments: list[Department]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for d in departments:
        for key in (d.code, d.name_zh, d.name_en):
            if key:
                lookup[key.lower()] = d.code
    return lookup


def _pick(columns: set[str], names: tuple[str, ...]) -> str | None:
    lowered = {c.lower().strip(): c for c in columns if isinstance(c, str)}
    return next((lowered[n] for n in names if n in lowered), None)


def _read_csv(path: Path) -> list[dict[str, Any]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            return list(csv.DictReader(f))
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text: {exc}", "save the file as UTF-8") from exc
    except csv.Error as exc:
        raise InputError(
            f"{path} is not a readable CSV: {exc}", "give a comma-separated file with a header row"
        ) from exc


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text: {exc}", "save the file as UTF-8") from exc
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{path} line {n} is not JSON: {exc.msg}", "write one JSON object per line"
            ) from exc
        if not isinstance(obj, dict):
            raise InputError(
                f"{path} line {n} is not a JSON object",
                'write e.g. {"text": "…", "department": "…"}',
            )
        rows.append(obj)
    return rows
