"""One bad record never stops an ingest: each poison line found by the outside test (issue 16 §1)
is quarantined or normalised with its reason, by the connector and mapper that meet it."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from heard.connectors.clean import MAX_JSON_DEPTH, clean_fields, json_depth
from heard.connectors.jsonl import parse_line
from heard.connectors.mapping import MAX_COUNT, Mapper, parse_count
from heard.records import Post, Quarantined, RawRow, content_hash

NOW = datetime(2027, 1, 1, tzinfo=timezone.utc)


def mapped(line: str):
    item = parse_line("/d/x.jsonl", 3, line.encode())
    if isinstance(item, Quarantined):
        return item
    return Mapper(None, "t", salt="s", now=lambda: NOW).map(item)


def record(**extra) -> str:
    base = {"id": "p1", "text": "bus late again", "created_at": "2026-11-01 10:00:00"}
    return json.dumps({**base, **extra})


def test_lone_surrogate_is_replaced_with_a_note_and_the_text_encodes():
    post = mapped(
        '{"id": "s", "text": "x\\ud800 y", "created_at": "2026-11-01", "title": "\\udfff"}'
    )
    assert isinstance(post, Post)
    assert post.text == "x\ufffd y" and post.title == "\ufffd"
    content_hash(post.text)  # raised UnicodeEncodeError before
    post.raw_json().encode("utf-8")
    assert any("surrogate" in n for n in post.raw["_heard_notes"])


def test_surrogate_in_a_key_and_nested_value_is_replaced_too():
    fields, notes = clean_fields({"a\udc80": [{"b": "\ud83d"}], "ok": "好"})
    assert fields == {"a\ufffd": [{"b": "\ufffd"}], "ok": "好"} and len(notes) == 1
    same = {"x": ["y", {"z": 1}]}
    assert clean_fields(same) == (same, []) and clean_fields(same)[0] is same


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1_000, 100_000])
def test_json_nested_deeper_than_the_limit_is_quarantined_not_a_recursion_error(depth):
    line = record(x="[")[:-1] + ', "deep": ' + "[" * depth + "]" * depth + "}"
    item = mapped(line)
    assert isinstance(item, Quarantined) and item.reason == "too_deep" and item.position == 3


def test_nesting_within_the_limit_is_kept_and_brackets_inside_strings_do_not_count():
    ok = record(text="[[[[" * 100, deep=json.loads("[" * 10 + "]" * 10))
    assert json_depth(ok) == 11
    assert isinstance(mapped(ok), Post)


def test_deep_value_reaching_the_mapper_directly_is_cut_with_a_note():
    value: list = []
    node = value
    for _ in range(200):
        node.append([])
        node = node[0]
    post = Mapper(None, "t", now=lambda: NOW).map(
        RawRow({"text": "hi", "created_at": "2026-11-01", "v": value}, "api", 1)
    )
    assert isinstance(post, Post)
    assert any("deeper than" in n for n in post.raw["_heard_notes"])
    json.dumps(post.raw)


@pytest.mark.parametrize(
    "likes",
    ["9223372036854775808", "1e20", "1e300", '"99999999999999999999999"', '"' + "9" * 400 + '万"'],
)
def test_huge_counts_are_clamped_with_a_note(likes):
    post = mapped(record()[:-1] + f', "likes": {likes}}}')
    assert isinstance(post, Post) and post.likes == MAX_COUNT
    assert any("largest count" in n for n in post.raw["_heard_notes"])


def test_an_integer_with_too_many_digits_is_malformed_json_not_a_crash():
    item = mapped(record()[:-1] + ', "likes": ' + "9" * 5000 + "}")
    assert isinstance(item, Quarantined) and item.reason == "malformed_json"
    assert parse_count(float("inf")) is None
