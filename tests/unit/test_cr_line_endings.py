"""A file whose lines end in a carriage return alone (classic Mac; Excel for Mac's "CSV
(Macintosh)") reads as one line. Before, a JSONL one became a single ``malformed_json`` entry
holding every post ("Extra data"), and a CSV one failed on its header asking about Python's
"universal-newline mode". Now both are an ``InputError`` that names the ``tr`` to run."""

from __future__ import annotations

import pytest

from heard.cli import run
from heard.connectors import open_connector
from heard.errors import InputError

CSV = b"id,text,created_at\rc1,the road is broken,2026-11-02 10:00\rc2,no water,2026-11-02 11:00\r"
JSONL = (
    b'{"id": "r1", "text": "the road is broken", "created_at": "2026-11-02 10:00"}\r'
    b'{"id": "r2", "text": "no water", "created_at": "2026-11-02 11:00"}\r'
)


@pytest.mark.parametrize(("name", "data"), [("mac.csv", CSV), ("mac.jsonl", JSONL)])
def test_carriage_return_line_endings_are_an_input_error_naming_tr(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError, match="end in a carriage return alone") as err:
        list(open_connector(path).rows())
    assert f"tr '\\r' '\\n' < {path}" in err.value.fix


def test_heard_ingest_exits_2_on_such_a_file_and_stores_nothing(tmp_path, capsys):
    path = tmp_path / "mac.jsonl"
    path.write_bytes(JSONL)
    assert run(["ingest", str(path), "--db", str(tmp_path / "x.duckdb")]) == 2
    assert "carriage return" in capsys.readouterr().err


@pytest.mark.parametrize(
    "data",
    [
        b"id,text\r\nc1,windows line endings\r\n",  # CRLF is read as always
        b'{"text": "one line, a trailing CR"}\r',
        b'{"text": "a JSON string may not hold a raw CR, but \\r escaped is fine"}\n',
    ],
)
def test_other_line_endings_are_read(tmp_path, data):
    path = tmp_path / ("f.csv" if data.startswith(b"id") else "f.jsonl")
    path.write_bytes(data)
    assert len(list(open_connector(path).rows())) == 1
