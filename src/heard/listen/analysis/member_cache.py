"""A consolidation reads topics' member vectors from the store; this keeps the recent ones.

A consolidation reads the same topic several times (a large topic that absorbs several small
ones is read for each pair), so reading each topic once saves store scans. Keeping *every* topic
read, though, held most of the store's vectors in memory at once: on a 200,000-post ingest each
consolidation (every 20,000 posts) lifted peak RSS from ~1.2 GB to 2.0–2.7 GB. The cache keeps
the most recently used topics up to a byte budget; a topic evicted and needed again is read
again (the store is not written during a consolidation, so it reads the same rows).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

import numpy as np

from heard.listen.analysis.topic_records import MemberSource

BUDGET_BYTES = 128 * 1024 * 1024
"""Member vectors kept at most (128 MB: 65,536 vectors of 512 float32)."""


class MemberCache:
    """``members(tid)`` through a least-recently-used cache of at most ``budget`` bytes. The
    topic just read is always returned, even when it alone is over the budget."""

    def __init__(self, source: MemberSource, budget: int = BUDGET_BYTES) -> None:
        self.source = source
        self.budget = budget
        self.reads = 0
        self._kept: OrderedDict[int, tuple[list[Hashable], np.ndarray]] = OrderedDict()
        self._bytes = 0

    def __call__(self, tid: int) -> tuple[list[Hashable], np.ndarray]:
        if tid in self._kept:
            self._kept.move_to_end(tid)
            return self._kept[tid]
        self.reads += 1
        keys, vecs = self.source(tid)
        size = int(np.asarray(vecs).nbytes)
        while self._kept and self._bytes + size > self.budget:
            _, (_, old) = self._kept.popitem(last=False)
            self._bytes -= int(np.asarray(old).nbytes)
        if size <= self.budget:
            self._kept[tid] = (keys, vecs)
            self._bytes += size
        return keys, vecs

    @property
    def kept_bytes(self) -> int:
        return self._bytes
