"""The two kinds of pipeline step.

A **stage** is stateless per batch: it reads some columns and assigns others (normalise, langid,
tokens, embed, sentiment …). Stages can run anywhere, on any worker, in any number of copies.

An **operator** is a stage that also keeps state in the store (topics; later issues, alerts,
cases, the review queue). It runs in the one process that owns the store, and the runner calls its
lifecycle hooks: ``bind`` once before the first batch (load state, recover what a killed run left),
``persist`` right after each batch is written, ``finish`` at the end of a run (or, with
``final=False``, at a periodic refresh of a run that goes on). An operator whose ``persist`` adds
a few rows per post (flags, cases) declares ``persist_with_batch``: its writes then commit in the
batch's own transaction, so a run killed at any moment leaves no stored post without them; one
whose ``persist`` does heavy work of its own (topic consolidation) commits separately. An
operator may also have ``revisit(store, posts)``: the runner calls it, in the batch's transaction,
with the batch's posts that an earlier run stored (the cases operator imports a reply the source
has published since).
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol, runtime_checkable

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


@runtime_checkable
class Operator(Stage, Protocol):
    """A stage with state in the store; see the module docstring for when each hook runs."""

    persist_with_batch: ClassVar[bool]
    """``persist`` runs inside the transaction that writes the batch (see the module docstring)."""

    def bind(self, store: Any) -> None: ...

    def persist(self, store: Any, batch: Batch | None = None) -> None: ...

    def finish(self, store: Any, final: bool = True) -> Any: ...


def operators(stages: list[Any]) -> list[Operator]:
    """The operators among ``stages``, in pipeline order."""
    return [s for s in stages if isinstance(s, Operator)]
