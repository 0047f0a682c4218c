"""End-of-run work that a killed run owes, finished by whoever opens the store for writing next.

Every batch that stores posts marks ``finish`` in ``pending_work`` in its own transaction; the
search-index build that ends a run clears it in its own. A run killed between the two (after its
last batch, during topic consolidation, labels or the index build) leaves the mark, and:

- the next ingest finishes the work even when it stores no new post (``runner.finish_run``; the
  topics operator, bound while the mark is set, refreshes every active topic's labels, since it
  cannot know which ones the killed run touched);
- ``open_run`` (every ingest, watch, demo) and ``heard serve`` finish it as soon as they open the
  store (``finish_pending``), so no reader works on a store without labels, issues or search
  index. (The next run's own end-of-run work then finds nothing owed: it runs only when that run
  stores posts, so the issues must be found here too.)
"""

from __future__ import annotations

from heard.settings import Settings
from heard.store.protocol import FINISH, Store


def finish_pending(store: Store, settings: Settings | None = None) -> bool:
    """Finish what a killed run left (consolidation, pool, topic labels, the issues when
    ``settings`` has them on, search index) when the store says something is owed; True when it
    did. Needs no model: the topic state and the vectors are in the store."""
    if store.read_only or FINISH not in store.pending_work():
        return False
    from heard.listen.topics.stage import TopicStage

    dim = store.topics.embedding_dim()
    if dim:
        topics = TopicStage(dim=dim)
        topics.bind(store)
        topics.finish(store, final=True)
    if settings is not None and settings.issues:  # after the topics: an issue names its topic
        from heard.listen.issues.operator import IssueOperator

        IssueOperator(settings.issues_posts, settings.min_group_size).finish(store, final=True)
    store.rebuild_search_index(finished=True)
    return True
