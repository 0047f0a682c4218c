"""A hint that prints the next command names the store it ran on.

``heard topics --limit 1 --db X`` printed "more topics: heard topics --limit 1 --cursor …" without
``--db X``: pasted, it read the default heard.duckdb (an empty store, or another one) instead of
the next page of X. ``heard ingest FILE --db X`` ended with "next: heard stats · …" the same way.
The same summary said "1 posts not in any topic yet"."""

from __future__ import annotations

import shlex
from datetime import datetime

from heard.cli import run
from heard.store import open_store


def _one_more_topic_and_one_waiting_post(db) -> None:
    """A second topic of 10 authors (the seed shows one) and one post the topic stage left in
    no topic, as a run stores them."""
    at = datetime(2026, 11, 4, 9)
    with open_store(db) as store:
        store.con.execute(
            "INSERT INTO topics (topic_id, label, keywords, places, size, n_authors, first_seen, "
            "last_seen, sentiment_mean, representative, status, created_at, updated_at) "
            "VALUES (90, 'topic 90', '[]', '[]', 20, 10, ?, ?, 0, '[]', 'active', ?, ?)",
            [at, at, at, at],
        )
        store.con.execute(
            "UPDATE post_topics SET topic_id = NULL WHERE post_id = "
            "(SELECT min(post_id) FROM post_topics WHERE topic_id IS NOT NULL)"
        )


def _hint(err: str, prefix: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith(prefix)]
    assert lines, f"no {prefix!r} line in: {err}"
    return lines[0].removeprefix(prefix).strip()


def test_next_page_hint_of_topics_names_the_store(seeded_db_copy, tmp_path, capsys):
    _one_more_topic_and_one_waiting_post(seeded_db_copy)
    config = tmp_path / "heard.toml"
    config.write_text("[heard]\n", encoding="utf-8")
    assert (
        run(["topics", "--limit", "1", "--db", str(seeded_db_copy), "--config", str(config)]) == 0
    )
    first = capsys.readouterr()
    assert "1 post not in any topic yet" in first.err
    command = shlex.split(_hint(first.err, "more topics:"))
    assert command[0] == "heard"
    assert command[command.index("--db") + 1] == str(seeded_db_copy)
    assert command[command.index("--config") + 1] == str(config)
    assert run(command[1:]) == 0  # pasted as printed: the next page of the same store
    second = capsys.readouterr().out
    assert "topic 90" in second and "topic 90" not in first.out


def test_next_commands_after_ingest_name_the_store(tmp_path, capsys):
    feed = tmp_path / "posts.jsonl"
    feed.write_text(
        '{"id": "1", "text": "东湖路停水三天了", "created_at": "2026-11-03T08:00:00Z"}\n',
        encoding="utf-8",
    )
    db = tmp_path / "my store.duckdb"
    assert run(["ingest", str(feed), "--db", str(db)]) == 0
    hint = _hint(capsys.readouterr().err, "next:")
    for command in hint.split(" · "):
        words = shlex.split(command)
        assert words[words.index("--db") + 1] == str(db), command


def test_detail_commands_after_hot_name_the_store(seeded_db_copy, capsys):
    assert run(["hot", "--no-scan", "--db", str(seeded_db_copy)]) == 0
    hint = _hint(capsys.readouterr().err.splitlines()[-1], "")
    details = hint.split("details: ")[1]
    for command in details.split(" · "):
        words = shlex.split(command)
        assert words[words.index("--db") + 1] == str(seeded_db_copy), command
