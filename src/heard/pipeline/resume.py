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

A board exported again under another name (``board-june.csv`` after ``board-may.csv``) whose
first 4 KiB changed (a reply filled in for its first row) was a new file of a new source, the
file's stem: every message was stored again under new ids and opened a second case, the first
ones open and overdue forever. ``earlier_source`` finds the source its first rows were stored
under (the same message id with the same text), and the file keeps it. A board imported in parts
(each part a source, its stem) and then whole keeps the source most of its first rows were stored
under, and each row stored under another part's source keeps that post (``adopt_stored``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from itertools import islice
from pathlib import Path
from typing import Any

from heard.connectors.base import prefix_mark
from heard.records import Post, RawRow, content_hash
from heard.store.protocol import Store

PROBE_ROWS = 50
"""How many of a file's first rows ``earlier_source`` looks up."""


def resume_point(store: Store, file_key: str, connector: Any) -> int:
    """The position to resume after (0: from the start), or minus the checkpoint's position when
    rows before it have changed since and the file is to be read again from its first row."""
    if not hasattr(connector, "consumed"):
        return store.checkpoint(file_key)
    return resume_point_of(store, file_key, connector.path)


def resume_point_of(store: Store, file_key: str, path: Path) -> int:
    """``resume_point`` for a line-based file at ``path``. ``heard watch`` resumes so: a file
    rotated since, whose new first 4 KiB happen to match the old one's (both empty when the
    watch began), is read from line 1; a file that had less than 4 KiB at its last checkpoint
    and grew since (a new key) resumes after it when the bytes it had then are still its first
    ones, so nothing read before is read, and quarantined, again."""
    position = store.checkpoint(file_key)
    if not position:
        return _grown_since(store, file_key, path)
    mark = store.checkpoint_mark(file_key)
    if mark is None:
        return position
    size = int(mark.split(":", 1)[0])
    return position if prefix_mark(path, size) == mark else -position


def earlier_source(store: Store, connector: Any, mapper: Any) -> str | None:
    """The source most of the file's first rows were stored under before, when at least half of
    them were (a post whose id is that source and the row's own id, with the row's text; the
    half may be made of several sources: a board imported in parts, each part under its own
    name, then whole). None when there is none (a new board, or one whose ids are not its
    own)."""
    from heard.store.queries.posts import ids_with_text_hashes

    posts: list[Post] = []
    for row in islice(connector.rows(), PROBE_ROWS):
        try:
            post = mapper.map(row) if isinstance(row, RawRow) else None
        except (ValueError, TypeError, LookupError, ArithmeticError, UnicodeError):
            post = None  # the ingest quarantines it; here it is only not a witness
        if isinstance(post, Post):
            posts.append(post)
    hashes = {p.id.split(":", 1)[1]: content_hash(p.text) for p in posts}
    found: Counter[str] = Counter()
    db: Any = store  # the query needs only ``rows``, which every store has
    for pid, text_hash in ids_with_text_hashes(db, sorted(set(hashes.values()))):
        source, _, own = pid.partition(":")
        if hashes.get(own) == text_hash and source != mapper.source:
            found[source] += 1
    if not found:
        return None
    source = found.most_common(1)[0][0]
    return source if sum(found.values()) * 2 >= len(posts) else None


def adopt_stored(store: Store, posts: list[Post]) -> list[Post]:
    """``posts`` of a file that keeps an earlier source (``earlier_source``), each top-level one
    already stored under another source — the same own id and the same text: a board imported
    in parts under each part's name, then whole — given that post's id, so it is not stored a
    second time (and opens no second case); the runner hands it to the operators that revisit.
    Other posts are returned as they are."""
    from heard.store.queries.posts import ids_with_text_hashes

    def own_id(post: Post) -> bool:  # a row without an id of its own is known by its text
        return post.parent_id is None and post.external_id != content_hash(post.text)

    wanted = {content_hash(p.text) for p in posts if own_id(p)}
    if not wanted:
        return posts
    db: Any = store  # the query needs only ``rows``, which every store has
    stored: dict[tuple[str, str], set[str]] = {}
    for pid, text_hash in ids_with_text_hashes(db, sorted(wanted)):
        source, _, own = pid.partition(":")
        stored.setdefault((own, text_hash), set()).add(source)
    out = []
    for post in posts:
        under = stored.get((post.external_id, content_hash(post.text)), set())
        if own_id(post) and under and post.source not in under:
            earlier = min(under)
            post = replace(post, id=f"{earlier}:{post.external_id}", source=earlier)
        out.append(post)
    return out


def _grown_since(store: Store, file_key: str, path: Path) -> int:
    """The position of the newest checkpoint of the file at ``path``, read under the source
    that ``file_key`` names, whose read bytes are still the file's first ones; 0 if none."""
    from heard.store.queries.posts import file_checkpoints

    db: Any = store  # the query needs only ``rows``, which every store has
    source = file_key.rsplit("|", 1)[0]
    for position, mark in file_checkpoints(db, source, str(path)):
        if prefix_mark(path, int(mark.split(":", 1)[0])) == mark:
            return position
    return 0
