"""Ingest: read files through connectors, map rows to posts, enrich them, store them.

The run is idempotent and resumable:
- a post's id is ``source:external_id`` (a content hash when the source has none); ids already
  stored are skipped before any model runs, so re-ingesting a file stores nothing new;
- each batch is written in one transaction together with its quarantined rows, the file's
  checkpoint (last position read) and what the operators that ``persist_with_batch`` add to it
  (flags, cases), so a run killed mid-way resumes after the last committed batch, with neither
  loss nor duplicates;
- a bad row never stops the run: it is quarantined with file, position and reason.

While one batch is being embedded in a worker thread (the embedder releases the GIL in its BLAS
calls), the previous one goes through the remaining stages and is written, and the next one is
read and mapped: reading, embedding, the other stages and writing overlap.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from heard.pipeline import Batch, Pipeline
from heard.pipeline.embedder_check import check_embedder
from heard.pipeline.memory import return_freed_memory
from heard.pipeline.stage import operators
from heard.clock import utcnow
from heard.errors import StoreUnavailableError
from heard.records import Post, Quarantined, RawRow, content_hash, message_hash
from heard.store.protocol import FINISH, Checkpoint, Store
from heard.testing import test_hook

Progress = Callable[[int], None]
"""Called with the number of rows just handled (for progress bars)."""


@dataclass
class IngestSummary:
    """What one ingest run did. ``to_dict`` is the ``--json`` output."""

    files: list[str] = field(default_factory=list)
    rows_read: int = 0
    stored: int = 0
    already_stored: int = 0
    duplicate_ids_in_input: int = 0
    duplicate_texts: int = 0
    quarantined: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    resumed_after: dict[str, int] = field(default_factory=dict)
    kept_source: dict[str, str] = field(default_factory=dict)
    """File → the source its first rows were stored under before, which it keeps (a board
    exported again under another name): no row is stored twice under a second source."""
    other_messages: int = 0
    """Rows whose id a stored post has, with another text: another board under the same source
    name (two ``board.csv`` files, the same ``--source``) reusing its message numbers. The
    stored post is kept and the row is not revisited (its reply is not put on that post's
    case); the ingest says so and how to keep the boards apart."""
    read_again: dict[str, int] = field(default_factory=dict)
    """File → its checkpoint, for files read again from their first row: a row before the
    checkpoint changed since (e.g. a reply filled in); stored rows are not stored twice, and
    the operators ``revisit`` them."""
    models: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    run_id: str = ""
    unsure: list[Any] = field(default_factory=list, repr=False)
    """Batches whose commit lost its link, not yet counted (``settle_unsure``); not shown."""

    @property
    def posts_per_second(self) -> float:
        return round(self.stored / self.seconds, 1) if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if k != "unsure"}
        out["posts_per_second"] = self.posts_per_second
        return out

    def check_read_something(self) -> None:
        """Raise ``InputError`` when the files held no row at all (empty files, or a header
        only) and none was resumed: "stored 0 new posts from 0 rows" read like an ingest that
        worked and found nothing. A rerun that resumes at a file's end is no error."""
        from heard.errors import InputError

        if self.rows_read or self.quarantined or self.resumed_after:
            return
        names = ", ".join(Path(f).name for f in self.files)
        raise InputError(
            f"{names} {'holds' if len(self.files) == 1 else 'hold'} no rows (an empty file, or "
            "a header only): nothing was ingested",
            "check that this is the file you meant; a CSV needs a header line and rows",
        )


class _Pending:
    """A batch whose first pipeline part is running in the worker thread."""

    def __init__(
        self,
        future: Future[Batch],
        ids: dict[str, str],
        hashes: set[str],
        quarantined: list[Quarantined],
        checkpoint: Checkpoint | None,
        again: list[Post],
        counts: dict[str, int],
    ):
        self.future, self.ids, self.hashes = future, ids, hashes  # ids: id -> message hash
        self.quarantined, self.checkpoint = quarantined, checkpoint
        self.again = again  # stored by an earlier run: shown to operators that ``revisit``
        self.counts = counts  # the summary's counts of this batch, added once it is committed


COUNTED_AT_COMMIT = (
    "rows_read",
    "duplicate_ids_in_input",
    "already_stored",
    "other_messages",
    "duplicate_texts",
)
"""Counts a batch adds to the summary when it is committed, not when read: a batch that the
database lost (a restart) and that is stored again once it is back counts once."""


