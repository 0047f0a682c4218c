"""The deployment repository: per-store facts (``deployment`` table: the author-salt
chain and its fingerprint, index versions) and the one bulk change they can ask for, re-keying
stored author keys when the salt is rotated (``heard.protect.salt``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from heard.clock import utcnow


class Deployment:
    def __init__(self, store: Any):
        self.store = store

    def get(self, key: str) -> str | None:
        value = self.store.scalar("SELECT value FROM deployment WHERE key = ?", [key])
        return None if value is None else str(value)

    def put(self, key: str, value: str) -> None:
        self.store.execute(
            "INSERT INTO deployment VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
            "value = excluded.value, updated_at = excluded.updated_at",
            [key, value, utcnow()],
        )

    def has_author_keys(self) -> bool:
        return bool(
            self.store.scalar(
                "SELECT count(*) FROM "
                "(SELECT 1 FROM posts WHERE author_key IS NOT NULL LIMIT 1) AS s"
            )
        )

    def author_keys(self) -> list[str]:
        return [
            r[0]
            for r in self.store.fetchall(
                "SELECT DISTINCT author_key FROM posts WHERE author_key IS NOT NULL"
            )
        ]

    def rekey_authors(self, old: Sequence[str], new: Sequence[str]) -> None:
        """Replace each ``old`` author key by the ``new`` one at the same position (call inside
        the caller's transaction)."""
        if not old:
            return
        with self.store.registered("_rekey", pa.table({"old": list(old), "new": list(new)})):
            self.store.execute(
                "UPDATE posts SET author_key = r.new FROM _rekey r WHERE posts.author_key = r.old"
            )
