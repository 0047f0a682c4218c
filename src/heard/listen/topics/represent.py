"""Topic representation, precomputed at the end of a run so that listing and detail are lookups.

For each active topic that changed: size, distinct authors, first/last seen, sentiment mean and
trend (least-squares slope of post sentiment per day), a time series (posts and mean sentiment per
hour, day or week, by the topic's span), posts per language, keywords (c-TF-IDF over
the stored ``search_text`` tokens), a label, representative posts (closest to the centroid) and
the places and organisations those central posts mention (plus the posts' own ``place`` field),
read from the redacted text so that no house number or flat shows among them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

import pyarrow as pa

from heard.listen.analysis.entities import EntityExtractor
from heard.listen.analysis.keywords import STOPWORDS, class_tfidf, label_from
from heard.read.redact import redact
from heard.store.duckdb_store import DuckDBStore
from heard.listen.topics.persist import read_state

N_REPRESENTATIVE = 5
N_ENTITY_POSTS = 12
N_KEYWORDS = 10
N_ENTITIES = 8


def refresh_representation(store: DuckDBStore, topic_ids: Sequence[int] | None, now: datetime,
                           entities: EntityExtractor | None = None) -> int:
    """Recompute the representation of ``topic_ids`` (all active topics when None); returns how many."""
    if topic_ids is None:
        topic_ids = [r["topic_id"] for r in store.rows("SELECT topic_id FROM topics WHERE status = 'active'")]
    topic_ids = sorted(set(topic_ids))
    if not topic_ids:
        return 0
    touched = pa.table({"topic_id": pa.array(list(topic_ids), pa.int32())})
    with store.registered("_touched", touched):
        aggregates = _aggregates(store)
        series = _series(store)
        languages = _languages(store)
        keywords = _keywords(store)
        central = _central_posts(store)
    extractor = entities or EntityExtractor()
    rows = []
    for tid in topic_ids:
        agg = aggregates.get(tid)
        if agg is None:  # no posts left (all moved away): keep the row, mark it empty
            continue
        kws = keywords.get(tid, [])
        posts = central.get(tid, [])
        # places are read from redacted text: a street address shows as its road (RIGHTS.md §7)
        places, orgs = extractor.extract([redact(p["text"]) or "" for p in posts[:N_ENTITY_POSTS]])
        places.update(redact(place) for place in agg.pop("place_list") or [] if place)
        rows.append({
            "topic_id": tid,
            "label": label_from(kws),
            "keywords": json.dumps([{"term": t, "weight": w} for t, w in kws], ensure_ascii=False),
            "representative": json.dumps([p["id"] for p in posts[:N_REPRESENTATIVE]], ensure_ascii=False),
            "places": json.dumps(places.most_common(N_ENTITIES), ensure_ascii=False),
            "orgs": json.dumps(orgs.most_common(N_ENTITIES), ensure_ascii=False),
            "series": json.dumps(series.get(tid, {"unit": "day", "points": []}), ensure_ascii=False),
            "languages": json.dumps(languages.get(tid, {}), ensure_ascii=False),
            **agg,
        })
    if not rows:
        return 0
    table = pa.table({
        "topic_id": pa.array([r["topic_id"] for r in rows], pa.int32()),
        "label": [r["label"] for r in rows],
        "keywords": [r["keywords"] for r in rows],
        "representative": [r["representative"] for r in rows],
        "places": [r["places"] for r in rows],
        "orgs": [r["orgs"] for r in rows],
        "series": [r["series"] for r in rows],
        "languages": [r["languages"] for r in rows],
        "size": pa.array([r["size"] for r in rows], pa.int32()),
        "n_authors": pa.array([r["n_authors"] for r in rows], pa.int32()),
        "first_seen": pa.array([r["first_seen"] for r in rows], pa.timestamp("us")),
        "last_seen": pa.array([r["last_seen"] for r in rows], pa.timestamp("us")),
        "sentiment_mean": pa.array([r["sentiment_mean"] for r in rows], pa.float32()),
        "sentiment_trend": pa.array([r["sentiment_trend"] for r in rows], pa.float32()),
    })
    with store.registered("_rep", table):
        store.con.execute(
            "UPDATE topics SET label = r.label, keywords = r.keywords, representative = r.representative, "
            "places = r.places, orgs = r.orgs, series = r.series, languages = r.languages, size = r.size, n_authors = r.n_authors, "
            "first_seen = r.first_seen, last_seen = r.last_seen, sentiment_mean = r.sentiment_mean, "
            "sentiment_trend = r.sentiment_trend, updated_at = ? FROM _rep r WHERE topics.topic_id = r.topic_id",
            [now],
        )
    return len(rows)


def _aggregates(store: DuckDBStore) -> dict[int, dict]:
    rows = store.rows(
        """SELECT pt.topic_id, count(*) AS size, count(DISTINCT p.author_key) AS n_authors,
                  min(p.created_at) AS first_seen, max(p.created_at) AS last_seen,
                  avg(p.sentiment_score) AS sentiment_mean,
                  regr_slope(p.sentiment_score, epoch(p.created_at) / 86400.0) AS sentiment_trend,
                  list(DISTINCT p.place) FILTER (WHERE p.place IS NOT NULL) AS place_list
           FROM post_topics pt JOIN _touched t USING (topic_id) JOIN posts p ON p.id = pt.post_id
           GROUP BY pt.topic_id"""
    )
    return {r.pop("topic_id"): r for r in rows}


SERIES_UNITS = (("hour", 3), ("day", 120), ("week", None))
"""A topic's series is per hour when it spans up to 3 days, per day up to 120 days, else per week."""