@dataclass
class _ReadAgain:
    same: list[Post]
    other: list[Post]


def reused_id(post: Post, first: str) -> Quarantined:
    """A row whose id ``first`` (a stored post, an earlier row) has with another text: kept in
    the quarantine with its position and text, not lost behind the first version."""
    import json

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


class _Writer:
    """Dedupes mapped batches against the store, enriches them in two overlapping parts, writes
    them.

    The pipeline is split after the embedder: a worker thread runs normalise → … → embed on batch
    N+1 (the embedder's BLAS calls release the GIL) while this thread runs the remaining stages
    (sentiment, topics) on batch N and writes it. Exact-duplicate texts (same content hash as a
    stored post, one in the batch in flight, or an earlier one in the same batch) are stored under
    their own ids and counted in ``duplicate_texts``.
    """

    def __init__(
        self,
        store: Store,
        pipeline: Pipeline,
        summary: IngestSummary,
        source: str,
        adopt_stored: bool = False,
    ):
        self.store = store
        self.adopt_stored = adopt_stored
        self.summary = summary
        self.source = source
        self.models = pipeline.models()
        self.head, self.tail = pipeline.split_after("embed")
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="heard-enrich")
        self._pending: _Pending | None = None
        self._operators = operators(pipeline.stages)

    def submit(
        self,
        posts: list[Post],
        quarantined: list[Quarantined],
        checkpoint: Checkpoint | None,
        more_waiting: bool = False,
        rows: int = 0,
    ) -> None:
        before = {name: getattr(self.summary, name) for name in COUNTED_AT_COMMIT}
        counts: dict[str, int] = {}
        try:
            self.summary.rows_read += rows
            if self.adopt_stored:
                from heard.pipeline.resume import adopt_stored

                posts = adopt_stored(self.store, posts)
            quarantined = list(quarantined)
            unique: dict[str, Post] = {}
            for post in posts:
                first = unique.get(post.id)
                if first is None:
                    unique[post.id] = post
                elif message_hash(first.text) == message_hash(post.text):
                    self.summary.duplicate_ids_in_input += 1  # the same message again: silent
                else:
                    quarantined.append(reused_id(post, f"the row at position {first.position}"))
            in_flight = self._pending.ids if self._pending else {}
            stored = self.store.existing_ids(list(unique))
            for pid in unique.keys() & in_flight.keys():
                if in_flight[pid] != message_hash(unique[pid].text):  # read a batch ago
                    quarantined.append(reused_id(unique.pop(pid), "an earlier row"))
            existing = stored | (unique.keys() & in_flight.keys())
            again = self._same_messages([p for pid, p in unique.items() if pid in stored])
            for post in again.other:
                quarantined.append(reused_id(unique.pop(post.id), "a stored post"))
                existing.discard(post.id)
            self.summary.already_stored += len(existing)
            fresh = [p for pid, p in unique.items() if pid not in existing]
            hashes = self._count_duplicate_texts(fresh)
        finally:  # counted when committed (flush); nothing of a batch that failed here
            for name, was in before.items():
                counts[name] = getattr(self.summary, name) - was
                setattr(self.summary, name, was)
        future = self._pool.submit(self.head.run, Batch(fresh, more_waiting))
        self.flush()  # finish and write the previous batch while this one is being embedded
        self._pending = _Pending(
            future,
            {p.id: message_hash(p.text) for p in fresh},
            hashes,
            quarantined,
            checkpoint,
            again.same,
            counts,
        )

    def _same_messages(self, posts: list[Post]) -> _ReadAgain:
        """``posts`` read again (their ids stored), split into the stored messages (the same
        text, line ends and spacing aside: ``message_hash``) and other messages: a row reusing a
        stored id with another text, counted in ``other_messages``, quarantined and never
        revisited (its reply went to the stored message's case, merging two boards' unrelated
        messages)."""
        from heard.store.queries.posts import message_hashes_of, text_hashes_of

        if not posts:
            return _ReadAgain([], [])
        db: Any = self.store  # the query needs only ``rows``, which every store has
        stored = text_hashes_of(db, [p.id for p in posts])
        unlike = [p.id for p in posts if stored.get(p.id) != content_hash(p.text)]
        folded = message_hashes_of(db, unlike)  # read only when the exact hash differs
        same = [
            p
            for p in posts
            if stored.get(p.id) == content_hash(p.text) or folded.get(p.id) == message_hash(p.text)
        ]
        kept = {p.id for p in same}
        other = [p for p in posts if p.id not in kept]
        self.summary.other_messages += len(other)
        return _ReadAgain(same, other)

    def _count_duplicate_texts(self, posts: list[Post]) -> set[str]:
        hashes = [content_hash(p.text) for p in posts]
        known = self._pending.hashes if self._pending else set()
        if hashes:
            known = known | self.store.known_text_hashes(hashes)
        seen: set[str] = set()
        for h in hashes:
            if h in known or h in seen:
                self.summary.duplicate_texts += 1
            seen.add(h)
        return seen

    def flush(self) -> None:
        if self._pending is None:
            return
        pending, self._pending = self._pending, None
        batch = self.tail.run(pending.future.result())
        try:
            with self.store.transaction():  # posts, their flags and cases: all or nothing
                added = self.store.write_batch(
                    batch.posts,
                    batch.columns,
                    self.models,
                    pending.quarantined,
                    self.source,
                    pending.checkpoint,
                )
                for operator in self._operators:
                    if operator.persist_with_batch:
                        operator.persist(self.store, batch)
                    revisit = getattr(operator, "revisit", None)
                    if revisit is not None and pending.again:  # e.g. a reply published since
                        revisit(self.store, pending.again)
        except StoreUnavailableError:
            # the link broke at the commit: whether it went through is known only once the
            # database is back (``settle_unsure``); a run again reads on after what it stored
            self.summary.unsure.append(
                (pending.checkpoint, len(batch.posts), pending.counts, pending.quarantined)
            )
            raise
        test_hook("batch_committed")
        # counted once committed, before the persists after the commit: one that fails there
        # (the database gone away) must not leave a stored batch out of the figures
        count_batch(self.summary, added, pending.counts, pending.quarantined)
        for operator in self._operators:
            if not operator.persist_with_batch:
                operator.persist(self.store, batch)

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self._pool.shutdown(wait=True)


