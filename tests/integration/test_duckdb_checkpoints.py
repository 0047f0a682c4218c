"""A DuckDB writer checkpoints only after ``CHECKPOINT_THRESHOLD`` of WAL (DuckDB's own default,
16 MB, made a long ingest rewrite every stored vector every few thousand posts), and what it
committed since the last checkpoint survives a kill: the WAL is replayed at the next open."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from heard.store import open_store

BATCHES, PER_BATCH, DIM = 10, 1000, 512

WRITER = textwrap.dedent(
    f"""
    import os, sys
    from datetime import datetime, timezone
    import numpy as np
    from heard.records import Post
    from heard.store import open_store

    store = open_store(sys.argv[1])
    rng = np.random.default_rng(0)
    for b in range({BATCHES}):
        posts = [
            Post(id=f"t:{{b}}-{{i}}", source="t", external_id=f"{{b}}-{{i}}",
                 text=f"post {{b}} {{i}}", created_at=datetime(2026, 3, 1, tzinfo=timezone.utc),
                 file="in.jsonl", position=b * {PER_BATCH} + i + 1)
            for i in range({PER_BATCH})
        ]
        vecs = rng.standard_normal(({PER_BATCH}, {DIM})).astype(np.float32)
        store.write_batch(posts, {{"embedding": vecs}}, {{"embed": "emb-test"}})
    print(os.path.getsize(sys.argv[1] + ".wal"), flush=True)
    os._exit(0)  # killed: no close, no checkpoint at close
    """
)


def test_a_killed_writer_keeps_over_16_megabytes_of_wal_and_loses_nothing(tmp_path: Path):
    db = tmp_path / "h.duckdb"
    open_store(db).close()
    done = subprocess.run(
        [sys.executable, "-c", WRITER, str(db)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    wal_bytes = int(done.stdout.strip())
    # 10,000 vectors of 2 KB: past DuckDB's default 16 MB, a checkpoint would have emptied it
    assert wal_bytes > 16 * 2**20
    with open_store(db, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM posts") == BATCHES * PER_BATCH
        assert store.scalar("SELECT count(DISTINCT post_id) FROM embeddings") == BATCHES * PER_BATCH
