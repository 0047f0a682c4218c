"""The one place a run is assembled: store opened for writing, pipeline built and checked,
operators bound, rows mapped. ``heard ingest``, ``heard watch``, ``heard demo`` and the
dashboard's upload all go through it, so a setting (batch size, time zone, salt, embedder) means
the same thing on every path.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from heard.connectors.mapping import FieldMap, Mapper, fieldmap_for, parse_map
from heard.pipeline.builder import Pipeline, build_pipeline
from heard.pipeline.memory import fix_mmap_threshold
from heard.pipeline.runner import (
    IngestSummary,
    Progress,
    batch_ingester,
    bind_operators,
    ingest_paths,
    ingest_rows,
)
from heard.pipeline.pending import finish_pending
from heard.pipeline.reconnect import patiently
from heard.records import Quarantined, RawRow
from heard.protect.salt import author_salts
from heard.read.reindex import ensure_store_private
from heard.settings import Settings
from heard.store import INGEST_MEMORY_LIMIT, Store, is_postgres, open_store


def default_pipeline(settings: Settings) -> Pipeline:
    """The standard stages and operators, configured from ``settings`` and checked as a whole."""
    from heard.stages import default_stages

    return build_pipeline(default_stages(settings))


WRITER_WAIT_S = 120.0
"""How long a run waits for another process's topic writes on a shared store (PostgreSQL)."""


@dataclass
class Run:
    """An assembled run over one store. Build it with ``open_run`` (or ``Run`` directly when the
    caller already owns the store, as the server does)."""

    settings: Settings
    store: Store
    pipeline: Pipeline
    fieldmap: FieldMap = field(default_factory=lambda: fieldmap_for(None))
    _salts: tuple[str, ...] | None = field(default=None, init=False, repr=False)

    def exclusive(self) -> AbstractContextManager[None]:
        """Where several processes share the store (PostgreSQL): hold the topics writer lock for
        the block and re-read the operators' state inside it (another process may have written
        topics since). Nothing to do on DuckDB, whose file has one writer."""
        if not getattr(self.store, "shared", False):
            return nullcontext()
        return self._exclusive()

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        with self.store.writer_lock("topics", wait_s=WRITER_WAIT_S):
            bind_operators(self.store, self.pipeline)
            yield

    def mapper(self, source: str) -> Mapper:
        s = self.settings
        if self._salts is None:  # the operator's salt, or the store's own (created on first use)
            self._salts = author_salts(self.store, s.author_salt)
        return Mapper(self.fieldmap, source=source, tz=s.timezone, salt=self._salts)

    def ingest_files(
        self,
        paths: list[Path],
        *,
        fmt: str | None = None,
        source: str | None = None,
        progress: Progress | None = None,
        on_file: Callable[[Path], None] | None = None,
        last: bool = False,
        on_wait: Callable[[str], None] | None = None,
        named: dict[str, str] | None = None,
    ) -> IngestSummary:
        """Ingest files one after another, each resuming after its last committed position.
        ``last``: this run ingests nothing after (``heard ingest``): its models are released
        before the end-of-run work, which then has their memory (a 200k-post run peaks there).
        ``on_wait``: when the database goes away (a PostgreSQL restart), wait for it and go on
        from the last stored batch, telling ``on_wait`` (``heard.pipeline.reconnect``); without
        it the error stops the run (the server's upload answers 503). ``named``: path → the
        name its quarantined rows are stored under (``ingest_paths``)."""
        summary = IngestSummary(run_id=uuid.uuid4().hex[:12])

        def attempt() -> IngestSummary:
            with self.exclusive():  # taken again after a reconnect: the lock went with the link
                return self._ingest_files(
                    paths, fmt, source, progress, on_file, last, summary, named
                )

        return attempt() if on_wait is None else patiently(attempt, on_wait=on_wait)

    def _ingest_files(
        self,
        paths: list[Path],
        fmt: str | None,
        source: str | None,
        progress: Progress | None,
        on_file: Callable[[Path], None] | None,
        last: bool = False,
        summary: IngestSummary | None = None,
        named: dict[str, str] | None = None,
    ) -> IngestSummary:
        return ingest_paths(
            self.store,
            paths,
            self.pipeline,
            make_mapper=self.mapper,
            fmt=fmt,
            source=source,
            batch_size=self.settings.batch_size,
            progress=progress,
            on_file=on_file,
            release_models=last,
            summary=summary,
            named=named,
        )

    def ingest_records(self, rows: Iterable[RawRow | Quarantined], *, source: str) -> IngestSummary:
        """Ingest rows that come from no file (an API upload of JSON objects)."""
        with self.exclusive():
            bind_operators(self.store, self.pipeline)
            return ingest_rows(
                self.store,
                rows,
                self.mapper(source),
                self.pipeline,
                source=source,
                batch_size=self.settings.batch_size,
            )

    def small_batches(
        self, summary: IngestSummary, *, source: str, file_key: str | None, file: str
    ) -> Callable[..., tuple[int, int]]:
        """For ``heard watch``: a function that stores one small batch at a time."""
        bind_operators(self.store, self.pipeline)
        ingest = batch_ingester(
            self.store,
            self.mapper(source),
            self.pipeline,
            summary,
            source=source,
            file_key=file_key,
            file=file,
        )
        if not getattr(self.store, "shared", False):
            return ingest

        def each_batch_exclusive(*args: Any, **kwargs: Any) -> tuple[int, int]:
            with self.exclusive():  # the lock is held per batch: serve's uploads go between
                return ingest(*args, **kwargs)

        return each_batch_exclusive