def count_batch(
    summary: IngestSummary, added: int, counts: dict[str, int], quarantined: list[Quarantined]
) -> None:
    """Add a committed batch to the run's figures."""
    summary.stored += added
    for name, count in counts.items():
        setattr(summary, name, getattr(summary, name) + count)
    for q in quarantined:
        summary.quarantined += 1
        summary.quarantine_reasons[q.reason] = summary.quarantine_reasons.get(q.reason, 0) + 1


def settle_unsure(store: Store, summary: IngestSummary) -> None:
    """Batches whose commit lost its link (a PostgreSQL restart at that instant): a batch whose
    checkpoint the store holds went through, and is counted now; one it does not hold is read
    again by the run again, and counted then. Before, a batch committed without its answer was
    counted nowhere (597 of 613 rows read)."""
    for checkpoint, added, counts, quarantined in summary.unsure:
        if checkpoint is not None and store.checkpoint(checkpoint[0]) >= checkpoint[2]:
            count_batch(summary, added, counts, quarantined)
    summary.unsure = []


def _map_one(mapper: Any, row: RawRow) -> Post | Quarantined:
    """The mapper's answer for one row; an exception it did not foresee quarantines the row
    (``mapping_failed``, with the exception) instead of stopping the ingest. The known causes are
    handled in the mapper itself; this is the net under them (the fuzz tests call the mapper
    directly, so they still see anything that falls into it)."""
    try:
        mapped: Post | Quarantined = mapper.map(row)
        return mapped
    except (
        ValueError,
        TypeError,
        ArithmeticError,
        LookupError,
        UnicodeError,
        RecursionError,
    ) as exc:
        return Quarantined(
            row.file, row.position, "mapping_failed", f"{type(exc).__name__}: {exc}"[:300]
        )


def _batches(
    rows: Iterable[RawRow | Quarantined],
    mapper: Any,
    size: int,
    consumed: Callable[[], str | None] | None = None,
) -> Iterator[tuple[list[Post], list[Quarantined], int, bool, str | None]]:
    """Group rows into (posts, quarantined, last position, full, read) batches of about ``size``
    rows; ``full``: the batch was cut at ``size`` (more rows may follow); ``read``: what the
    connector had read when the batch was cut (``consumed()``, e.g. ``ConsumedBytes.mark``)."""
    posts: list[Post] = []
    bad: list[Quarantined] = []
    last = 0
    for item in rows:
        if isinstance(item, Quarantined):
            bad.append(item)
            last = max(last, item.position)
        else:
            mapped = _map_one(mapper, item)
            if isinstance(mapped, Quarantined):
                bad.append(mapped)
            else:
                posts.append(mapped)
            last = max(last, item.position)
        if len(posts) + len(bad) >= size:
            yield posts, bad, last, True, consumed() if consumed else None
            posts, bad = [], []
    if posts or bad:
        yield posts, bad, last, False, consumed() if consumed else None


