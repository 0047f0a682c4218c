"""A run killed mid-way resumes after its last committed batch: no loss, no duplicates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from heard.pipeline.runner import ingest_paths
from heard.connectors.mapping import Mapper, fieldmap_for
from heard.pipeline import build_pipeline
from heard.settings import Settings
from heard.stages import default_stages
from heard.store import open_store


class Crash(RuntimeError):
    pass


def test_crash_mid_run_then_resume(tmp_path: Path, monkeypatch):
    src = tmp_path / "stream.jsonl"
    with open(src, "w", encoding="utf-8") as fh:
        for i in range(50):
            fh.write(
                json.dumps(
                    {
                        "id": i,
                        "text": f"第{i}条留言：小区停车位不够用 post {i}",
                        "created_at": "2026-11-01 10:00:00",
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
    settings = Settings(db=tmp_path / "r.duckdb", batch_size=10)
    pipeline = build_pipeline(default_stages(settings))
    fieldmap = fieldmap_for(None)

    class CrashingMapper(Mapper):
        calls = 0

        def map(self, row):
            CrashingMapper.calls += 1
            if CrashingMapper.calls == 27:  # in the third batch
                raise Crash("power cut")
            return super().map(row)

    with open_store(settings.db) as store:
        with pytest.raises(Crash):
            ingest_paths(
                store,
                [src],
                pipeline,
                batch_size=10,
                make_mapper=lambda s: CrashingMapper(
                    fieldmap, source=s, tz=settings.timezone, salt="s"
                ),
            )
        stored_before = store.scalar("SELECT count(*) FROM posts")
        assert stored_before in (10, 20)  # whole batches only, never a partial one

        summary = ingest_paths(
            store,
            [src],
            pipeline,
            batch_size=10,
            make_mapper=lambda s: Mapper(fieldmap, source=s, tz=settings.timezone, salt="s"),
        )
        assert summary.resumed_after == {str(src): stored_before}
        assert summary.stored == 50 - stored_before
        assert store.scalar("SELECT count(*) FROM posts") == 50
        assert store.scalar("SELECT count(DISTINCT id) FROM posts") == 50
        # a third run reads nothing new
        again = ingest_paths(
            store,
            [src],
            pipeline,
            batch_size=10,
            make_mapper=lambda s: Mapper(fieldmap, source=s, tz=settings.timezone, salt="s"),
        )
        assert again.stored == 0 and again.rows_read == 0
