"""Full-text search on PostgreSQL with DuckDB's ranking: BM25 over a postings table.

The DuckDB store builds ``fts_main_posts`` with DuckDB's fts extension and copies its term
occurrences into ``fts_main_posts.postings (term, docid, tf, len)``; ``heard.read.posts`` scores
the postings of a query's terms in SQL. Here the same tables are built by tokenizing
``posts.search_text`` in Python with DuckDB's own tokenizer (``fts.tokenize``), and the same
BM25 formula runs in SQL in double precision — so one store content gives the same matches with
the same scores, to the bit, on both backends (tests/contract/test_store_contract.py).

Ties: the read model breaks equal scores on ``docid``, newest-indexed first. DuckDB numbers
documents by ``rowid``, its physical order, which is not even the batch order (an ``INSERT OR
IGNORE`` of one Arrow batch lands in its own order) and cannot be reproduced elsewhere. Here
documents are numbered by ``(ingested_at, id)``: later batches last, a batch in id order. Equal
scores therefore come in the same order on both backends only once the DuckDB store numbers its
postings the same way (one ``row_number() OVER (ORDER BY ingested_at, id)`` in its rebuild).

The index is built in a schema of its own and swapped in at commit: readers keep the old index
until then, two rebuilders take turns (an advisory lock), and a swap waits for the searches
reading the old index (``SWAP_LOCK``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

import psycopg

from heard.store.postgres.fts import tokenize
from heard.store.postgres.sql import to_psycopg

SCHEMA = "fts_main_posts"
BUILD_SCHEMA = "fts_main_posts_build"
BM25_K1, BM25_B = 1.2, 0.75
"""DuckDB fts's defaults (as in ``heard.read.posts``)."""
REBUILD_LOCK = 0x48454152_0001
"""Advisory-lock key: one index build at a time per database."""
SWAP_LOCK = 0x48454152_0002
"""Advisory-lock key between readers of the index (shared, for their transaction) and the swap
of a new one (exclusive): a search takes no lock on the index's tables until no swap runs, and a
swap drops nothing a search has begun to read. ``DROP SCHEMA … CASCADE`` takes each old table's
exclusive lock in turn, and a search takes its tables' share locks in its plan's order; without
this key the two orders could cross, and PostgreSQL aborted one side: "deadlock detected"
(``tests/contract/test_store_contract.py::test_searches_go_on_while_the_index_is_rebuilt``)."""
CHUNK = 5000

_POSITIONAL = re.compile(r"%%|%s")

HAS_INDEX = "SELECT to_regclass('fts_main_posts.postings') IS NOT NULL"


def rebuild(con: psycopg.Connection[Any]) -> int:
    """(Re)build ``fts_main_posts`` over the posts committed now; return how many documents."""
    b = BUILD_SCHEMA
    with con.transaction():
        con.execute("SELECT pg_advisory_xact_lock(%s)", [REBUILD_LOCK])
        con.execute(f"DROP SCHEMA IF EXISTS {b} CASCADE")
        con.execute(f"CREATE SCHEMA {b}")
        con.execute(
            f"CREATE TABLE {b}.docs (docid BIGINT PRIMARY KEY, name TEXT NOT NULL, "
            "len INTEGER NOT NULL)"
        )
        con.execute(
            f"CREATE UNLOGGED TABLE {b}.raw_postings (term TEXT, docid BIGINT, tf INTEGER, "
            "len INTEGER)"
        )
        docid = 0
        with con.cursor(name="heard_fts_read") as reader:
            reader.itersize = CHUNK
            reader.execute("SELECT id, search_text FROM posts ORDER BY ingested_at, id")
            while rows := reader.fetchmany(CHUNK):
                docs: list[tuple[int, str, int]] = []
                postings: list[tuple[str, int, int, int]] = []
                for post_id, text in rows:
                    terms = tokenize(text)
                    docs.append((docid, post_id, len(terms)))
                    for term, tf in Counter(terms).items():
                        postings.append((term, docid, tf, len(terms)))
                    docid += 1
                with con.cursor() as cur:
                    with cur.copy(f"COPY {b}.docs (docid, name, len) FROM STDIN") as copy:
                        for doc in docs:
                            copy.write_row(doc)
                    with cur.copy(f"COPY {b}.raw_postings FROM STDIN") as copy:
                        for posting in postings:
                            copy.write_row(posting)
        # Sorted by term, so a query's postings lie together on disk (DuckDB's row groups alike).
        con.execute(
            f"CREATE TABLE {b}.postings AS SELECT term, docid, tf, len "
            f"FROM {b}.raw_postings ORDER BY term, docid"
        )
        con.execute(f"DROP TABLE {b}.raw_postings")
        con.execute(f"CREATE INDEX ON {b}.postings (term)")
        con.execute(
            f"CREATE TABLE {b}.stats AS SELECT count(*)::BIGINT AS num_docs, "
            f"coalesce(sum(len)::FLOAT8 / nullif(count(*), 0), 0) AS avgdl FROM {b}.docs"
        )
        # Statistics for all three: without them the planner takes ``stats`` for 1,850 rows and
        # joins ``docs`` by a scan per candidate (4.6 s instead of 48 ms for 'to' on 20k posts).
        for table in ("postings", "docs", "stats"):
            con.execute(f"ANALYZE {b}.{table}")
        con.execute("SELECT pg_advisory_xact_lock(%s)", [SWAP_LOCK])
        con.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        con.execute(f"ALTER SCHEMA {b} RENAME TO {SCHEMA}")
    return docid