def ingest_rows(
    store: Store,
    rows: Iterable[RawRow | Quarantined],
    mapper: Any,
    pipeline: Pipeline,
    *,
    source: str,
    batch_size: int,
    file_key: str | None = None,
    file: str = "",
    summary: IngestSummary | None = None,
    progress: Progress | None = None,
    finish: bool = True,
    more_waiting: bool | None = None,
    consumed: Callable[[], str | None] | None = None,
    adopt_stored: bool = False,
) -> IngestSummary:
    """Ingest an iterable of raw rows (from a connector, stdin, or an API upload).

    With ``file_key`` each batch also records the file's checkpoint, so a later run can resume.
    ``finish`` runs the stages' end-of-run work (e.g. topic consolidation) and rebuilds the
    search index; callers that ingest several files pass ``finish=False`` and call
    ``finish_run`` once. ``more_waiting`` says whether more rows were ready behind these (see
    ``Batch.more_waiting``); by default, whether a batch was cut at ``batch_size``.
    ``consumed``: the connector's fingerprint of what it has read, kept with each checkpoint so
    that a later run can tell whether that part of the file changed (``heard.pipeline.resume``).
    ``adopt_stored``: a row stored before under another source keeps that post (a file that
    keeps an earlier source: ``heard.pipeline.resume.adopt_stored``).
    """
    summary = summary or IngestSummary(run_id=uuid.uuid4().hex[:12])
    started = time.perf_counter()
    writer = _Writer(store, pipeline, summary, source, adopt_stored)
    try:
        for posts, bad, last, full, read in _batches(rows, mapper, batch_size, consumed):
            checkpoint = (file_key, file, last, read) if file_key else None
            more = full if more_waiting is None else more_waiting
            writer.submit(posts, bad, checkpoint, more, rows=len(posts) + len(bad))
            if progress:
                progress(len(posts) + len(bad))
    finally:
        writer.close()
    summary.models = pipeline.models()
    summary.seconds += time.perf_counter() - started
    if finish:
        finish_run(store, pipeline, summary)
    return summary


def batch_ingester(
    store: Store,
    mapper: Any,
    pipeline: Pipeline,
    summary: IngestSummary,
    *,
    source: str,
    file_key: str | None,
    file: str,
) -> Callable[..., tuple[int, int]]:
    """For ``heard watch``: a function that stores one small batch of rows (parsed rows and rows
    already quarantined by the reader) at once, with the file's checkpoint, and returns
    ``(new posts, quarantined rows)`` for that batch; ``more_waiting``: the feed had more rows
    ready (``Batch.more_waiting``); ``read``: the file's fingerprint up to the batch's last row
    (``heard.connectors.follow.Line.mark``), kept with the checkpoint. The end-of-run work is
    left to the caller."""

    def ingest_batch(
        rows: list[RawRow | Quarantined], more_waiting: bool = False, read: str | None = None
    ) -> tuple[int, int]:
        if summary.unsure:  # a try of this batch lost its link at the commit
            settle_unsure(store, summary)
        stored, quarantined = summary.stored, summary.quarantined
        ingest_rows(
            store,
            rows,
            mapper,
            pipeline,
            source=source,
            batch_size=len(rows) + 1,
            file_key=file_key,
            file=file,
            summary=summary,
            finish=False,
            more_waiting=more_waiting,
            consumed=None if read is None else lambda: read,
        )
        return summary.stored - stored, summary.quarantined - quarantined

    return ingest_batch


def finish_run(
    store: Store, pipeline: Pipeline, summary: IngestSummary, final: bool = True
) -> None:
    """End-of-run work: stages' ``finish`` hooks and the full-text index, when this run stored
    posts or an earlier, killed run left the work owed (``heard.pipeline.pending``); the final
    index build clears what is owed, in its own transaction.
    ``final=False``: a periodic refresh during a run that goes on (``heard watch``)."""
    started = time.perf_counter()
    if summary.stored or FINISH in store.pending_work():
        test_hook("finish_start")
        for operator in operators(pipeline.stages):
            operator.finish(store, final=final)
        test_hook("operators_finished")
        store.rebuild_search_index(finished=final)
    summary.seconds += time.perf_counter() - started


