"""Work per post is bounded: a 100,000-character post is stored whole but the models read its
first MODEL_TEXT_CHARS characters (it cost 4.2 s of embedding before); a device or an endless
stream without newlines never hangs a read."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime

import numpy as np
import pytest

from heard.connectors import open_connector
from heard.connectors.follow import follow
from heard.errors import InputError
from heard.pipeline import Batch
from heard.records import MODEL_TEXT_CHARS, Post
from heard.stages import EmbedStage, LanguageDetector, NormaliseStage


class CountingEmbedder:
    name, dim = "counting@1", 4

    def __init__(self):
        self.lengths: list[int] = []

    def encode(self, texts):
        self.lengths += [len(t) for t in texts]
        return np.ones((len(texts), self.dim), dtype=np.float32) / 2


def post(text: str, i: int = 0) -> Post:
    return Post(
        id=f"t:{i}",
        source="t",
        external_id=str(i),
        text=text,
        created_at=datetime(2026, 11, 1, tzinfo=UTC),
    )


def test_the_embedder_reads_a_bounded_prefix_and_the_post_says_so():
    long, short = post("东湖路停水 water " * 10_000, 1), post("短帖", 2)
    embedder = CountingEmbedder()
    batch = EmbedStage(embedder).process(NormaliseStage().process(Batch([long, short])))
    assert embedder.lengths == [MODEL_TEXT_CHARS, 2]
    assert batch["embedding"].shape == (2, 4)
    assert "first 2,000" in long.raw["_heard_notes"][0] and "_heard_notes" not in short.raw
    assert len(long.text) > 100_000 - 1  # stored whole


def test_language_id_reads_a_bounded_prefix():
    detector = LanguageDetector()
    seen = []

    class Spy:
        def __init__(self, inner):
            self.inner = inner

        def classify(self, text):
            seen.append(len(text))
            return self.inner.classify(text)

    detector._identifier = Spy(detector._identifier)
    assert detector.detect("the bus is late again " * 5_000) == "en"
    assert seen and seen[0] <= MODEL_TEXT_CHARS


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_link_to_a_device_is_refused_not_read_forever(tmp_path):
    link = tmp_path / "zero.jsonl"
    link.symlink_to("/dev/zero")
    with pytest.raises(InputError, match="not a regular file"):
        open_connector(link)


def test_follow_holds_at_most_limit_bytes_of_an_endless_line():
    stream = io.BytesIO(b"\x00" * 10_000 + b"\n" + b'{"text": "after"}\n')
    lines = list(follow(stream, limit=1024))
    assert [(n, len(line)) for n, line in lines] == [(1, 1024), (2, 17)]
