"""Provisional topic members are shown, not counted (``heard.store.repos.provisional``).

At the end of a run, a post that fits no topic but is at least ``attach`` (0.3) close to one is
shown in it provisionally. Two posts about a park's toilet joined a construction-noise topic that
way at similarity 0.33–0.41 and raised its size, authors and heat. Here, on a real DuckDB store
through the real topics stage: eight close posts seed a topic, three loose ones (similarity
≈ 0.38, other authors) come in a later run and are attached provisionally; the topic's size and
authors, the hot-spot stream and ``heard topics --json`` count the eight only, and ``heard
topic`` says it also shows three loosely related posts.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from heard.api import create_app

from heard.cli import _register
from heard.cli.app import app
from heard.listen.hotspots.series import load_stream
from heard.listen.topics.stage import TopicStage
from heard.records import Post
from heard.settings import Settings
from heard.store import open_store
from heard.store.repos.provisional import pooled_ids

DIM = 512
T0 = datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc)


def _vectors() -> np.ndarray:
    rng = np.random.default_rng(7)
    a = rng.standard_normal(DIM)
    a /= np.linalg.norm(a)
    out = []
    for _ in range(8):  # close to a: they seed a topic together
        v = a + rng.normal(scale=0.02, size=DIM)
        out.append(v / np.linalg.norm(v))
    for _ in range(3):  # loose: 0.38 to a, far from one another
        b = rng.standard_normal(DIM)
        b -= (b @ a) * a
        b /= np.linalg.norm(b)
        out.append(0.38 * a + np.sqrt(1 - 0.38**2) * b)
    return np.asarray(out, dtype=np.float32)


def _store(path: Path, times: list[datetime] | None = None) -> list[str]:
    vecs = _vectors()
    times = times or [T0 + timedelta(hours=i) for i in range(len(vecs))]
    posts = [
        Post(
            id=f"t:{i}",
            source="t",
            external_id=str(i),
            text="翠湖广场工地夜间施工噪音" if i < 8 else "东湖公园的厕所太脏了",
            created_at=times[i],
            author_key=f"author-{i}",
        )
        for i in range(len(vecs))
    ]
    with open_store(path) as store:
        for run in (slice(0, 8), slice(8, len(posts))):  # the loose posts come in a later run
            part, n = posts[run], len(posts[run])
            stage = TopicStage(dim=DIM, clock=lambda: datetime(2026, 11, 3))
            stage.bind(store)
            store.write_batch(
                part,
                {
                    "lang": ["zh"] * n,
                    "search_text": [p.text for p in part],
                    "sentiment_score": [-0.5] * n,
                    "sentiment_label": ["negative"] * n,
                    "embedding": vecs[run],
                },
                {"embed": "emb-test"},
            )
            stage.add_vectors([p.id for p in part], vecs[run], ["zh"] * n)
            stage.persist(store)
            stage.finish(store)
            store.rebuild_search_index(finished=True)  # the end of a run, as ``heard ingest``
    return [p.id for p in posts]


def test_provisional_members_do_not_count_in_size_authors_or_heat(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    ids = _store(db)
    with open_store(db, read_only=True) as store:
        shown = dict(store.fetchall("SELECT post_id, topic_id FROM post_topics"))
        loose = ids[8:]
        topic = shown[ids[0]]
        assert all(shown[p] == topic for p in ids[:8])
        assert all(shown[p] == topic for p in loose)  # shown in the topic …
        assert set(loose) <= pooled_ids(store)  # … provisionally
        size, authors = store.fetchall(
            "SELECT size, n_authors FROM topics WHERE topic_id = ?", [topic]
        )[0]
        assert (size, authors) == (8, 8)
        stream = load_stream(store)
        assert sorted(stream.post_id) == sorted(ids[:8])
    _register()
    listed = CliRunner().invoke(app, ["topics", "--json", "--db", str(db)])
    assert listed.exit_code == 0, listed.output
    listing = json.loads(listed.output)
    assert listing["provisional_posts"] == 3
    rows = listing["topics"]
    table = CliRunner().invoke(app, ["topics", "--db", str(db)], env={"COLUMNS": "200"})
    assert "3 more shown in their nearest topic provisionally" in table.output
    (row,) = [r for r in rows if r["topic_id"] == topic]
    assert row["size"] == 8
    assert "厕所" not in json.dumps(row["keywords"], ensure_ascii=False)  # nor its keywords
    shown_one = CliRunner().invoke(app, ["topic", str(topic), "--db", str(db)])
    assert shown_one.exit_code == 0, shown_one.output
    assert "8 posts by 8 authors" in shown_one.output
    assert "3 loosely related posts" in " ".join(shown_one.output.split())
    as_json = CliRunner().invoke(app, ["topic", str(topic), "--json", "--db", str(db)])
    assert json.loads(as_json.output)["provisional"] == 3

    added = CliRunner().invoke(
        app,
        ["users", "add", "ana", "--role", "viewer", "--password", "pw-123456789", "--db", str(db)],
    )
    assert added.exit_code == 0, added.output
    token = json.loads(
        CliRunner().invoke(app, ["users", "token", "ana", "--json", "--db", str(db)]).output
    )["token"]
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(Settings(db=db))) as client:
        page = client.get(f"/topics/{topic}", headers=auth)
        assert page.status_code == 200 and 'id="topic-provisional"' in page.text
        assert "3 loosely related posts" in page.text
        api = client.get(f"/api/v1/topics/{topic}", headers=auth).json()["topic"]
        assert (api["size"], api["n_authors"], api["provisional"]) == (8, 8, 3)


def test_the_peak_day_is_a_local_day_as_in_the_topics_table(tmp_path: Path) -> None:
    """Six posts on the evening of 2 November UTC are the small hours of 3 November in Asia/
    Shanghai, where the topics table counts its days; ``heard topic`` said "peak 6 on
    2026-11-02 (UTC day)"."""
    db = tmp_path / "s.duckdb"
    evening = datetime(2026, 11, 2, 16, 0, tzinfo=timezone.utc)
    times = [evening + timedelta(hours=i) for i in range(6)]
    times += [
        datetime(2026, 11, 6, 2, tzinfo=timezone.utc),
        datetime(2026, 11, 7, 2, tzinfo=timezone.utc),
    ]
    times += [datetime(2026, 11, 8, 2, tzinfo=timezone.utc)] * 3
    ids = _store(db, times)
    with open_store(db, read_only=True) as store:
        topic = dict(store.fetchall("SELECT post_id, topic_id FROM post_topics"))[ids[0]]
    _register()
    shown = CliRunner().invoke(app, ["topic", str(topic), "--db", str(db)], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "posts per day: 3 days with posts, peak 6 on 2026-11-03 (Asia/Shanghai" in shown.output
    table = CliRunner().invoke(app, ["topics", "--db", str(db)], env={"COLUMNS": "200"})
    assert "2026-11-03" in table.output  # first seen, a local day
