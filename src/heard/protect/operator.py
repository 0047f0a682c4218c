"""Operator ``flags``: the ``harm`` stage's flags, stored for review after each batch is written.

Why an operator and not the runner's write path: flags live in their own table with an audit
entry each, and spam/scam flags above the threshold become automated decisions with a statement
of reasons (RIGHTS.md §5). That is protect's business, and the runner already calls every
operator's ``persist`` right after ``write_batch`` in the process that owns the store. The posts
of a batch are fresh (the runner drops already-stored ids before any stage runs) and a flag's id
is stable (post, label, source), so a re-run never stores a flag twice.

Flags commit in the batch's own transaction (``persist_with_batch``): a killed run leaves no
stored post without its flags. Posts stored while protect was off get theirs from
``heard flags --rescan`` (``rescan``), which flags every stored post again and stores only the
flags not stored yet; a pending detector flag the current detectors no longer raise (one from
before a fix) is withdrawn — a status with an audit entry, never a deletion.
"""

from __future__ import annotations

from typing import Any, ClassVar

from heard.pipeline.batch import Batch
from heard.protect.lift import lift_unsupported, reinstate_raised
from heard.protect.review import Review
from heard.protect.stage import HarmStage


class FlagOperator:
    name: ClassVar[str] = "flags"
    requires: ClassVar[tuple[str, ...]] = ("flags",)
    assigns: ClassVar[tuple[str, ...]] = ()
    persist_with_batch: ClassVar[bool] = True
    model = None

    def __init__(self, auto_threshold: float | None = 0.9, auto_action: str = "limit_visibility"):
        self.auto_threshold = auto_threshold
        self.auto_action = auto_action
        self.stored = {"flags": 0, "automated_decisions": 0}

    def process(self, batch: Batch) -> Batch:
        return batch

    def bind(self, store: Any) -> None:
        self.stored = {"flags": 0, "automated_decisions": 0}

    def persist(self, store: Any, batch: Batch | None = None) -> None:
        if batch is None or len(batch) == 0 or "flags" not in batch.columns:
            return
        per_post = [(p.id, flags) for p, flags in zip(batch.posts, batch["flags"]) if flags]
        if not per_post:
            return
        counts = Review(store).record_detector_flags(
            per_post, self.auto_threshold, self.auto_action
        )
        for key, n in counts.items():
            self.stored[key] += n

    def finish(self, store: Any, final: bool = True) -> dict[str, int]:
        return dict(self.stored)


def flag_rows(store: Any, stage: HarmStage, rows: list[tuple[str, str]]) -> list[list[dict]]:
    """The flags of stored posts (id, text): with their stored vectors when the stage has an
    embedding head, from the text alone for a post without one."""
    texts = [text or "" for _, text in rows]
    dim = store.topics.embedding_dim() if stage.vector_detector is not None else None
    if not dim:
        return stage.flag_texts(texts)
    found, vectors = store.topics.embeddings_of([pid for pid, _ in rows], dim)
    at = {pid: i for i, pid in enumerate(found)}
    with_vec = [i for i, (pid, _) in enumerate(rows) if pid in at]
    without = [i for i, (pid, _) in enumerate(rows) if pid not in at]
    out: list[list[dict]] = [[] for _ in rows]
    if with_vec:
        order = [at[rows[i][0]] for i in with_vec]
        read = stage.flag_texts([texts[i] for i in with_vec], vectors[order])
        for i, flags in zip(with_vec, read):
            out[i] = flags
    if without:
        for i, flags in zip(without, stage.flag_texts([texts[i] for i in without])):
            out[i] = flags
    return out


def rescan(
    store: Any,
    stage: HarmStage | None = None,
    auto_threshold: float | None = 0.9,
    auto_action: str = "limit_visibility",
    batch_size: int = 512,
    progress: Any = None,
) -> dict[str, int]:
    """Run the detectors over every stored post and store the flags not stored yet (posts
    ingested before protect was on, or by a Heard that committed flags after their batch), and
    withdraw the pending detector flags they no longer raise (``Review.withdraw_unraised``) and
    lift the automated decisions they would no longer take (``heard.protect.lift``).

    The embedding head reads each post's stored vector, as at ingest (a post without one is
    read from its text alone)."""
    from heard.store.queries.embedders import stored_embedder

    stage = stage or HarmStage(embedder_name=stored_embedder(store))
    review = Review(store)
    totals = {
        "posts": 0,
        "flags": 0,
        "automated_decisions": 0,
        "withdrawn": 0,
        "lifted": 0,
        "reopened": 0,
    }
    after = ""
    while True:
        rows = store.protect.post_texts(after, batch_size)
        if not rows:
            break
        flags = flag_rows(store, stage, rows)
        per_post = [(pid, f) for (pid, _), f in zip(rows, flags)]
        totals["withdrawn"] += review.withdraw_unraised(per_post, stage.model or "")
        totals["lifted"] += lift_unsupported(review, per_post, stage.model or "", auto_threshold)
        totals["reopened"] += reinstate_raised(review, per_post, stage.model or "")
        counts = review.record_detector_flags(
            [(pid, f) for pid, f in per_post if f], auto_threshold, auto_action
        )
        totals["posts"] += len(rows)
        for key, n in counts.items():
            totals[key] += n
        after = rows[-1][0]
        if progress:
            progress(len(rows))
    return totals
