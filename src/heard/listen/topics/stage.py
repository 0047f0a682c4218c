"""The ``topics`` pipeline stage: streaming topic discovery with its state kept in the store.

The runner calls ``bind(store)`` once before the first batch (loads topics and pool, and first
assigns the posts a killed run stored without saving their topics),
``process(batch)`` per batch (assigns ``topic_id``: a topic, or None while the post waits in the
pool), ``persist(store, batch)`` right after the batch is written (assignments, centroids,
events; a periodic consolidation), and ``finish(store)`` at the end of a run (consolidation,
pool re-examined, keywords, labels and aggregates).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from datetime import datetime
from typing import Any, ClassVar

import numpy as np

from heard.clock import utcnow
from heard.listen.analysis.clustering import (
    Assignment,
    ClusterParams,
    ConsolidationResult,
    StreamingClusterer,
)
from heard.listen.analysis.entities import EntityExtractor
from heard.errors import PipelineConfigError
from heard.pipeline.batch import Batch
import heard.listen.topics.persist as persist
from heard.store.protocol import FINISH, TOPICS_CONSOLIDATED
from heard.listen.topics.represent import refresh_representation

MODEL_VERSION = "heard-stream-topics@1"


class TopicStage:
    """Assigns each post to a topic as it arrives (see ``heard.listen.analysis.clustering``)."""

    name: ClassVar[str] = "topics"
    requires: ClassVar[tuple[str, ...]] = ("embedding", "tokens")
    assigns: ClassVar[tuple[str, ...]] = ("topic_id",)
    persist_with_batch: ClassVar[bool] = False  # consolidation is heavy: its own transactions

    def __init__(
        self,
        params: ClusterParams | None = None,
        seed: int = 0,
        dim: int = 512,
        clock: Callable[[], datetime] = utcnow,
        entities: EntityExtractor | None = None,
    ):
        base = params or ClusterParams()
        self.params = ClusterParams(**{**base.__dict__, "seed_rng": seed})
        self.clusterer = StreamingClusterer(dim, self.params)
        self.clock = clock
        self.entities = entities or EntityExtractor()
        self._pending: list[Assignment] = []
        self._window_saved = 0  # how much of the clusterer's vote window is in the store
        self._touched: set[int] = set()
        self._bound = False
        self._refresh_all = False
        self._consolidated = False

    @property
    def model(self) -> str:
        return MODEL_VERSION

    # ---- runner hooks -----------------------------------------------------------------------
    def bind(self, store: Any, recover: bool = True) -> None:
        """Load the topics and pool saved by earlier runs; then (``recover``) assign the stored
        posts that have no topic row yet.

        Everything in memory comes from ``store``: the clusterer is made anew (its random seed
        included) before it is loaded, so binding the same stage again — to another store, or
        to the same PostgreSQL database after another process wrote topics — gives the state
        the store holds, never a mix with what this process held before. The topics touched
        since the last refresh are kept while the store is the same one."""
        self.clusterer = StreamingClusterer(self.clusterer.dim, self.params)
        if store is not getattr(self, "_store", None):
            self._touched = set()
        self._store = store
        self._pending = []
        persist.load_clusterer(store, self.clusterer)
        self._window_saved = len(self.clusterer.window_keys)
        self._bound = True
        # a killed run left its end-of-run work owed: which topics it touched died with it, so
        # every label is refreshed; its consolidation is not redone when it had committed
        owed = store.pending_work()
        self._refresh_all = FINISH in owed
        self._consolidated = TOPICS_CONSOLIDATED in owed
        if recover:
            self._recover(store)

    def _recover(self, store: Any, batch_size: int = 512) -> int:
        """A run stopped between committing a batch of posts and saving their topics (a crash, a
        kill) leaves those posts without a topic row, and the next run would never look at them.
        They go through the clusterer first, oldest first, as if they were arriving now."""
        ids, vecs, langs = store.topics.orphans(self.clusterer.dim)
        for start in range(0, len(ids), batch_size):
            end = start + batch_size
            self.add_vectors(ids[start:end], vecs[start:end], langs[start:end])
            self.persist(store)
        return len(ids)

    def process(self, batch: Batch) -> Batch:
        vecs = np.asarray(batch["embedding"], dtype=np.float32)
        if vecs.ndim != 2 or vecs.shape[1] != self.clusterer.dim:
            raise PipelineConfigError(
                f"stage 'topics' got embeddings of shape {vecs.shape}, expected (n, "
                f"{self.clusterer.dim})",
                "build TopicStage(dim=...) with the embedder's dimension, or rebuild topics after "
                "changing the embedder (heard topics --rebuild)",
            )
        keys: list[Hashable] = [p.id for p in batch.posts]
        langs = batch["lang"] if "lang" in batch else None
        assigned = self.add_vectors(keys, vecs, langs, settle=not batch.more_waiting)
        by_key = {a.key: a.topic_id for a in assigned}
        batch.set("topic_id", [by_key.get(k) for k in keys])
        return batch

    def add_vectors(
        self,
        keys: list[Hashable],
        vecs: np.ndarray,
        langs: list[str | None] | None = None,
        settle: bool = True,
    ) -> list[Assignment]:
        """Assign posts given by id, embedding and language (``process`` without a batch; used by
        rebuilds). ``settle``: no more posts are waiting, so the pool's seeding round runs now
        (``StreamingClusterer.add``)."""
        assignments = self.clusterer.add(keys, vecs, langs, settle=settle)
        self._pending.extend(assignments)
        return assignments

    def persist(self, store: Any, batch: Batch | None = None) -> None:
        """Save what the last batch changed; consolidate when one is due."""
        self._require_bound()
        now = self.clock()
        self._save(store, self._pending, now)
        self._pending = []
        if self.clusterer.due():
            self._consolidate(store, now)

    def finish(self, store: Any, final: bool = True) -> int:
        """End of a run: consolidate, re-examine the pool, refresh keywords/labels/aggregates.
        Returns the number of topics refreshed. ``final=False`` (the periodic refresh of a
        ``heard watch``) only refreshes the representation: consolidation keeps its own schedule
        (``consolidate_every`` posts) and the pool is left as it is. Consolidating and attaching
        the pool every few minutes merged a one-city stream's young topics into one catch-all
        (demo corpus: 477 of 613 posts when refreshed after every batch of 64)."""
        self._require_bound()
        now = self.clock()
        self._save(store, self._pending, now)
        self._pending = []
        if final and not self._consolidated:  # one transaction: a kill redoes all of it or none
            self._save(store, [], now)  # every window post is in the store before the vote rolls it
            result = self.clusterer.consolidate(
                persist.members_from_store(store, self.clusterer.dim)
            )
            self._save(store, [], now, result, after=self.clusterer.flush_pool(), final=True)
        self._consolidated = False
        touched, self._touched = sorted(self._touched), set()
        refresh_all, self._refresh_all = self._refresh_all, False
        return refresh_representation(store, None if refresh_all else touched, now, self.entities)

    # ---- internals --------------------------------------------------------------------------
    def _require_bound(self) -> None:
        if not self._bound:
            raise PipelineConfigError(
                "the topics stage was not bound to a store before use",
                "call stage.bind(store) once before the first batch",
            )

    def _save(
        self,
        store: Any,
        assignments: list[Assignment],
        now: datetime,
        result: ConsolidationResult | None = None,
        after: Sequence[Assignment] = (),
        final: bool = False,
    ) -> None:
        """Save assignments, then a consolidation's result, then ``after`` (the pool flushed at
        the end of a run), in one transaction; ``final`` also records in ``pending_work`` that
        this run's end-of-run consolidation is done, so a run killed later does not redo it."""
        changed = {a.topic_id for a in [*assignments, *after] if a.topic_id is not None}
        voted = result is not None and result.voted
        with store.transaction():
            persist.save_assignments(store, assignments, now)
            # a vote keeps the window's last posts as voters (the rest were saved before it)
            new_in_window = [] if voted else self.clusterer.window_since(self._window_saved)
            persist.save_window(store, new_in_window)
            if result is not None:
                persist.apply_consolidation(store, result, now)
                if voted:
                    persist.trim_window(store, len(self.clusterer.window_keys))
                changed |= set(result.merged.values()) | {
                    a.topic_id for a in result.moved if a.topic_id
                }
            persist.save_assignments(store, list(after), now)
            if final:
                store.mark_pending(TOPICS_CONSOLIDATED)
            events = self.clusterer.drain_events()
            changed |= {e.topic_id for e in events if e.kind != "merged"}
            changed |= {e.other_id for e in events if e.other_id is not None}
            active = set(self.clusterer.ids)
            changed &= active
            persist.save_topics(store, self.clusterer, changed, self.model, now)
            persist.save_events(store, events, now)
            persist.save_state(store, self.clusterer, self.params.describe())
        self._window_saved = (
            len(self.clusterer.window_keys) if voted else self._window_saved + len(new_in_window)
        )
        self._touched = (self._touched | changed) & active

    def _consolidate(self, store: Any, now: datetime) -> None:
        self._save(store, [], now)  # every window post is in the store before the vote rolls it
        result = self.clusterer.consolidate(persist.members_from_store(store, self.clusterer.dim))
        self._save(store, [], now, result)
