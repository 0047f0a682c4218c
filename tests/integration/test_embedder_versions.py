"""A database keeps one vector space: an ingest whose embedder (or embedder version) differs from
the one that made the stored vectors is refused, nothing stored, with the setting that fits."""

from __future__ import annotations

import json
from pathlib import Path

from heard.cli import run
from heard.pipeline.embedder_check import embedder_spec
from heard.store import open_store


def write_jsonl(path: Path, texts: list[str]) -> Path:
    rows = [
        {"id": str(i), "text": t, "created_at": "2026-11-01 10:00:00", "author": f"a{i}"}
        for i, t in enumerate(texts)
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def test_a_store_embedded_by_the_per_row_int8_version_is_not_mixed(tmp_path, capsys, monkeypatch):
    db = tmp_path / "h.duckdb"
    first = write_jsonl(
        tmp_path / "a.jsonl", ["长乐路又停水了，谁来管管？", "Bus 42 was late again"]
    )
    assert run(["ingest", str(first), "--db", str(db)]) == 0
    with open_store(db) as store:  # as the per-row version (use-int8-row) records its vectors
        new_name = store.scalar("SELECT DISTINCT model FROM embeddings")
        assert new_name.endswith("+int8")
        store.execute("UPDATE embeddings SET model = replace(model, '+int8', '+int8-row')")
    capsys.readouterr()

    more = write_jsonl(tmp_path / "b.jsonl", ["小区门口的路灯坏了", "The park is lovely"])
    assert run(["ingest", str(more), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "holds 2 vectors made by use-multilingual-v3@" in err and new_name in err
    assert "embedder = 'use-int8-row'" in err
    with open_store(db, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM posts") == 2  # nothing half-stored

    # with the database's own embedder the ingest goes on, in one vector space
    monkeypatch.setenv("HEARD_EMBEDDER", "use-int8-row")
    assert run(["ingest", str(more), "--db", str(db)]) == 0
    with open_store(db, read_only=True) as store:
        models = store.fetchall("SELECT model, count(*) FROM embeddings GROUP BY model")
    assert len(models) == 1 and models[0][0].endswith("+int8-row") and models[0][1] == 4


def test_the_setting_named_for_each_recorded_embedder():
    base = "use-multilingual-v3@0.2.1+sentencepiece-0.2.3"
    assert embedder_spec(base) == "use"
    assert embedder_spec(base + "+int8") == "use-int8"
    assert embedder_spec(base + "+int8-row") == "use-int8-row"
    assert embedder_spec("st:mini@local") == "st:/path/to/mini"
    assert embedder_spec("something-else@1") is None
