"""Stores written by an older Heard are made private once (RIGHTS.md §4, §7): the search text is
reindexed without personal data, and handles are dropped from raw records.

``posts.search_text`` is built from text whose personal data is blanked out
(``heard.read.redact.redact_for_search``). A store written by an older Heard, or redacted by an
older PII detector, still holds phone numbers, IDs and e-mail addresses in its index, so a search
for one finds the post that displays it as ``[phone]``. ``ensure_search_redacted`` rebuilds the
search text of every stored post from its title and text (the same normalisation, redaction and
segmentation as the tokens stage), then the full-text index, and records the detector version in
the ``deployment`` table; it does nothing when that version is current. The same happens once
when the way the search text is segmented changes (``SEARCH_TEXT``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from heard.protect.pii import VERSION
from heard.store.queries import common
from heard.store.queries import reindex as stored

log = logging.getLogger(__name__)
KEY = "search_redaction"
SEARCH_TEXT = f"{VERSION}+subwords-1"
"""The value of ``KEY`` for search text redacted by this PII detector and segmented as this
Heard does (``Segmenter.search_text``: sub-words of long Chinese words indexed too); a store
whose value differs is reindexed once."""
CHUNK = 5_000


def search_redaction_version(store: Any) -> str | None:
    """The PII-detector version the stored search text was redacted with (``None``: never)."""
    if "deployment" not in store.tables():
        return None
    value = stored.deployment_value(store, KEY)
    return None if value is None else str(value)


def ensure_search_redacted(store: Any, user_dict: Path | None = None) -> int:
    """Rebuild ``posts.search_text`` (and the index) when it was not redacted by this version of
    the detector. Returns how many posts were reindexed (0 when already current)."""
    if not hasattr(store, "execute") or getattr(store, "read_only", False):
        return 0  # a read-only view (CLI, server threads): the query is still cut down
    if search_redaction_version(store) == SEARCH_TEXT:
        return 0
    from heard.stages.normalise import URL_RE, normalise_text
    from heard.stages.tokens import Segmenter
    from heard.read.redact import redact_for_search

    total = common.post_count(store)
    if total:
        log.warning(
            "reindexing the search text of %d posts (personal data removed, sub-words of "
            "long Chinese words indexed: %s); this runs once",
            total,
            SEARCH_TEXT,
        )
        segmenter = Segmenter(user_dict)
        last = ""
        while True:
            rows = stored.posts_after(store, last, CHUNK)
            if not rows:
                break
            ids, texts = [], []
            for r in rows:
                body, title = normalise_text(r["text"]), normalise_text(r["title"])
                text = f"{title}\n{body}" if title and body else (title or body)
                clean = redact_for_search(URL_RE.sub(" ", text))
                ids.append(r["id"])
                texts.append(segmenter.search_text(segmenter.words(clean, r["lang"] or "zh")))
            stored.set_search_text(store, ids, texts)
            last = ids[-1]
        if store.has_search_index():
            store.rebuild_search_index()
    store.deployment.put(KEY, SEARCH_TEXT)
    return total or 0


RAW_KEY, RAW_VERSION = "raw_scrub", "scrub-1"


def ensure_raw_scrubbed(store: Any) -> int:
    """Drop handles kept a level down in ``posts.raw`` and ``quarantine.raw`` by an older Heard
    (``heard.connectors.scrub``), once. Returns how many rows changed."""
    if not hasattr(store, "execute") or getattr(store, "read_only", False):
        return 0
    if store.deployment.get(RAW_KEY) == RAW_VERSION:
        return 0
    import json

    from heard.connectors.scrub import scrub_excerpt, scrub_raw

    changed = 0
    tables: tuple[tuple[stored.RawTable, Any], ...] = (
        ("posts", None),
        ("quarantine", scrub_excerpt),
    )
    for table, clean in tables:
        ids, values = [], []
        for r in stored.raw_rows(store, table):
            if clean is None:
                try:
                    new = json.dumps(
                        scrub_raw(json.loads(r["raw"])), ensure_ascii=False, default=str
                    )
                except (ValueError, RecursionError):
                    new = scrub_excerpt(r["raw"])
            else:
                new = clean(r["raw"])
            if new != r["raw"]:
                ids.append(r["k"])
                values.append(new)
        if ids:
            stored.set_raw(store, table, ids, values)
            changed += len(ids)
    if changed:
        log.warning("removed account handles kept in the raw records of %d stored rows", changed)
    store.deployment.put(RAW_KEY, RAW_VERSION)
    return changed


def ensure_store_private(store: Any, user_dict: Path | None = None) -> None:
    """What an older Heard left in a store that this one never keeps: PII in the search text,
    handles in raw records. Each is fixed once, when a store is opened for ingest or serving."""
    ensure_raw_scrubbed(store)
    ensure_search_redacted(store, user_dict)
