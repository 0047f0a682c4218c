"""The stage protocol: a named step that reads some columns of a batch and assigns others."""

from __future__ import annotations

from typing import ClassVar, Protocol, runtime_checkable

from heard.pipeline.batch import Batch


@runtime_checkable
class Stage(Protocol):
    """A pipeline step.

    ``requires`` names the columns it reads, ``assigns`` those it writes; the builder refuses a
    pipeline where a stage requires a column no earlier stage assigns. ``model`` is the
    ``name@version`` recorded beside what the stage assigns (``None`` for pure rules).
    """

    name: ClassVar[str]
    requires: ClassVar[tuple[str, ...]]
    assigns: ClassVar[tuple[str, ...]]

    @property
    def model(self) -> str | None: ...

    def process(self, batch: Batch) -> Batch: ...
