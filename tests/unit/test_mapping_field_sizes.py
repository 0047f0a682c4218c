"""Fields of megabytes besides the text. Before, a 2,000,000-character id was stored as the post's
id (its links could never be opened: /post/ID), a 3,000,000-character title was stored whole
(the text is capped at 100,000), and so were a place and a url of megabytes."""

from __future__ import annotations

from datetime import datetime, timezone

from heard.connectors.mapping import MAX_FIELD_CHARS, MAX_ID_CHARS, Mapper
from heard.records import MAX_TEXT_CHARS, Post, Quarantined, RawRow

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)


def mapped(**fields):
    mapper = Mapper({"title": "title", "place": "place", "url": "url"}, "board", now=lambda: NOW)
    record = {"text": "the road is broken", "created_at": "2026-11-02 10:00", **fields}
    return mapper.map(RawRow(record, "board.jsonl", 7))


def test_an_id_too_long_for_a_link_is_quarantined_with_its_length():
    got = mapped(id="9" * 2_000_000)
    assert isinstance(got, Quarantined) and got.reason == "id_too_long"
    assert got.detail == f"id: 2000000 characters, the limit is {MAX_ID_CHARS}"
    assert got.position == 7
    assert isinstance(mapped(id="9" * MAX_ID_CHARS), Post)


def test_a_title_longer_than_a_text_may_be_is_quarantined():
    got = mapped(id="t1", title="T" * (MAX_TEXT_CHARS + 1))
    assert isinstance(got, Quarantined) and got.reason == "text_too_long"
    assert got.detail.startswith("title: 100001 characters")


def test_a_place_or_url_of_megabytes_is_stored_empty_with_a_note():
    got = mapped(id="p1", place="P" * 3_000_000, url="https://x.org/" + "u" * MAX_FIELD_CHARS)
    assert isinstance(got, Post) and got.place is None and got.url is None
    notes = got.raw["_heard_notes"]
    assert "place: 3,000,000 characters in place, more than 2,000; stored empty" in notes
    assert any(n.startswith("url: 2,014 characters") for n in notes)
    kept = mapped(id="p2", place="东湖路", url="https://x.org/1")
    assert (kept.place, kept.url) == ("东湖路", "https://x.org/1")
    assert "_heard_notes" not in kept.raw
