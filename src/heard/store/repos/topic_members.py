"""Reading a topic's members and embeddings by post id: every member with its vector, or the
ids alone and then the vectors of chosen ids (a consolidation's merge step compares samples of
two topics, so it reads only the ~200 vectors of each that it compares, not every vector of a
large topic).

Both reads list members in post id order and leave out posts without a stored embedding, so
``member_ids(t)`` is exactly the id column of ``members(t)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from heard.store.repos.vectors import Vectors, vectors_of

MEMBERS_BY_ID = 1000
"""Topics up to this size are read by their members' ids (``TopicMembers._member_vectors``)."""


class TopicMembers:
    store: Any

    def members(self, topic_id: int, dim: int) -> Vectors:
        table = self._member_vectors(topic_id)
        return table.column("post_id").to_pylist(), vectors_of(table, "vec", dim)

    def member_ids(self, topic_id: int) -> list[str]:
        """The ids of a topic's members with an embedding, by post id (``members`` without the
        vectors)."""
        return [
            r[0]
            for r in self.store.fetchall(
                "SELECT post_id FROM post_topics WHERE topic_id = ? "
                "AND post_id IN (SELECT post_id FROM embeddings) ORDER BY post_id",
                [topic_id],
            )
        ]

    def embeddings_of(self, post_ids: Sequence[str], dim: int) -> Vectors:
        """The embeddings of ``post_ids`` in that order (ids without one are left out; a repeated
        id comes back each time). Up to ``MEMBERS_BY_ID`` ids are bound as an ``IN`` list, which
        reads only the vectors it keeps; more go in as a registered table joined with
        ``embeddings``."""
        if not post_ids:
            return [], np.zeros((0, dim), dtype=np.float32)
        wanted = list(dict.fromkeys(post_ids))
        if len(wanted) <= MEMBERS_BY_ID:
            table = self.store.arrow(
                "SELECT post_id, vec FROM embeddings "
                f"WHERE post_id IN ({', '.join('?' * len(wanted))})",
                wanted,
            )
        else:
            probe = pa.table({"post_id": pa.array(wanted, pa.string())})
            with self.store.registered("_vec_probe", probe):
                table = self.store.arrow(
                    "SELECT q.post_id, e.vec FROM _vec_probe q JOIN embeddings e USING (post_id)"
                )
        row = {pid: i for i, pid in enumerate(table.column("post_id").to_pylist())}
        found = [pid for pid in post_ids if pid in row]
        order = np.fromiter((row[pid] for pid in found), np.int64, len(found))
        return found, vectors_of(table, "vec", dim)[order]

    def _member_vectors(self, topic_id: int) -> pa.Table:
        """A topic's members with embeddings (``post_id``, ``vec``), by post id.

        A topic of up to ``MEMBERS_BY_ID`` posts is read by its post ids: DuckDB's join with
        ``embeddings`` reads every stored vector to find a few hundred (a 60,000-post store,
        200-post topics: 0.6-1.7 s wall each on the shared machine), the ids' filter reads the
        id column and only the vectors it keeps (0.15-0.48 s, the same rows). A larger topic
        is read by the join (its members are spread over most of the table anyway)."""
        ids = [
            r[0]
            for r in self.store.fetchall(
                "SELECT post_id FROM post_topics WHERE topic_id = ?", [topic_id]
            )
        ]
        if 0 < len(ids) <= MEMBERS_BY_ID:
            return self.store.arrow(
                "SELECT post_id, vec FROM embeddings "
                f"WHERE post_id IN ({', '.join('?' * len(ids))}) ORDER BY post_id",
                ids,
            )
        return self.store.arrow(
            "SELECT pt.post_id, e.vec FROM post_topics pt JOIN embeddings e USING (post_id) "
            "WHERE pt.topic_id = ? ORDER BY pt.post_id",
            [topic_id],
        )
