"""A router embeds what an ingest's embedder reads of a text (its first ``MODEL_TEXT_CHARS``
characters), never the whole of a very long one. Before, ``heard route`` on a .txt file whose
one line was 200,000 characters took 3.5 GB (and one of 1.2 million characters was killed for
memory): the zero-shot and the trained router embedded every text whole."""

from __future__ import annotations

from typing import Any

import pytest

from heard.answer import LabelledText, Router, ZeroShotRouter
from heard.answer.departments import Department
from heard.models import make_embedder
from heard.records import MODEL_TEXT_CHARS

DEPTS = [
    Department("transport", "交通运输", "Transport", "公交和出租车", "buses", ("公交", "bus")),
    Department("housing", "城乡建设", "Housing", "小区物业和房屋", "housing", ("物业", "小区")),
]
LONG = "12路公交车晚上停运太早，" * 2000  # 26,000 characters


class Recording:
    """The real embedder, noting the length of every text it is given."""

    def __init__(self, inner: Any):
        self.inner, self.lengths = inner, []

    def encode(self, texts: list[str]) -> Any:
        self.lengths.extend(len(t) for t in texts)
        return self.inner.encode(texts)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.fixture(scope="module")
def embedder() -> Any:
    return make_embedder("use-int8")


def test_the_zero_shot_router_embeds_what_an_ingest_reads(embedder):
    recording = Recording(embedder)
    router = ZeroShotRouter(DEPTS, embedder=recording)
    recording.lengths.clear()
    [route] = router.route([LONG])
    assert max(recording.lengths) == MODEL_TEXT_CHARS
    assert route.department == "transport"


def test_the_trained_router_embeds_what_an_ingest_reads(embedder):
    history = [
        LabelledText(f"t{i}", t, "transport")
        for i, t in enumerate(["公交车晚点", "公交站撤了", "出租车拒载", "公交线路太少"])
    ] + [
        LabelledText(f"h{i}", t, "housing")
        for i, t in enumerate(["小区物业不作为", "小区电梯坏了", "房屋漏水", "物业乱收费"])
    ]
    recording = Recording(embedder)
    router = Router.train([*history, LabelledText("long", LONG, "transport")], DEPTS,
                          embedder=recording)  # fmt: skip
    assert max(recording.lengths) == MODEL_TEXT_CHARS
    recording.lengths.clear()
    [route] = router.route([LONG])
    assert max(recording.lengths) == MODEL_TEXT_CHARS
    assert route.department == "transport"
