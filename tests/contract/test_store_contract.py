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
    return [
        Post(
            id=f"{source}:{start + i}",
            source=source,
            external_id=str(start + i),
            text=t,
            created_at=T0 + timedelta(minutes=start + i),
            author_key=f"a{(start + i) % 7}",
            title=None if i % 2 else f"title {i}",
            likes=i,
            place="杭州" if i % 3 == 0 else None,
            raw={"text": t, "n": i},
            file="in.jsonl",
            position=start + i + 1,
        )
        for i, t in enumerate(texts)
    ]


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
    from heard.store.duckdb.schema import LATEST

    store = open_target()
    assert store.schema_version() == LATEST
    assert store.migrate() == LATEST
    assert store.scalar("SELECT count(*) FROM schema_version") == LATEST
    store.close()
    again = open_target()
    assert again.schema_version() == LATEST
    assert again.scalar("SELECT count(*) FROM schema_version") == LATEST
    assert {
        "posts",
        "embeddings",
        "quarantine",
        "checkpoints",
        "ingest_runs",
        "topics",
        "alerts",
        "users",
        "topic_window",
    } <= again.tables()


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
    return [
        r["column_name"]
        for r in store.rows(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
            [table],
        )
    ]


# ---- writes ---------------------------------------------------------------------------------
def test_write_batch_round_trip(open_target: Any) -> None:
    store = open_target()
    posts = make_posts(["物价上涨 菜价贵", "Bus 42 is late again", "地铁\x00延误"])
    columns = enrich(posts)
    assert store.write_batch(posts, columns, MODELS, checkpoint=("k1", "in.jsonl", 3)) == 3
    rows = store.rows(
        "SELECT id, source, external_id, author_key, title, text, text_hash, created_at, "
        "likes, place, lang, lang_model, entities, search_text, sentiment_score, "
        "sentiment_label, sentiment_model, raw, file, position FROM posts ORDER BY id"
    )
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


def test_a_store_refuses_vectors_of_another_embedder(open_target: Any) -> None:
    from heard.pipeline.embedder_check import check_embedder

    store = open_target()
    check_embedder(store, "emb-other")  # an empty store takes any embedder
    write(store, make_posts(["物价上涨 菜价贵", "Bus 42 is late again"]))
    check_embedder(store, "emb-test")  # the embedder that made its vectors
    check_embedder(store, None)  # a run that embeds nothing
    with pytest.raises(InputError, match="holds 2 vectors made by emb-test.*embeds with emb-v2"):
        check_embedder(store, "emb-v2")


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
    assert store.known_text_hashes([content_hash("two"), content_hash("three")]) == {
        content_hash("two")
    }
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
    # what had been read at the checkpoint (schema 20): kept, replaced, NULL when not given
    assert store.checkpoint_mark("k") is None and store.checkpoint_mark("none") is None
    store.write_batch([], {}, {}, checkpoint=("k", "f.jsonl", 30, "1200:ab12"))
    assert (store.checkpoint("k"), store.checkpoint_mark("k")) == (30, "1200:ab12")
    store.write_batch([], {}, {}, checkpoint=("k", "f.jsonl", 31))
    assert (store.checkpoint("k"), store.checkpoint_mark("k")) == (31, None)


def test_quarantined_in_lists_an_uploads_rows_since_it_began(open_target: Any) -> None:
    """An upload's rows are quarantined under the name it was sent as; a later upload of that
    name lists only its own (``since``), on either backend."""
    from heard.clock import utcnow
    from heard.store.queries.overview import quarantined_in

    store = open_target()
    store.write_batch([], {}, {}, [Quarantined("b.csv", 3, "empty_text", "", "{}")], source="b")
    between = utcnow()
    store.write_batch([], {}, {}, [Quarantined("b.csv", 5, "bad_json", "", "x")], source="b")
    assert [r["position"] for r in quarantined_in(store, "b.csv", 10)] == [3, 5]
    assert [r["position"] for r in quarantined_in(store, "b.csv", 10, between)] == [5]


