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

_QT = """
    WITH qt AS (SELECT DISTINCT t AS term
                FROM (SELECT unnest(fts_main_posts.tokenize(?)) AS t) WHERE t <> '')"""
_LIVE = """,
    hits AS (SELECT term, docid, tf, len FROM fts_main_posts.postings
             WHERE term IN (SELECT term FROM qt)),
    df AS (SELECT term, count(*) AS df FROM hits GROUP BY term),
    st AS (SELECT num_docs, avgdl FROM fts_main_posts.stats)"""
_FROZEN = """,
    hits AS (SELECT term, docid, tf, len FROM fts_main_posts.postings
             WHERE term IN (SELECT term FROM qt)),
    df AS (SELECT unnest(?::VARCHAR[]) AS term, unnest(?::BIGINT[]) AS df),
    st AS (SELECT ?::BIGINT AS num_docs, ?::DOUBLE AS avgdl)"""
"""The statistics a first page was ranked by (``stats``), as the same types as the live ones:
the same scores to the bit while the index has since been rebuilt over more posts."""
_SCORE = f""",
    scored AS (
        SELECT h.docid,
               round(sum(log((st.num_docs - df.df + 0.5) / (df.df + 0.5) + 1) * h.tf * {BM25_K1 + 1}
                         / (h.tf + {BM25_K1} * (1 - {BM25_B} + {BM25_B} * h.len / st.avgdl))),
                     9) AS score
        FROM hits h JOIN df USING (term) CROSS JOIN st
        GROUP BY h.docid HAVING count(*) = (SELECT count(*) FROM qt))"""
_SCORED = _QT + _LIVE + _SCORE
"""``heard.read.posts._SCORED``, unchanged: BM25 under the index's statistics now."""

STATS = f"""{_QT}
    SELECT st.num_docs, st.avgdl, qt.term,
           (SELECT count(*) FROM fts_main_posts.postings p WHERE p.term = qt.term) AS df
    FROM fts_main_posts.stats st LEFT JOIN qt ON TRUE"""
"""The statistics BM25 ranks a query by, read in one statement (one snapshot of the index)."""

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


def stats(db: Any, query: str) -> dict[str, Any]:
    """``PostgresStore.search_stats`` on DuckDB: ``{num_docs, avgdl, df: {term: posts}}`` for
    every distinct term of ``query`` (0 for a term no post holds)."""
    rows = db.rows(STATS, [query])
    if not rows:
        return {"num_docs": 0, "avgdl": 0.0, "df": {}}
    return {
        "num_docs": int(rows[0]["num_docs"]),
        "avgdl": float(rows[0]["avgdl"]),
        "df": {str(r["term"]): int(r["df"]) for r in rows if r["term"] is not None},
    }


def ranked(
    db: Any,
    query: str,
    limit: int,
    after: tuple[float, int] | None = None,
    where: Sequence[str] = (),
    params: Sequence[Any] = (),
    frozen: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """``PostgresStore.search_ranked`` on DuckDB: ``[{name, score, docid}]``, best first, ties
    newest-indexed first; ``db`` is a DuckDBStore or a ReadView (anything with ``rows``).
    ``frozen``: the ``stats`` to rank by instead of the index's statistics now."""
    clauses, values = list(where), list(params)
    if after is not None:
        clauses.append("(s.score < ? OR (s.score = ? AND s.docid < ?))")
        values += [after[0], after[0], after[1]]
    join = " JOIN posts p ON p.id = d.name" if where else ""
    body = " WHERE " + " AND ".join(clauses) if clauses else ""
    scored, head = _SCORED, list[Any]([query])
    if frozen is not None:
        terms = list(frozen["df"])
        scored = _QT + _FROZEN + _SCORE
        head = [query, terms, [frozen["df"][t] for t in terms]]
        head += [frozen["num_docs"], frozen["avgdl"]]
    rows = db.rows(
        f"{scored} SELECT d.name, s.score, s.docid FROM scored s JOIN fts_main_posts.docs d "
        f"USING (docid){join}{body} ORDER BY s.score DESC, s.docid DESC LIMIT ?",
        [*head, *values, limit],
    )
    return [{"name": r["name"], "score": r["score"], "docid": r["docid"]} for r in rows]
