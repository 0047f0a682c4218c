"""What both backends read of their run bookkeeping the same way: emptiness and each file's
checkpoint (``heard.pipeline.resume``). Part of each backend's ``RunLog``; ``?`` placeholders, as
every store's ``scalar`` takes them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence


class CheckpointReads:
    """Methods that take the store as ``self``."""

    if TYPE_CHECKING:  # what they use of the rest of the store

        def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any: ...

    def is_empty(self) -> bool:
        """No post and no quarantined row (a database only just created)."""
        return not self.scalar(
            "SELECT (SELECT count(*) FROM posts) + (SELECT count(*) FROM quarantine)"
        )

    def checkpoint(self, file_key: str) -> int:
        """The last position committed for this file (0 when never ingested)."""
        found = self.scalar("SELECT position FROM checkpoints WHERE file_key = ?", [file_key])
        return int(found or 0)

    def checkpoint_mark(self, file_key: str) -> str | None:
        """What had been read at that position (``heard.pipeline.resume``); None if unknown."""
        found = self.scalar("SELECT read_mark FROM checkpoints WHERE file_key = ?", [file_key])
        return str(found) if found else None
