"""Protect in the default pipeline: `heard ingest` flags harms, never legitimate speech, and
decides spam/scam automatically only above the threshold (issue 19; RIGHTS.md §1, §5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from heard.cli import run
from heard.protect import audit
from heard.settings import load_settings
from heard.stages import default_stages
from heard.store import open_store

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
HARMS = [
    {
        "id": "h1",
        "text": "我是你们王总，现在在开会不方便接电话，有个合作方急需打款，你先转38万到这个账户，回"
        "头我签字。",
    },
    {
        "id": "h2",
        "text": "If you report me again I will burn your house down with your family inside.",
    },
    {
        "id": "h3",
        "text": "The council voted against the new park. I think they are wrong and will say so at "
        "the hearing.",
    },
]


def heard(*args) -> int:
    return run([str(a) for a in args])


def test_rights_fixture_ingested_with_protect_on_gives_no_flag(tmp_path):
    db = tmp_path / "r.duckdb"
    assert heard("ingest", FIXTURES / "rights_speech.jsonl", "--db", db) == 0
    with open_store(db, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM posts") == 40
        assert store.scalar("SELECT count(*) FROM flags") == 0
        assert store.scalar("SELECT count(*) FROM decisions") == 0


def test_ingest_flags_harms_and_auto_decides_only_scams(tmp_path, monkeypatch):
    src = tmp_path / "h.jsonl"
    src.write_text(
        "".join(
            json.dumps({**r, "created_at": "2026-11-30T10:00:00+08:00"}, ensure_ascii=False) + "\n"
            for r in HARMS
        ),
        encoding="utf-8",
    )
    db = tmp_path / "h.duckdb"
    monkeypatch.setenv("HEARD_PROTECT_AUTO_THRESHOLD", "0.9")
    assert heard("ingest", src, "--db", db) == 0
    with open_store(db) as store:
        flags = {
            r["post_id"].split(":")[-1]: r
            for r in store.rows("SELECT post_id, label, status FROM flags")
        }
        assert flags["h1"]["label"] == "scam_fraud" and flags["h1"]["status"] == "decided"
        assert flags["h2"]["label"] == "violent_threat" and flags["h2"]["status"] == "pending"
        assert "h3" not in flags
        decided = store.rows("SELECT label, automated_decision FROM decisions")
        assert decided == [{"label": "scam_fraud", "automated_decision": True}]
        assert audit.verify(store).ok
    assert heard("ingest", src, "--db", db) == 0  # a re-run stores no flag twice
    with open_store(db, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM flags") == len(flags)


@pytest.mark.parametrize("on", [True, False])
def test_the_protect_setting_adds_or_leaves_out_the_stages(on):
    names = [s.name for s in default_stages(load_settings(protect=on))]
    assert ("harm" in names and "flags" in names) is on
    assert names[-2:] == ["topics", "issues"]  # the operators that read the stored posts last


def test_rescan_flags_posts_stored_before_protect_was_on(tmp_path, monkeypatch, capsys):
    src = tmp_path / "h.jsonl"
    src.write_text(
        "".join(
            json.dumps({**r, "created_at": "2026-11-30T10:00:00+08:00"}, ensure_ascii=False) + "\n"
            for r in HARMS
        ),
        encoding="utf-8",
    )
    db = tmp_path / "off.duckdb"
    monkeypatch.setenv("HEARD_PROTECT", "false")
    assert heard("ingest", src, "--db", db) == 0
    with open_store(db, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM flags") == 0
    assert heard("flags", "--rescan", "--db", db, "--json") == 0
    labels = sorted(f["label"] for f in json.loads(capsys.readouterr().out)["flags"])
    assert labels == ["scam_fraud", "violent_threat"]
    assert heard("flags", "--rescan", "--db", db) == 0
    assert "0 new flags" in capsys.readouterr().err


def test_ingest_sends_a_flag_of_the_embedding_head_to_review(tmp_path, monkeypatch):
    """The harm stage reads the vector the embed stage made: a doxxing post in words no rule
    names is flagged by ``embedded_head``, for review only (never decided automatically)."""
    src = tmp_path / "d.jsonl"
    rows = [
        {
            "id": "d1",
            "text": "这个骂我的人叫李建国，在城南派出所旁边开五金店，"
            "住幸福小区5栋，大家有空去他店里坐坐。",
        },
        {"id": "d2", "text": "警察执法粗暴，我要求纪委调查这位民警的行为。"},
    ]
    src.write_text(
        "".join(
            json.dumps({**r, "created_at": "2026-11-30T10:00:00+08:00"}, ensure_ascii=False) + "\n"
            for r in rows
        ),
        encoding="utf-8",
    )
    db = tmp_path / "d.duckdb"
    assert heard("ingest", src, "--db", db) == 0
    query = "SELECT post_id, label, detector, status, evidence FROM flags"
    with open_store(db, read_only=True) as store:
        flags = store.rows(query)
        assert [(f["post_id"].split(":")[-1], f["label"], f["detector"]) for f in flags] == [
            ("d1", "doxxing", "embedded_head")
        ]
        assert flags[0]["status"] == "pending"
        assert json.loads(flags[0]["evidence"])["details"]["review_only"] is True
        assert store.scalar("SELECT count(*) FROM decisions") == 0
    # a rescan reads the stored vectors: the head's flag is raised again, not withdrawn
    assert heard("flags", "--rescan", "--db", db) == 0
    with open_store(db, read_only=True) as store:
        assert [(f["label"], f["status"]) for f in store.rows(query)] == [("doxxing", "pending")]
    # a store ingested with protect off gets the flag from its first rescan
    off = tmp_path / "off.duckdb"
    monkeypatch.setenv("HEARD_PROTECT", "false")
    assert heard("ingest", src, "--db", off) == 0
    with open_store(off, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM flags") == 0
    assert heard("flags", "--rescan", "--db", off) == 0
    with open_store(off, read_only=True) as store:
        assert [(f["label"], f["detector"]) for f in store.rows(query)] == [
            ("doxxing", "embedded_head")
        ]
