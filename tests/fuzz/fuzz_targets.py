"""Fuzz targets and input strategies for ingest, shared by the short run in the test suite
(tests/fuzz/test_fuzz_ingest.py) and the long run (bench/fuzz_ingest.py).

Inputs are valid JSONL or CSV files mutated at the byte level: bytes inserted, replaced, deleted
or duplicated, from random bytes and from a list of known poison (lone surrogate escapes, deep
nesting, counts past 2^63, stray quotes, NULs, byte-order marks, broken UTF-8, 5,000-digit
numbers, bidi controls …), plus whole records generated from arbitrary JSON values, surrogates
included.

The property, for every input: the connector and mapper never raise anything but ``InputError``
(a whole-file problem, with its fix); every row comes out as a ``Post`` or a ``Quarantined``; a
post's text and raw fields encode as UTF-8 and its counts fit the store's 32-bit columns. Through
the full pipeline: ``ingest_rows`` into a real store never raises, and every row read is stored,
already stored or quarantined.
"""

from __future__ import annotations

import json
import random
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from hypothesis import strategies as st

from heard.connectors import open_connector
from heard.connectors.mapping import Mapper
from heard.errors import InputError
from heard.records import Post, Quarantined

NOW = datetime(2027, 1, 1, tzinfo=timezone.utc)
MAX_COUNT = 2**31 - 1
"""The store's count columns are INT32."""

POISON: list[bytes] = [
    b"\\ud800",
    b"\\udfff",
    b"\\ud83d",
    b"x\\ud800y",
    b"[" * 1200,
    b"]" * 50,
    b'{"a":' * 80,
    b"9223372036854775808",
    b"18446744073709551616",
    b"1e20",
    b"1e400",
    b"-1e400",
    b"-1",
    b"NaN",
    b"Infinity",
    b"-Infinity",
    b"9" * 5000,
    b'"',
    b'""',
    b'"""',
    b"\\",
    b"\\u",
    b",",
    b"\t",
    b"\n",
    b"\r",
    b"\r\n",
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\xed\xa0\x80",
    b"\xc3",
    b"\xff",
    "\u202e".encode(),
    "\ufeff".encode(),
    "𝕏".encode(),
    "１２３".encode(),
    "万".encode(),
    b"true",
    b"false",
    b"null",
    b"[]",
    b"{}",
    b"0",
    b"-0",
    b"1.5",
    b"2019-13-45",
    b"2019-02-30",
    b"99999-01-01",
    b"0000-00-00",
    b"1970-01-01",
    b"Tue, 15 Nov 1994 08:12:31 GMT",
    b"3k",
    b"1.2w",
    b"_x000D_",
    "\u3000".encode(),
    b" " * 40,
    b"id",
    b"text",
    b"created_at",
    b"likes",
]

JSONL_SEED = "".join(
    json.dumps(r, ensure_ascii=False) + "\n"
    for r in [
        {
            "id": "1",
            "text": "东湖路停水了，什么时候恢复？",
            "created_at": "2026-11-01 10:00:00",
            "likes": 3,
            "author": "a1",
            "title": "停水",
            "place": {"full_name": "青石区"},
        },
        {
            "id": 2,
            "text": "Bus 12 late again",
            "created_at": "2026-11-02T08:15:00+08:00",
            "shares": "1.2万",
            "user": {"id_str": "99", "screen_name": "bob"},
            "replies": 12.0,
        },
        {"text": "no id here", "created_at": 1762000000, "dislikes": "3k", "url": "http://x.cn/a"},
        {
            "id": "4",
            "full_text": "Thanks #roads @city",
            "timestamp": "Wed Oct 10 20:19:24 +0000 2018",
        },
    ]
).encode()

JSON_SEED = b"[\n" + b",\n".join(line for line in JSONL_SEED.splitlines() if line) + b"\n]\n"
"""The JSONL seed's records as one .json array (an API's answer, an Open311 export)."""

CSV_SEED = (
    "id,text,created_at,author,likes,extra\n"
    'c1,"two-line\ntext",2019-07-21 10:29:36,alice,5,x\n'
    "c2,噪音扰民,2019/7/12 17:00:34,bob,0,\n"
    'c3,"a ""quoted"" word",2019-07-21,carol,1.2万,y\n'
    "c4,plain,20190721,dave,,\n"
).encode()

