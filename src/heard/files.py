"""Files a command hands to people (an export, the brief) appear whole or not at all.

``write_atomically`` writes beside the target under a hidden temporary name, syncs it, and
renames it over the target in one step: a command killed or failing mid-write leaves the file
that was there before (or none), never a truncated spreadsheet or brief that opens as if whole.
A killed writer's hidden ``.NAME.PID.partial`` is removed by the next write of the same file.
"""

from __future__ import annotations

import os
from pathlib import Path

from heard.testing import test_hook


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one rename; ``OSError`` leaves ``path`` as it was."""
    path = Path(path)
    for stale in path.parent.glob(f".{path.name}.*.partial"):  # left by a killed writer
        stale.unlink(missing_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        with open(partial, "wb") as fh:
            half = len(data) // 2
            fh.write(data[:half])
            fh.flush()
            test_hook("file_half_written")  # the kill test stops here
            fh.write(data[half:])
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
