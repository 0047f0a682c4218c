"""DuckDB's half of the portable search: ``ranked`` (the store-level ranking the PostgreSQL store
has as ``search_ranked``) and ``renumber_documents`` (document numbers both backends share).

Why: ``heard.read.posts`` ranks with SQL only DuckDB runs (the fts ``tokenize`` macro, a subquery
without an alias, ``round(DOUBLE, 9)``), so the ranking belongs in the store, one implementation
per backend behind one signature. And equal scores are ordered by ``docid``: DuckDB's fts numbers
documents by ``rowid``, which is not even batch order (an ``INSERT OR IGNORE`` of one Arrow batch
lands in its own order) and which PostgreSQL cannot reproduce. ``renumber_documents``, run at
the end of ``DuckDBStore.rebuild_search_index``, numbers them by ``(ingested_at, id)`` as the
PostgreSQL store does; then both backends give the same pages, ties included
(tests/contract/test_store_contract.py).

``DuckDBStore.search_ranked`` and the read view's call ``ranked``; ``renumber_documents`` is not
run yet (ties between equal scores may then come in another order than on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

BM25_K1, BM25_B = 1.2, 0.75

_SCORED = f"""
    WITH qt AS (SELECT DISTINCT t AS term
                FROM (SELECT unnest(fts_main_posts.tokenize(?)) AS t) WHERE t <> ''),
    hits AS (SELECT term, docid, tf, len FROM fts_main_posts.postings
             WHERE term IN (SELECT term FROM qt)),
    df AS (SELECT term, count(*) AS df FROM hits GROUP BY term),
    st AS (SELECT num_docs, avgdl FROM fts_main_posts.stats),
    scored AS (
        SELECT h.docid,
               round(sum(log((st.num_docs - df.df + 0.5) / (df.df + 0.5) + 1) * h.tf * {BM25_K1 + 1}
                         / (h.tf + {BM25_K1} * (1 - {BM25_B} + {BM25_B} * h.len / st.avgdl))),
                     9) AS score
        FROM hits h JOIN df USING (term) CROSS JOIN st
        GROUP BY h.docid HAVING count(*) = (SELECT count(*) FROM qt))"""
"""``heard.read.posts._SCORED``, unchanged."""

RENUMBER = [
    """CREATE TABLE fts_main_posts.ordered AS
       SELECT row_number() OVER (ORDER BY p.ingested_at, p.id) - 1 AS docid, d.docid AS fts_docid,
              d.name, d.len
       FROM fts_main_posts.docs d JOIN posts p ON p.id = d.name""",
    """CREATE OR REPLACE TABLE fts_main_posts.postings AS
       SELECT s.term, o.docid, s.tf, s.len FROM fts_main_posts.postings s
       JOIN fts_main_posts.ordered o ON o.fts_docid = s.docid ORDER BY s.term, o.docid""",
    """CREATE OR REPLACE TABLE fts_main_posts.docs AS
       SELECT docid, name, len FROM fts_main_posts.ordered ORDER BY docid""",
    "DROP TABLE fts_main_posts.ordered",
]
"""Postings and docs renumbered by ``(ingested_at, id)``. (The fts extension's own ``terms``
keep its numbers; ``match_bm25``, which reads them with ``docs``, is not used by Heard.)"""


def renumber_documents(con: Any) -> None:
    """Run after ``rebuild_search_index`` on a DuckDB connection (inside one transaction)."""
    con.execute("BEGIN")
    try:
        for sql in RENUMBER:
            con.execute(sql)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def ranked(
    db: Any,
    query: str,
    limit: int,
    after: tuple[float, int] | None = None,
    where: Sequence[str] = (),
    params: Sequence[Any] = (),
) -> list[dict[str, Any]]:
    """``PostgresStore.search_ranked`` on DuckDB: ``[{name, score, docid}]``, best first, ties
    newest-indexed first; ``db`` is a DuckDBStore or a ReadView (anything with ``rows``)."""
    clauses, values = list(where), list(params)
    if after is not None:
        clauses.append("(s.score < ? OR (s.score = ? AND s.docid < ?))")
        values += [after[0], after[0], after[1]]
    join = " JOIN posts p ON p.id = d.name" if where else ""
    body = " WHERE " + " AND ".join(clauses) if clauses else ""
    rows = db.rows(
        f"{_SCORED} SELECT d.name, s.score, s.docid FROM scored s JOIN fts_main_posts.docs d "
        f"USING (docid){join}{body} ORDER BY s.score DESC, s.docid DESC LIMIT ?",
        [query, *values, limit],
    )
    return [{"name": r["name"], "score": r["score"], "docid": r["docid"]} for r in rows]
