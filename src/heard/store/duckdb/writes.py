"""Writing to the DuckDB store: an enriched batch of posts, their embeddings, the rows quarantined
beside them and the file's checkpoint, in one transaction (``DuckDBStore.write_batch``)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from heard.clock import to_naive_utc, utcnow
from heard.connectors.clean import fix_surrogates
from heard.connectors.scrub import scrub_excerpt
from heard.records import Post, Quarantined, content_hash
from heard.store.protocol import FINISH, TOPICS_CONSOLIDATED, Checkpoint

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    import duckdb

RAW_KEEP_CHARS = 2000
"""How much of a quarantined row's raw text is kept (the file and position point to the rest)."""


class PostWrites:
    """The write path of ``DuckDBStore``, a part of it: its methods take the store as ``self``."""

    if TYPE_CHECKING:  # what they use of the rest of the store
        con: duckdb.DuckDBPyConnection

        def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any: ...
        def registered(self, name: str, table: pa.Table) -> AbstractContextManager[None]: ...
        def transaction(self) -> AbstractContextManager[None]: ...
        def mark_pending(self, kind: str) -> None: ...

    def existing_ids(self, ids: Sequence[str]) -> set[str]:
        """Which of ``ids`` are stored already (re-ingest skips them before any model runs)."""
        return self._stored_values("id", ids)

    def known_text_hashes(self, hashes: Sequence[str]) -> set[str]:
        """Which of these text hashes some stored post already has (duplicate-text counting)."""
        return self._stored_values("text_hash", hashes)

    def _stored_values(self, column: str, values: Sequence[str]) -> set[str]:
        """The ``values`` that some stored post has in ``column`` (``id`` or ``text_hash``).

        Probes go in as a registered Arrow table, never as a bound list: DuckDB's Python client
        tries ``import pandas`` twice for every value it binds, and without pandas each try searches
        the import path again (512 hashes against 60k posts: 79 ms bound, 23 ms registered)."""
        if not values:
            return set()
        table = pa.table({"v": pa.array(list(values), pa.string())})
        with self.registered("_probe", table):
            found = self.con.execute(
                f"SELECT DISTINCT p.{column} FROM posts p JOIN _probe q ON p.{column} = q.v"
            ).fetchall()
        return {r[0] for r in found}

    def write_batch(
        self,
        posts: Sequence[Post],
        columns: dict[str, Any],
        models: dict[str, str],
        quarantined: Iterable[Quarantined] = (),
        source: str = "",
        checkpoint: Checkpoint | None = None,
    ) -> int:
        """Store one enriched batch, its quarantined rows and the checkpoint in one transaction.

        ``columns`` holds what the stages assigned (``lang``, ``search_text``, ``entities``,
        ``sentiment_*``, ``embedding`` …); missing columns are stored as NULL. Returns the number
        of posts newly stored (ids already present are ignored).
        """
        with self.transaction():
            added = self._insert_posts(posts, columns, models) if posts else 0
            if added:  # new posts: the end-of-run work is owed, all of it
                self.mark_pending(FINISH)
                self.con.execute(f"DELETE FROM pending_work WHERE kind = '{TOPICS_CONSOLIDATED}'")
            identity = checkpoint[0].rsplit("|", 1)[-1] if checkpoint else None
            self._insert_quarantine(quarantined, source, identity)
            if checkpoint is not None:
                file_key, file, position, read = (*checkpoint, None)[:4]
                self.con.execute(
                    "INSERT OR REPLACE INTO checkpoints VALUES (?, ?, ?, ?, ?)",
                    [file_key, file, position, utcnow(), read],
                )
        return added

    def _insert_posts(
        self, posts: Sequence[Post], columns: dict[str, Any], models: dict[str, str]
    ) -> int:
        n = len(posts)
        now = utcnow()

        def col(name: str, default: Any = None) -> list[Any]:
            values = columns.get(name)
            return list(values) if values is not None else [default] * n

        def as_json(values: list[Any]) -> list[str | None]:
            return [
                None if v is None else json.dumps(v, ensure_ascii=False, default=str)
                for v in values
            ]

        has_lang = "lang" in columns
        has_sent = "sentiment_score" in columns
        has_intent = "intent_label" in columns
        table = pa.table(
            {
                "id": [p.id for p in posts],
                "source": [p.source for p in posts],
                "external_id": [p.external_id for p in posts],
                "author_key": [p.author_key for p in posts],
                "title": [p.title for p in posts],
                "text": [p.text for p in posts],
                "text_hash": [content_hash(p.text) for p in posts],
                "created_at": pa.array(
                    [to_naive_utc(p.created_at) for p in posts], pa.timestamp("us")
                ),
                "ingested_at": pa.array([now] * n, pa.timestamp("us")),
                "url": [p.url for p in posts],
                "parent_id": [p.parent_id for p in posts],
                "thread_id": [p.thread_id for p in posts],
                "likes": pa.array([p.likes for p in posts], pa.int32()),
                "shares": pa.array([p.shares for p in posts], pa.int32()),
                "replies": pa.array([p.replies for p in posts], pa.int32()),
                "dislikes": pa.array([p.dislikes for p in posts], pa.int32()),
                "place": [p.place for p in posts],
                "lang": pa.array(col("lang"), pa.string()),
                "lang_model": pa.array(
                    [models.get("langid")] * n if has_lang else [None] * n, pa.string()
                ),
                "entities": pa.array(as_json(col("entities")), pa.string()),
                "search_text": pa.array(col("search_text"), pa.string()),
                "sentiment_score": pa.array(col("sentiment_score"), pa.float32()),
                "sentiment_label": pa.array(col("sentiment_label"), pa.string()),
                "sentiment_model": pa.array(
                    [models.get("sentiment")] * n if has_sent else [None] * n, pa.string()
                ),
                "sentiment_evidence": pa.array(as_json(col("sentiment_evidence")), pa.string()),
                "intent_label": pa.array(col("intent_label"), pa.string()),
                "intent_confidence": pa.array(col("intent_confidence"), pa.float32()),
                "intent_evidence": pa.array(as_json(col("intent_evidence")), pa.string()),
                "intent_model": pa.array(
                    [models.get("intent")] * n if has_intent else [None] * n, pa.string()
                ),
                "raw": [p.raw_json() for p in posts],
                "file": [p.file for p in posts],
                "position": pa.array([p.position for p in posts], pa.int64()),
            }
        )
        before = self.scalar("SELECT count(*) FROM posts")
        with self.registered("_new_posts", table):
            self.con.execute("INSERT OR IGNORE INTO posts BY NAME SELECT * FROM _new_posts")
        added = self.scalar("SELECT count(*) FROM posts") - before
        embedding = columns.get("embedding")
        if embedding is not None and added:
            model = models.get("embed", "unknown")
            emb = pa.table(
                {
                    "post_id": [p.id for p in posts],
                    "model": [model] * n,
                    "vec": pa.FixedSizeListArray.from_arrays(
                        pa.array(embedding.astype("float32").ravel()), embedding.shape[1]
                    ).cast(pa.list_(pa.float32())),
                }
            )
            with self.registered("_new_emb", emb):
                self.con.execute("INSERT OR IGNORE INTO embeddings SELECT * FROM _new_emb")
        result: int = added
        return result

    def _insert_quarantine(
        self, items: Iterable[Quarantined], source: str, identity: str | None = None
    ) -> None:
        items = list(items)
        if not items:
            return
        now = utcnow()
        table = pa.table(
            {
                "key": [q.key(identity) for q in items],
                "source": [source] * len(items),
                "file": [q.file for q in items],
                "position": pa.array([q.position for q in items], pa.int64()),
                "reason": [q.reason for q in items],
                "detail": [fix_surrogates(q.detail or "") for q in items],
                # handles never stored, whoever quarantined the row (RIGHTS.md §4); a lone
                # surrogate in what was read never stops the write of its quarantine row
                "raw": [fix_surrogates(scrub_excerpt(q.raw))[:RAW_KEEP_CHARS] for q in items],
                "quarantined_at": pa.array([now] * len(items), pa.timestamp("us")),
            }
        )
        with self.registered("_new_q", table):
            self.con.execute("INSERT OR IGNORE INTO quarantine SELECT * FROM _new_q")