def preset_settings(settings: Settings, preset: str | None) -> Settings:
    """What a field preset switches on besides its fields: ``teddycup-replies`` opens a case per
    message (``answer_cases``) over the Teddy Cup departments unless heard.toml names others."""
    if preset != "teddycup-replies":
        return settings
    update: dict[str, Any] = {"answer_cases": True}
    if not settings.departments and settings.department_preset is None:
        update["department_preset"] = "teddycup"
    return settings.model_copy(update=update)


@contextmanager
def open_run(
    settings: Settings,
    *,
    preset: str | None = None,
    mapping: list[str] | None = None,
    loading: Callable[[], AbstractContextManager[Any]] | None = None,
) -> Iterator[Run]:
    """Open ``settings.db`` for writing and assemble a run over it; the store closes after.

    ``preset``/``mapping`` are the field mapping (``--preset``, ``--map``); ``loading`` wraps the
    model loading (a spinner in the CLI).

    A run that fails (a missing column, an unknown format, a missing file) on a database it
    created leaves no database behind when nothing was stored in it: an empty file would look
    like an ingest that worked and found nothing.
    """
    fieldmap = fieldmap_for(preset, parse_map(mapping or []))
    settings = preset_settings(settings, preset)
    fix_mmap_threshold()  # a long run's large temporaries go back to the system when freed
    db = settings.db  # as written: a Path would fold a postgresql:/// URL
    created = not is_postgres(db) and not Path(db).exists()  # a server database is never removed
    try:
        with open_store(db, memory_limit=INGEST_MEMORY_LIMIT) as store:
            ensure_store_private(store, settings.user_dict)  # indexed before PII was kept out
            finish_pending(store, settings)  # what a killed run owes, before anything else
            with loading() if loading else nullcontext():
                pipeline = default_pipeline(settings)
            yield Run(settings, store, pipeline, fieldmap)
    except BaseException:
        if created:
            remove_if_empty(Path(db))
        raise


def remove_if_empty(db: Path) -> bool:
    """Delete the database at ``db`` (and its write-ahead log) when it holds no post and no
    quarantined row; True when it did."""
    try:
        with open_store(db, read_only=True) as store:
            if not store.is_empty():
                return False
    except Exception:  # noqa: BLE001 - a file that cannot even be opened is not ours to delete
        return False
    for path in (db, db.with_name(db.name + ".wal")):
        path.unlink(missing_ok=True)
    return True
