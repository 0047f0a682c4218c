"""A JSON export saved under a .jsonl name (an API response, a pretty-printed dump) is one JSON
document, not JSON Lines. Before, ``heard ingest`` ran to exit code 0 with nothing stored: a
pretty-printed file left one ``malformed_json`` entry per line, a one-line array one
``not_an_object`` entry holding every post. Now it is an ``InputError`` saying to read it as one
document (``--format json``), which reads it."""

from __future__ import annotations

import json

import pytest

from heard.cli import run
from heard.connectors import open_connector
from heard.errors import InputError

POSTS = [
    {"id": f"a{i}", "text": f"post {i} about the park", "created_at": "2026-11-02 10:00"}
    for i in range(3)
]


@pytest.mark.parametrize(
    ("body", "what"),
    [
        (json.dumps(POSTS, indent=2) + "\n", "pretty-printed JSON"),
        (json.dumps({"data": POSTS}, indent=2), "pretty-printed JSON"),
        ("\ufeff" + json.dumps(POSTS) + "\n", "one JSON array on one line"),
        ("\n" + json.dumps(POSTS), "one JSON array on one line"),  # no final newline
    ],
)
def test_one_json_document_is_an_input_error_naming_the_json_format(tmp_path, body, what):
    path = tmp_path / "export.jsonl"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError, match=f"one JSON document \\({what}\\)") as err:
        list(open_connector(path).rows())
    assert "--format json" in err.value.fix
    rows = list(open_connector(path, "json").rows())  # as the fix says: every post is read
    assert [r.fields["id"] for r in rows] == ["a0", "a1", "a2"]


def test_heard_ingest_exits_2_and_says_so(tmp_path, capsys):
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps(POSTS, indent=2), encoding="utf-8")
    assert run(["ingest", str(path), "--db", str(tmp_path / "x.duckdb")]) == 2
    assert "not JSON Lines" in capsys.readouterr().err


def test_an_array_line_among_object_lines_is_one_bad_line(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text("[1, 2]\n" + json.dumps(POSTS[0]) + "\n", encoding="utf-8")
    items = list(open_connector(path).rows())
    assert [getattr(i, "reason", "row") for i in items] == ["not_an_object", "row"]