def test_quarantine_insert_or_ignore(open_target: Any) -> None:
    store = open_target()
    bad = [
        Quarantined("f.jsonl", 4, "bad_json", "line 4", "x" * 5000),
        Quarantined("f.jsonl", 9, "empty_text", "", "{}"),
    ]
    store.write_batch([], {}, {}, bad, source="s")
    store.write_batch([], {}, {}, bad, source="s")
    rows = store.rows("SELECT reason, source, length(raw) AS n FROM quarantine ORDER BY position")
    assert rows == [
        {"reason": "bad_json", "source": "s", "n": 2000},
        {"reason": "empty_text", "source": "s", "n": 2},
    ]


def test_failed_batch_stores_nothing(open_target: Any) -> None:
    """An error after the posts went in (here: one vector short) rolls back posts, quarantine
    and checkpoint together."""
    store = open_target()
    posts = make_posts(["a", "b", "c"])
    columns = enrich(posts)
    columns["embedding"] = columns["embedding"][:2]
    with pytest.raises(Exception):
        store.write_batch(
            posts, columns, MODELS, [Quarantined("f", 1, "bad_json")], "s", ("k", "f", 4)
        )
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
    assert rows == [
        {
            "run_id": "r1",
            "started_at": datetime(2026, 3, 1, 8, 0),
            "files": '["a.jsonl", "b.jsonl"]',
            "summary": '{"stored": 2}',
        }
    ]


def test_rows_take_question_mark_parameters(open_target: Any) -> None:
    store = open_target()
    write(store, make_posts(["100% sure", "what? really", "plain"]))
    assert (
        store.scalar("SELECT count(*) FROM posts WHERE text LIKE '%?%' AND lang = ?", ["en"]) == 1
    )
    assert store.scalar("SELECT count(*) FROM posts WHERE text LIKE '%\\%%' ESCAPE '\\'") == 1
    assert store.rows("SELECT id FROM posts WHERE id IN (?, ?) ORDER BY id", ["t:2", "t:0"]) == [
        {"id": "t:0"},
        {"id": "t:2"},
    ]


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


ZH = [
    "地铁二号线早高峰又延误了",
    "菜价上涨太快",
    "公交车站没有遮雨棚",
    "小区垃圾分类做得好",
    "医院挂号排队太久",
    "学校门口交通拥堵",
    "公园的路灯坏了",
    "地铁站电梯停运",
    "菜市场环境很好",
    "公交线路调整不方便",
]
EN = [
    "the bus was late again",
    "subway elevator broken",
    "food prices keep rising",
    "great new park",
    "hospital queue is too long",
    "bus route changed without notice",
    "traffic near the school",
    "the street lights are out",
    "recycling works well here",
    "late late late bus",
]
QUERIES = [
    "地铁",
    "地铁 延误",
    "菜价",
    "公交",
    "排队",
    "bus",
    "bus late",
    "the",
    "LATE",
    "park",
    "elevator 地铁",
    "café",
    "nothing-matches-this",
    "bus bus",
    "公交车 bus",
]


def corpus() -> list[str]:
    import random

    rng = random.Random(7)
    texts = []
    for i in range(90):
        pool = ZH if i % 3 else EN
        texts.append(" ".join(rng.choice(pool) for _ in range(rng.randint(1, 4))))
    texts += [texts[5], texts[6], texts[5]]  # identical texts: equal scores, ties on docid
    return texts


def _duckdb_ranking(db: Any, q: str, page: int, **filters: Any) -> list[tuple[str, float]]:
    """All matches of ``q`` as heard.read.posts ranks them on DuckDB, page by page by cursor
    (scores as the API shows them: 4 places)."""
    from heard.read.posts import PostFilter, search

    out, cursor = [], None
    while True:
        result = search(db, PostFilter(q=q, **filters), limit=page, cursor=cursor)
        out += [(p["id"], p["score"]) for p in result["posts"]]
        cursor = result["next_cursor"]
        if cursor is None:
            return out


