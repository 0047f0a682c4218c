"""The runner on both stores: the same files ingested through every standard stage (topics and
issues included: their repositories are shared, ``heard.store.repos``) store the same posts,
enrichments, vectors, quarantine, checkpoints, topics (assignments, labels, keywords,
representative posts) and issues, and search alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture(scope="module")
def stages() -> list[Any]:
    from heard.settings import Settings
    from heard.stages import default_stages

    return default_stages(Settings())


def _ingest(target: Any, stages: list[Any]) -> dict[str, Any]:
    from heard.connectors.mapping import Mapper, fieldmap_for
    from heard.pipeline.builder import build_pipeline
    from heard.pipeline.runner import ingest_paths
    from heard.store.backends import open_store

    files = [
        FIXTURES / "posts_small.jsonl",
        FIXTURES / "hostile_posts.jsonl",
        FIXTURES / "broken" / "broken.jsonl",
    ]
    with open_store(target) as store:
        summary = ingest_paths(
            store,
            files,
            build_pipeline(stages),
            batch_size=4,
            make_mapper=lambda source: Mapper(
                fieldmap_for(None), source=source, tz="Asia/Shanghai", salt="s"
            ),
        )
        again = ingest_paths(
            store,
            files,
            build_pipeline(stages),
            batch_size=4,
            make_mapper=lambda source: Mapper(
                fieldmap_for(None), source=source, tz="Asia/Shanghai", salt="s"
            ),
        )
        posts = store.rows(
            "SELECT id, text, created_at, author_key, lang, search_text, entities, "
            "sentiment_label, round(sentiment_score * 1000) AS s, raw FROM posts ORDER BY id"
        )
        vecs = store.rows("SELECT post_id, vec FROM embeddings ORDER BY post_id")
        from heard.read.posts import search_terms

        query = search_terms("公交 班次")
        hits = (
            store.search_ranked(query, 50)
            if hasattr(store, "search_ranked")
            else __import__("heard.store.duckdb_search", fromlist=["ranked"]).ranked(
                store, query, 50
            )
        )
        return {
            "stored": summary.stored,
            "quarantined": summary.quarantined,
            "again_stored": again.stored,
            "again_resumed": sorted(again.resumed_after.values()),
            "posts": posts,
            "vectors": np.array([v["vec"] for v in vecs], dtype=np.float32),
            "vector_ids": [v["post_id"] for v in vecs],
            "quarantine": store.rows("SELECT key, reason, position FROM quarantine ORDER BY key"),
            "checkpoints": store.rows(
                "SELECT file_key, position FROM checkpoints ORDER BY file_key"
            ),
            "hits": [(h["name"], h["score"]) for h in hits],
            "assignments": store.rows("SELECT post_id, topic_id FROM post_topics ORDER BY post_id"),
            "topics": store.rows(
                "SELECT topic_id, status, size, n_authors, label, keywords, representative, "
                "series, languages FROM topics ORDER BY topic_id"
            ),
            "issues": store.rows(
                "SELECT issue_id, place, problem, messages FROM issues ORDER BY issue_id"
            ),
        }


def test_the_runner_stores_the_same_on_both(tmp_path: Path, pg_url: str, stages: list[Any]) -> None:
    duck = _ingest(tmp_path / "i.duckdb", stages)
    pg = _ingest(pg_url, stages)
    assert duck["stored"] > 5 and duck["quarantined"] > 0 and duck["again_stored"] == 0
    for key in (
        "stored",
        "quarantined",
        "again_stored",
        "again_resumed",
        "vector_ids",
        "quarantine",
        "checkpoints",
    ):
        assert pg[key] == duck[key], key
    # PostgreSQL text cannot hold NUL: the one hostile post with a NUL keeps U+FFFD there instead.
    nul = [p["id"] for p in duck["posts"] if "\x00" in p["text"]]
    assert nul == ["hostile_posts:h015"]
    assert pg["posts"] == [
        {k: v.replace("\x00", "\ufffd") if isinstance(v, str) else v for k, v in p.items()}
        for p in duck["posts"]
    ]
    assert np.allclose(pg["vectors"], duck["vectors"], atol=1e-6)
    assert duck["hits"] and {n for n, _ in pg["hits"]} == {n for n, _ in duck["hits"]}
    assert sorted(s for _, s in pg["hits"]) == sorted(s for _, s in duck["hits"])
    assert pg["assignments"] == duck["assignments"]  # too few posts for a topic: all pooled
    assert pg["topics"] == duck["topics"] and pg["issues"] == duck["issues"]


def test_the_demo_corpus_gives_the_same_topics_and_issues_on_both(
    tmp_path: Path, pg_url: str, stages: list[Any]
) -> None:
    """240 posts of the bundled demo corpus in batches of 64: the topic operator, its
    representation (labels, keywords, representative posts, series) and the issues come out
    the same on PostgreSQL as on DuckDB."""
    from heard.connectors.mapping import Mapper, fieldmap_for
    from heard.pipeline.builder import build_pipeline
    from heard.pipeline.runner import ingest_paths
    from heard.store.backends import open_store

    lines = (FIXTURES.parent.parent / "data" / "demo" / "posts.jsonl").read_text().splitlines()
    corpus = tmp_path / "demo240.jsonl"
    corpus.write_text("\n".join(lines[:240]) + "\n", encoding="utf-8")
    found = {}
    for name, target in (("duck", tmp_path / "d.duckdb"), ("pg", pg_url)):
        with open_store(target) as store:
            ingest_paths(
                store, [corpus], build_pipeline(stages), batch_size=64,
                make_mapper=lambda source: Mapper(
                    fieldmap_for("social"), source=source, tz="Asia/Shanghai", salt="s"
                ),
            )  # fmt: skip
            found[name] = {
                "assignments": store.rows(
                    "SELECT post_id, topic_id FROM post_topics ORDER BY post_id"
                ),
                "topics": store.rows(
                    "SELECT topic_id, status, size, n_authors, label, keywords, representative, "
                    "series, languages FROM topics ORDER BY topic_id"
                ),
                "issues": store.rows(
                    "SELECT issue_id, place, problem, messages FROM issues ORDER BY issue_id"
                ),
            }
    duck, pg = found["duck"], found["pg"]
    assert sum(1 for a in duck["assignments"] if a["topic_id"] is not None) > 100
    assert len(duck["topics"]) >= 3
    assert pg["assignments"] == duck["assignments"]
    assert pg["topics"] == duck["topics"]
    assert pg["issues"] == duck["issues"]