SEARCH_WORK_MEM = "64MB"
"""Memory for one search's hash aggregate (``SET LOCAL``, this query only). The default 4 MB spills
to disk at 1M posts: two common terms are ~190k postings over ~180k documents (a 27 MB table);
measured 470 → 281 ms median with the rewrite below (bench/api_latency_postgres.py)."""

_QT = "WITH qt AS (SELECT DISTINCT t AS term FROM unnest(%(terms)s::TEXT[]) AS u(t))"
_LIVE = f""",
    hits AS (SELECT term, docid, tf, len, count(*) OVER (PARTITION BY term) AS df
             FROM {SCHEMA}.postings WHERE term = ANY(%(terms)s::TEXT[])),
    st AS (SELECT num_docs::FLOAT8 AS num_docs, avgdl FROM {SCHEMA}.stats)"""
_FROZEN = f""",
    fdf AS (SELECT unnest(%(df_terms)s::TEXT[]) AS term, unnest(%(df)s::BIGINT[]) AS df),
    hits AS (SELECT p.term, p.docid, p.tf, p.len, fdf.df FROM {SCHEMA}.postings p
             JOIN fdf USING (term) WHERE p.term = ANY(%(terms)s::TEXT[])),
    st AS (SELECT %(num_docs)s::BIGINT::FLOAT8 AS num_docs, %(avgdl)s::FLOAT8 AS avgdl)"""
"""The statistics a first page was ranked by (``stats``), as the live ones' types: later pages
score every post as the first did, whatever was indexed since."""
_SCORE = f""",
    raw AS (
        SELECT h.docid, sum(log((st.num_docs - h.df + 0.5::FLOAT8) / (h.df + 0.5::FLOAT8) + 1)
                            * h.tf * {BM25_K1 + 1}::FLOAT8
                            / (h.tf + {BM25_K1}::FLOAT8 * (1 - {BM25_B}::FLOAT8
                                     + {BM25_B}::FLOAT8 * h.len / st.avgdl))) * 1e9::FLOAT8 AS x
        FROM hits h CROSS JOIN st
        GROUP BY h.docid HAVING count(*) = (SELECT count(*) FROM qt)),
    scored AS (SELECT docid, (trunc(x) + CASE WHEN x - trunc(x) >= 0.5 THEN 1 ELSE 0 END)
                             / 1e9::FLOAT8 AS score FROM raw)"""
_SCORED = _QT + _LIVE + _SCORE
"""The read model's BM25 (``heard.read.posts._SCORED``) in PostgreSQL: the same formula and
operation order in float8, ``log`` base 10 as DuckDB's, and DuckDB's ``round(x, 9)``
(half away from zero, which PostgreSQL's ``round(float8)`` is not). A term's document frequency
is a window count over the postings read in term order (one pass; a ``GROUP BY term`` joined
back read them twice and spilled them to disk)."""


