"""Topics: streaming discovery as a pipeline stage, its persistence, rebuilds and queries."""

from heard.listen.topics.queries import list_topics, parse_since, topic_detail
from heard.listen.topics.rebuild import rebuild_topics
from heard.listen.topics.stage import TopicStage

__all__ = ["TopicStage", "list_topics", "parse_since", "rebuild_topics", "topic_detail"]
