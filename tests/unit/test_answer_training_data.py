"""Reading labelled history for ``heard train router --data FILE`` (CSV and JSONL)."""

from __future__ import annotations

import json

import pytest

from heard.answer import read_labelled, teddycup_departments
from heard.errors import InputError

DEPTS = teddycup_departments()


def test_board_export_csv_with_title_body_and_chinese_labels(tmp_path):
    path = tmp_path / "board.csv"
    path.write_text(
        "留言编号,留言主题,留言详情,一级标签\n"
        "101,公交车太挤,每天早上7路车挤不上去,交通运输\n"
        "102,小区停水,,城乡建设\n"
        "103,没有标签的留言,,\n",
        encoding="utf-8-sig",
    )
    rows = read_labelled(path, DEPTS)
    assert [(r.id, r.text, r.department, r.weight) for r in rows] == [
        ("101", "公交车太挤 每天早上7路车挤不上去", "transport", 1.0),
        ("102", "小区停水", "urban_rural_construction", 1.0),
    ]


def test_jsonl_with_codes_english_names_and_weights(tmp_path):
    path = tmp_path / "history.jsonl"
    lines = [
        {"text": "The bus is late", "department": "Transport"},
        {"text": "拖欠工资", "department": "labour_social_security", "weight": 2, "id": "c7"},
    ]
    path.write_text(
        "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n\n", encoding="utf-8"
    )
    rows = read_labelled(path, DEPTS)
    assert [(r.id, r.department, r.weight) for r in rows] == [
        ("history:1", "transport", 1.0),
        ("c7", "labour_social_security", 2.0),
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.csv", "text,department\n公交,parks\n", "department 'parks' is not configured"),
        ("b.csv", "words,owner\n公交,transport\n", "needs a text column and a department column"),
        ("c.jsonl", '{"text": "x", "department": "transport"}\nnot json\n', "line 2 is not JSON"),
        ("d.csv", "text,department,weight\n公交,transport,-1\n", "must be positive"),
        ("e.csv", "", "has no rows"),
    ],
)
def test_bad_training_files_say_what_and_how_to_fix(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_labelled(path, DEPTS)
    assert message in str(err.value) and err.value.fix


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_labelled(tmp_path / "none.csv", DEPTS)
