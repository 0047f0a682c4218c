"""Binding a topic stage again gives exactly the state its store holds (issue 15: on PostgreSQL
every batch of `heard watch` re-binds to re-read what other processes wrote). Before, the
clusterer kept what it held from an earlier store, so one pipeline reused on two fresh stores
gave two different sets of topics for the same posts."""

from __future__ import annotations

from pathlib import Path

from heard.connectors.mapping import Mapper, fieldmap_for
from heard.pipeline.builder import build_pipeline
from heard.pipeline.runner import ingest_paths
from heard.settings import Settings
from heard.stages import default_stages
from heard.store import open_store

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo" / "posts.jsonl"


def test_one_pipeline_on_two_fresh_stores_gives_the_same_topics(tmp_path: Path) -> None:
    corpus = tmp_path / "demo240.jsonl"
    corpus.write_text("\n".join(DEMO.read_text(encoding="utf-8").splitlines()[:240]) + "\n")
    stages = default_stages(Settings())  # one set of stage objects, reused
    found = []
    for name in ("first", "second"):
        with open_store(tmp_path / f"{name}.duckdb") as store:
            ingest_paths(
                store, [corpus], build_pipeline(stages), batch_size=64,
                make_mapper=lambda source: Mapper(
                    fieldmap_for("social"), source=source, tz="Asia/Shanghai", salt="s"
                ),
            )  # fmt: skip
            found.append(
                (
                    store.rows("SELECT post_id, topic_id FROM post_topics ORDER BY post_id"),
                    store.rows("SELECT topic_id, size, label FROM topics ORDER BY topic_id"),
                )
            )
    assert sum(1 for a in found[0][0] if a["topic_id"] is not None) > 100
    assert found[1] == found[0]
