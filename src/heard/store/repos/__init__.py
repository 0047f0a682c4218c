"""The repositories, one per concern, shared by both backends: written against the store's SQL
surface (``rows``, ``scalar``, ``fetchall``, ``arrow``, ``execute``, ``executemany``,
``registered``, ``transaction``; ``?`` placeholders) in SQL that DuckDB and PostgreSQL both run.
Vector arithmetic is done in numpy, never in SQL."""