def bind_operators(store: Store, pipeline: Pipeline) -> None:
    """Let the operators (topics) load their state from the store before the first batch; first
    (once per store) refuse a store whose vectors another embedder made (``embedder_check``)."""
    if pipeline.checked_store is not store:
        check_embedder(store, pipeline.models().get("embed"))
        pipeline.checked_store = store
    for operator in operators(pipeline.stages):
        operator.bind(store)


def ingest_paths(
    store: Store,
    paths: list[Path],
    pipeline: Pipeline,
    *,
    make_mapper: Callable[[str], Any],
    fmt: str | None = None,
    source: str | None = None,
    batch_size: int,
    progress: Progress | None = None,
    on_file: Callable[[Path], None] | None = None,
    release_models: bool = False,
    summary: IngestSummary | None = None,
    named: dict[str, str] | None = None,
) -> IngestSummary:
    """Ingest files one after another, resuming each after its last committed position, or
    from its first row when what was read before that position has changed since.
    ``summary``: an earlier attempt's, run again after the database went away
    (``heard.pipeline.reconnect``): its counts go on, and models it released stay released
    (every row was stored then: only the end-of-run work is left).

    ``make_mapper(source)`` builds the row → post mapper for a file's source name (the file stem
    unless ``source`` is given). Every file is opened and its columns checked against the mapping
    before any work, so a missing file, an unknown format or a missing column fails fast with
    nothing written. ``release_models``: the pipeline's models are dropped after the last batch,
    before the end-of-run work (``Pipeline.release_models``), for a run that ingests only once.
    ``named``: path → the name its rows are quarantined under (an upload's, not its temp path)."""
    from heard.connectors import open_connector
    from heard.connectors.mapping import default_source
    from heard.pipeline.resume import earlier_source, resume_point

    connectors = [open_connector(Path(p), fmt) for p in paths]
    again = summary is not None and bool(summary.files)  # a run again after a reconnect
    summary = summary or IngestSummary(run_id=uuid.uuid4().hex[:12])
    if again:
        settle_unsure(store, summary)
    mappers, keys, adopting = [], [], []
    # a column the mapping names but a file lacks fails before any work
    for connector in connectors:
        connector.file = (named or {}).get(str(connector.path), connector.file)
        key = connector.file_key()
        # a file seen before under another name (renamed, copied) keeps the source it had, so its
        # post ids, and its checkpoint, are the same: nothing is stored twice
        name = source or store.source_of_file(key)
        mapper = make_mapper(name or default_source(connector.path))
        mapper.check_columns(connector.columns)
        kept = name is not None and source is None
        if not name and not store.is_empty():  # a later export of a board keeps its source
            earlier = earlier_source(store, connector, mapper)
            if earlier is not None:
                summary.kept_source[str(connector.path)] = earlier
                mapper = make_mapper(earlier)
                kept = True
        mappers.append(mapper)
        keys.append(key)
        adopting.append(kept)  # rows stored under another part's source keep their posts
    started_at = utcnow()
    bind_operators(store, pipeline)
    test_hook("ingest_start")
    for connector, mapper, key, adopt in zip(connectors, mappers, keys, adopting):
        if pipeline.released and again:  # an earlier attempt stored every row
            break  # (a new ingest on released models is refused by the pipeline, as before)
        if on_file:
            on_file(connector.path)
        file_key = f"{mapper.source}|{key}"
        start_after = resume_point(store, file_key, connector)
        if start_after < 0:  # rows already read have changed since: read them all again
            summary.read_again[str(connector.path)] = -start_after
            start_after = 0
        elif start_after and not again:
            summary.resumed_after[str(connector.path)] = start_after
        if str(connector.path) not in summary.files:
            summary.files.append(str(connector.path))
        ingest_rows(
            store,
            connector.rows(start_after=start_after),
            mapper,
            pipeline,
            source=mapper.source,
            batch_size=batch_size,
            file_key=file_key,
            file=str(connector.path),
            summary=summary,
            progress=progress,
            finish=False,
            consumed=getattr(connector, "consumed", None),
            adopt_stored=adopt,
        )
    if release_models and not pipeline.released:
        pipeline.release_models()
        return_freed_memory()
    finish_run(store, pipeline, summary)
    store.record_run(summary.run_id, started_at, source or "", summary.files, summary.to_dict())
    return summary
