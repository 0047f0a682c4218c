"""What the PostgreSQL store keeps about runs: the end-of-run work owed, each file's checkpoint,
the runs themselves (``heard.pipeline``)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from heard.clock import to_naive_utc, utcnow
from heard.store.checkpoints import CheckpointReads
from heard.store.postgres.connection import teaching_errors
from heard.store.protocol import FINISH, TOPICS_CONSOLIDATED

if TYPE_CHECKING:
    from collections.abc import Sequence

    import psycopg


class RunLog(CheckpointReads):
    """The run bookkeeping of ``PostgresStore``, a part of it: its methods take the store as
    ``self``."""

    if TYPE_CHECKING:  # what they use of the rest of the store
        path: str

        @property
        def con(self) -> psycopg.Connection[Any]: ...
        def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any: ...
        def fetchall(
            self, sql: str, params: Sequence[Any] | None = None
        ) -> list[tuple[Any, ...]]: ...

    def mark_pending(self, kind: str) -> None:
        if kind not in (FINISH, TOPICS_CONSOLIDATED):
            raise ValueError(f"unknown pending_work kind {kind!r}")
        self.con.execute(
            "INSERT INTO pending_work VALUES (%s, %s) ON CONFLICT (kind) DO NOTHING",
            [kind, utcnow()],
        )

    def pending_work(self) -> set[str]:
        return {r[0] for r in self.fetchall("SELECT kind FROM pending_work")}

    def source_of_file(self, content_key: str) -> str | None:
        """The source a file with this content key was ingested as (see the DuckDB store)."""
        row = self.con.execute(
            "SELECT file_key FROM checkpoints WHERE right(file_key, %s) = %s "
            "ORDER BY updated_at DESC LIMIT 1",
            [len(content_key) + 1, "|" + content_key],
        ).fetchone()
        return str(row[0]).rsplit("|", 1)[0] if row else None

    def record_run(
        self,
        run_id: str,
        started_at: datetime,
        source: str,
        files: list[str],
        summary: dict[str, Any],
    ) -> None:
        with teaching_errors(self.path):
            self._record_run(run_id, started_at, source, files, summary)

    def _record_run(
        self,
        run_id: str,
        started_at: datetime,
        source: str,
        files: list[str],
        summary: dict[str, Any],
    ) -> None:
        self.con.execute(
            "INSERT INTO ingest_runs VALUES (%s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (run_id) DO UPDATE SET started_at = excluded.started_at, "
            "finished_at = excluded.finished_at, source = excluded.source, "
            "files = excluded.files, summary = excluded.summary",
            [
                run_id,
                to_naive_utc(started_at),
                utcnow(),
                source,
                json.dumps(files, ensure_ascii=False),
                json.dumps(summary, ensure_ascii=False, default=str),
            ],
        )
