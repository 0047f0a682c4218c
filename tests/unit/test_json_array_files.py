"""A .json file holding one array of objects (an Open311 ``requests.json``, a saved API
response) or an object with one such array under a key is read post by post. Before, every .json
file was refused ("convert it to JSON Lines with jq"). The array is streamed in chunks; an element
that breaks is quarantined with its position and the elements after it are read."""

from __future__ import annotations

import json

import pytest

import heard.connectors.jsonarray as jsonarray
from heard.connectors import open_connector
from heard.errors import InputError

POSTS = [
    {
        "id": f"p{i}",
        "text": f"第{i}条：路灯坏了 streetlight out {'x' * (i * 7)}",
        "n": [i, {"k": i}],
    }
    for i in range(1, 13)
]


def _read(tmp_path, body: bytes | str, name: str = "export.json", start_after: int = 0):
    path = tmp_path / name
    path.write_bytes(body.encode("utf-8") if isinstance(body, str) else body)
    return list(open_connector(path).rows(start_after))


def _shape(items) -> list:
    return [
        (i.position, i.fields["id"]) if hasattr(i, "fields") else (i.position, i.reason)
        for i in items
    ]


@pytest.mark.parametrize("chunk", [3, 7, 64, 1 << 20])
def test_every_element_is_read_whatever_the_chunk_boundaries(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(jsonarray, "CHUNK_BYTES", chunk)
    body = "\ufeff" + json.dumps(POSTS, ensure_ascii=False, indent=2)
    items = _read(tmp_path, body)
    assert [i.fields for i in items] == POSTS
    assert [i.position for i in items] == list(range(1, 13))


def test_a_resumed_read_starts_after_the_position(tmp_path):
    assert _shape(_read(tmp_path, json.dumps(POSTS[:3]), start_after=2)) == [(3, "p3")]


@pytest.mark.parametrize("chunk", [5, 1 << 20])
def test_one_bad_element_is_quarantined_and_the_rest_read(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(jsonarray, "CHUNK_BYTES", chunk)
    good = [json.dumps(p, ensure_ascii=False) for p in POSTS[:4]]
    body = (
        "[" + good[0] + ",\n"
        '{"id": "broken", "text": "an unclosed "quote"},\n'  # broken syntax
        "42,\n"  # not an object, swallowed by the broken element before it
        + good[1] + "\n"  # no comma before the next element
        + good[2] + ",\n"
        + "[" * 300 + "]" * 300 + ",\n"  # nested too deep
        + good[3] + ",\n]"  # a trailing comma
    )  # fmt: skip
    items = _read(tmp_path, body)
    assert _shape(items) == [
        (1, "p1"),
        (2, "malformed_json"),  # the broken element and the 42 after it, read again at p2
        (3, "p2"),
        (4, "p3"),  # its missing comma is forgiven
        (5, "too_deep"),
        (6, "p4"),
    ]
    assert "unclosed" in items[1].raw and "42" in items[1].raw


def test_an_element_that_is_not_an_object_is_quarantined(tmp_path):
    body = json.dumps([POSTS[0], 42, "text", [POSTS[1]], None, POSTS[2]])
    assert _shape(_read(tmp_path, body)) == [
        (1, "p1"),
        (2, "not_an_object"),
        (3, "not_an_object"),
        (4, "not_an_object"),
        (5, "not_an_object"),
        (6, "p3"),
    ]


def test_bytes_that_are_not_utf8_spoil_only_their_element(tmp_path):
    body = (
        b'[{"id": "a", "text": "ok"},\n{"id": "b", "text": "bad \xff byte"},\n'
        b'{"id": "c", "text": "\xe8\xb7\xaf\xe7\x81\xaf"}]'
    )
    items = _read(tmp_path, body)
    assert _shape(items) == [(1, "a"), (2, "invalid_utf8"), (3, "c")]
    assert items[2].fields["text"] == "路灯"


def test_a_broken_tail_is_one_quarantined_entry(tmp_path):
    items = _read(tmp_path, json.dumps(POSTS[:2])[:-30])  # cut off in the second element
    assert _shape(items) == [(1, "p1"), (2, "malformed_json")]


@pytest.mark.parametrize("body", ["", "  \n", "[]", "[ \n ]"])
def test_an_empty_file_or_array_gives_no_rows(tmp_path, body):
    assert _read(tmp_path, body) == []


def test_an_object_with_one_array_of_posts_is_read(tmp_path):
    body = json.dumps({"meta": {"count": 3}, "statuses": POSTS[:3], "tags": ["a", "b"]})
    assert _shape(_read(tmp_path, body)) == [(1, "p1"), (2, "p2"), (3, "p3")]


def test_a_wrapped_document_is_parsed_once_and_keeps_positions(tmp_path, monkeypatch):
    """The object was parsed to find its array when the connector was made, then again to read
    the array (a 136 MiB document: 5.8 s each); it is parsed once. A bad element is quarantined
    at its position, a resumed read starts after its position, and a second read reads again."""
    parsed: list[int] = []
    loads = json.loads

    def counted(text, *args, **kwargs):
        parsed.append(len(text))
        return loads(text, *args, **kwargs)

    monkeypatch.setattr(jsonarray.json, "loads", counted)
    path = tmp_path / "wrapped.json"
    path.write_text(json.dumps({"meta": {"n": 4}, "data": [*POSTS[:2], 7, POSTS[2]]}))
    connector = open_connector(path)
    first = _shape(connector.rows())
    assert first == [(1, "p1"), (2, "p2"), (3, "not_an_object"), (4, "p3")]
    assert len(parsed) == 1
    assert _shape(connector.rows(2)) == first[2:]  # read again, from where it was left
    assert _shape(open_connector(path).rows(3)) == first[3:]


def test_a_wrapped_document_over_the_limit_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(jsonarray, "MAX_WRAPPED_BYTES", 100)
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"data": POSTS}))
    with pytest.raises(InputError, match="read whole up to"):
        open_connector(path)


@pytest.mark.parametrize(
    ("document", "said"),
    [
        ({"a": POSTS[:1], "b": POSTS[1:2]}, "2 arrays of objects"),
        ({"count": 3}, "no array of objects"),
    ],
)
def test_an_object_without_one_array_names_its_keys(tmp_path, document, said):
    path = tmp_path / "d.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(InputError, match=said) as err:
        open_connector(path)
    assert "jq -c '.KEY[]'" in err.value.fix and repr(next(iter(document))) in err.value.what


def test_a_scalar_document_and_a_utf16_file_are_refused(tmp_path):
    path = tmp_path / "n.json"
    path.write_text('"just a string"', encoding="utf-8")
    with pytest.raises(InputError, match="not a JSON array or object"):
        open_connector(path)
    path.write_bytes(json.dumps(POSTS[:1]).encode("utf-16"))
    with pytest.raises(InputError, match="UTF-16"):
        open_connector(path)
