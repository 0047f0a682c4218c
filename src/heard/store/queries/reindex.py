"""The SQL of ``heard.read.reindex``, which makes a store written by an older Heard private once:
the detector version its search text was redacted with, the posts to reindex in id order, and the
updates of ``posts.search_text`` and of the ``raw`` records (writes: a ``Store``, not a reader)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import pyarrow as pa

from heard.store.protocol import Reader, Store

RawTable = Literal["posts", "quarantine"]
_RAW_KEYS: dict[str, str] = {"posts": "id", "quarantine": "key"}


def deployment_value(db: Reader, key: str) -> Any:
    """The ``deployment`` table's value under ``key`` (``None`` when unset)."""
    return db.scalar("SELECT value FROM deployment WHERE key = ?", [key])


def posts_after(db: Reader, last: str, limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` posts (``id, title, text, lang``) with an id after ``last``, in id order."""
    return db.rows(
        "SELECT id, title, text, lang FROM posts WHERE id > ? ORDER BY id LIMIT ?",
        [last, limit],
    )


def set_search_text(store: Store, ids: Sequence[str], texts: Sequence[str]) -> None:
    """Replace the search text of the posts ``ids`` by ``texts`` (the index is rebuilt apart)."""
    with store.registered("_reindexed", pa.table({"id": list(ids), "search_text": list(texts)})):
        store.execute(
            "UPDATE posts SET search_text = r.search_text FROM _reindexed r WHERE posts.id = r.id"
        )


def raw_rows(db: Reader, table: RawTable) -> list[dict[str, Any]]:
    """``[{k, raw}]``: the key and raw record of every row of ``posts`` or ``quarantine`` that
    has one."""
    key = _RAW_KEYS[table]
    return db.rows(f"SELECT {key} AS k, raw FROM {table} WHERE raw IS NOT NULL")


def set_raw(store: Store, table: RawTable, keys: Sequence[Any], values: Sequence[str]) -> None:
    """Replace the raw records of the rows ``keys`` of ``posts`` or ``quarantine`` by ``values``."""
    key = _RAW_KEYS[table]
    with store.registered("_scrubbed", pa.table({"k": list(keys), "raw": list(values)})):
        store.execute(f"UPDATE {table} SET raw = s.raw FROM _scrubbed s WHERE {table}.{key} = s.k")