def _duckdb_scores(db: Any, q: str, lang: str | None = None) -> list[tuple[str, float, int]]:
    """DuckDB's ranking query (the one ``heard.read.posts`` runs through ``search_ranked``), over
    its own rowid numbering: (post id, score, docid)."""
    from heard.read.posts import search_terms
    from heard.store.duckdb_search import _SCORED

    join, where, params = (
        ("", "", [])
        if lang is None
        else (" JOIN posts p ON p.id = d.name", " WHERE p.lang = ?", [lang])
    )
    rows = db.rows(
        f"{_SCORED} SELECT d.name, s.score, s.docid FROM scored s JOIN fts_main_posts.docs d "
        f"USING (docid){join}{where} ORDER BY s.score DESC, s.docid DESC",
        [search_terms(q), *params],
    )
    return [(r["name"], r["score"], r["docid"]) for r in rows]


def _postgres_scores(store: Any, q: str, lang: str | None = None) -> list[tuple[str, float, int]]:
    from heard.read.posts import search_terms

    where, params = ([], []) if lang is None else (["p.lang = ?"], [lang])
    return [
        (r["name"], r["score"], r["docid"])
        for r in store.search_ranked(search_terms(q), 10_000, None, where, params)
    ]


def _duckdb_scores(db: Any, q: str, lang: str | None = None) -> list[tuple[str, float, int]]:
    """DuckDB's ranking query (the one ``heard.read.posts`` runs through ``search_ranked``), over
    its own rowid numbering: (post id, score, docid)."""
    from heard.read.posts import search_terms
    from heard.store.duckdb_search import _SCORED

    join, where, params = (
        ("", "", [])
        if lang is None
        else (" JOIN posts p ON p.id = d.name", " WHERE p.lang = ?", [lang])
    )
    rows = db.rows(
        f"{_SCORED} SELECT d.name, s.score, s.docid FROM scored s JOIN fts_main_posts.docs d "
        f"USING (docid){join}{where} ORDER BY s.score DESC, s.docid DESC",
        [search_terms(q), *params],
    )
    return [(r["name"], r["score"], r["docid"]) for r in rows]


def _postgres_scores(store: Any, q: str, lang: str | None = None) -> list[tuple[str, float, int]]:
    from heard.read.posts import search_terms

    where, params = ([], []) if lang is None else (["p.lang = ?"], [lang])
    return [
        (r["name"], r["score"], r["docid"])
        for r in store.search_ranked(search_terms(q), 10_000, None, where, params)
    ]


def _postgres_ranking(
    store: Any, q: str, page: int, where: list[str] = (), params: list[Any] = ()
) -> list[tuple[str, float]]:
    from heard.read.posts import search_terms

    out, after = [], None
    while True:
        rows = store.search_ranked(search_terms(q), page + 1, after, where, params)
        out += [(r["name"], r["score"]) for r in rows[:page]]
        if len(rows) <= page:
            return out
        after = (rows[page - 1]["score"], rows[page - 1]["docid"])


def _by_score(
    ranking: list[tuple[Any, ...]], places: int | None = None
) -> list[tuple[float, list[str]]]:
    """A ranking as its score levels, best first, each with its posts (sorted: the order among
    equal scores is each store's own document numbering, see heard.store.postgres.search)."""
    levels: list[tuple[float, list[str]]] = []
    for name, score, *_ in ranking:
        score = round(score, places) if places is not None else score
        if levels and levels[-1][0] == score:
            levels[-1][1].append(name)
        else:
            assert not levels or score < levels[-1][0], "not best first"
            levels.append((score, [name]))
    return [(score, sorted(names)) for score, names in levels]


