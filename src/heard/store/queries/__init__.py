"""The read model's SQL: one module per concern, mirroring ``heard.read``.

Each function takes the store's read surface first (a ``Store``, or a request threads' reader:
``heard.store.protocol.Reader``) and typed values, runs SQL that DuckDB and PostgreSQL both run
(``docs/store-backends.md``), and returns rows (``list[dict]``), scalars or nothing. Values reach
the SQL only as bound parameters; where a query's shape varies (a filter given or not, a time
unit, a grouping), the function chooses among fixed pieces of SQL by the value, never by text a
caller passes in.

Nothing here redacts, suppresses small groups or applies decisions: ``heard.read`` shapes what
these return into what a surface may show (RIGHTS.md §4, §7).
"""
