"""The store contract: what the runner and the read model rely on, run against both backends
(a DuckDB file and a PostgreSQL database on a throwaway server), plus what only PostgreSQL
promises (several processes at once) and what must agree across the two (schema, ranking)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from heard.errors import InputError, StoreError, StoreLockedError
from heard.records import Post, Quarantined, content_hash

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)
MODELS = {"langid": "langid-test", "sentiment": "sent-test", "embed": "emb-test"}
DIM = 8


def make_posts(texts: list[str], start: int = 0, source: str = "t") -> list[Post]:
    return [Post(id=f"{source}:{start + i}", source=source, external_id=str(start + i), text=t,
                 created_at=T0 + timedelta(minutes=start + i), author_key=f"a{(start + i) % 7}",
                 title=None if i % 2 else f"title {i}", likes=i, place="杭州" if i % 3 == 0 else None,
                 raw={"text": t, "n": i}, file="in.jsonl", position=start + i + 1)
            for i, t in enumerate(texts)]


def enrich(posts: list[Post], search_text: list[str] | None = None) -> dict[str, Any]:
    n = len(posts)
    rng = np.random.default_rng(len(posts))
    return {
        "lang": ["zh" if any("\u4e00" <= c <= "\u9fff" for c in p.text) else "en" for p in posts],
        "search_text": search_text if search_text is not None else [p.text.lower() for p in posts],
        "entities": [{"places": ["杭州"]} if i % 3 == 0 else None for i in range(n)],
        "sentiment_score": [round(0.1 * (i % 10) - 0.5, 3) for i in range(n)],
        "sentiment_label": [("negative", "neutral", "positive")[i % 3] for i in range(n)],
        "sentiment_evidence": [["好"] if i % 2 else None for i in range(n)],
        "embedding": rng.standard_normal((n, DIM)).astype(np.float32),
    }


def write(store: Any, posts: list[Post], **kw: Any) -> int:
    columns = kw.pop("columns", None) or enrich(posts)
    return store.write_batch(posts, columns, MODELS, **kw)


# ---- schema ---------------------------------------------------------------------------------
def test_migrations_are_idempotent(open_target: Any) -> None:
    from heard.store.schema import LATEST

    store = open_target()
    assert store.schema_version() == LATEST
    assert store.migrate() == LATEST
    assert store.scalar("SELECT count(*) FROM schema_version") == LATEST
    store.close()
    again = open_target()
    assert again.schema_version() == LATEST
    assert again.scalar("SELECT count(*) FROM schema_version") == LATEST
    assert {"posts", "embeddings", "quarantine", "checkpoints", "ingest_runs", "topics", "alerts",
            "users", "topic_window"} <= again.tables()


def test_postgres_schema_has_the_duckdb_names(tmp_path: Path, pg_url: str) -> None:
    """Every table and column of the DuckDB schema exists under the same name on PostgreSQL
    (the read model's SQL names them); PostgreSQL adds only what PG_ONLY_COLUMNS declares."""
    from heard.store.backends import open_store
    from heard.store.postgres.schema import PG_ONLY_COLUMNS

    def layout(store: Any) -> set[tuple[str, str]]:
        return {(t, c) for t in store.tables() for c in _columns(store, t)}

    with open_store(tmp_path / "s.duckdb") as duck, open_store(pg_url) as pg:
        assert duck.tables() == pg.tables()
        assert layout(pg) - layout(duck) == PG_ONLY_COLUMNS
        assert layout(duck) <= layout(pg)


def _columns(store: Any, table: str) -> list[str]:
    if hasattr(store, "columns"):
        return store.columns(table)
    return [r["column_name"] for r in store.rows(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [table])]


# ---- writes ---------------------------------------------------------------------------------
def test_write_batch_round_trip(open_target: Any) -> None:
    store = open_target()
    posts = make_posts(["物价上涨 菜价贵", "Bus 42 is late again", "地铁\x00延误"])
    columns = enrich(posts)
    assert store.write_batch(posts, columns, MODELS, checkpoint=("k1", "in.jsonl", 3)) == 3
    rows = store.rows("SELECT id, source, external_id, author_key, title, text, text_hash, created_at, "
                      "likes, place, lang, lang_model, entities, search_text, sentiment_score, "
                      "sentiment_label, sentiment_model, raw, file, position FROM posts ORDER BY id")
    assert [r["id"] for r in rows] == ["t:0", "t:1", "t:2"]
    first = rows[0]
    assert first["created_at"] == datetime(2026, 3, 1, 8, 0)  # naive UTC
    assert first["text_hash"] == content_hash("物价上涨 菜价贵")
    assert first["lang"] == "zh" and first["lang_model"] == "langid-test"
    assert first["sentiment_model"] == "sent-test" and first["sentiment_label"] == "negative"
    assert abs(first["sentiment_score"] - (-0.5)) < 1e-6
    assert first["entities"] == '{"places": ["杭州"]}' and first["place"] == "杭州"
    assert first["raw"] == '{"text": "物价上涨 菜价贵", "n": 0}' and first["position"] == 1
    assert rows[1]["title"] is None and rows[1]["likes"] == 1 and rows[1]["lang"] == "en"
    assert rows[2]["text"].startswith("地铁") and rows[2]["text"].endswith("延误")
    vecs = store.rows("SELECT post_id, model, vec FROM embeddings ORDER BY post_id")
    assert [v["model"] for v in vecs] == ["emb-test"] * 3
    got = np.array([v["vec"] for v in vecs], dtype=np.float32)
    assert np.array_equal(got, columns["embedding"])
    # Writing the same posts again stores nothing new and keeps the first vectors.
    assert write(store, posts) == 0
    assert store.scalar("SELECT count(*) FROM posts") == 3
    assert store.scalar("SELECT count(*) FROM embeddings") == 3


def test_missing_columns_are_stored_as_null(open_target: Any) -> None:
    store = open_target()
    assert store.write_batch(make_posts(["no stages ran"]), {}, {}) == 1
    row = store.rows("SELECT lang, lang_model, search_text, sentiment_model FROM posts")[0]
    assert row == {"lang": None, "lang_model": None, "search_text": None, "sentiment_model": None}
    assert store.scalar("SELECT count(*) FROM embeddings") == 0


def test_id_and_hash_probes(open_target: Any) -> None:
    store = open_target()
    posts = make_posts(["one", "two", "two"])
    write(store, posts)
    assert store.existing_ids(["t:0", "t:2", "t:9"]) == {"t:0", "t:2"}
    assert store.existing_ids([]) == set()
    assert store.known_text_hashes([content_hash("two"), content_hash("three")]) == {content_hash("two")}
    assert store.known_text_hashes([]) == set()


def test_checkpoints(open_target: Any) -> None:
    store = open_target()
    assert store.checkpoint("k") == 0
    write(store, make_posts(["a"]), checkpoint=("k", "f.jsonl", 10))
    assert store.checkpoint("k") == 10
    write(store, make_posts(["b"], start=1), checkpoint=("k", "f.jsonl", 25))
    assert store.checkpoint("k") == 25
    assert store.scalar("SELECT count(*) FROM checkpoints") == 1
    store.write_batch([], {}, {}, checkpoint=("other", "g.csv", 3))
    assert store.checkpoint("other") == 3 and store.checkpoint("k") == 25


def test_quarantine_insert_or_ignore(open_target: Any) -> None:
    store = open_target()
    bad = [Quarantined("f.jsonl", 4, "bad_json", "line 4", "x" * 5000),
           Quarantined("f.jsonl", 9, "empty_text", "", "{}")]
    store.write_batch([], {}, {}, bad, source="s")
    store.write_batch([], {}, {}, bad, source="s")
    rows = store.rows("SELECT reason, source, length(raw) AS n FROM quarantine ORDER BY position")
    assert rows == [{"reason": "bad_json", "source": "s", "n": 2000},
                    {"reason": "empty_text", "source": "s", "n": 2}]


def test_failed_batch_stores_nothing(open_target: Any) -> None:
    """An error after the posts went in (here: one vector short) rolls back posts, quarantine
    and checkpoint together."""
    store = open_target()
    posts = make_posts(["a", "b", "c"])
    columns = enrich(posts)
    columns["embedding"] = columns["embedding"][:2]
    with pytest.raises(Exception):
        store.write_batch(posts, columns, MODELS, [Quarantined("f", 1, "bad_json")], "s",
                          ("k", "f", 4))
    assert store.scalar("SELECT count(*) FROM posts") == 0
    assert store.scalar("SELECT count(*) FROM quarantine") == 0
    assert store.checkpoint("k") == 0
    assert write(store, posts) == 3  # and the store is usable afterwards


def test_transaction_rolls_back_on_error(open_target: Any) -> None:
    store = open_target()
    if not hasattr(store, "transaction"):
        pytest.skip(f"{type(store).__name__} has no transaction() yet (the lead's store boundary)")
    with pytest.raises(RuntimeError):
        with store.transaction():
            write(store, make_posts(["kept?"]))
            raise RuntimeError("boom")
    assert store.scalar("SELECT count(*) FROM posts") == 0
    with store.transaction():
        write(store, make_posts(["kept"]))
    assert store.scalar("SELECT count(*) FROM posts") == 1


def test_record_run_replaces(open_target: Any) -> None:
    store = open_target()
    store.record_run("r1", T0, "s", ["a.jsonl"], {"stored": 1})
    store.record_run("r1", T0, "s", ["a.jsonl", "b.jsonl"], {"stored": 2})
    rows = store.rows("SELECT run_id, started_at, files, summary FROM ingest_runs")
    assert rows == [{"run_id": "r1", "started_at": datetime(2026, 3, 1, 8, 0),
                     "files": '["a.jsonl", "b.jsonl"]', "summary": '{"stored": 2}'}]


def test_rows_take_question_mark_parameters(open_target: Any) -> None:
    store = open_target()
    write(store, make_posts(["100% sure", "what? really", "plain"]))
    assert store.scalar("SELECT count(*) FROM posts WHERE text LIKE '%?%' AND lang = ?", ["en"]) == 1
    assert store.scalar("SELECT count(*) FROM posts WHERE text LIKE '%\\%%' ESCAPE '\\'") == 1
    assert store.rows("SELECT id FROM posts WHERE id IN (?, ?) ORDER BY id", ["t:2", "t:0"]) == [
        {"id": "t:0"}, {"id": "t:2"}]


def test_read_only_open_of_a_missing_store(backend: str, target: str) -> None:
    from heard.store.backends import open_store

    with pytest.raises(InputError, match="no Heard database"):
        open_store(target, read_only=True)


def test_unreachable_server_is_a_store_error() -> None:
    from heard.store.backends import open_store

    with pytest.raises(StoreError, match="cannot connect") as caught:
        open_store("postgresql://heard:secret@127.0.0.1:1/nowhere")
    assert "secret" not in str(caught.value) and caught.value.fix


# ---- search ---------------------------------------------------------------------------------
def test_search_index_lifecycle(open_target: Any) -> None:
    store = open_target()
    write(store, make_posts(["bus late", "bus on time"]))
    assert not store.has_search_index()
    store.rebuild_search_index()
    assert store.has_search_index()
    store.rebuild_search_index()  # rebuilding replaces it
    assert store.scalar("SELECT count(*) FROM fts_main_posts.docs") == 2
