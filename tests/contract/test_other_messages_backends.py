"""A row reusing a stored id with another text is another message, on both stores: the runner
reads the stored text hashes by id (``queries.posts.text_hashes_of``), counts the row in
``other_messages`` and stores nothing of it; the same rows read again are not counted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

AT = "2026-11-01 10:00:00"
ROWS = [{"id": "m1", "text": "东湖路的路灯坏了", "created_at": AT},
        {"id": "m2", "text": "12路公交车又晚点了", "created_at": AT}]  # fmt: skip
OTHER = [{"id": "m1", "text": "学校食堂卫生很差", "created_at": AT},
         {"id": "m2", "text": "12路公交车又晚点了", "created_at": AT}]  # fmt: skip


@pytest.fixture(scope="module")
def stages() -> list[Any]:
    from heard.settings import Settings
    from heard.stages import default_stages

    return default_stages(Settings(protect=False))


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def test_a_reused_id_with_another_text_is_counted_not_stored(
    open_target: Any, stages: list[Any], tmp_path: Path
) -> None:
    from heard.connectors.mapping import Mapper, fieldmap_for
    from heard.pipeline.builder import build_pipeline
    from heard.pipeline.runner import ingest_paths
    from heard.store.queries.posts import text_hashes_of

    def ingest(store: Any, path: Path) -> Any:
        return ingest_paths(
            store, [path], build_pipeline(stages), batch_size=4,
            make_mapper=lambda source: Mapper(fieldmap_for(None), source=source, salt="s"),
        )  # fmt: skip

    store = open_target()
    first = ingest(store, _write(tmp_path / "a" / "feed.jsonl", ROWS))
    assert first.stored == 2 and first.other_messages == 0
    hashes = text_hashes_of(store, ["feed:m1", "feed:m2", "feed:nope"])
    assert set(hashes) == {"feed:m1", "feed:m2"}
    other = ingest(store, _write(tmp_path / "b" / "feed.jsonl", OTHER))
    assert other.stored == 0 and other.already_stored == 1 and other.other_messages == 1
    assert other.quarantine_reasons == {"duplicate_id": 1}  # kept to read, with its reason
    assert store.scalar("SELECT text FROM posts WHERE id = 'feed:m1'") == "东湖路的路灯坏了"
    store.close()
