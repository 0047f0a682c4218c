"""A consolidation's merge step reads a topic's keys and only the vectors it compares: the same
merges and evidence as reading every member, without reading a large topic whole."""

from __future__ import annotations

import numpy as np
from test_topic_stability import blobs

from heard.listen.analysis.clustering import ClusterParams, StreamingClusterer
from heard.listen.analysis.merge_evidence import SAMPLE


class CountingSource:
    def __init__(self, members):
        self.members = members
        self.whole_reads = 0
        self.vector_reads: list[int] = []

    def __call__(self, tid):
        self.whole_reads += 1
        return self.members[tid]

    def keys(self, tid):
        return list(self.members[tid][0])

    def vectors(self, keys):
        rows = {k: v for ks, vs in self.members.values() for k, v in zip(ks, vs)}
        self.vector_reads.append(len(keys))
        return np.array([rows[k] for k in keys], dtype=np.float32)


def _two_topics(required: float, n: int):
    vecs, gold = blobs(n, 2, spread=0.5, seed=9)
    a, b = vecs[gold == 0], vecs[gold == 1]
    c = StreamingClusterer(
        64, ClusterParams(merge=-1.0, merge_mixing=required, consolidate_min_posts=0)
    )
    first = c._new_topic(a.astype(np.float64).sum(axis=0), len(a), {"from": "test"})
    second = c._new_topic(b.astype(np.float64).sum(axis=0), len(b), {"from": "test"})
    members = {
        first: (list(range(len(a))), a),
        second: (list(range(100_000, 100_000 + len(b))), b),
    }
    return c, members


def test_merges_read_samples_and_decide_as_whole_reads_do():
    for required in (0.0, 0.5):
        whole, members = _two_topics(required, 600)  # 600 posts a topic: more than SAMPLE
        by_whole = whole.consolidate(lambda t: members[t])
        sampled, _ = _two_topics(required, 600)
        source = CountingSource(members)
        by_sample = sampled.consolidate(source)
        assert by_sample.merged == by_whole.merged
        assert [e.detail for e in sampled.drain_events() if e.kind == "merged"] == [
            e.detail for e in whole.drain_events() if e.kind == "merged"
        ]
        assert source.whole_reads == 0  # no split candidate: nothing read whole
        assert source.vector_reads and max(source.vector_reads) == SAMPLE