def _series(store: DuckDBStore) -> dict[int, dict]:
    """``{"unit", "points": [{"t", "posts", "sentiment"}]}`` per touched topic, oldest first."""
    unit_case = "CASE " + " ".join(
        f"WHEN max(p.created_at) - min(p.created_at) <= INTERVAL {days} DAY THEN '{unit}'"
        for unit, days in SERIES_UNITS if days) + f" ELSE '{SERIES_UNITS[-1][0]}' END"
    rows = store.rows(
        f"""WITH span AS (
                SELECT pt.topic_id, {unit_case} AS unit
                FROM post_topics pt JOIN _touched t USING (topic_id) JOIN posts p ON p.id = pt.post_id
                GROUP BY pt.topic_id)
            SELECT pt.topic_id, s.unit,
                   strftime(date_trunc(s.unit, p.created_at), '%Y-%m-%dT%H:%M:%SZ') AS t,
                   count(*) AS posts, round(avg(p.sentiment_score), 3) AS sentiment
            FROM post_topics pt JOIN span s USING (topic_id) JOIN posts p ON p.id = pt.post_id
            GROUP BY ALL ORDER BY pt.topic_id, t"""
    )
    out: dict[int, dict] = {}
    for r in rows:
        series = out.setdefault(r["topic_id"], {"unit": r["unit"], "points": []})
        series["points"].append({"t": r["t"], "posts": r["posts"], "sentiment": r["sentiment"]})
    return out


def _languages(store: DuckDBStore) -> dict[int, dict[str, int]]:
    rows = store.rows(
        """SELECT pt.topic_id, coalesce(p.lang, 'und') AS lang, count(*) AS n
           FROM post_topics pt JOIN _touched t USING (topic_id) JOIN posts p ON p.id = pt.post_id
           GROUP BY ALL ORDER BY pt.topic_id, n DESC, lang"""
    )
    out: dict[int, dict[str, int]] = {}
    for r in rows:
        out.setdefault(r["topic_id"], {})[r["lang"]] = r["n"]
    return out


def _keywords(store: DuckDBStore) -> dict[int, list[tuple[str, float]]]:
    """c-TF-IDF: term counts of the touched topics against term totals over every active topic.

    The stop-words go in as a registered Arrow table, not a bound list (DuckDB's Python client
    tries to import pandas for every bound value; see ``DuckDBStore.known_text_hashes``)."""
    stop = pa.table({"term": pa.array(sorted(STOPWORDS), pa.string())})
    base = """SELECT pt.topic_id, unnest(string_split(p.search_text, ' ')) AS term
              FROM post_topics pt JOIN posts p ON p.id = pt.post_id
              WHERE pt.topic_id IS NOT NULL AND p.search_text IS NOT NULL"""
    with store.registered("_stopwords", stop):
        counts = store.con.execute(
            f"""WITH w AS ({base} AND pt.topic_id IN (SELECT topic_id FROM _touched))
                SELECT topic_id, term, count(*) AS n FROM w
                WHERE length(term) >= 2 AND term NOT IN (SELECT term FROM _stopwords) GROUP BY ALL"""
        ).fetchall()
        totals_rows = store.con.execute(
            f"""WITH w AS ({base}) SELECT term, count(*) AS n FROM w
                WHERE length(term) >= 2 AND term NOT IN (SELECT term FROM _stopwords) GROUP BY term"""
        ).fetchall()
    n_topics = store.scalar("SELECT count(*) FROM topics WHERE status = 'active'") or 1
    totals = dict(totals_rows)
    return class_tfidf(counts, top_n=N_KEYWORDS, totals=totals, avg=sum(totals.values()) / n_topics)


def _central_posts(store: DuckDBStore) -> dict[int, list[dict]]:
    """Each touched topic's posts closest to its centroid, in the space the topics live in: when
    they were built centred (``--center``), cos(post − mean, centroid), from dot products."""
    mu = read_state(store).get("mu")
    if mu is None:
        sim, params = "list_cosine_similarity(e.vec, tp.centroid)", []
    else:
        mean = json.loads(mu)
        sim = ("(list_dot_product(e.vec, tp.centroid) - list_dot_product(tp.centroid, ?::FLOAT[])) / "
               "sqrt(greatest(list_dot_product(e.vec, e.vec) - 2 * list_dot_product(e.vec, ?::FLOAT[]) + ?, 1e-12))")
        params = [mean, mean, sum(x * x for x in mean)]
    rows = store.rows(
        f"""WITH s AS (
              SELECT pt.topic_id, pt.post_id, {sim} AS sim
              FROM post_topics pt JOIN _touched t USING (topic_id)
              JOIN topics tp ON tp.topic_id = pt.topic_id
              JOIN embeddings e ON e.post_id = pt.post_id),
            r AS (SELECT *, row_number() OVER (PARTITION BY topic_id ORDER BY sim DESC, post_id) AS rk FROM s)
            SELECT r.topic_id, r.post_id AS id, r.sim,
                   coalesce(p.title || '\n', '') || p.text AS text
            FROM r JOIN posts p ON p.id = r.post_id
            WHERE rk <= {max(N_REPRESENTATIVE, N_ENTITY_POSTS)} ORDER BY r.topic_id, rk""", params
    )
    out: dict[int, list[dict]] = {}
    for r in rows:
        out.setdefault(r.pop("topic_id"), []).append(r)
    return out