def _ranked_pages(
    search: Any, q: str, page: int, where: list[str] = (), params: list[Any] = ()
) -> list[tuple[str, float, int]]:
    """All matches of ``q``, fetched ``page`` at a time with ``after`` = where a page ended."""
    from heard.read.posts import search_terms

    out, after = [], None
    while True:
        rows = search(search_terms(q), page + 1, after, where, params)
        out += [(r["name"], r["score"], r["docid"]) for r in rows[:page]]
        if len(rows) <= page:
            return out
        after = (rows[page - 1]["score"], rows[page - 1]["docid"])


def test_search_ranks_the_same_on_both_backends(tmp_path: Path, pg_url: str) -> None:
    """One corpus (Chinese and English, segmented as the tokens stage does), written in the same
    batches to both stores: every query matches the same posts with the same scores, to the bit,
    in the same order — ties too once DuckDB's documents are renumbered (duckdb_search) — whole,
    page by page and filtered; and the read model's own search on DuckDB agrees."""
    from heard.read.posts import search_terms
    from heard.store.duckdb.view import ReadView
    from heard.store import duckdb_search
    from heard.store.backends import open_store

    texts = corpus()
    posts = make_posts(texts)
    columns = enrich(posts, [search_terms(t) for t in texts])
    first = slice(0, 50)
    second = slice(40, len(posts))  # overlaps: ten posts are already stored
    with open_store(tmp_path / "s.duckdb") as duck, open_store(pg_url) as pg:
        for store in (duck, pg):
            for part in (first, second):
                store.write_batch(posts[part], {k: v[part] for k, v in columns.items()}, MODELS)
            store.rebuild_search_index()
        db = ReadView(duck)
        before = {q: _duckdb_scores(db, q) for q in QUERIES}  # DuckDB's own rowid numbering
        duckdb_search.renumber_documents(duck.con)

        def on_duck(*a: Any) -> list[dict[str, Any]]:
            return duckdb_search.ranked(db, *a)

        matched = 0
        for q in QUERIES:
            exact = _duckdb_scores(db, q)
            assert _by_score(exact) == _by_score(before[q]), q  # renumbering changes ties only
            assert _postgres_scores(pg, q) == exact, q  # ids, scores to the bit, docids
            assert _postgres_scores(pg, q, "zh") == _duckdb_scores(db, q, "zh"), q
            assert _ranked_pages(pg.search_ranked, q, 3) == exact, q
            assert _ranked_pages(on_duck, q, 3) == exact, q
            zh = _ranked_pages(on_duck, q, 4, ["p.lang = ?"], ["zh"])
            assert _ranked_pages(pg.search_ranked, q, 4, ["p.lang = ?"], ["zh"]) == zh, q
            shown = [(name, round(score, 4)) for name, score, _ in exact]
            assert _duckdb_ranking(db, q, page=3) == shown, q  # the read model, by cursor
            matched += len(exact)
        assert matched > 100  # the queries do match: this compares rankings, not empty lists
        ties = _duckdb_scores(db, texts[5].split()[0])
        assert len({s for _, s, _ in ties}) < len(ties)  # and some scores tie


def test_postgres_breaks_ties_newest_batch_first(pg_url: str) -> None:
    from heard.store.backends import open_store

    with open_store(pg_url) as pg:
        for start in (0, 3):
            batch = make_posts(["same words here"] * 3, start=start)
            pg.write_batch(batch, enrich(batch), MODELS)
        pg.rebuild_search_index()
        ranked = pg.search_ranked("same words", 10)
        assert [r["name"] for r in ranked] == ["t:5", "t:4", "t:3", "t:2", "t:1", "t:0"]
        assert len({r["score"] for r in ranked}) == 1


