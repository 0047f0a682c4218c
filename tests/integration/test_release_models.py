"""``heard ingest`` drops the stages' models after its last batch: the end-of-run work (topics,
issues, the search index) needs only the store and the operators, and a long run peaks there."""

from __future__ import annotations

from pathlib import Path

import pytest

from heard.errors import PipelineConfigError
from heard.pipeline.assemble import open_run
from heard.pipeline.stage import Operator
from heard.settings import Settings
from heard.store import open_store

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo" / "posts.jsonl"


def test_a_last_ingest_releases_the_models_and_still_finishes_the_run(tmp_path):
    src = tmp_path / "board.jsonl"
    src.write_text("".join(DEMO.read_text(encoding="utf-8").splitlines(True)[:120]), "utf-8")
    with open_run(Settings(db=tmp_path / "h.duckdb")) as run:
        assert any(s.name == "embed" for s in run.pipeline.stages)
        summary = run.ingest_files([src], source="board", last=True)
        assert summary.stored == 120
        assert run.pipeline.stages and all(isinstance(s, Operator) for s in run.pipeline.stages)
        with pytest.raises(PipelineConfigError, match="released"):
            run.ingest_files([src], source="board")
    with open_store(tmp_path / "h.duckdb", read_only=True) as store:
        assert store.pending_work() == set() and store.has_search_index()
        labels = store.rows("SELECT label FROM topics WHERE status = 'active'")
        assert labels and all(r["label"] for r in labels)  # the end-of-run work ran
