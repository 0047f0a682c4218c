"""Where a restarted ``heard watch`` resumes, on both backends (``resume_point_of``): after the
checkpoint of its file key when the bytes read are still the file's first ones; from line 1 when
the file was rotated since (an empty file at both starts shares the key); after the newest
checkpoint of the same path and source when the file grew past 4 KiB since (a new key)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _mark(data: bytes) -> str:
    return f"{len(data)}:{hashlib.sha1(data).hexdigest()}"


def test_a_watch_resumes_where_its_bytes_say(open_target: Callable[..., Any], tmp_path: Path):
    from heard.pipeline.resume import resume_point_of

    feed = tmp_path / "feed.jsonl"
    read = b'{"id": 1}\n{"id": 2}\n{"id": 3}\n'
    store = open_target()
    with store.transaction():
        store.write_batch([], {}, {}, [], "feed", ("feed|empty", str(feed), 3, _mark(read)))
    feed.write_bytes(read + b'{"id": 4}\n')  # grew: a new key, the same first bytes
    assert resume_point_of(store, "feed|empty", feed) == 3
    assert resume_point_of(store, "feed|grown", feed) == 3
    assert resume_point_of(store, "other|grown", feed) == 0  # another source's checkpoint
    feed.write_bytes(b'{"id": 9}\n')  # rotated: other bytes under the same name
    assert resume_point_of(store, "feed|empty", feed) == -3  # read from its first line
    assert resume_point_of(store, "feed|grown", feed) == 0
