"""The quarantine row of a row whose id a stored post or an earlier row has with another text
(``heard.pipeline.runner``)."""

from __future__ import annotations

import json

from heard.records import Post, Quarantined


def reused_id(post: Post, first: str) -> Quarantined:
    """A row whose id ``first`` (a stored post, an earlier row) has with another text: kept in
    the quarantine with its position and text, not lost behind the first version."""
    shown = {k: (v[:300] if isinstance(v, str) else v) for k, v in post.raw.items()}
    raw = json.dumps(
        {"id": post.id, "text": post.text[:300], **shown}, ensure_ascii=False, default=str
    )
    return Quarantined(
        post.file,
        post.position,
        "duplicate_id",
        f"id {post.id} already stored with a different text ({first}); this row was not "
        "stored: give it an id of its own, or ingest another board under a source of its own",
        raw[:2000],
    )
