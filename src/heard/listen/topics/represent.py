"""Topic representation, precomputed at the end of a run so that listing and detail are lookups.

For each active topic that changed: size, distinct authors, first/last seen, sentiment mean and
trend (least-squares slope of post sentiment per day), a time series (posts and mean sentiment per
hour, day or week, by the topic's span), posts per language and per intent, keywords (c-TF-IDF over
the stored ``search_text`` tokens), a label, representative posts (closest to the centroid) and
the places and organisations those central posts mention (plus the posts' own ``place`` field),
read from the redacted text so that no house number or flat shows among them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from heard.listen.analysis.entities import EntityExtractor
from heard.listen.analysis.junk import is_clause, is_junk
from heard.listen.analysis.keywords import STOPWORDS, class_tfidf, steady_label
from heard.listen.analysis.name_pieces import (
    CJK_TERM,
    CONTEXT_AFTER,
    CONTEXT_BEFORE,
    cut_from_a_name,
)
from heard.listen.analysis.places import fold_places, place_spread, rank_places
from heard.read.redact import redact

N_REPRESENTATIVE = 5
N_ENTITY_POSTS = 12
N_KEYWORDS = 10
N_ENTITIES = 8
N_CANDIDATES = 3 * N_KEYWORDS
"""Keywords ranked before the pieces of names are taken out (``without_name_pieces``)."""
CONTEXTS_PER_TERM = 40
"""Uses of a candidate keyword read to tell whether it is a piece of a name (its newest)."""


SERIES_UNITS = (("hour", 3), ("day", 120), ("week", None))
"""A topic's series is per hour when it spans up to 3 days, per day up to 120 days, else per
week."""

TOPICS_AT_ONCE = 200
"""Topics whose inputs are read and written together. Every topic's term counts at once were the
largest allocation of a run's end (a (topic, term, count) row per pair, all active topics)."""


def refresh_representation(
    store: Any,
    topic_ids: Sequence[int] | None,
    now: datetime,
    entities: EntityExtractor | None = None,
) -> int:
    """Recompute the representation of ``topic_ids`` (all active topics when None); returns how
    many."""
    repo = store.topics
    if topic_ids is None:
        topic_ids = repo.active_ids()
    topic_ids = sorted(set(topic_ids))
    if not topic_ids:
        return 0
    mu = repo.read_state().get("mu")
    mean = json.loads(mu) if mu else None
    totals, n_topics = repo.term_totals(sorted(STOPWORDS))
    avg = sum(totals.values()) / n_topics
    extractor = entities or EntityExtractor()
    rows: list[dict[str, Any]] = []
    for at in range(0, len(topic_ids), TOPICS_AT_ONCE):
        chunk = topic_ids[at : at + TOPICS_AT_ONCE]
        rows.extend(_rows(repo, chunk, extractor, totals, avg, mean))
    # A place's rank within its level weighs how many topics name it: the stored places of the
    # topics not refreshed here, and the places just found for those that are.
    others = sorted(set(repo.active_ids()) - {r["topic_id"] for r in rows})
    stored = store.hotspots.topic_rows(others) if others and hasattr(store, "hotspots") else []
    spread = place_spread(
        [_stored_places(r.get("places")) for r in stored] + [list(r["places"]) for r in rows]
    )
    n_topics = len(others) + len(rows)
    for row in rows:
        ranked = rank_places(row["places"], N_ENTITIES, spread, n_topics)
        row["places"] = json.dumps(ranked, ensure_ascii=False)
    for at in range(0, len(rows), TOPICS_AT_ONCE):
        repo.record_labels(rows[at : at + TOPICS_AT_ONCE], now)  # what a brief --at reads
        repo.write_representation(rows[at : at + TOPICS_AT_ONCE], now)
    return len(rows)


def _stored_places(raw: str | None) -> list[str]:
    """The place names of a stored ``places`` column (``[[name, count], …]``)."""
    try:
        listed = json.loads(raw) if raw else []
    except ValueError:
        return []
    return [p[0] if isinstance(p, list) else str(p) for p in listed if p]


def _rows(
    repo: Any,
    topic_ids: list[int],
    extractor: EntityExtractor,
    totals: dict[str, int],
    avg: float,
    mean: list[float] | None,
) -> list[dict[str, Any]]:
    """The representation rows of ``topic_ids``, ``places`` still a count of folded places."""
    inputs = repo.representation_inputs(
        topic_ids,
        stopwords=sorted(STOPWORDS),
        n_central=max(N_REPRESENTATIVE, N_ENTITY_POSTS),
        series_units=SERIES_UNITS,
        mean=mean,
    )
    aggregates, series, languages = inputs["aggregates"], inputs["series"], inputs["languages"]
    ranked = class_tfidf(inputs["counts"], top_n=N_CANDIDATES, totals=totals, avg=avg)
    keywords = without_name_pieces(repo, ranked)
    previous = repo.stored_labels(topic_ids)  # kept until the evidence changes (steady_label)
    central = inputs["central"]
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
        for junk in [p for p in places if is_junk(p) or is_clause(p)]:  # A市, 区丽发, 县的很多…
            del places[junk]
        places = fold_places(places)  # 伊景园 and 伊景园滨河苑: one place
        rows.append(
            {
                "topic_id": tid,
                "label": steady_label(previous.get(tid), kws),
                "keywords": json.dumps(
                    [{"term": t, "weight": w} for t, w in kws], ensure_ascii=False
                ),
                "representative": json.dumps(
                    [p["id"] for p in posts[:N_REPRESENTATIVE]], ensure_ascii=False
                ),
                "places": places,  # ranked once every topic's places are known
                "orgs": json.dumps(_most_common(orgs), ensure_ascii=False),
                "series": json.dumps(
                    series.get(tid, {"unit": "day", "points": []}), ensure_ascii=False
                ),
                "languages": json.dumps(languages.get(tid, {}), ensure_ascii=False),
                "intents": json.dumps(inputs["intents"].get(tid, {}), ensure_ascii=False),
                **agg,
            }
        )
    return rows


def without_name_pieces(
    repo: Any, ranked: dict[Any, list[tuple[str, float]]]
) -> dict[Any, list[tuple[str, float]]]:
    """Each topic's ``N_KEYWORDS`` best keywords that are no piece of a place name or code the
    segmenter cut apart (``cut_from_a_name``: 景园 and 滨河 of 伊景园滨河苑, 西地 of 西地省), read
    from the characters around the term where the topic's newest posts use it. The counts
    alone cannot tell: the segmenter made each piece a word of its own."""
    pairs = [(tid, t) for tid, kws in ranked.items() for t, _ in kws if CJK_TERM.fullmatch(t)]
    contexts = repo.term_contexts(pairs, CONTEXTS_PER_TERM, CONTEXT_BEFORE, CONTEXT_AFTER)
    return {
        tid: [(t, w) for t, w in kws if not cut_from_a_name(t, contexts.get((tid, t), []))][
            :N_KEYWORDS
        ]
        for tid, kws in ranked.items()
    }


def _most_common(counts: Counter[str]) -> list[tuple[str, int]]:
    """The ``N_ENTITIES`` most frequent, ties by name (``Counter.most_common`` breaks them by
    first sight, and the stored places come back in no fixed order)."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:N_ENTITIES]
