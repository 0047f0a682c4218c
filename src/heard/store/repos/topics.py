"""The topics repository: the topic operator's state, assignments and history, the
inputs of a topic's representation, and the streams a rebuild reads.

Tables (migration 2): ``topics`` (one row per topic id ever made; ``status`` active/merged),
``post_topics`` (post → topic, NULL while it waits in the pool), ``topic_events`` (created,
merged, split, moved) and ``topic_state`` (next id, step, pool, centring mean, per-language vector
sums); migration 6: ``topic_window`` (the posts since the last consolidation, for the neighbour
vote); migration 12: ``topic_merge_members`` (an absorbed topic's posts at its merge, for
undoing it). Vectors come back as float32 arrays; probes go in as registered Arrow tables (DuckDB's
Python client is slow at binding long lists; on PostgreSQL they are temporary tables). Similarity
to a centroid is computed in numpy, not in SQL, so both backends run the same queries.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import pyarrow as pa

from heard.store.protocol import TOPICS_CONSOLIDATED
from heard.store.repos.provisional import COUNTED, pooled_table
from heard.store.repos.topic_labels import TopicLabels
from heard.store.repos.topic_members import TopicMembers
from heard.store.repos.vectors import vectors_of


TOPIC_TABLES = (
    "topics",
    "post_topics",
    "topic_events",
    "topic_state",
    "topic_window",
    "topic_merge_members",
)

_TERMS = """SELECT pt.topic_id, unnest(string_to_array(p.search_text, ' ')) AS term
            FROM post_topics pt JOIN posts p ON p.id = pt.post_id
            WHERE pt.topic_id IS NOT NULL AND p.search_text IS NOT NULL"""
"""Every (topic, term) occurrence of the assigned posts (keyword counts filter it)."""


class Topics(TopicMembers, TopicLabels):
    def __init__(self, store: Any):
        self.store = store

    def available(self) -> bool:
        """Whether the topic tables exist (a store made by an older Heard has none)."""
        return bool(
            self.store.scalar(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'topics'"
            )
        )

    # ---- operator state ----------------------------------------------------------------------
    def read_state(self) -> dict[str, str]:
        return {r["key"]: r["value"] for r in self.store.rows("SELECT key, value FROM topic_state")}

    def write_state(self, state: dict[str, str]) -> None:
        self.store.executemany(
            "INSERT INTO topic_state VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET "
            "value = excluded.value",
            list(state.items()),
        )

    def active_topics(self, dim: int) -> tuple[list[int], np.ndarray, list[float], list[int]]:
        """Active topics: ids, centroids, coherences and sizes, by id."""
        table = self.store.arrow(
            "SELECT topic_id, centroid, coherence, size FROM topics WHERE status = 'active' "
            "ORDER BY topic_id"
        )
        return (
            table.column("topic_id").to_pylist(),
            vectors_of(table, "centroid", dim),
            table.column("coherence").to_pylist(),
            table.column("size").to_pylist(),
        )

    def active_ids(self) -> list[int]:
        return [
            r["topic_id"]
            for r in self.store.rows("SELECT topic_id FROM topics WHERE status = 'active'")
        ]

    def topics_of(self, post_ids: Sequence[str]) -> dict[str, int]:
        """The topic each of ``post_ids`` is in (those in none are left out)."""
        probe = pa.table({"post_id": pa.array(list(post_ids), pa.string())})
        with self.store.registered("_topic_probe", probe):
            return dict(
                self.store.fetchall(
                    "SELECT pt.post_id, pt.topic_id FROM _topic_probe q JOIN post_topics pt USING "
                    "(post_id) WHERE pt.topic_id IS NOT NULL"
                )
            )

    def window(self, dim: int) -> tuple[list[str], np.ndarray, list[int | None]]:
        """The vote window: post ids, their embeddings and current topics, oldest first."""
        table = self.store.arrow(
            "SELECT w.post_id, e.vec, pt.topic_id FROM topic_window w JOIN embeddings e USING "
            "(post_id) "
            "LEFT JOIN post_topics pt USING (post_id) ORDER BY w.seq"
        )
        return (
            table.column("post_id").to_pylist(),
            vectors_of(table, "vec", dim),
            table.column("topic_id").to_pylist(),
        )

    def append_window(self, post_ids: Sequence[str]) -> None:
        if not post_ids:
            return
        start = int(self.store.scalar("SELECT coalesce(max(seq), 0) FROM topic_window")) + 1
        table = pa.table(
            {
                "seq": pa.array(range(start, start + len(post_ids)), pa.int64()),
                "post_id": pa.array([str(k) for k in post_ids], pa.string()),
            }
        )
        with self.store.registered("_window", table):
            self.store.execute(
                "INSERT INTO topic_window (seq, post_id) SELECT seq, post_id FROM _window"
            )

    def clear_window(self) -> None:
        self.store.execute("DELETE FROM topic_window")

    def trim_window(self, keep: int) -> None:
        """Keep only the last ``keep`` posts of the window."""
        self.store.execute(
            "DELETE FROM topic_window WHERE seq <= "
            "(SELECT coalesce(max(seq), 0) FROM topic_window) - ?",
            [int(keep)],
        )

    def save_assignments(
        self, rows: Sequence[tuple[str, int | None, float | None]], now: datetime
    ) -> None:
        """Upsert (post id, topic id or None for the pool, similarity) rows."""
        if not rows:
            return
        table = pa.table(
            {
                "post_id": pa.array([r[0] for r in rows], pa.string()),
                "topic_id": pa.array([r[1] for r in rows], pa.int32()),
                "similarity": pa.array([r[2] for r in rows], pa.float32()),
                "assigned_at": pa.array([now] * len(rows), pa.timestamp("us")),
            }
        )
        with self.store.registered("_assign", table):
            self.store.execute(
                "INSERT INTO post_topics (post_id, topic_id, similarity, assigned_at) "
                "SELECT post_id, topic_id, similarity, assigned_at FROM _assign "
                "ON CONFLICT (post_id) DO UPDATE SET "
                "topic_id = excluded.topic_id, similarity = excluded.similarity, "
                "assigned_at = excluded.assigned_at"
            )

    def upsert_topics(
        self,
        ids: Sequence[int],
        centroids: np.ndarray,
        coherences: Sequence[float],
        sizes: Sequence[int],
        model: str,
        now: datetime,
    ) -> None:
        if not ids:
            return
        dim = centroids.shape[1]
        table = pa.table(
            {
                "topic_id": pa.array(list(ids), pa.int32()),
                "centroid": pa.FixedSizeListArray.from_arrays(
                    pa.array(centroids.astype(np.float32).ravel()), dim
                ).cast(pa.list_(pa.float32())),
                "coherence": pa.array(list(coherences), pa.float32()),
                "size": pa.array(list(sizes), pa.int32()),
            }
        )
        with self.store.registered("_topics", table):
            self.store.execute(
                "INSERT INTO topics (topic_id, centroid, coherence, size, status, model, "
                "created_at, "
                "updated_at) SELECT topic_id, centroid, coherence, size, 'active', ?, ?, ? FROM "
                "_topics "
                "ON CONFLICT (topic_id) DO UPDATE SET centroid = excluded.centroid, "
                "coherence = excluded.coherence, size = excluded.size, status = 'active', "
                "model = excluded.model, updated_at = excluded.updated_at",
                [model, now, now],
            )

    def merge(self, absorbed: int, survivor: int, now: datetime) -> None:
        """Move the posts of ``absorbed`` to ``survivor`` and mark it merged (its row is kept)."""
        self.store.execute(
            "UPDATE post_topics SET topic_id = ? WHERE topic_id = ?", [survivor, absorbed]
        )
        self.store.execute(
            "UPDATE topics SET status = 'merged', merged_into = ?, updated_at = ? WHERE topic_id = "
            "?",
            [survivor, now, absorbed],
        )

    def append_events(
        self, events: Sequence[tuple[str, int, int | None, dict[str, Any]]], now: datetime
    ) -> list[int]:
        """(kind, topic id, other topic id, detail) rows of the topic history; returns their ids."""
        if not events:
            return []
        start = int(self.store.scalar("SELECT coalesce(max(event_id), 0) FROM topic_events")) + 1
        n = len(events)
        # one registered table, not executemany: DuckDB binds each of executemany's cells on its
        # own (~0.2 ms a row), and a batch can bring hundreds of events
        table = pa.table(
            {
                "event_id": pa.array(range(start, start + n), pa.int64()),
                "event_at": pa.array([now] * n, pa.timestamp("us")),
                "kind": pa.array([e[0] for e in events], pa.string()),
                "topic_id": pa.array([int(e[1]) for e in events], pa.int32()),
                "other_id": pa.array(
                    [None if e[2] is None else int(e[2]) for e in events], pa.int32()
                ),
                "detail": pa.array(
                    [json.dumps(e[3], ensure_ascii=False) for e in events], pa.string()
                ),
            }
        )
        with self.store.registered("_events", table):
            self.store.execute(
                "INSERT INTO topic_events (event_id, event_at, kind, topic_id, other_id, detail) "
                "SELECT event_id, event_at, kind, topic_id, other_id, detail FROM _events"
            )
        return list(range(start, start + n))

    def save_merge_members(self, event_id: int, post_ids: Sequence[str]) -> None:
        """The posts the topic absorbed by merge event ``event_id`` held at the merge."""
        if not post_ids:
            return
        table = pa.table(
            {
                "event_id": pa.array([event_id] * len(post_ids), pa.int64()),
                "post_id": pa.array([str(p) for p in post_ids], pa.string()),
            }
        )
        with self.store.registered("_merge_members", table):
            self.store.execute(
                "INSERT INTO topic_merge_members (event_id, post_id) "
                "SELECT event_id, post_id FROM _merge_members ON CONFLICT DO NOTHING"
            )

    def event(self, event_id: int) -> dict[str, Any] | None:
        rows = self.store.rows(
            "SELECT event_id, kind, topic_id, other_id, detail FROM topic_events "
            "WHERE event_id = ?",
            [event_id],
        )
        if not rows:
            return None
        row: dict[str, Any] = rows[0]
        row["detail"] = json.loads(row["detail"]) if row["detail"] else {}
        return row

    def topic_status(self, topic_id: int) -> tuple[str, int | None] | None:
        """(status, merged_into) of a topic id, None when there never was one."""
        rows = self.store.fetchall(
            "SELECT status, merged_into FROM topics WHERE topic_id = ?", [topic_id]
        )
        return (rows[0][0], rows[0][1]) if rows else None

    def undo_merge(self, event_id: int, absorbed: int, holder: int, now: datetime) -> int:
        """Move the posts ``absorbed`` held at merge ``event_id`` that are still in ``holder`` (the
        topic they are in now) back to ``absorbed``, and make it active again. Returns how many."""
        moved = int(
            self.store.scalar(
                "SELECT count(*) FROM post_topics pt JOIN topic_merge_members m USING (post_id) "
                "WHERE m.event_id = ? AND pt.topic_id = ?",
                [event_id, holder],
            )
        )
        self.store.execute(
            "UPDATE post_topics SET topic_id = ?, assigned_at = ? WHERE topic_id = ? AND post_id "
            "IN "
            "(SELECT post_id FROM topic_merge_members WHERE event_id = ?)",
            [absorbed, now, holder, event_id],
        )
        self.store.execute(
            "UPDATE topics SET status = 'active', merged_into = NULL, updated_at = ? WHERE "
            "topic_id = ?",
            [now, absorbed],
        )
        return moved

    # ---- recovery and rebuilds --------------------------------------------------------------
    def orphans(self, dim: int) -> tuple[list[str], np.ndarray, list[str | None]]:
        """Stored posts with an embedding but no topic row (a run killed between its two
        commits), oldest first: ids, vectors and languages."""
        ids = self.store.fetchall(  # ids only: 0.09 s on a million posts; with vectors, seconds
            "SELECT post_id FROM embeddings e "
            "WHERE NOT EXISTS (SELECT 1 FROM post_topics pt WHERE pt.post_id = e.post_id)"
        )
        if not ids:
            return [], np.zeros((0, dim), dtype=np.float32), []
        with self.store.registered("_orphans", pa.table({"post_id": [r[0] for r in ids]})):
            table = self.store.arrow(
                "SELECT e.post_id, e.vec, p.lang FROM _orphans o JOIN embeddings e USING (post_id) "
                "JOIN posts p ON p.id = e.post_id WHERE array_length(e.vec, 1) = ? "
                "ORDER BY p.created_at, p.id",
                [dim],
            )
        return (
            table.column("post_id").to_pylist(),
            vectors_of(table, "vec", dim),
            table.column("lang").to_pylist(),
        )

    def unassigned_count(self) -> int:
        """Posts waiting in no topic (the pool, and posts left without one)."""
        return int(self.store.scalar("SELECT count(*) FROM post_topics WHERE topic_id IS NULL"))

    def embedding_count(self) -> int:
        return int(self.store.scalar("SELECT count(*) FROM embeddings"))

    def embedding_dim(self) -> int | None:
        result: int | None = self.store.scalar(
            "SELECT array_length(vec, 1) FROM embeddings LIMIT 1"
        )
        return result

    def clear(self) -> None:
        """Drop every topic, assignment, event and the operator state (a rebuild starts over),
        with the mark that a run's end-of-run consolidation had committed."""
        with self.store.transaction():
            for table in TOPIC_TABLES:
                self.store.execute(f"DELETE FROM {table}")
            self.forget_consolidation()

    def forget_consolidation(self) -> None:
        """Drop the ``TOPICS_CONSOLIDATED`` mark. A stage bound while it is set skips its
        end-of-run consolidation (a killed run's had committed): left behind by a rebuild, whose
        work commits whole, it made the next rebuild or ingest skip theirs (附件3, a second
        ``--rebuild --center``: 142 topics and 1,998 posts in none, instead of 115 and 261)."""
        self.store.execute("DELETE FROM pending_work WHERE kind = ?", [TOPICS_CONSOLIDATED])

    def first_embeddings(self, n: int, dim: int) -> np.ndarray:
        table = self.store.arrow(
            "SELECT e.vec FROM embeddings e JOIN posts p ON p.id = e.post_id "
            "ORDER BY p.created_at, p.id LIMIT ?",
            [int(n)],
        )
        return vectors_of(table, "vec", dim)

    def stream_embeddings(
        self, batch_size: int, dim: int
    ) -> Iterator[tuple[list[str], np.ndarray, list[str | None]]]:
        """Every stored post's id, vector and language, oldest first, ``batch_size`` at a time.
        Reads on a second cursor, so the caller may write between batches."""
        for table in self.store.stream_arrow(
            "SELECT e.post_id, e.vec, p.lang FROM embeddings e JOIN posts p ON p.id = e.post_id "
            "ORDER BY p.created_at, p.id",
            batch_size,
        ):
            yield (
                table.column("post_id").to_pylist(),
                vectors_of(table, "vec", dim),
                table.column("lang").to_pylist(),
            )

    # ---- representation ---------------------------------------------------------------------
    def representation_inputs(
        self,
        topic_ids: Sequence[int],
        *,
        stopwords: Sequence[str],
        n_central: int,
        series_units: Sequence[tuple[str, int | None]],
        mean: list[float] | None,
    ) -> dict[str, Any]:
        """What a topic's representation is computed from, for ``topic_ids``: ``aggregates``
        (size, authors, first/last seen, sentiment mean and trend, places), ``series``,
        ``languages``, keyword ``counts`` (see ``term_totals`` for the rest), and ``central``
        posts."""
        touched = pa.table({"topic_id": pa.array(list(topic_ids), pa.int32())})
        pooled = pooled_table(self.store)  # provisional members are shown, not counted
        with self.store.registered("_touched", touched), self.store.registered("_pooled", pooled):
            return {
                "aggregates": self._aggregates(),
                "series": self._series(series_units),
                "languages": self._languages(),
                "intents": self._intents(),
                "counts": self._term_counts(stopwords),
                "central": self._central_posts(n_central, mean),
            }

    def term_totals(self, stopwords: Sequence[str]) -> tuple[dict[str, int], int]:
        """Each term's count over every assigned post, and the number of active topics: what
        a topic's keyword weights are measured against."""
        stop = pa.table({"term": pa.array(sorted(stopwords), pa.string())})
        with self.store.registered("_stopwords", stop):
            totals = self.store.fetchall(
                f"""WITH w AS ({_TERMS}) SELECT term, count(*) AS n FROM w
                    WHERE length(term) >= 2 AND term NOT IN (SELECT term FROM _stopwords)
                    GROUP BY term"""
            )
        n_topics = self.store.scalar("SELECT count(*) FROM topics WHERE status = 'active'")
        return dict(totals), int(n_topics or 1)

    def write_representation(self, rows: Sequence[dict[str, Any]], now: datetime) -> None:
        table = pa.table(
            {
                "topic_id": pa.array([r["topic_id"] for r in rows], pa.int32()),
                **{
                    k: [r[k] for r in rows]
                    for k in (
                        "label",
                        "keywords",
                        "representative",
                        "places",
                        "orgs",
                        "series",
                        "languages",
                        "intents",
                    )
                },
                "size": pa.array([r["size"] for r in rows], pa.int32()),
                "n_authors": pa.array([r["n_authors"] for r in rows], pa.int32()),
                "first_seen": pa.array([r["first_seen"] for r in rows], pa.timestamp("us")),
                "last_seen": pa.array([r["last_seen"] for r in rows], pa.timestamp("us")),
                "sentiment_mean": pa.array([r["sentiment_mean"] for r in rows], pa.float32()),
                "sentiment_trend": pa.array([r["sentiment_trend"] for r in rows], pa.float32()),
            }
        )
        with self.store.registered("_rep", table):
            self.store.execute(
                "UPDATE topics SET label = r.label, keywords = r.keywords, "
                "representative = r.representative, places = r.places, orgs = r.orgs, "
                "series = r.series, languages = r.languages, intents = r.intents, size = r.size, "
                "n_authors = r.n_authors, "
                "first_seen = r.first_seen, last_seen = r.last_seen, "
                "sentiment_mean = r.sentiment_mean, sentiment_trend = r.sentiment_trend, "
                "updated_at = ? FROM _rep r WHERE topics.topic_id = r.topic_id",
                [now],
            )

    def _aggregates(self) -> dict[int, dict[str, Any]]:
        rows = self.store.rows(
            f"""SELECT pt.topic_id, count(*) AS size, count(DISTINCT p.author_key) AS n_authors,
                      min(p.created_at) AS first_seen, max(p.created_at) AS last_seen,
                      avg(p.sentiment_score) AS sentiment_mean,
                      regr_slope(p.sentiment_score, date_part('epoch', p.created_at) / 86400.0) AS
                      sentiment_trend,
                      array_agg(DISTINCT p.place) FILTER (WHERE p.place IS NOT NULL) AS place_list
               FROM {COUNTED} pt JOIN _touched t USING (topic_id) JOIN posts p ON p.id =
               pt.post_id
               GROUP BY pt.topic_id"""
        )
        return {r.pop("topic_id"): r for r in rows}

    def _series(self, units: Sequence[tuple[str, int | None]]) -> dict[int, dict[str, Any]]:
        """``{"unit", "points": [{"t", "posts", "sentiment"}]}`` per touched topic, oldest first."""
        unit_case = (
            "CASE "
            + " ".join(
                f"WHEN max(p.created_at) - min(p.created_at) <= INTERVAL '{int(days)} days' "
                f"THEN '{unit}'"
                for unit, days in units
                if days
            )
            + f" ELSE '{units[-1][0]}' END"
        )
        rows = self.store.rows(
            f"""WITH span AS (
                    SELECT pt.topic_id, {unit_case} AS unit
                    FROM {COUNTED} pt JOIN _touched t USING (topic_id)
                    JOIN posts p ON p.id = pt.post_id GROUP BY pt.topic_id)
                SELECT pt.topic_id, s.unit, date_trunc(s.unit, p.created_at) AS t,
                       count(*) AS posts, avg(p.sentiment_score) AS sentiment
                FROM {COUNTED} pt JOIN span s USING (topic_id) JOIN posts p ON p.id = pt.post_id
                GROUP BY pt.topic_id, s.unit, date_trunc(s.unit, p.created_at)
                ORDER BY pt.topic_id, t"""
        )
        out: dict[int, dict[str, Any]] = {}
        for r in rows:
            series = out.setdefault(r["topic_id"], {"unit": r["unit"], "points": []})
            mean = None if r["sentiment"] is None else round(float(r["sentiment"]), 3)
            t = r["t"].strftime("%Y-%m-%dT%H:%M:%SZ")
            series["points"].append({"t": t, "posts": r["posts"], "sentiment": mean})
        return out

    def _languages(self) -> dict[int, dict[str, int]]:
        rows = self.store.rows(
            f"""SELECT pt.topic_id, coalesce(p.lang, 'und') AS lang, count(*) AS n
               FROM {COUNTED} pt JOIN _touched t USING (topic_id) JOIN posts p ON p.id =
               pt.post_id
               GROUP BY pt.topic_id, coalesce(p.lang, 'und') ORDER BY pt.topic_id, n DESC, lang"""
        )
        out: dict[int, dict[str, int]] = {}
        for r in rows:
            out.setdefault(r["topic_id"], {})[r["lang"]] = r["n"]
        return out

    def _intents(self) -> dict[int, dict[str, int]]:
        rows = self.store.rows(
            f"""SELECT pt.topic_id, p.intent_label AS label, count(*) AS n
               FROM {COUNTED} pt JOIN _touched t USING (topic_id) JOIN posts p ON p.id =
               pt.post_id
               WHERE p.intent_label IS NOT NULL
               GROUP BY pt.topic_id, p.intent_label ORDER BY pt.topic_id, n DESC, label"""
        )
        out: dict[int, dict[str, int]] = {}
        for r in rows:
            out.setdefault(r["topic_id"], {})[r["label"]] = r["n"]
        return out

    def _term_counts(self, stopwords: Sequence[str]) -> list[tuple[int, str, int]]:
        """(topic, term, count) of the touched topics."""
        stop = pa.table({"term": pa.array(sorted(stopwords), pa.string())})
        with self.store.registered("_stopwords", stop):
            counts: list[tuple[int, str, int]] = self.store.fetchall(
                f"""WITH w AS ({_TERMS} AND pt.topic_id IN (SELECT topic_id FROM _touched)
                              AND pt.post_id NOT IN (SELECT post_id FROM _pooled))
                    SELECT topic_id, term, count(*) AS n FROM w
                    WHERE length(term) >= 2 AND term NOT IN (SELECT term FROM _stopwords)
                    GROUP BY topic_id, term"""
            )
        return counts

    def _central_posts(self, n: int, mean: list[float] | None) -> dict[int, list[dict[str, Any]]]:
        """Each touched topic's ``n`` posts closest to its centroid, in the space the topics live
        in: cosine to the centroid, or, when built centred (``--center``), cos(post − mean,
        centroid). Computed in numpy, one topic at a time."""
        centroids = self.store.arrow(
            "SELECT tp.topic_id, tp.centroid FROM topics tp JOIN _touched t USING (topic_id) "
            "WHERE tp.centroid IS NOT NULL ORDER BY tp.topic_id"
        )
        chosen: list[tuple[int, str, float]] = []
        for topic_id, centroid in zip(
            centroids.column("topic_id").to_pylist(), vectors_of(centroids, "centroid")
        ):
            members = self._member_vectors(int(topic_id))
            if members.num_rows == 0:
                continue
            ids = members.column("post_id").to_pylist()
            vecs = vectors_of(members, "vec", len(centroid))
            del members
            sims = np.concatenate(
                [
                    _similarity(vecs[at : at + SIMILARITY_ROWS], centroid, mean)
                    for at in range(0, len(vecs), SIMILARITY_ROWS)
                ]
            )
            order = sorted(range(len(ids)), key=lambda i: (-sims[i], ids[i]))[: int(n)]
            chosen += [(int(topic_id), ids[i], float(sims[i])) for i in order]
        if not chosen:
            return {}
        texts = {
            r["id"]: r["text"]
            for r in self.store.rows(
                "SELECT id, coalesce(title || '\n', '') || text AS text FROM posts "
                f"WHERE id IN ({', '.join('?' * len(chosen))})",
                [post_id for _, post_id, _ in chosen],
            )
        }
        out: dict[int, list[dict[str, Any]]] = {}
        for topic_id, post_id, sim in chosen:
            out.setdefault(topic_id, []).append({"id": post_id, "sim": sim, "text": texts[post_id]})
        return out


SIMILARITY_ROWS = 4096
"""Members whose similarity to the centroid is computed at once, in float64: the float64 copies
of a whole large topic (vectors, centred vectors, their squares) were the largest allocation of
a run's end (+596 MB on a 60k-post store)."""


def _similarity(vecs: np.ndarray, centroid: np.ndarray, mean: list[float] | None) -> np.ndarray:
    """Cosine of each row to ``centroid``; for topics built centred (``mean`` given),
    (post − mean) · centroid / |post − mean|. Each row's figure depends on that row alone."""
    rows = vecs.astype(np.float64)
    c = centroid.astype(np.float64)
    if mean is None:
        norms = np.linalg.norm(rows, axis=1) * np.linalg.norm(c)
        result: np.ndarray = rows @ c / np.where(norms > 0, norms, 1.0)
        return result
    shifted = rows - np.asarray(mean, dtype=np.float64)
    result = shifted @ c / np.sqrt(np.maximum((shifted * shifted).sum(axis=1), 1e-12))
    return result