def stats(con: psycopg.Connection[Any], query: str) -> dict[str, Any]:
    """What BM25 ranks ``query`` by now: ``{num_docs, avgdl, df: {term: posts}}`` for every
    distinct term of the query (0 for a term no post holds), read in one statement."""
    terms = list(dict.fromkeys(tokenize(query)))
    with con.transaction():
        _wait_for_any_swap(con)
        rows = con.execute(
            f"SELECT st.num_docs, st.avgdl, u.t, (SELECT count(*) FROM {SCHEMA}.postings p "
            f"WHERE p.term = u.t) FROM {SCHEMA}.stats st "
            "LEFT JOIN unnest(%s::TEXT[]) AS u(t) ON TRUE",
            [terms],
        ).fetchall()
    if not rows:
        return {"num_docs": 0, "avgdl": 0.0, "df": {}}
    return {
        "num_docs": int(rows[0][0]),
        "avgdl": float(rows[0][1]),
        "df": {str(t): int(n) for _, _, t, n in rows if t is not None},
    }


def ranked(
    con: psycopg.Connection[Any],
    query: str,
    limit: int,
    after: tuple[float, int] | None = None,
    where: Sequence[str] = (),
    params: Sequence[Any] = (),
    frozen: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The best ``limit`` matches of ``query`` (every term must match): ``name`` (the post id),
    ``score`` (rounded to 9 places) and ``docid``, best first, ties newest-indexed first — the
    order of ``heard.read.posts._best_match``. ``after`` is the (score, docid) a page ended on;
    ``where`` are filters over ``posts p`` with ``?`` placeholders, bound to ``params``."""
    terms = list(dict.fromkeys(tokenize(query)))
    if not terms:
        return []
    clauses = [to_psycopg(w) for w in where]
    named: dict[str, Any] = {"terms": terms, "limit": limit}
    scored = _SCORED
    if frozen is not None:
        scored = _QT + _FROZEN + _SCORE
        named.update(df_terms=list(frozen["df"]), df=list(frozen["df"].values()))
        named.update(num_docs=frozen["num_docs"], avgdl=frozen["avgdl"])
    values = list(params)
    if after is not None:
        clauses.append("(s.score < %s OR (s.score = %s AND s.docid < %s))")
        values += [after[0], after[0], after[1]]
    # psycopg takes one placeholder style per statement: number the positional ones.
    numbered = iter(range(len(values)))
    body = _POSITIONAL.sub(
        lambda m: m[0] if m[0] == "%%" else f"%(p{next(numbered)})s", " AND ".join(clauses)
    )
    named.update({f"p{i}": v for i, v in enumerate(values)})
    order = "ORDER BY s.score DESC, s.docid DESC"
    if where:
        sql = (
            f"{scored} SELECT d.name, s.score, s.docid FROM scored s JOIN {SCHEMA}.docs d "
            f"USING (docid) JOIN posts p ON p.id = d.name WHERE {body} {order} LIMIT %(limit)s"
        )
    else:  # the page first, then its names: not a docs lookup per matching document
        sql = (
            f"{scored} SELECT d.name, s.score, s.docid FROM (SELECT docid, score FROM scored s"
            f"{' WHERE ' + body if body else ''} {order} LIMIT %(limit)s) s "
            f"JOIN {SCHEMA}.docs d USING (docid) {order}"
        )
    with con.transaction(), con.cursor() as cur:
        _wait_for_any_swap(con)
        cur.execute(f"SET LOCAL work_mem = '{SEARCH_WORK_MEM}'")
        cur.execute(sql, named)
        return [{"name": n, "score": s, "docid": d} for n, s, d in cur.fetchall()]


def _wait_for_any_swap(con: psycopg.Connection[Any]) -> None:
    """In a search's transaction, before it reads the index: share ``SWAP_LOCK`` until commit."""
    con.execute("SELECT pg_advisory_xact_lock_shared(%s)", [SWAP_LOCK])