_OPS = ("insert", "replace", "delete", "duplicate")
mutation = st.tuples(
    st.sampled_from(_OPS),
    st.integers(0, 1 << 20),
    st.one_of(st.sampled_from(POISON), st.binary(min_size=1, max_size=12)),
    st.integers(1, 64),
)
mutations = st.lists(mutation, min_size=1, max_size=8)


def mutate(data: bytes, ops: list[tuple[str, int, bytes, int]]) -> bytes:
    """``data`` with each operation applied in turn, at its offset modulo the current length."""
    out = bytearray(data)
    for op, at, piece, length in ops:
        i = at % (len(out) + 1)
        if op == "insert":
            out[i:i] = piece
        elif op == "replace":
            out[i : i + len(piece)] = piece
        elif op == "delete":
            del out[i : i + length]
        else:
            out[i:i] = out[i : i + length]
    return bytes(out)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(st.characters(codec=None, exclude_categories=()), max_size=30),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
_FIELDS = [
    "id",
    "text",
    "created_at",
    "likes",
    "shares",
    "author",
    "title",
    "user",
    "place",
    "url",
    "parent_id",
    "extra",
]
records = st.dictionaries(
    st.sampled_from(_FIELDS),
    json_values
    | st.sampled_from(["2026-11-01 10:00:00", "hello 你好", 9223372036854775808, 1e20, "x\ud800"]),
    max_size=8,
)


@st.composite
def fuzzed_files(draw) -> tuple[str, bytes]:
    """(suffix, bytes): a mutated seed file, or JSONL lines of generated records."""
    kind = draw(st.sampled_from(["jsonl", "json", "csv", "records"]))
    if kind == "records":
        rows = draw(st.lists(records, min_size=1, max_size=6))
        lines = [json.dumps(r, ensure_ascii=draw(st.booleans()), allow_nan=True) for r in rows]
        data = ("\n".join(lines) + "\n").encode("utf-8", errors="surrogatepass")
        return ".jsonl", data
    seed = {"jsonl": JSONL_SEED, "json": JSON_SEED}.get(kind, CSV_SEED)
    return "." + kind, mutate(seed, draw(mutations))


_JSON_SPECIALS: list[Any] = [
    "2026-11-01 10:00:00",
    "hello 你好",
    9223372036854775808,
    1e20,
    "x\ud800",
    float("nan"),
    float("inf"),
    -(2**70),
]


def _random_text(rng: random.Random) -> str:
    """Up to 30 code points from anywhere in Unicode, surrogates and controls included."""
    points = []
    for _ in range(rng.randint(0, 30)):
        band = rng.random()
        if band < 0.4:
            points.append(rng.randint(0x20, 0x7E))
        elif band < 0.7:
            points.append(rng.randint(0x4E00, 0x9FFF))
        elif band < 0.8:
            points.append(rng.randint(0xD800, 0xDFFF))
        elif band < 0.9:
            points.append(rng.randint(0, 0x1F))
        else:
            points.append(rng.randint(0, 0x10FFFF))
    return "".join(map(chr, points))


