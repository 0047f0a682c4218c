"""The read model: the one way surfaces (CLI, API, dashboard, brief) read the store.

Every result is safe to show: no author keys, personal data redacted, aggregates with fewer than
k distinct authors suppressed (RIGHTS.md §4, §7). Filters, cursors and redaction live here; the
SQL each module reads with lives in ``heard.store.queries`` (one module per concern, named as
here).
"""
