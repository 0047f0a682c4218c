"""The topic list's cursor: the ids a walk has shown, compact and exact, and a cursor this server
did not give names no page (a 404), whatever its bytes unpack to."""

from __future__ import annotations

import base64
import random
import zlib

import pytest

from heard.errors import NotFoundError
from heard.read.common import MAX_CURSOR_CHARS, decode_ids, encode_ids


def _forged(raw: bytes) -> str:
    return base64.urlsafe_b64encode(zlib.compress(raw)).decode().rstrip("=")


def test_ids_come_back_exactly_and_a_long_walk_stays_short():
    rng = random.Random(7)
    for ids in ({0}, {1, 2, 3}, {5, 2**40}, set(rng.sample(range(30_000), 5_000))):
        assert decode_ids(encode_ids(ids)) == ids
    walk = set(range(1, 5_001))  # ids given out in order, as the topic stage gives them
    assert len(encode_ids(walk)) < 200
    assert len(encode_ids(set(rng.sample(range(15_000), 5_000)))) < MAX_CURSOR_CHARS
    with pytest.raises(ValueError):
        encode_ids({-1})


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "AAAA",
        "not base64!",
        _forged(b""),
        _forged(b"\x01\x00"),  # a gap of 0: the same id twice
        _forged(b"\x81"),  # a varint cut short
        _forged(b"\xff" * 10 + b"\x01"),  # a gap past 2**63
        _forged(b"\x01" * 5_000_000),  # unpacks past the bound
        _forged(b"\x01") + "AAAA",  # bytes after the stream
    ],
)
def test_a_cursor_this_server_did_not_give_names_no_page(cursor):
    with pytest.raises(NotFoundError, match="no page at this cursor"):
        decode_ids(cursor)
