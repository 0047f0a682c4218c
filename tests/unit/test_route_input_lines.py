"""`heard route FILE.jsonl` names the line that is not JSON, by its number in the file. A bad
second line was reported as "Expecting value: line 1 column 1 (char 0)" (the position inside
the line), sending the user to a first line that was fine; a file saved with a byte-order mark
failed on its first line; and ids and "is not an object" counted lines without the blank ones."""

from __future__ import annotations

import pytest

from heard.answer.route_input import read_route_inputs
from heard.errors import InputError


def test_a_bad_jsonl_line_is_named_by_its_number(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text('{"id": "a", "text": "停水"}\n\nnot json\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_route_inputs([str(path)])
    assert "line 3" in err.value.what and "not JSON" in err.value.what, err.value.what


def test_line_numbers_count_blank_lines_and_a_bom_is_read(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text('{"text": "停水"}\n\n{"text": "公交"}\n', encoding="utf-8-sig")
    ids, texts = read_route_inputs([str(path)])
    assert texts == ["停水", "公交"] and ids == ["t.jsonl:1", "t.jsonl:3"]
    path.write_text('{"text": "停水"}\n\n[1, 2]\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_route_inputs([str(path)])
    assert "line 3 is not an object" in err.value.what
