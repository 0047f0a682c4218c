"""What ``heard route`` and ``heard train router`` read: texts given on the command line or in
files, and the store's own labelled history."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from heard.answer.cases import has_visible_text
from heard.answer.departments import Department
from heard.answer.routing import LabelledText, training_set
from heard.answer.training_data import BODY_COLUMNS, ID_COLUMNS, MAX_BODY_CHARS, TEXT_COLUMNS
from heard.errors import InputError

MAX_INPUTS = 100_000


def read_route_inputs(inputs: list[str]) -> tuple[list[str], list[str]]:
    """(ids, texts). An input that names an existing file is read (``.txt``: one text a line,
    id ``file:line``; ``.csv``/``.jsonl``: a text column and an id column when present); any other
    input is a text itself, its id its position (1, 2, …)."""
    ids: list[str] = []
    texts: list[str] = []
    for n, item in enumerate(inputs, start=1):
        path = Path(item)
        if len(item) < 4096 and path.suffix and path.is_file():
            for text_id, text in _read_file(path):
                ids.append(text_id)
                texts.append(text)
        elif _names_a_file(item):
            raise InputError(f"no file {item}", "check the path, or quote a text to route it")
        elif has_visible_text(item):
            ids.append(str(n))
            texts.append(item.strip())
        if len(texts) > MAX_INPUTS:
            raise InputError(
                f"more than {MAX_INPUTS:,} texts to route",
                "route a large backlog by ingesting it with answer_cases on",
            )
    if not texts:
        raise InputError("nothing to route", 'give a text (heard route "公交站撤了") or a file')
    return ids, texts


FILE_SUFFIXES = (".txt", ".csv", ".tsv", ".jsonl", ".ndjson")


def _names_a_file(item: str) -> bool:
    """One word ending in a suffix ``heard route`` reads (``backlog.csv``): a file name, not a
    concern, even when no such file exists."""
    word = item.strip()
    return (
        0 < len(word) < 4096
        and not any(ch.isspace() for ch in word)
        and word.lower().endswith(FILE_SUFFIXES)
    )


def _read_file(path: Path) -> list[tuple[str, str]]:
    suffix = path.suffix.lower()
    try:
        if suffix == ".txt":
            lines = path.read_text(encoding="utf-8").splitlines()
            return [
                (f"{path.name}:{i}", line.strip())
                for i, line in enumerate(lines, 1)
                if has_visible_text(line)  # a line of NUL or zero-width spaces is a blank one
            ]
        if suffix in (".jsonl", ".ndjson"):
            rows = _jsonl(path)
        elif suffix in (".csv", ".tsv"):
            with path.open(encoding="utf-8-sig", newline="") as fh:
                reader = csv.DictReader(fh, delimiter="\t" if suffix == ".tsv" else ",")
                rows = list(enumerate(reader, start=1))
        else:
            raise InputError(
                f"cannot route {path}: unknown file type {suffix}",
                "give a .txt (one text a line), .csv or .jsonl file",
            )
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} cannot be read: {exc}", "give UTF-8 text, CSV or JSONL") from exc
    out = []
    for i, row in rows:
        if not isinstance(row, dict):
            raise InputError(f"{path} line {i} is not an object", "one JSON object per line")
        text = _row_text(row)
        if has_visible_text(text):
            out.append((str(_first(row, ID_COLUMNS) or f"{path.name}:{i}"), text))
    if not out:
        raise InputError(
            f"{path} has no text column with values",
            f"name a column one of {TEXT_COLUMNS + BODY_COLUMNS}",
        )
    return out


def _jsonl(path: Path) -> list[tuple[int, Any]]:
    """(line number, value) of each non-blank line; a line that is not JSON is named by its
    number in the file (the decoder's own position is inside the line)."""
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append((n, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{path} line {n} is not JSON ({exc.msg}, column {exc.colno})",
                "one JSON object per line",
            ) from None
    return rows


def _first(row: dict[str, Any], columns: tuple[str, ...]) -> Any:
    return next((row[c] for c in columns if row.get(c) not in (None, "")), None)


def _row_text(row: dict[str, Any]) -> str:
    head = str(_first(row, TEXT_COLUMNS) or "").strip()
    body = str(_first(row, BODY_COLUMNS) or "").strip()[:MAX_BODY_CHARS]
    return " ".join(t for t in (head, body) if t)


def store_training_set(db: str | Path, departments: list[Department]) -> list[LabelledText]:
    """The store's labelled history for ``heard train router``: cases whose department came
    from the source's label, and responders' corrections (weighted higher, replacing the
    history example of the same post)."""
    from heard.store import open_store, store_exists

    if not store_exists(db):
        raise InputError(f"no Heard database at {db}", "give --data FILE, or --db of a store")
    codes = {d.code for d in departments}
    with open_store(db, read_only=True) as store:
        rows = store.cases.training_rows() if "cases" in store.tables() else []
    history, corrections = [], []
    for r in rows:
        if r["department"] not in codes:
            continue  # a department no longer configured
        text = " ".join(
            t for t in ((r["title"] or "").strip(), (r["text"] or "").strip()[:MAX_BODY_CHARS]) if t
        )
        item = LabelledText(r["id"], text, r["department"])
        (corrections if r["corrected"] else history).append(item)
    if not history and not corrections:
        raise InputError(
            f"{db} has no labelled cases or corrections to learn from",
            "ingest a board with its department labels (一级标签), reassign cases, "
            "or give --data FILE",
        )
    return training_set(history, corrections)
