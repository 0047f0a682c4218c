"""What the DuckDB store keeps about runs: the end-of-run work owed, each file's checkpoint, the
runs themselves (``heard.pipeline``)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from heard.clock import to_naive_utc, utcnow
from heard.store.checkpoints import CheckpointReads
from heard.store.protocol import FINISH, TOPICS_CONSOLIDATED

if TYPE_CHECKING:
    from collections.abc import Sequence

    import duckdb


class RunLog(CheckpointReads):
    """The run bookkeeping of ``DuckDBStore``, a part of it: its methods take the store as
    ``self``."""

    if TYPE_CHECKING:  # what they use of the rest of the store
        con: duckdb.DuckDBPyConnection

        def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any: ...

    def mark_pending(self, kind: str) -> None:
        """Record ``kind`` in ``pending_work`` (call inside the caller's transaction). Written as
        literals: a bound parameter costs two pandas import searches in DuckDB's client."""
        if kind not in (FINISH, TOPICS_CONSOLIDATED):
            raise ValueError(f"unknown pending_work kind {kind!r}")
        self.con.execute(
            f"INSERT OR IGNORE INTO pending_work VALUES ('{kind}', now() AT TIME ZONE 'UTC')"
        )

    def pending_work(self) -> set[str]:
        """What a run left unfinished: ``"finish"`` when posts were stored and the end-of-run work
        (topic consolidation and labels, the search index) has not completed since; with
        ``"topics_consolidated"`` when that run's consolidation had committed before it died."""
        return {r[0] for r in self.con.execute("SELECT kind FROM pending_work").fetchall()}

    def source_of_file(self, content_key: str) -> str | None:
        """The source a file with this content key (``connectors.base.file_key``) was ingested
        as, when it was (checkpoint keys are ``source|content key``); the most recent if several."""
        row = self.con.execute(
            "SELECT file_key FROM checkpoints WHERE suffix(file_key, ?) ORDER BY updated_at DESC "
            "LIMIT 1",
            ["|" + content_key],
        ).fetchone()
        return row[0].rsplit("|", 1)[0] if row else None

    def record_run(
        self,
        run_id: str,
        started_at: datetime,
        source: str,
        files: list[str],
        summary: dict[str, Any],
    ) -> None:
        self.con.execute(
            "INSERT OR REPLACE INTO ingest_runs VALUES (?, ?, ?, ?, ?, ?)",
            [
                run_id,
                to_naive_utc(started_at),
                utcnow(),
                source,
                json.dumps(files, ensure_ascii=False),
                json.dumps(summary, ensure_ascii=False),
            ],
        )