def _random_json(rng: random.Random, depth: int = 0) -> Any:
    pick = rng.random() if depth < 3 else rng.random() * 0.75
    if pick < 0.08:
        return None
    if pick < 0.15:
        return rng.random() < 0.5
    if pick < 0.3:
        return rng.choice([rng.randint(-(2**64), 2**64), rng.randint(-10, 10_000)])
    if pick < 0.4:
        return rng.choice([rng.uniform(-1e6, 1e6), rng.uniform(-1e300, 1e300), -0.0])
    if pick < 0.65:
        return _random_text(rng)
    if pick < 0.75:
        return rng.choice(_JSON_SPECIALS)
    if pick < 0.87:
        return [_random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {_random_text(rng)[:8]: _random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def random_file(rng: random.Random) -> tuple[str, bytes]:
    """The same kinds of input as ``fuzzed_files``, drawn with a plain seeded ``random.Random``:
    about 20 times cheaper per input than Hypothesis, for the volume runs of the bench."""
    kind = rng.choice(("jsonl", "json", "csv", "records"))
    if kind == "records":
        rows = [
            {rng.choice(_FIELDS): _random_json(rng) for _ in range(rng.randint(0, 8))}
            for _ in range(rng.randint(1, 6))
        ]
        ascii_only = rng.random() < 0.5
        lines = [json.dumps(r, ensure_ascii=ascii_only, allow_nan=True) for r in rows]
        return ".jsonl", ("\n".join(lines) + "\n").encode("utf-8", errors="surrogatepass")
    ops = []
    for _ in range(rng.randint(1, 8)):
        if rng.random() < 0.5:
            piece = rng.choice(POISON)
        else:
            piece = rng.randbytes(rng.randint(1, 12))
        ops.append((rng.choice(_OPS), rng.randint(0, 1 << 20), piece, rng.randint(1, 64)))
    seed = {"jsonl": JSONL_SEED, "json": JSON_SEED}.get(kind, CSV_SEED)
    return "." + kind, mutate(seed, ops)


def mapper() -> Mapper:
    return Mapper(None, "fuzz", salt="s", now=lambda: NOW)


def check_post(post: Post) -> None:
    """What later steps need of a post: UTF-8 text and raw, counts that fit INT32, a UTC time."""
    post.text.encode("utf-8")
    post.raw_json().encode("utf-8")
    for value in (post.title, post.url, post.place, post.parent_id, post.external_id):
        if value is not None:
            value.encode("utf-8")
    for n in (post.likes, post.shares, post.replies, post.dislikes):
        assert 0 <= n <= MAX_COUNT, n
    assert post.created_at.tzinfo is not None


def read_and_map(suffix: str, data: bytes, workdir: Path) -> tuple[list[Post], list[Quarantined]]:
    """Connector + mapper over one file; ``InputError`` (a whole-file problem) is allowed."""
    path = workdir / f"fuzz{suffix}"
    path.write_bytes(data)
    posts: list[Post] = []
    bad: list[Quarantined] = []
    try:
        connector = open_connector(path)
        m = mapper()
        m.check_columns(connector.columns)
        for item in connector.rows():
            if isinstance(item, Quarantined):
                bad.append(item)
                continue
            mapped = m.map(item)
            if isinstance(mapped, Post):
                check_post(mapped)
                posts.append(mapped)
            else:
                assert isinstance(mapped, Quarantined)
                bad.append(mapped)
    except InputError:
        pass
    return posts, bad


class Recorder:
    """Counts uncaught exceptions by type and keeps a few inputs that raised each (the bench)."""

    def __init__(self) -> None:
        self.examples = 0
        self.uncaught: dict[str, int] = {}
        self.samples: dict[str, list[str]] = {}

    def run(self, target: Callable[..., Any], *args: Any) -> None:
        self.examples += 1
        try:
            target(*args)
        except Exception as exc:  # noqa: BLE001 - counting them is the point
            name = f"{type(exc).__name__}: {str(exc)[:120]}"
            self.uncaught[name] = self.uncaught.get(name, 0) + 1
            if len(self.samples.setdefault(name, [])) < 3:
                self.samples[name].append(repr(args[:2])[:600])


def new_workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="heard-fuzz-"))


def pipeline_for(store: Any) -> Any:
    """The standard pipeline (real models), bound to ``store``."""
    from heard.pipeline.assemble import default_pipeline
    from heard.pipeline.runner import bind_operators
    from heard.settings import Settings

    pipeline = default_pipeline(Settings(db=store.path))
    bind_operators(store, pipeline)
    return pipeline


def through_pipeline(suffix: str, data: bytes, workdir: Path, store: Any, pipeline: Any) -> None:
    """One fuzzed file through connector, mapper, every stage, the store and the end-of-run work;
    every row read must be accounted for, and none may fall into the mapper's safety net."""
    from heard.pipeline.runner import ingest_rows

    path = workdir / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        connector = open_connector(path)
        m = mapper()
        m.check_columns(connector.columns)
    except InputError:
        return
    s = ingest_rows(store, connector.rows(), m, pipeline, source="fuzz", batch_size=4)
    assert s.rows_read == s.stored + s.already_stored + s.duplicate_ids_in_input + s.quarantined, s
    assert "mapping_failed" not in s.quarantine_reasons, s.quarantine_reasons
