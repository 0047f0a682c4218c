"""Departments: the heard.toml parser, the Teddy Cup preset and the 附件1 taxonomy reader."""

from __future__ import annotations

import tomllib

import pytest

from heard.answer import (
    Department,
    load_teddycup_taxonomy,
    parse_departments,
    teddycup_departments,
    with_taxonomy_keywords,
)
from heard.errors import InputError

TOML = """
[[departments]]
code = "transport"
name_zh = "交通运输"
name_en = "Transport"
description_zh = "公交、出租车、道路运输"
description_en = "Buses, taxis, road transport"
keywords = ["公交", "出租车", "bus", "公交"]
webhook = "https://city.example/hooks/transport"
email = "transport@city.example"
[departments.deadline_days]
default = 10
consultation = 3

[[departments]]
code = "housing"
name_en = "Housing"
deadline_days = 20
"""


def test_parse_departments_from_heard_toml():
    depts = parse_departments(tomllib.loads(TOML))
    assert [d.code for d in depts] == ["transport", "housing"]
    transport, housing = depts
    assert transport.keywords == ("公交", "出租车", "bus")  # duplicates dropped, order kept
    assert transport.deadline_for("consultation") == 3
    assert transport.deadline_for("complaint") == 10  # unknown category → the department's default
    assert transport.deadline_for() == 10
    assert housing.deadline_days == {"default": 20}
    assert housing.webhook is None and housing.name_zh == ""
    assert parse_departments([d.to_dict() for d in depts]) == depts  # the table form round-trips


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"code": "Bad Code", "name_en": "x"}, "not a short lowercase identifier"),
        ({"code": "a"}, "has no name"),
        ({"code": "a", "name_en": "x", "email": "nobody"}, "is not an e-mail address"),
        ({"code": "a", "name_en": "x", "webhook": "ftp://x"}, "is not an http(s) URL"),
        ({"code": "a", "name_en": "x", "deadline_days": {"default": 0}}, "from 1 to 365"),
        ({"code": "a", "name_en": "x", "keywords": "bus"}, "keywords must be a list"),
        ({"code": "a", "name_en": "x", "colour": "red"}, "unknown keys ['colour']"),
        ({"code": "triage", "name_en": "Triage"}, "is reserved"),
    ],
)
def test_bad_department_tables_say_what_and_how_to_fix(table, message):
    with pytest.raises(InputError) as err:
        parse_departments([table])
    assert message in str(err.value)
    assert err.value.fix


def test_duplicate_codes_are_refused():
    with pytest.raises(InputError, match="used twice"):
        parse_departments(
            {"departments": [{"code": "a", "name_en": "A"}, {"code": "a", "name_en": "B"}]}
        )


def test_teddycup_preset_has_the_seven_departments_in_label_order():
    depts = teddycup_departments()
    assert [d.name_zh for d in depts] == [
        "城乡建设",
        "环境保护",
        "交通运输",
        "教育文体",
        "劳动和社会保障",
        "商贸旅游",
        "卫生计生",
    ]
    assert len({d.code for d in depts}) == 7
    for d in depts:
        assert d.description_zh and d.description_en and d.name_en
        assert len(d.keywords) >= 40
        assert d.deadline_for("consultation") < d.deadline_for("complaint")
    assert parse_departments([d.to_dict() for d in depts]) == depts


def test_taxonomy_reader_carries_merged_cells_down(tmp_path):
    path = tmp_path / "taxonomy.csv"
    path.write_text(
        "一级分类,二级分类,三级分类\n交通运输,公交,线路\n,,站点\n,出租车,拒载\n环境保护,噪音,施工噪"
        "音\n",
        encoding="utf-8",
    )
    taxonomy = load_teddycup_taxonomy(path)
    assert taxonomy == {
        "交通运输": [("公交", "线路"), ("公交", "站点"), ("出租车", "拒载")],
        "环境保护": [("噪音", "施工噪音")],
    }
    folder = tmp_path / "board"
    folder.mkdir()
    (folder / "attachment1_label_taxonomy.csv").write_text(
        path.read_text(encoding="utf-8"), encoding="utf-8"
    )
    assert load_teddycup_taxonomy(folder) == taxonomy  # a folder holding the file by its known name
    depts = with_taxonomy_keywords(
        [Department("transport", "交通运输", "Transport", keywords=("公交",))], taxonomy
    )
    assert depts[0].keywords == ("公交", "线路", "站点", "出租车", "拒载")


def test_taxonomy_reader_errors(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        load_teddycup_taxonomy(tmp_path / "absent.csv")
    with pytest.raises(InputError, match="no Teddy Cup taxonomy"):
        load_teddycup_taxonomy(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(InputError, match="一级分类, 二级分类, 三级分类"):
        load_teddycup_taxonomy(bad)


@pytest.mark.shared_data
def test_real_taxonomy_xlsx_and_csv_agree(shared_data):
    folder = shared_data / "teddycup2020_c"
    from_xlsx = load_teddycup_taxonomy(folder / "附件1.xlsx")
    assert from_xlsx == load_teddycup_taxonomy(folder / "attachment1_label_taxonomy.csv")
    assert {d.name_zh for d in teddycup_departments()} <= set(from_xlsx)
    assert sum(len(v) for v in from_xlsx.values()) == 517


def test_a_stored_edit_under_the_reserved_code_is_left_out():
    """A dashboard edit saved as 'triage' before that code was refused does not break every
    page that reads the departments: it is left out."""
    from heard.answer.departments import merge_edits

    kept = merge_edits(
        [], [{"code": "triage", "name_zh": "园林"}, {"code": "parks", "name_en": "P"}]
    )
    assert [d.code for d in kept] == ["parks"]


def test_a_name_is_one_line_and_contacts_have_no_line_breaks():
    """A department's name goes into every notification e-mail's Subject: a name with a line
    break (heard.toml's "交通\\r\\nBcc: …") made `heard notify` die with a traceback ("Header
    values may not contain linefeed"), and the server's notifier fail every scan. An e-mail or
    webhook with a trailing line break passed the check (``$`` matches before it)."""
    from heard.answer.notifications import email_message

    (dept,) = parse_departments(
        [{"code": "transport", "name_zh": "交通\r\nBcc: spy@evil.example", "email": "t@city.cn"}]
    )
    assert dept.name_zh == "交通 Bcc: spy@evil.example"
    body = {
        "notification_id": "n1", "case_id": "C1", "status": "open", "created_at": "2026-12-01",
        "deadline_at": None, "link": "/public/cases/C1", "concern": {"text": "站牌坏了"},
        "message": f"case C1: new case in the queue of {dept.name_zh}",
        "department": {"code": dept.code, "name_zh": dept.name_zh, "name_en": dept.name_en},
    }  # fmt: skip
    msg = email_message(body, dept.email, "heard@localhost")
    assert "\n" not in str(msg["Subject"]) and msg["Bcc"] is None
    # a notification recorded with a name stored before (its payload keeps the line break)
    stored = {**body, "message": "case C1: new case in the queue of 交通\r\nBcc: spy@evil.example"}
    msg = email_message(stored, dept.email, "heard@localhost")
    assert "\n" not in str(msg["Subject"]) and msg["Bcc"] is None
    for bad in ({"email": "t@city.cn\n"}, {"webhook": "https://hooks.city.cn/x\n"}):
        with pytest.raises(InputError):
            parse_departments([{"code": "transport", "name_zh": "交通", **bad}])


def test_the_reserved_code_is_the_triage_queue():
    from heard.answer import cases, departments

    assert departments.TRIAGE == cases.TRIAGE
