"""Handles are stored nowhere, nested or not (issue 16 item 8, RIGHTS.md §4): not in Post.raw, not
in a quarantined row's excerpt, whatever the format."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from heard.connectors import open_connector
from heard.connectors.mapping import Mapper, fieldmap_for, map_rows
from heard.connectors.scrub import scrub_excerpt
from heard.records import Post, Quarantined, RawRow
from heard.store import open_store

NOW = datetime(2024, 1, 1, tzinfo=timezone.utc)
HANDLES = ("replied_to_amy", "retweeted_bob", "mentioned_cat", "search_dan", "nested_eve")


def _tweet():
    return {
        "id_str": "1",
        "text": "water off again @mentioned_cat",
        "created_at": "2024-01-01T00:00:00Z",
        "user": {"screen_name": "the_author"},
        "in_reply_to_screen_name": "replied_to_amy",
        "in_reply_to_user_id_str": "991",
        "retweeted_status": {
            "text": "RT",
            "user": {"screen_name": "retweeted_bob", "id_str": "992"},
        },
        "entities": {
            "user_mentions": [{"screen_name": "mentioned_cat", "id_str": "993"}],
            "hashtags": [],
        },
        "from_user": "search_dan",
        "deep": {"a": {"b": [{"c": {"screen_name": "nested_eve"}}]}},
        "lang": "en",
    }


def test_post_raw_keeps_no_handle_at_any_depth():
    mapper = Mapper(fieldmap_for("social"), "tw", "UTC", "salt", now=lambda: NOW)
    post = mapper.map(RawRow(fields=_tweet(), file="t.jsonl", position=1))
    assert isinstance(post, Post)
    kept = json.dumps(post.raw, ensure_ascii=False)
    for handle in (*HANDLES, "the_author", "991", "992", "993"):
        assert handle not in kept, handle
    assert (
        post.raw["lang"] == "en" and post.raw["retweeted_status"]["text"] == "RT"
    )  # the rest stays


def test_a_malformed_csv_row_loses_its_author_column(tmp_path):
    path = tmp_path / "msgs.csv"
    path.write_text(
        "留言编号,留言用户,留言主题,留言时间,留言详情\n"
        "1,A000102948,停水,2019/2/28 11:25:05,三天没水\n"
        "2,U_secret_handle,停电,2019/2/28 11:26:05,没电,多出来的一列 @骑车的老周\n",
        encoding="utf-8",
    )
    items = list(
        map_rows(open_connector(path), Mapper(fieldmap_for("teddycup"), "t", "Asia/Shanghai", "s"))
    )
    bad = [i for i in items if isinstance(i, Quarantined)]
    assert len(bad) == 1 and bad[0].reason == "malformed_row"
    assert "U_secret_handle" not in bad[0].raw and "骑车的老周" not in bad[0].raw
    assert "停电" in bad[0].raw  # what was wrong is still shown


def test_quarantined_json_is_scrubbed_as_data_or_by_pattern(tmp_path):
    whole = json.dumps({**_tweet(), "created_at": None})
    cut = whole[:-40]  # does not parse: author-like values and @handles are masked by pattern
    for text in (whole, cut):
        out = scrub_excerpt(text)
        for handle in (
            "replied_to_amy",
            "retweeted_bob",
            "search_dan",
            "the_author",
            "mentioned_cat",
        ):
            assert handle not in out, (handle, out)
    # every quarantine write goes through the scrub, whoever quarantined the row
    with open_store(tmp_path / "q.duckdb") as store:
        store._insert_quarantine([Quarantined("f.jsonl", 1, "bad_date", "", whole)], "s")
        assert "retweeted_bob" not in store.scalar("SELECT raw FROM quarantine")


def test_an_old_store_loses_the_handles_in_its_raw_records(tmp_path):
    from heard.read.reindex import ensure_raw_scrubbed

    with open_store(tmp_path / "old.duckdb") as store:  # as an older Heard wrote them
        store.con.execute(
            "INSERT INTO posts (id, source, external_id, text, text_hash, created_at, "
            "ingested_at, raw) VALUES ('s:1', 's', '1', 't', 'h', now(), now(), ?)",
            [json.dumps({"in_reply_to_screen_name": "replied_to_amy", "lang": "en"})],
        )
        store.con.execute(
            "INSERT INTO quarantine VALUES ('k', 's', 'f.csv', 2, 'malformed_row', '', "
            "'2,@retweeted_bob,停电', now())"
        )
        assert ensure_raw_scrubbed(store) == 2
        assert json.loads(store.scalar("SELECT raw FROM posts")) == {"lang": "en"}
        assert "retweeted_bob" not in store.scalar("SELECT raw FROM quarantine")
        assert ensure_raw_scrubbed(store) == 0  # once