def test_tokenizer_matches_duckdb_fts() -> None:
    """fts.tokenize (PostgreSQL's, in Python) splits and folds every assigned code point of the
    Basic Multilingual Plane as DuckDB's fts ``tokenize`` does, and some real sentences too."""
    import unicodedata

    import duckdb
    import pyarrow as pa

    from heard.store.duckdb.store import FTS_IGNORE, _fts_extension_path
    from heard.store.postgres.fts import tokenize

    con = duckdb.connect()
    con.execute(f"LOAD '{_fts_extension_path()}'")
    con.execute("CREATE TABLE posts (id VARCHAR, search_text VARCHAR)")
    con.execute(
        f"PRAGMA create_fts_index('posts', 'id', 'search_text', stemmer='none', "
        f"stopwords='none', ignore='{FTS_IGNORE}', lower=1, overwrite=1)"
    )
    samples = [
        f"a{chr(cp)}b"
        for cp in range(1, 0x10000)
        if unicodedata.category(chr(cp)) not in ("Cn", "Cs")
    ]
    samples += [
        "Café NAÏVE  façade",
        "  地铁二号线，早高峰！延误了…",
        "x_y-z 12,5 ½ ②",
        "İstanbul ǅ ß ﬁ",
        "Ｆｕｌｌ ｗｉｄｔｈ　全角",
        "e\u0301cole",
    ]
    con.register("s", pa.table({"t": pa.array(samples, pa.string())}))  # binding 60k values is slow
    got = con.execute(
        "SELECT t, list_filter(fts_main_posts.tokenize(t), x -> x <> '') FROM s"
    ).fetchall()
    differ = [(t, want, tokenize(t)) for t, want in got if tokenize(t) != want]
    assert not differ[:5], f"{len(differ)} of {len(samples)} differ"


# ---- several processes on one PostgreSQL database --------------------------------------------
CHILD = textwrap.dedent("""
    import sys, time
    sys.path[:0] = sys.argv[3].split(":")
    from test_store_contract import MODELS, enrich, make_posts
    from heard.store.backends import open_store

    url, mode = sys.argv[1], sys.argv[2]
    with open_store(url) as store:
        if mode == "write":
            for b in range(10):  # 10 batches of 20 with checkpoints, in turn with the parent
                texts = [f"child post {b} {i}" for i in range(20)]
                posts = make_posts(texts, start=b * 20, source="child")
                mark = ("child", "c.jsonl", (b + 1) * 20)
                store.write_batch(posts, enrich(posts), MODELS, checkpoint=mark)
                print(store.scalar("SELECT count(*) FROM posts"), flush=True)
                sys.stdin.readline()
        else:  # hold the topics writer lock until told to stop
            with store.writer_lock("topics"):
                print("locked", flush=True)
                sys.stdin.readline()
""")


def _child(pg_url: str, mode: str) -> subprocess.Popen[str]:
    here = Path(__file__).resolve().parent
    paths = ":".join([str(here), *[p for p in sys.path if p]])
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, pg_url, mode, paths],
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": paths},
    )


def test_two_processes_write_and_read_one_database(pg_url: str) -> None:
    """A second process writes batches while this one writes its own and reads: both see each
    other's committed batches, nothing is lost, no batch is seen half-written."""
    from heard.store.backends import open_store

    with open_store(pg_url) as store:
        child = _child(pg_url, "write")
        assert child.stdin is not None and child.stdout is not None
        try:
            for b in range(10):
                line = child.stdout.readline()
                assert line, child.stderr.read() if child.stderr else "child ended"
                assert int(line) == 40 * b + 20  # the child sees every batch committed so far
                assert store.scalar("SELECT count(*) FROM posts WHERE source = 'child'") == 20 * (
                    b + 1
                )
                posts = make_posts(
                    [f"parent post {b} {i}" for i in range(20)], start=b * 20, source="parent"
                )
                store.write_batch(
                    posts, enrich(posts), MODELS, checkpoint=("parent", "p.jsonl", (b + 1) * 20)
                )
                child.stdin.write("next\n")
                child.stdin.flush()
            child.wait(timeout=60)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        assert child.returncode == 0
        assert store.scalar("SELECT count(*) FROM posts") == 400
        assert store.scalar("SELECT count(*) FROM embeddings") == 400
        assert store.checkpoint("child") == 200 and store.checkpoint("parent") == 200
        with open_store(pg_url, read_only=True) as reader:  # a CLI query meanwhile
            assert reader.scalar("SELECT count(DISTINCT source) FROM posts") == 2
            with pytest.raises(StoreError, match="read-only"):
                reader.record_run("r", T0, "s", [], {})  # read-only means read-only


