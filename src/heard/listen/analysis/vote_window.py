"""The neighbour vote's window: the posts since the last consolidation and the vote over them."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from heard.listen.analysis.neighbours import majority_vote, nearest_posts
from heard.listen.analysis.topic_records import Assignment, TopicEvent

if TYPE_CHECKING:
    from heard.listen.analysis.topic_records import ClusterParams


class VoteWindow:
    """Part of ``StreamingClusterer`` (``heard.listen.analysis.clustering``): the vote window.

    With ``params.vote_keeps_pool``, a pooled post the vote places is shown in that topic
    *provisionally*, as the end-of-run attach
    does (``TopicPool.flush_pool``): it stays in the pool, out of the topic's sum and size, so
    posts of its own subject that come later can still seed a topic with it. (Taking it out of the
    pool for good made the result depend on where consolidations fall: a vote in the middle of a
    stream gave a young subject's waiting posts to the nearest big topic before the subject had
    the posts to seed; GoogleNews in 10 files lost NMI 0.022 against one file, see BENCHMARKS.md.)
    Off by default: it costs ``heard watch`` vs ``heard ingest`` on the demo (ARI 0.90 → 0.87).
    """

    params: ClusterParams
    ids: list[int]
    sums: np.ndarray
    sizes: np.ndarray
    step: int
    events: list[TopicEvent]
    pool_keys: list[Hashable]
    provisional: dict[Hashable, int]
    _row: dict[int, int]
    _window_keys: list[Hashable]
    _window_vecs: np.ndarray
    _window_topic: dict[Hashable, int | None]
    _window_new_from: int

    @property
    def window_keys(self) -> list[Hashable]:
        """The posts since the last consolidation, in arrival order (the neighbour vote's
        window)."""
        return list(self._window_keys)

    def window_since(self, start: int) -> list[Hashable]:
        """The window's posts from position ``start`` on (those a caller has not saved yet)."""
        return self._window_keys[start:]

    @property
    def window_new(self) -> int:
        """How many of the window's posts (its last ones) came since the last consolidation."""
        return len(self._window_keys) - self._window_new_from

    def restore_window(
        self,
        keys: Sequence[Hashable],
        vecs: np.ndarray,
        topics: Sequence[int | None],
        new: int | None = None,
    ) -> None:
        """Load the vote window saved by an earlier run (raw embeddings, current topic ids); its
        last ``new`` posts came since the last consolidation (None: all of them)."""
        if not len(keys):
            return
        self._window_keys, self._window_topic = [], {}
        self._remember(list(keys), self.transform(vecs))
        self._window_new_from = 0 if new is None else max(len(keys) - int(new), 0)
        pooled = set(self.pool_keys)  # shown in a topic provisionally, not counted in it
        self._window_topic = {k: None if k in pooled else t for k, t in zip(keys, topics)}

    def _track(self, assignments: Sequence[Assignment]) -> None:
        """Keep the vote window's view of where its posts are."""
        for a in assignments:
            if a.key in self._window_topic:
                self._window_topic[a.key] = a.topic_id

    def _vote(self) -> tuple[list[Assignment], dict[int, int]]:
        """The neighbour vote over the posts since the last consolidation (then forgotten).
        Returns the moves, and the topics it emptied → the topic that took most of their posts."""
        keys, topics = self._window_keys, self._window_topic
        vecs = self._window_vecs[: len(keys)]
        start = self._window_new_from
        k = self.params.vote_k
        try:
            if k <= 0 or len(keys) <= k or not self.ids:
                return [], {}
            return self._vote_on(keys, topics, vecs, start)
        finally:
            self._roll_window()

    def _roll_window(self) -> None:
        """After a vote: keep the last ``vote_voters`` posts of the window as voters for the next
        one (their topics tracked), none of them new."""
        cut = max(len(self._window_keys) - self.params.vote_voters, 0)
        if cut:
            kept = self._window_keys[cut:]
            self._window_vecs = self._window_vecs[cut : len(self._window_keys)].copy()
            self._window_topic = {key: self._window_topic.get(key) for key in kept}
            self._window_keys = kept
        self._window_new_from = len(self._window_keys)

    def _vote_on(
        self, keys: list[Hashable], topics: dict[Hashable, int | None], vecs: np.ndarray, start: int
    ) -> tuple[list[Assignment], dict[int, int]]:
        """The vote proper: every post of the window votes; those from ``start`` on may move."""
        k = self.params.vote_k
        rows = np.array(
            [self._row.get(topics[key], -1) for key in keys]
        )  # -1: pooled or unassigned
        new = majority_vote(rows, nearest_posts(vecs, self.centroids(), k))
        changed = np.flatnonzero((new != rows) & (np.arange(len(keys)) >= start))
        if not len(changed):
            return [], {}
        pooled = set(self.pool_keys)
        moving = {keys[j] for j in changed if rows[j] < 0}
        left_pool = [i for i, key in enumerate(self.pool_keys) if key in moving]
        flows: dict[tuple[int, int], int] = {}
        for i in changed:
            src, dst = int(rows[i]), int(new[i])
            if keys[i] in pooled and self.params.vote_keeps_pool:
                # shown in the topic, not counted, kept in the pool (see the class docstring)
                self.provisional[keys[i]] = self.ids[dst]
                continue
            vec = vecs[i].astype(np.float64)
            if src >= 0:
                self.sums[src] -= vec
                self.sizes[src] -= 1
                flows[(src, dst)] = flows.get((src, dst), 0) + 1
            self.sums[dst] += vec
            self.sizes[dst] += 1
        if left_pool and not self.params.vote_keeps_pool:
            self._pool_keep(np.setdiff1d(np.arange(len(self.pool_keys)), left_pool))
        cents = self.centroids()
        out = [
            Assignment(keys[i], self.ids[new[i]], float(vecs[i] @ cents[new[i]])) for i in changed
        ]
        # the posts stay in the window as voters: the next vote sees their topics (a pooled post
        # votes as unassigned, as it does once the window is restored from the store)
        self._track([a for a in out if a.key not in pooled or not self.params.vote_keeps_pool])
        for (src, dst), n in sorted(flows.items()):
            self.events.append(
                TopicEvent("moved", self.ids[src], self.ids[dst], {"posts": n, "step": self.step})
            )
        emptied: dict[int, int] = {}
        for row in np.flatnonzero(self.sizes <= 0):
            took = max((n, -dst) for (src, dst), n in flows.items() if src == row)
            emptied[self.ids[row]] = self.ids[-took[1]]
            self.events.append(
                TopicEvent(
                    "merged",
                    self.ids[row],
                    self.ids[-took[1]],
                    {"step": self.step, "size": 0, "by": "neighbour vote"},
                )
            )
        if emptied:
            self._keep_topics(np.flatnonzero(self.sizes > 0))
        else:
            self._reindex()
        return out, emptied
