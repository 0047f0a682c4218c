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
MEMBER_BATCH = 8192
"""Rows per batch when a large topic's members are read whole (``TopicMembers.members``)."""


class TopicMembers:
    store: Any

    def members(self, topic_id: int, dim: int) -> Vectors:
        assigned = self._assigned(topic_id)
        n = len(assigned)
        if n <= MEMBERS_BY_ID:
            table = self._member_vectors(topic_id, assigned)
            return table.column("post_id").to_pylist(), vectors_of(table, "vec", dim)
        # A large topic (a split reads the largest of a stream whole): its vectors stream into
        # one array, each row at its place in post id order (``assigned`` is in that order), so
        # there is neither a sorted result on DuckDB's side nor a whole Arrow table on ours.
        row = {pid: i for i, pid in enumerate(assigned)}
        vecs = np.empty((n, dim), dtype=np.float32)
        found = np.zeros(n, dtype=bool)
        for part in self.store.arrow_batches(
            "SELECT pt.post_id, e.vec FROM post_topics pt JOIN embeddings e USING (post_id) "
            "WHERE pt.topic_id = ?",
            [topic_id],
            MEMBER_BATCH,
        ):
            at = np.fromiter((row[p] for p in part.column("post_id").to_pylist()), np.int64)
            vecs[at] = vectors_of(part, "vec", dim)
            found[at] = True
        if found.all():
            return assigned, vecs
        keep = np.flatnonzero(found)  # posts without a stored embedding are not members here
        return [assigned[i] for i in keep], vecs[keep]

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

    def _assigned(self, topic_id: int) -> list[str]:
        """The ids of a topic's posts (with or without an embedding), by post id."""
        return [
            r[0]
            for r in self.store.fetchall(
                "SELECT post_id FROM post_topics WHERE topic_id = ? ORDER BY post_id", [topic_id]
            )
        ]

    def _member_vectors(self, topic_id: int, assigned: list[str] | None = None) -> pa.Table:
        """A topic's members with embeddings (``post_id``, ``vec``), by post id.

        A topic of up to ``MEMBERS_BY_ID`` posts is read by its post ids: DuckDB's join with
        ``embeddings`` reads every stored vector to find a few hundred (a 60,000-post store,
        200-post topics: 0.6-1.7 s wall each on the shared machine), the ids' filter reads the
        id column and only the vectors it keeps (0.15-0.48 s, the same rows). A larger topic
        is read by the join (its members are spread over most of the table anyway).
        ``assigned``: the topic's post ids, when the caller has read them already."""
        ids = self._assigned(topic_id) if assigned is None else assigned
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

    def term_contexts(
        self, pairs: Sequence[tuple[int, str]], per_pair: int, before: int, after: int
    ) -> dict[tuple[int, str], list[str]]:
        """For each ``(topic, term)``, the characters around the term's first use in the title
        and text of up to ``per_pair`` of the topic's posts that use it, newest first: ``before``
        characters, the term, ``after`` characters (whether a keyword is a piece of a name the
        segmenter cut, ``heard.listen.analysis.name_pieces``)."""
        if not pairs:
            return {}
        probe = pa.table(
            {
                "topic_id": pa.array([int(t) for t, _ in pairs], pa.int32()),
                "term": pa.array([str(w) for _, w in pairs], pa.string()),
            }
        )
        doc = "coalesce(p.title, '') || '\n' || coalesce(p.text, '')"
        with self.store.registered("_term_probe", probe):
            rows = self.store.fetchall(
                f"""SELECT topic_id, term, context FROM (
                        SELECT q.topic_id, q.term,
                               substr({doc}, greatest(strpos({doc}, q.term) - ?, 1),
                                      length(q.term) + ? + ?) AS context,
                               row_number() OVER (PARTITION BY q.topic_id, q.term
                                                  ORDER BY p.created_at DESC, p.id) AS k
                        FROM _term_probe q
                        JOIN post_topics pt ON pt.topic_id = q.topic_id
                        JOIN posts p ON p.id = pt.post_id
                        WHERE strpos({doc}, q.term) > 0) c
                    WHERE k <= ? ORDER BY topic_id, term, k""",
                [int(before), int(before), int(after), int(per_pair)],
            )
        out: dict[tuple[int, str], list[str]] = {}
        for topic_id, term, context in rows:
            out.setdefault((int(topic_id), str(term)), []).append(str(context))
        return out
