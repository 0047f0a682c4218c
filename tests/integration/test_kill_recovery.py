"""kill -9 during the end-of-run work (after the last batch committed) leaves the work owed in the
store, and the next run, or the next open for writing (``heard serve``), finishes it: no post lost
or duplicated, the search index whole, every topic labelled, the issues found — the same store as
a run never killed. (The issues were once never found again: the next run found nothing owed.)

A real ``heard ingest`` subprocess kills itself with SIGKILL at a named point
(``HEARD_TEST_KILL_AT``, ``heard.testing``), where a timed kill would land only by luck.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from heard.api import create_app
from heard.settings import Settings
from heard.store import open_store

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "data" / "demo" / "posts.jsonl"
N_POSTS = 300
HEARD = [sys.executable, "-c", "from heard.cli import main; main()"]


def heard_ingest(src: Path, db: Path, kill_at: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    env.pop("HEARD_TEST_KILL_AT", None)
    if kill_at:
        env["HEARD_TEST_KILL_AT"] = kill_at
    return subprocess.run(
        HEARD + ["ingest", str(src), "--db", str(db), "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def search(db: Path, *args: str) -> subprocess.CompletedProcess:
    found = subprocess.run(
        HEARD + ["posts", "--db", str(db), "--query", "公交", "--json", *args],
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert found.returncode == 0, found.stderr[-2000:]
    return found


def state(db: Path) -> dict:
    with open_store(db, read_only=True) as store:
        return {
            "posts": store.scalar("SELECT count(*) FROM posts"),
            "distinct": store.scalar("SELECT count(DISTINCT external_id) FROM posts"),
            "pending": store.pending_work(),
            "index": store.has_search_index(),
            "topics": sorted(
                tuple(r.values())
                for r in store.rows(
                    "SELECT topic_id, label, size, n_authors FROM topics WHERE status = 'active'"
                )
            ),
            "assigned": store.rows("SELECT post_id, topic_id FROM post_topics ORDER BY post_id"),
            "issues": sorted(  # found at the end of a run: owed too when it was killed
                tuple(r.values())
                for r in store.rows(
                    "SELECT place, problem, messages, authors FROM issues WHERE status = 'active'"
                )
            )
            if "issues" in store.tables()
            else [],
        }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict]:
    tmp = tmp_path_factory.mktemp("kill")
    src = tmp / "board.jsonl"
    src.write_text(
        "".join(CORPUS.read_text(encoding="utf-8").splitlines(keepends=True)[:N_POSTS]),
        encoding="utf-8",
    )
    reference = tmp / "ref.duckdb"
    assert heard_ingest(src, reference).returncode == 0
    return src, state(reference)


def assert_recovered(db: Path, reference: dict) -> None:
    got = state(db)
    assert got["pending"] == set() and got["index"]
    assert got["posts"] == got["distinct"] == N_POSTS  # 0 lost, 0 duplicated
    assert all(label and n_authors is not None for _, label, _, n_authors in got["topics"])
    assert got["topics"] == reference["topics"] and got["assigned"] == reference["assigned"]
    assert reference["issues"] and got["issues"] == reference["issues"]


@pytest.mark.slow
@pytest.mark.parametrize("point", ["finish_start", "operators_finished", "index_built"])
def test_kill_in_the_end_of_run_work_is_finished_by_the_next_run(tmp_path, corpus, point):
    src, reference = corpus
    db = tmp_path / "h.duckdb"
    killed = heard_ingest(src, db, kill_at=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    left = state(db)
    assert left["posts"] == N_POSTS and "finish" in left["pending"] and not left["index"]
    if point == "finish_start":  # labels and aggregates are written by the end-of-run work
        assert any(label is None for _, label, _, _ in left["topics"])

    # meanwhile, search works without the index (it died with SIGKILL before its commit)
    assert len(json.loads(search(db, "--limit", "2").stdout)) == 2

    rerun = heard_ingest(src, db)  # stores nothing new, and finishes the owed work anyway
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert json.loads(rerun.stdout)["stored"] == 0
    assert_recovered(db, reference)
    assert json.loads(search(db).stdout)


@pytest.mark.slow
def test_opening_the_store_to_serve_finishes_the_owed_work(tmp_path, corpus):
    src, reference = corpus
    db = tmp_path / "h.duckdb"
    assert heard_ingest(src, db, kill_at="finish_start").returncode == -signal.SIGKILL
    from fastapi.testclient import TestClient

    from heard.auth import Accounts, Role

    with open_store(db) as store:  # an account to read with (opening alone finishes nothing)
        Accounts(store).add_user("ana", "correct-horse-9", Role.viewer)
        _, token = Accounts(store).create_token("ana", "t")
        assert store.pending_work() == {"finish"}
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        r = client.get(
            "/api/v1/posts", params={"q": "公交"}, headers={"Authorization": f"Bearer {token}"}
        )
        assert r.status_code == 200 and r.json()["posts"], r.text
    assert_recovered(db, reference)


HARMFUL = [  # two posts the default detectors flag (a scam with an automated decision, a threat)
    "我是你们王总，现在在开会不方便接电话，有个合作方急需打款，你先转38万到这个账户，回头我签字。",
    "If you report me again I will burn your house down with your family inside.",
]


def flags_state(db: Path) -> dict:
    with open_store(db, read_only=True) as store:
        return {
            "posts": store.scalar("SELECT count(*) FROM posts"),
            "flags": store.rows("SELECT post_id, label, detector FROM flags ORDER BY post_id"),
            "decisions": store.scalar("SELECT count(*) FROM decisions"),
        }


@pytest.mark.slow
def test_a_kill_after_a_batch_commits_finds_its_flags_committed_with_it(tmp_path):
    """The flags commit in the batch's own transaction: SIGKILL right after that commit (before
    the topics persist theirs) finds the posts with every flag and decision, and the next run
    completes the rest without storing a flag twice."""
    lines = CORPUS.read_text(encoding="utf-8").splitlines(keepends=True)[:40]
    lines += [
        json.dumps({"id": f"harm-{i}", "text": t, "created_at": "2026-11-30T10:00:00+08:00"}) + "\n"
        for i, t in enumerate(HARMFUL)
    ]
    src = tmp_path / "board.jsonl"
    src.write_text("".join(lines), encoding="utf-8")
    reference = tmp_path / "ref.duckdb"
    assert heard_ingest(src, reference).returncode == 0
    expected = flags_state(reference)
    assert expected["posts"] == 42 and expected["decisions"] >= 1
    assert {f["post_id"].split(":")[-1] for f in expected["flags"]} >= {"harm-0", "harm-1"}

    db = tmp_path / "h.duckdb"
    killed = heard_ingest(src, db, kill_at="batch_committed")
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert flags_state(db) == expected
    assert heard_ingest(src, db).returncode == 0
    assert flags_state(db) == expected


@pytest.mark.slow
def test_a_rebuild_killed_half_way_leaves_the_topics_as_they_were(tmp_path, corpus):
    """``heard topics --rebuild`` cleared the topics, then rebuilt them batch by batch in their
    own commits: killed half-way, the store showed "0 shown · N hidden" (unlabelled, half-built
    topics) until someone rebuilt again. It is one transaction now."""
    src, reference = corpus
    db = tmp_path / "h.duckdb"
    assert heard_ingest(src, db).returncode == 0
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "HEARD_TEST_KILL_AT": "rebuild_batch"}
    killed = subprocess.run(
        HEARD + ["topics", "--rebuild", "--db", str(db)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    got = state(db)
    assert got["topics"] == reference["topics"] and got["assigned"] == reference["assigned"]
