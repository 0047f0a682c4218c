"""One batch into PostgreSQL: posts by COPY through a staging table, vectors by binary COPY,
quarantined rows by ``executemany``; every text made storable."""

from __future__ import annotations

import json
import struct
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import psycopg

from heard.clock import to_naive_utc, utcnow
from heard.records import Post, Quarantined, content_hash

RAW_KEEP_CHARS = 2000
"""As in the DuckDB store: how much of a quarantined row's raw text is kept."""

POST_COLUMNS = (
    "id TEXT, source TEXT, external_id TEXT, author_key TEXT, title TEXT, text TEXT, "
    "text_hash TEXT, created_at TIMESTAMP, ingested_at TIMESTAMP, url TEXT, parent_id TEXT, "
    "thread_id TEXT, likes INTEGER, shares INTEGER, replies INTEGER, dislikes INTEGER, "
    "place TEXT, lang TEXT, lang_model TEXT, entities TEXT, search_text TEXT, "
    "sentiment_score REAL, sentiment_label TEXT, sentiment_model TEXT, sentiment_evidence TEXT, "
    "intent_label TEXT, intent_confidence REAL, intent_evidence TEXT, intent_model TEXT, "
    "raw TEXT, file TEXT, position BIGINT"
)
"""The columns of ``posts`` in order, with their types (the staging table's definition)."""
NAMES = ", ".join(c.split()[0] for c in POST_COLUMNS.split(", "))
STAGING = f"CREATE TEMP TABLE IF NOT EXISTS _heard_new_posts ({POST_COLUMNS}) ON COMMIT DELETE ROWS"

_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
_TRAILER = struct.pack("!h", -1)
FLOAT4_OID = 700


def text_or_none(value: str | None) -> str | None:
    """PostgreSQL text cannot hold NUL characters (DuckDB's can): they are stored as U+FFFD, the
    replacement character, instead of failing the whole batch on one hostile post."""
    if value is None or "\x00" not in value:
        return value
    return value.replace("\x00", "\ufffd")


def _as_json(values: list[Any]) -> list[str | None]:
    return [None if v is None else json.dumps(v, ensure_ascii=False, default=str) for v in values]


def post_rows(
    posts: Sequence[Post], columns: dict[str, Any], models: dict[str, str]
) -> list[tuple[Any, ...]]:
    """The batch as ``posts`` rows; a column no stage assigned is NULL (as on DuckDB)."""
    n, now, t = len(posts), utcnow(), text_or_none

    def col(name: str) -> list[Any]:
        values = columns.get(name)
        return list(values) if values is not None else [None] * n

    lang, search_text = col("lang"), col("search_text")
    score, label = col("sentiment_score"), col("sentiment_label")
    entities, evidence = _as_json(col("entities")), _as_json(col("sentiment_evidence"))
    lang_model = models.get("langid") if "lang" in columns else None
    sent_model = models.get("sentiment") if "sentiment_score" in columns else None
    intent, confidence = col("intent_label"), col("intent_confidence")
    intent_evidence = _as_json(col("intent_evidence"))
    intent_model = models.get("intent") if "intent_label" in columns else None
    # fmt: off
    return [
        (t(p.id), t(p.source), t(p.external_id), t(p.author_key), t(p.title), t(p.text),
         content_hash(p.text), to_naive_utc(p.created_at), now, t(p.url), t(p.parent_id),
         t(p.thread_id), p.likes, p.shares, p.replies, p.dislikes, t(p.place), t(lang[i]),
         lang_model, t(entities[i]), t(search_text[i]),
         None if score[i] is None else float(score[i]), t(label[i]), sent_model, t(evidence[i]),
         t(intent[i]), None if confidence[i] is None else float(confidence[i]),
         t(intent_evidence[i]), intent_model,
         t(p.raw_json()), t(p.file), p.position)
        for i, p in enumerate(posts)
    ]
    # fmt: on


