"""Pipeline: stages that enrich batches of posts, checked as a whole before any work starts."""

from heard.pipeline.batch import Batch
from heard.pipeline.builder import Pipeline, build_pipeline
from heard.pipeline.stage import Stage

__all__ = ["Batch", "Pipeline", "Stage", "build_pipeline"]
