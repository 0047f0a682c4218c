"""Writing to the PostgreSQL store: an enriched batch of posts, their embeddings, the rows
quarantined beside them and the file's checkpoint, in one transaction
(``PostgresStore.write_batch``; the rows are built in ``batch``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import heard.store.postgres.batch as batch
from heard.clock import utcnow
from heard.records import Post, Quarantined
from heard.store.postgres.connection import teaching_errors
from heard.store.protocol import FINISH, TOPICS_CONSOLIDATED, Checkpoint

if TYPE_CHECKING:
    import psycopg


class PostWrites:
    """The write path of ``PostgresStore``, a part of it: its methods take the store as ``self``."""

    if TYPE_CHECKING:  # what they use of the rest of the store
        path: str
        batch_insert: Any

        @property
        def con(self) -> psycopg.Connection[Any]: ...
        def fetchall(
            self, sql: str, params: Sequence[Any] | None = None
        ) -> list[tuple[Any, ...]]: ...
        def mark_pending(self, kind: str) -> None: ...

    def existing_ids(self, ids: Sequence[str]) -> set[str]:
        """Which of ``ids`` are stored already (re-ingest skips them before any model runs)."""
        return self._stored_values("id", ids)

    def known_text_hashes(self, hashes: Sequence[str]) -> set[str]:
        """Which of these text hashes some stored post already has (duplicate-text counting)."""
        return self._stored_values("text_hash", hashes)

    def _stored_values(self, column: str, values: Sequence[str]) -> set[str]:
        if not values:
            return set()
        found = self.fetchall(
            f"SELECT DISTINCT {column} FROM posts WHERE {column} = ANY(?)", [list(values)]
        )
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
        """Store one enriched batch, its quarantined rows and the checkpoint in one transaction
        (an error or an interrupt stores none of it). Returns the number of posts newly stored."""
        with teaching_errors(self.path), self.con.transaction():
            self.con.execute("SELECT nextval('heard_data_version')")
            added = (
                batch.insert_posts(self.con, posts, columns, models, self.batch_insert)
                if posts
                else 0
            )
            if added:  # new posts: the end-of-run work is owed, all of it
                self.mark_pending(FINISH)
                self.con.execute("DELETE FROM pending_work WHERE kind = %s", [TOPICS_CONSOLIDATED])
            identity = checkpoint[0].rsplit("|", 1)[-1] if checkpoint else None
            batch.insert_quarantine(self.con, quarantined, source, identity)
            if checkpoint is not None:
                file_key, file, position, read = (*checkpoint, None)[:4]
                self.con.execute(
                    "INSERT INTO checkpoints VALUES (%s, %s, %s, %s, %s) "
                    "ON CONFLICT (file_key) DO UPDATE SET file = excluded.file, "
                    "position = excluded.position, updated_at = excluded.updated_at, "
                    "read_mark = excluded.read_mark",
                    [file_key, file, position, utcnow(), read],
                )
        return added
