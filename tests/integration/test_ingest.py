"""Ingest end to end through the real CLI, pipeline (real USE embedder) and a real DuckDB file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from heard.cli import run
from heard.store import open_store

POSTS = [
    {
        "id": "1",
        "text": "青石区翠湖花园工地夜间施工噪音太大了，凌晨两点还在打桩",
        "created_at": "2026-11-01 23:10:00",
        "author": "a1",
        "likes": 5,
    },
    {
        "id": "2",
        "text": "The bus on route 12 was 40 minutes late again this morning. Unacceptable.",
        "created_at": "2026-11-02T08:15:00+08:00",
        "author": "a2",
    },
    {
        "id": "3",
        "text": "新公园真漂亮，周末带孩子去玩，非常满意！",
        "created_at": "2026/11/2 10:00:00",
        "author": "a3",
        "likes": 12,
    },
    {
        "id": "4",
        "text": "Thank you to the road crew who fixed the pothole on Changle Road so quickly!",
        "created_at": "2026-11-03 09:00:00",
        "author": "a4",
    },
    {
        "id": "5",
        "text": "请问居住证怎么办理？需要哪些材料？",
        "created_at": "2026-11-03 12:00:00",
        "author": "a1",
    },
]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    return path


def heard(*args: str) -> int:
    return run([str(a) for a in args])


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("ingest")
    src = write_jsonl(tmp / "board.jsonl", POSTS)
    db = tmp / "h.duckdb"
    assert heard("ingest", src, "--db", db) == 0
    return src, db


def test_ingest_stores_enriched_posts_with_utc_times_and_pseudonymous_authors(ingested):
    _, db = ingested
    with open_store(db, read_only=True) as store:
        rows = {r["external_id"]: r for r in store.rows("SELECT * FROM posts")}
        n_emb = store.scalar("SELECT count(*) FROM embeddings")
    assert set(rows) == {"1", "2", "3", "4", "5"}
    assert rows["1"]["id"] == "board:1" and rows["1"]["source"] == "board"
    # naive times are Asia/Shanghai by default; stored as UTC
    assert str(rows["1"]["created_at"]) == "2026-11-01 15:10:00"
    assert str(rows["2"]["created_at"]) == "2026-11-02 00:15:00"
    assert rows["1"]["lang"] == "zh" and rows["2"]["lang"] == "en"
    assert rows["1"]["likes"] == 5
    # authors are salted keys; the raw handle is stored nowhere
    assert rows["1"]["author_key"] == rows["5"]["author_key"] != rows["2"]["author_key"]
    assert all("a1" not in (r["raw"] or "") and r["author_key"] != "a1" for r in rows.values())
    assert rows["3"]["sentiment_label"] == "positive" and rows["3"]["sentiment_model"]
    assert rows["2"]["sentiment_score"] < 0
    assert json.loads(rows["1"]["sentiment_evidence"])
    assert n_emb == 5


def test_second_ingest_adds_nothing(ingested, capsys):
    src, db = ingested
    assert heard("ingest", src, "--db", db, "--json") == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["stored"] == 0
    with open_store(db, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM posts") == 5


def test_search_in_chinese_and_english(ingested, capsys):
    _, db = ingested
    assert heard("posts", "--db", db, "--query", "施工噪音", "--json") == 0
    hits = json.loads(capsys.readouterr().out)
    assert [h["id"] for h in hits] == ["board:1"]
    assert heard("posts", "--db", db, "--query", "Route 12", "--json") == 0
    hits = json.loads(capsys.readouterr().out)
    assert [h["id"] for h in hits] == ["board:2"]
    assert heard("posts", "--db", db, "--lang", "en", "--json") == 0
    assert {h["id"] for h in json.loads(capsys.readouterr().out)} == {"board:2", "board:4"}


def test_bad_flags_and_values_exit_2_without_traceback(tmp_path, capsys):
    # usage errors come from the click that typer bundles (typer._click), not from `click`
    db = str(tmp_path / "x.duckdb")
    for args, said in (
        (["topics", "--nope", "--db", db], "No such option"),
        (["hot", "--limit", "abc", "--db", db], "Invalid value for '--limit'"),
        (["topics", "--min-size", "-3", "--db", db], "greater than or equal to 1"),
        (["frobnicate"], "No such command"),
    ):
        assert heard(*args) == 2, args
        err = capsys.readouterr().err
        assert said in err and "Traceback" not in err, (args, err)


def test_stats_json(ingested, capsys):
    _, db = ingested
    assert heard("stats", "--db", db, "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["posts"] == 5
    assert data["by_language"] == {"zh": 3, "en": 2}
    assert data["by_source"] == {"board": 5}
    assert sum(data["sentiment"]["labels"].values()) == 5
    assert "author" not in json.dumps(data)


def test_missing_file_and_unknown_format_exit_2_without_traceback(tmp_path, capsys):
    assert heard("ingest", tmp_path / "nope.jsonl", "--db", tmp_path / "x.duckdb") == 2
    err = capsys.readouterr().err
    assert "nope.jsonl" in err and "Traceback" not in err
    odd = tmp_path / "notes.docx"
    odd.write_text("x")
    assert heard("ingest", odd, "--db", tmp_path / "x.duckdb") == 2
    err = capsys.readouterr().err
    assert "format" in err.lower() and "Traceback" not in err


def test_exact_duplicate_texts_are_counted(tmp_path, capsys):
    rows = [dict(POSTS[0], id=str(i)) for i in range(3)]
    src = write_jsonl(tmp_path / "dups.jsonl", rows)
    assert heard("ingest", src, "--db", tmp_path / "d.duckdb", "--json") == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["stored"] == 3 and summary["duplicate_texts"] == 2
    assert heard("stats", "--db", tmp_path / "d.duckdb", "--json") == 0
    assert json.loads(capsys.readouterr().out)["duplicate_texts"] == 2


def test_locked_database_is_a_clear_error(tmp_path, capsys):
    import subprocess
    import sys
    import time

    db = tmp_path / "locked.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,time; c=duckdb.connect({str(db)!r}); print('ok', flush=True); "
            f"time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        src = write_jsonl(tmp_path / "p.jsonl", POSTS[:1])
        assert heard("ingest", src, "--db", db) == 3
        err = capsys.readouterr().err
        assert "in use by another process" in err and str(holder.pid) in err and "fix" in err
    finally:
        holder.kill()
        holder.wait()
        time.sleep(0.1)


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "broken"


@pytest.mark.parametrize("name", ["broken.jsonl", "broken.csv"])
def test_broken_file_stores_good_rows_quarantines_bad_ones_and_rerun_adds_nothing(
    tmp_path, capsys, name
):
    db = tmp_path / "b.duckdb"
    assert heard("ingest", FIXTURES / name, "--db", db, "--json") == 0
    first = json.loads(capsys.readouterr().out)
    assert first["stored"] > 0 and first["quarantined"] > 0
    assert first["rows_read"] == first["stored"] + first["quarantined"]
    assert heard("quarantine", "--db", db, "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == first["quarantined"]
    assert all(r["file"].endswith(name) and r["position"] > 0 and r["reason"] for r in rows)
    assert "text_too_long" in {r["reason"] for r in rows}
    assert heard("ingest", FIXTURES / name, "--db", db, "--json") == 0
    second = json.loads(capsys.readouterr().out)
    assert second["stored"] == 0
    with open_store(db, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM posts") == first["stored"]
        assert store.scalar("SELECT count(*) FROM quarantine") == first["quarantined"]


@pytest.mark.slow
def test_teddycup_attachment3_stores_all_messages(shared_data, tmp_path, capsys):
    db = tmp_path / "t.duckdb"
    path = shared_data / "teddycup2020_c" / "附件3.xlsx"
    assert heard("ingest", path, "--preset", "teddycup", "--db", db, "--json") == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["stored"] == 4326 and summary["quarantined"] == 0
    with open_store(db, read_only=True) as store:
        row = store.rows("SELECT * FROM posts WHERE external_id = '188006'")[0]
        assert str(row["created_at"]) == "2019-02-28 03:25:05"  # 2019/2/28 11:25:05 Asia/Shanghai
        assert row["title"] == "A3区一米阳光婚纱艺术摄影是否合法纳税了？"
        assert row["text"].startswith("座落在A市A3区联丰路")
        assert store.scalar("SELECT sum(likes) FROM posts") > 0
        assert store.scalar("SELECT sum(dislikes) FROM posts") > 0
        liked = store.rows("SELECT likes, dislikes FROM posts WHERE external_id = '188007'")[0]
        assert liked == {"likes": 1, "dislikes": 0}
        assert store.scalar("SELECT count(*) FROM posts WHERE lang = 'zh'") > 4200


MARKUP = "[/] [link=http://evil.example]点这里[/link] [bold red]"


def _flat(shown: str) -> str:
    """Printed table text without borders, spaces or line folds."""
    return "".join(ch for ch in shown if not ch.isspace() and not "\u2500" <= ch <= "\u257f")


def test_post_text_that_looks_like_console_markup_is_printed_literally(tmp_path, capsys):
    """Post text is untrusted: rich markup in it must neither crash a command nor style its
    output."""
    row = {
        "id": "m1",
        "text": "停水三天了 " + MARKUP,
        "created_at": "2026-11-05 08:00:00",
        "author": "m",
    }
    src = tmp_path / "m.jsonl"
    src.write_text(
        json.dumps(row, ensure_ascii=False) + "\n{broken " + MARKUP + "\n", encoding="utf-8"
    )
    db = tmp_path / "m.duckdb"
    assert heard("ingest", src, "--db", db) == 0
    capsys.readouterr()
    for command in ("posts", "quarantine"):
        assert heard(command, "--db", db) == 0
        shown = capsys.readouterr()
        flat = _flat(shown.out + shown.err)  # narrow columns may fold the text: look for its tags
        assert all(tag in flat for tag in ("[/]", "[link=", "点这里", "[/li", "[boldred]")), (
            command,
            flat,
        )


def test_a_one_domain_store_gets_the_center_hint(tmp_path, capsys, monkeypatch):
    import heard.read.topics as topic_queries

    src = write_jsonl(tmp_path / "board.jsonl", POSTS)
    # five posts are far too few to judge, so the hint stays quiet at the real thresholds …
    assert heard("ingest", src, "--db", tmp_path / "a.duckdb") == 0
    assert "--center" not in capsys.readouterr().err
    with open_store(tmp_path / "a.duckdb", read_only=True) as store:
        assert topic_queries.one_domain_mean(store) is None
    # … and speaks once the posts are enough and lean one way (thresholds lowered for the test)
    monkeypatch.setattr(topic_queries, "ONE_DOMAIN_MIN_POSTS", 5)
    monkeypatch.setattr(topic_queries, "ONE_DOMAIN_MEAN", 0.1)
    assert heard("ingest", src, "--db", tmp_path / "b.duckdb") == 0
    err = capsys.readouterr().err
    assert "hint: these posts lean one way" in err and "heard topics --rebuild --center" in err
    # a store whose topics are already centred gets no hint
    with open_store(tmp_path / "b.duckdb") as store:
        from heard.listen.topics import rebuild_topics
        from heard.listen.analysis.clustering import ClusterParams

        assert topic_queries.one_domain_mean(store) is not None
        rebuild_topics(store, params=ClusterParams(center=True))
        assert topic_queries.one_domain_mean(store) is None


@pytest.mark.parametrize("content", ["", "id,text,created_at\n", "id,text,created_at\r\n"])
def test_an_empty_file_is_a_clear_error_and_leaves_no_database(tmp_path, capsys, content):
    """An empty file or a header only said "stored 0 new posts from 0 rows", exit 0, and left an
    empty database behind, which reads like an ingest that worked and found nothing."""
    src = tmp_path / "board.csv"
    src.write_bytes(("\ufeff" if content else "").encode() + content.encode())
    db = tmp_path / "h.duckdb"
    assert run(["ingest", str(src), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "board.csv holds no rows" in err and "Traceback" not in err
    assert not db.exists()


def test_an_empty_file_beside_a_full_one_is_no_error(tmp_path, capsys):
    full, empty = tmp_path / "a.csv", tmp_path / "b.csv"
    full.write_text("id,text,created_at\n1,东湖路停水,2026-11-01T10:00:00Z\n", encoding="utf-8")
    empty.write_text("id,text,created_at\n", encoding="utf-8")
    db = tmp_path / "h.duckdb"
    assert run(["ingest", str(full), str(empty), "--db", str(db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["stored"] == 1
    assert run(["ingest", str(full), "--db", str(db), "--json"]) == 0  # a rerun resumes: fine
    assert json.loads(capsys.readouterr().out)["stored"] == 0


def test_rows_that_repeat_an_id_are_counted_in_the_summary(tmp_path, capsys):
    src = tmp_path / "board.csv"
    src.write_text(
        "id,text,created_at\n1,东湖路停水,2026-11-01T10:00:00Z\n1,另一条,2026-11-01T11:00:00Z\n",
        encoding="utf-8",
    )
    assert run(["ingest", str(src), "--db", str(tmp_path / "h.duckdb")]) == 0
    err = capsys.readouterr().err
    assert "stored 1 new post from 2 rows" in err
    # another text under the same id: quarantined with its reason, not only counted
    assert "1 row quarantined (duplicate_id 1)" in err