def test_one_topics_writer_at_a_time(pg_url: str) -> None:
    from heard.store.backends import open_store

    child = _child(pg_url, "lock")
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "locked"
        with open_store(pg_url) as store:
            with pytest.raises(StoreLockedError, match="another process is writing topics"):
                with store.writer_lock("topics"):
                    pass
            with store.writer_lock("other"):  # other names are other locks
                pass
            child.communicate("done\n", timeout=60)
            with store.writer_lock("topics"):  # released when the holder ends
                with pytest.raises(StoreLockedError):  # and not re-entrant across stores
                    with open_store(pg_url) as second, second.writer_lock("topics"):
                        pass
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_searches_go_on_while_the_index_is_rebuilt(pg_url: str) -> None:
    """Reader threads search without pause while this one rebuilds the index again and again
    (as ``heard watch`` does while ``heard serve`` answers): every search, first page (ranked
    live), statistics and later page (ranked by the first page's statistics), sees a whole
    index, and none is aborted as a deadlock (the statistics' query was, about once in 20
    swaps: its tables' locks crossed the swap's ``DROP SCHEMA … CASCADE``)."""
    import threading

    from heard.store.backends import open_store

    with open_store(pg_url) as store:
        batch = make_posts([f"bus {i % 5} late" for i in range(200)])
        store.write_batch(batch, enrich(batch), MODELS)
        store.rebuild_search_index()
        errors: list[BaseException] = []
        counts: list[int] = []
        stop = threading.Event()

        def search(kind: str) -> None:
            with store.read_connection() as reader:
                while not stop.is_set():
                    try:
                        frozen = reader.search_stats("bus late") if kind != "live" else None
                        if frozen is not None:
                            assert frozen["num_docs"] == 200, frozen
                        if kind != "stats":
                            ranked = reader.search_ranked("bus late", 1000, frozen=frozen)
                            counts.append(len(ranked))
                    except BaseException as exc:  # noqa: BLE001 - reported below
                        errors.append(exc)
                        return

        threads = [threading.Thread(target=search, args=(k,)) for k in ("live", "stats", "paged")]
        for thread in threads:
            thread.start()
        try:
            for _ in range(30):
                store.rebuild_search_index()
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
        assert not errors, errors[0]
        assert counts and set(counts) == {200}


def test_heard_db_url_reaches_the_postgres_store(
    pg_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``HEARD_DB=postgresql://…`` through the settings (whose ``db`` is still a Path: the URL
    loses a slash there and ``backends`` puts it back) opens PostgreSQL; a path opens DuckDB."""
    from heard.settings import load_settings
    from heard.store.backends import open_store
    from heard.store.duckdb.store import DuckDBStore
    from heard.store.postgres import PostgresStore

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HEARD_DB", pg_url)
    with open_store(load_settings().db) as store:
        assert isinstance(store, PostgresStore) and store.url == pg_url
    monkeypatch.setenv("HEARD_DB", str(tmp_path / "x.duckdb"))
    with open_store(load_settings().db) as store:
        assert isinstance(store, DuckDBStore)


def test_a_lost_connection_is_opened_again_before_a_write(pg_url: str) -> None:
    """A connection the server ended while idle (a restart, pg_terminate_backend) is replaced
    before the next statement: the write is stored, once. (It was a StoreError, "lost the
    connection", for the first statement after every restart; a connection lost under a
    statement still is one: tests/contract/test_postgres_reconnect.py.)"""
    from heard.store.backends import open_store

    with open_store(pg_url) as store, open_store(pg_url) as other:
        pid = store.scalar("SELECT pg_backend_pid()")
        assert other.scalar("SELECT pg_terminate_backend(?, 10000)", [pid])
        write(store, make_posts(["after the server went away"]))
        assert store.scalar("SELECT pg_backend_pid()") != pid
        assert other.scalar("SELECT count(*) FROM posts") == 1


def test_data_version_sees_other_processes_writes(pg_url: str) -> None:
    """The server's caches must notice what ``heard watch`` wrote in another process."""
    from heard.store.backends import open_store

    with open_store(pg_url) as writer, open_store(pg_url, read_only=True) as server:
        seen = server.data_version()
        write(writer, make_posts(["new"]))
        after_write = server.data_version()
        assert after_write != seen
        writer.rebuild_search_index()
        assert server.data_version() != after_write
        assert server.data_version() == server.data_version()  # reading changes nothing


