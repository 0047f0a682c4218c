"""Topics: streaming discovery as a pipeline stage, its persistence, rebuilds and queries."""

from heard.listen.topics.rebuild import rebuild_topics
from heard.listen.topics.stage import TopicStage

__all__ = ["TopicStage", "rebuild_topics"]