def insert_posts(
    con: psycopg.Connection[Any],
    posts: Sequence[Post],
    columns: dict[str, Any],
    models: dict[str, str],
    mode: str = "copy",
) -> int:
    """Insert the posts that are new and their vectors; return how many posts were new. Runs
    inside the caller's transaction."""
    rows = post_rows(posts, columns, models)
    with con.cursor() as cur:
        if mode == "copy":
            # COPY cannot skip conflicts: copy into the staging table (asked for in every batch:
            # a rolled-back batch takes the table it created along), then insert what is new.
            cur.execute(STAGING)
            cur.execute("TRUNCATE _heard_new_posts")
            with cur.copy(f"COPY _heard_new_posts ({NAMES}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cur.execute(
                f"INSERT INTO posts ({NAMES}) SELECT {NAMES} FROM _heard_new_posts "
                "ON CONFLICT (id) DO NOTHING"
            )
            added = max(cur.rowcount, 0)
        else:
            before = _count(cur)
            marks = ", ".join(["%s"] * len(rows[0]))
            cur.executemany(
                f"INSERT INTO posts ({NAMES}) VALUES ({marks}) ON CONFLICT (id) DO NOTHING", rows
            )
            added = _count(cur) - before
        embedding = columns.get("embedding")
        if embedding is not None and added:
            _insert_vectors(cur, posts, np.asarray(embedding, dtype=np.float32), models)
    return added


def _count(cur: psycopg.Cursor[Any]) -> int:
    row = cur.execute("SELECT count(*) FROM posts").fetchone()
    return int(row[0]) if row else 0


def _insert_vectors(
    cur: psycopg.Cursor[Any], posts: Sequence[Post], vectors: np.ndarray, models: dict[str, str]
) -> None:
    """COPY has no conflict clause either: the posts that already have a vector are skipped."""
    ids = [p.id for p in posts]
    cur.execute("SELECT post_id FROM embeddings WHERE post_id = ANY(%s)", [ids])
    have = {r[0] for r in cur.fetchall()}
    keep = [i for i, post_id in enumerate(ids) if post_id not in have]
    if not keep:
        return
    data = embeddings_copy_data(
        [ids[i] for i in keep], models.get("embed", "unknown"), vectors[keep]
    )
    with cur.copy("COPY embeddings (post_id, model, vec) FROM STDIN (FORMAT BINARY)") as copy:
        copy.write(data)


def insert_quarantine(
    con: psycopg.Connection[Any],
    items: Iterable[Quarantined],
    source: str,
    identity: str | None = None,
) -> None:
    """Quarantined rows, each once (its key is the file's content identity, where and why)."""
    now, t = utcnow(), text_or_none
    rows = [
        (q.key(identity), t(source), t(q.file), q.position, t(q.reason), t(q.detail),
         t(q.raw[:RAW_KEEP_CHARS]), now)
        for q in items
    ]  # fmt: skip
    if rows:
        with con.cursor() as cur:
            cur.executemany(
                "INSERT INTO quarantine VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (key) DO NOTHING",
                rows,
            )


def embeddings_copy_data(ids: list[str], model: str, vectors: np.ndarray) -> bytes:
    """Rows ``(post_id, model, vec REAL[])`` in COPY's binary format, built with numpy.

    Formatting 512 floats per row as text costs more than the database's own work (about ten
    million floats for 20k posts); in binary each element is a 4-byte length and a big-endian
    float4, laid out for all rows at once.
    """
    n, dim = vectors.shape
    elements = np.empty((n, dim), dtype=[("len", ">i4"), ("val", ">f4")])
    elements["len"] = 4
    elements["val"] = vectors
    array_size = 20 + 8 * dim
    array_head = struct.pack("!iiiii", 1, 0, FLOAT4_OID, dim, 1)
    model_b = model.encode()
    model_field = struct.pack("!i", len(model_b)) + model_b
    parts = [_HEADER]
    for i, post_id in enumerate(ids):
        id_b = post_id.encode()
        parts += [
            struct.pack("!hi", 3, len(id_b)), id_b, model_field,
            struct.pack("!i", array_size), array_head, elements[i].tobytes(),
        ]  # fmt: skip
    parts.append(_TRAILER)
    return b"".join(parts)