def test_closing_leaves_no_session_behind(pg_url: str) -> None:
    """Stores close their connections (and with them temp tables and session locks), whether the
    block ends normally or by an error."""
    import psycopg

    from heard.store.backends import open_store

    with open_store(pg_url) as store:
        write(store, make_posts(["x"]))
        with store.writer_lock("topics"):
            pass
    with pytest.raises(RuntimeError):
        with open_store(pg_url) as store, store.writer_lock("topics"):
            raise RuntimeError("boom")
    import time

    with psycopg.connect(pg_url, autocommit=True) as con:
        for _ in range(100):  # a closed session's backend exits asynchronously: wait for it
            left = con.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'heard' "
                "AND pid <> pg_backend_pid()"
            ).fetchone()
            locks = con.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
            ).fetchone()
            if left == (0,) and locks == (0,):
                break
            time.sleep(0.05)
    assert left == (0,) and locks == (0,)


def test_read_view_serves_threads_and_sees_other_writers(pg_url: str) -> None:
    """What ``heard serve`` needs on PostgreSQL: a connection per request thread, the read
    model's portable queries, and a data version that moves when another process writes."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from heard.read.overview import quarantine
    from heard.read.posts import PostFilter, search
    from heard.store.backends import open_store
    from heard.store.postgres.readview import PostgresReadView

    with open_store(pg_url) as server_store, open_store(pg_url) as watcher:
        batch = make_posts([f"post {i}" for i in range(30)])
        watcher.write_batch(batch, enrich(batch), MODELS, [Quarantined("f", 1, "bad_json")], "s")
        view = PostgresReadView(server_store, max_queries=2)
        try:
            before = view.data_version
            threads: set[int] = set()

            def page(lang: str) -> list[str]:
                threads.add(threading.get_ident())
                return [p["id"] for p in search(view, PostFilter(lang=lang), limit=50)["posts"]]

            with ThreadPoolExecutor(4) as pool:
                pages = list(pool.map(page, ["en"] * 8))
            assert all(len(p) == 30 for p in pages)
            assert len(view._readers) == len(threads | {threading.get_ident()})  # one per thread
            assert quarantine(view)["by_reason"] == {"bad_json": 1}
            more = make_posts(["one more"], start=30)
            watcher.write_batch(more, enrich(more), MODELS)
            assert view.data_version != before
            assert len(page("en")) == 31
        finally:
            readers = list(view._readers)
            view.close()
        assert readers and all(r.con.closed for r in readers) and not server_store.con.closed


def test_overview_lists_equal_counts_in_key_order(open_target: Any) -> None:
    """The stats' groups (sources, languages, sentiment) with equal counts come in key order on
    both backends: the same store content gives the same answer (a 1M-post copy listed seven
    equal sources in a different order on each before)."""
    from heard.read.overview import overview

    store = open_target()
    for start, source in enumerate(["s4", "s1", "s6", "s0", "s3", "s5", "s2"]):
        write(store, make_posts([f"post {i}" for i in range(7)], start=7 * start, source=source))
    stats = overview(store, 1)
    assert [g["key"] for g in stats["sources"]] == [f"s{i}" for i in range(7)]
    assert {g["posts"] for g in stats["sources"]} == {7}
