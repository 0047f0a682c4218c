"""Build a pipeline from stages and check, before any work, that each requirement is met."""

from __future__ import annotations

from collections.abc import Sequence

from heard.errors import HeardError, PipelineConfigError, StageError
from heard.pipeline.batch import BASE_COLUMNS, Batch
from heard.pipeline.stage import Operator, Stage


class Pipeline:
    """Stages in order. ``run`` passes a batch through each of them."""

    def __init__(self, stages: Sequence[Stage]):
        self.stages = list(stages)
        self.released = False
        self.checked_store: object | None = None  # the store whose embedder was last checked

    @property
    def assigns(self) -> set[str]:
        out = set(BASE_COLUMNS)
        for stage in self.stages:
            out.update(stage.assigns)
        return out

    def models(self) -> dict[str, str]:
        """Stage name → ``model@version`` for each stage that uses a model."""
        return {s.name: s.model for s in self.stages if s.model}

    def release_models(self) -> None:
        """Keep only the operators: the stages' models (embedder, langid, sentiment, protect's
        heads) are not needed by the end-of-run work, where a long run's memory peaks. The
        pipeline cannot process batches after this."""
        self.stages = [s for s in self.stages if isinstance(s, Operator)]
        self.released = True

    def split_after(self, name: str) -> tuple[Pipeline, Pipeline]:
        """(stages up to and including ``name``, the stages after it); all in the first part when
        ``name`` is absent. The runner runs the two parts in different threads."""
        self._check_not_released()
        names = [s.name for s in self.stages]
        cut = names.index(name) + 1 if name in names else len(self.stages)
        return Pipeline(self.stages[:cut]), Pipeline(self.stages[cut:])

    def _check_not_released(self) -> None:
        if self.released:
            raise PipelineConfigError(
                "this run's models were released at the end of its ingest",
                "assemble a new run (open_run) to ingest more",
            )

    def run(self, batch: Batch) -> Batch:
        self._check_not_released()
        for stage in self.stages:
            if len(batch) == 0:
                break
            try:
                batch = stage.process(batch)
            except HeardError:
                raise
            except Exception as exc:
                raise StageError(
                    f"stage {stage.name!r} failed on a batch of {len(batch)} posts: "
                    f"{type(exc).__name__}: {exc}",
                    "this is a bug in Heard: report it with the command and, if you can, the input",
                ) from exc
        return batch


def build_pipeline(stages: Sequence[Stage]) -> Pipeline:
    """Check the order of ``stages`` and return the pipeline.

    Raises ``PipelineConfigError`` naming the stage, what it is missing, and which stage would
    assign it, e.g. ``stage 'sentiment' requires 'embedding', which no earlier stage assigns
    (it is assigned by 'embed', which comes later: move 'embed' before 'sentiment')``.
    """
    available = set(BASE_COLUMNS)
    names: set[str] = set()
    for index, stage in enumerate(stages):
        if stage.name in names:
            raise PipelineConfigError(
                f"stage {stage.name!r} appears twice in the pipeline",
                "list each stage once",
            )
        names.add(stage.name)
        missing = [col for col in stage.requires if col not in available]
        if missing:
            col = missing[0]
            later = [s.name for s in stages[index + 1 :] if col in s.assigns]
            if later:
                fix = f"move {later[0]!r} before {stage.name!r}"
                where = f"it is assigned by {later[0]!r}, which comes later"
            else:
                fix = f"add a stage that assigns {col!r} before {stage.name!r}"
                where = "no stage in this pipeline assigns it"
            raise PipelineConfigError(
                f"stage {stage.name!r} requires {col!r}, which no earlier stage assigns ({where})",
                fix,
            )
        available.update(stage.assigns)
    return Pipeline(stages)
