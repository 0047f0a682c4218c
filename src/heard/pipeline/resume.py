"""Where a re-ingest of a file starts: after its checkpoint, or from its first row again.

A line-based file (CSV, JSONL) is known by its first 4 KiB (``heard.connectors.base.file_key``),
so a file that grew resumes after its last committed row. But a board is exported again whole,
with 答复意见/答复时间 filled in for rows read long ago: resuming after the checkpoint never reads
those rows again, and their replies never reach their cases. So each checkpoint also keeps what
had been read when it was written (``ConsumedBytes.mark``: the number of bytes and their SHA-1),
and a run compares it with the file's first bytes now:

- the same bytes: resume after the checkpoint (the file only grew);
- other bytes, or fewer: read the file again from its first row. Posts already stored keep their
  ids and are not stored twice; the runner hands them to the operators that ``revisit`` (the
  cases operator imports a reply published since).

A checkpoint written before marks were kept (NULL) resumes as it did.
"""

from __future__ import annotations

from typing import Any

from heard.connectors.base import prefix_mark
from heard.store.protocol import Store


def resume_point(store: Store, file_key: str, connector: Any) -> int:
    """The position to resume after (0: from the start), or minus the checkpoint's position when
    rows before it have changed since and the file is to be read again from its first row."""
    position = store.checkpoint(file_key)
    if not position or not hasattr(connector, "consumed"):
        return position
    mark = store.checkpoint_mark(file_key)
    if mark is None:
        return position
    size = int(mark.split(":", 1)[0])
    return position if prefix_mark(connector.path, size) == mark else -position
