"""Cases from ingest (the ``cases`` operator): off by default; with ``--preset teddycup-replies``
every message is routed and opens a case, a published reply makes it answered, a source label
is the department, a low-confidence route goes to triage, and re-ingest opens nothing twice."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from heard.cli import run
from heard.store import open_store

HEADER = [
    "留言编号",
    "留言用户",
    "留言主题",
    "留言时间",
    "留言详情",
    "答复意见",
    "答复时间",
    "一级标签",
]
ROWS = [
    [
        "1",
        "U0001",
        "小区门口公交站被撤",
        "2019/3/1 9:00:00",
        "我们小区门口的公交站突然撤了，老人出行很不方便，希望恢复公交线路。",
        "网友U0001：您好！经核实，该站点因道路施工临时调整，施工结束后恢复。",
        "2019/3/5 10:00:00",
        "",
    ],
    [
        "2",
        "U0002",
        "学校食堂卫生差",
        "2019/3/2 9:00:00",
        "孩子学校的食堂卫生很差，饭菜里有异物，请教育部门检查学校食堂。",
        "您好，区教育局已约谈学校，整改食堂管理。",
        "2019/3/12 9:00:00",
        "",
    ],
    [
        "3",
        "U0003",
        "拖欠工资",
        "2019/3/3 9:00:00",
        "公司拖欠我们三个月工资，劳动监察部门能否帮忙追讨？",
        "",
        "",
        "劳动和社会保障",
    ],
    [
        "4",
        "U0004",
        "夜间施工噪音",
        "2019/3/4 23:00:00",
        "工地每天夜里施工，噪音扰民，严重影响休息，请环保部门处理。",
        "已转相关部门处理。",
        "2019/3/4 08:00:00",
        "",
    ],  # a reply dated before the message
]


def _board(tmp_path: Path) -> Path:
    path = tmp_path / "board.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    return path


def test_cases_are_off_unless_asked(tmp_path):
    db = tmp_path / "h.duckdb"
    assert run(["ingest", str(_board(tmp_path)), "--preset", "teddycup", "--db", str(db)]) == 0
    with open_store(db) as store:
        assert store.scalar("SELECT count(*) FROM posts") == 4
        assert store.scalar("SELECT count(*) FROM cases") == 0
    # switched on later: the posts already stored get their cases (nothing new is stored)
    assert (
        run(["ingest", str(_board(tmp_path)), "--preset", "teddycup-replies", "--db", str(db)]) == 0
    )
    with open_store(db) as store:
        assert store.scalar("SELECT count(*) FROM posts") == 4
        assert store.scalar("SELECT count(*) FROM cases") == 4
        assert store.scalar("SELECT count(*) FROM cases WHERE status = 'closed'") == 3


@pytest.fixture(scope="module")
def board_db(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("board")
    db = tmp / "h.duckdb"
    path = _board(tmp)
    assert run(["ingest", str(path), "--preset", "teddycup-replies", "--db", str(db)]) == 0
    assert run(["ingest", str(path), "--preset", "teddycup-replies", "--db", str(db)]) == 0
    return db


def test_each_message_opens_one_case(board_db):
    with open_store(board_db) as store:
        cases = {r["post_id"]: r for r in store.rows("SELECT * FROM cases")}
        assert sorted(cases) == ["board:1", "board:2", "board:3", "board:4"]
        assert store.scalar("SELECT count(*) FROM case_events WHERE kind = 'opened'") == 4
        assert {d["code"] for d in store.cases.departments()} >= {
            "transport",
            "education_culture_sports",
        }
        bus, school, wages = cases["board:1"], cases["board:2"], cases["board:3"]
        # the source's own label is the record; a message without a reply stays open
        assert (wages["department"], wages["routed_by"], wages["status"]) == (
            "labour_social_security",
            "source:一级标签",
            "open",
        )
        assert wages["reply_text"] is None
        for case in (bus, school):
            assert case["status"] == "closed" and case["reply_text"]
            assert case["routed_by"].startswith("heard-zero-shot")
            assert case["reply_department"] == (
                None if case["department"] == "triage" else case["department"]
            )
            assert 0 <= case["reply_quality"] <= 1
        assert school["department"] in ("education_culture_sports", "triage")
        # the author's handle in the reply was never stored
        assert "U0001" not in bus["reply_text"] and "[user]" in bus["reply_text"]
        assert store.scalar("SELECT count(*) FROM posts WHERE raw LIKE '%U000%'") == 0


def test_triage_holds_low_confidence_routes(board_db):
    with open_store(board_db) as store:
        rows = store.rows(
            "SELECT department, routed_confidence, explanation FROM cases "
            "WHERE routed_by LIKE 'heard-zero-shot%'"
        )
    import json

    for r in rows:
        suggested = json.loads(r["explanation"])["suggested"]
        assert r["department"] in (suggested, "triage")
        assert (r["department"] == "triage") == (r["routed_confidence"] < 0.5)


def _json(capsys, argv: list[str]) -> dict:
    import json

    capsys.readouterr()
    assert run(argv + ["--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_cases_case_and_accountability(board_db, capsys):
    db = ["--db", str(board_db)]
    listed = _json(capsys, ["cases", *db])
    assert listed["total"] == 4 and all("author_key" not in r for r in listed["cases"])
    wages = _json(capsys, ["cases", "--department", "labour_social_security", *db])["cases"]
    assert [r["status"] for r in wages] == ["open"]
    assert wages[0]["overdue"] is True  # 2019, fifteen working days long past
    assert _json(capsys, ["cases", "--overdue", *db])["total"] == 1
    assert _json(capsys, ["cases", "--status", "closed", *db])["total"] == 3
    assert run(["cases", "--status", "done", *db]) == 2  # an unknown status is refused

    detail = _json(capsys, ["case", wages[0]["case_id"], *db])
    assert detail["department"]["name_zh"] == "劳动和社会保障"
    assert [e["kind"] for e in detail["timeline"]] == ["opened"]
    assert all("actor" not in e for e in detail["timeline"])  # roles only, never accounts
    assert run(["case", "CNOPE", *db]) == 2

    record = _json(capsys, ["accountability", *db])
    total = record["total"]
    assert (total["cases"], total["answered"], total["negative_excluded"]) == (4, 3, 1)
    assert total["response_rate"] == 0.75 and total["overdue_open"] == 1
    # the two replies dated after their messages: 4 days 1 hour and 10 days
    assert total["median_days"] == pytest.approx((4 + 1 / 24 + 10) / 2, abs=1e-4)
    assert sum(d["cases"] for d in record["departments"]) == 4

    quality = _json(capsys, ["replies", *db])
    assert len(quality["replies"]) == 3
    assert sum(d["replies"] for d in quality["departments"]) == 3
    depts = _json(capsys, ["departments", *db])["departments"]
    assert {d["code"] for d in depts} >= {"transport", "labour_social_security"}
    assert sum(d["cases"] for d in depts) == 4


def test_cli_route_and_train_router(tmp_path, capsys):
    routed = _json(
        capsys, ["route", "公交站撤了，出行不便", "学校食堂卫生差", "--departments", "teddycup"]
    )
    assert [r["id"] for r in routed["routes"]] == ["1", "2"]
    assert routed["routes"][0]["department"] == "transport"
    assert run(["route", "text"]) == 2  # no departments and no model: a clear refusal

    data = tmp_path / "labelled.csv"
    rows = [
        ("公交线路调整", "transport"),
        ("地铁站出口", "transport"),
        ("道路拥堵红绿灯", "transport"),
        ("学校招生", "education_culture_sports"),
        ("幼儿园收费", "education_culture_sports"),
        ("教师待遇", "education_culture_sports"),
    ]
    data.write_text(
        "text,department\n" + "\n".join(f"{t},{d}" for t, d in rows) + "\n", encoding="utf-8"
    )
    out = tmp_path / "router"
    trained = _json(
        capsys,
        ["train", "router", "--data", str(data), "--out", str(out), "--departments", "teddycup"],
    )
    assert trained["examples"] == 6 and (out / "router.json").is_file()
    capsys.readouterr()  # the text output says how to use the router (it said only "wrote")
    argv = ["train", "router", "--data", str(data), "--out", str(tmp_path / "r2")]
    assert run([*argv, "--departments", "teddycup"]) == 0
    said = " ".join(capsys.readouterr().err.split())  # messages go to stderr
    assert 'use it: router_model = "' in said and "under [heard] in heard.toml" in said, said
    again = _json(capsys, ["route", "公交车太少", "--model", str(out)])
    assert again["model"].startswith("heard-router@")
    assert again["routes"][0]["department"] in ("transport", "education_culture_sports")


def test_api_responder_works_only_its_department(board_db, tmp_path):
    import shutil

    from fastapi.testclient import TestClient

    from heard.api.app import create_app
    from heard.auth import Accounts, Role
    from heard.settings import Settings

    db = tmp_path / "api.duckdb"
    shutil.copy(board_db, db)
    with open_store(db) as store:
        accounts = Accounts(store)
        accounts.add_user("lab", "long-enough-pw", Role.responder, "labour_social_security")
        accounts.add_user("edu", "long-enough-pw", Role.responder, "education_culture_sports")
        accounts.add_user("ana", "long-enough-pw", Role.analyst)
        accounts.add_user("vie", "long-enough-pw", Role.viewer)
        tokens = {n: accounts.create_token(n, "tests")[1] for n in ("lab", "edu", "ana", "vie")}
        wages = store.cases.case_for_post("board:3")["case_id"]

    def auth(name: str) -> dict:
        return {"Authorization": f"Bearer {tokens[name]}"}

    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        queue = client.get("/api/v1/cases", headers=auth("lab")).json()
        assert [c["case_id"] for c in queue["cases"]] == [wages]
        assert (
            client.get("/api/v1/cases?department=transport", headers=auth("lab")).status_code == 403
        )
        assert client.get("/api/v1/cases", headers=auth("vie")).status_code == 403
        assert client.get("/api/v1/cases", headers=auth("ana")).json()["total"] == 4
        assert client.get(f"/api/v1/cases/{wages}", headers=auth("edu")).status_code == 403
        r = client.post(f"/api/v1/cases/{wages}/reply", headers=auth("edu"), json={"text": "x"})
        assert r.status_code == 403  # another department's case

        r = client.post(
            f"/api/v1/cases/{wages}/status", headers=auth("lab"), json={"status": "investigating"}
        )
        assert r.status_code == 200, r.text
        r = client.post(
            f"/api/v1/cases/{wages}/status", headers=auth("lab"), json={"status": "nope"}
        )
        assert r.status_code == 400 and "unknown case status" in r.json()["error"]
        r = client.post(
            f"/api/v1/cases/{wages}/reply",
            headers=auth("lab"),
            json={"text": "已督促企业于本月底前支付拖欠工资。", "close_as": "fixed"},
        )
        assert r.status_code == 200, r.text
        case = client.get(f"/api/v1/cases/{wages}", headers=auth("lab")).json()["case"]
        assert case["status"] == "fixed" and case["reply"]["department"]["code"] == (
            "labour_social_security"
        )
        assert [e["kind"] for e in case["timeline"]] == ["opened", "status", "replied"]
        assert all("actor" not in e for e in case["timeline"])
        # closed moves only by reopening (status open), whoever asks
        r = client.post(
            f"/api/v1/cases/{wages}/status", headers=auth("ana"), json={"status": "in_progress"}
        )
        assert r.status_code == 409 and "reopen it first" in r.json()["errors"][0]
        r = client.post(
            f"/api/v1/cases/{wages}/reassign", headers=auth("ana"), json={"department": "atlantis"}
        )
        assert r.status_code == 400
        record = client.get("/api/v1/accountability", headers=auth("vie")).json()
        assert record["ok"] and record["total"]["cases"] == 4
    with open_store(db) as store:
        events = store.cases.events(wages)
        assert [(e["actor_role"], e["actor"]) for e in events[1:]] == [
            ("responder", "lab"),
            ("responder", "lab"),
        ]  # internally, who acted is kept


def test_train_router_from_the_store_uses_labels_and_corrections(board_db, tmp_path, capsys):
    import shutil
    from datetime import datetime

    db = tmp_path / "train.duckdb"
    shutil.copy(board_db, db)
    with open_store(db) as store:
        store.cases.add_correction("board:1", "transport", datetime(2020, 1, 1), "ana")
        store.cases.add_correction(
            "board:2", "education_culture_sports", datetime(2020, 1, 1), "ana"
        )
        rows = store.cases.training_rows()
    assert sorted((r["id"], r["corrected"]) for r in rows) == [
        ("board:1", True),
        ("board:2", True),
        ("board:3", False),
    ]
    out = tmp_path / "router"
    trained = _json(
        capsys, ["train", "router", "--db", str(db), "--out", str(out), "--departments", "teddycup"]
    )
    assert trained["examples"] == 3
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "2 with a non-default weight" in card  # the corrections count twice


def test_cases_without_departments_are_refused_before_any_work(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HEARD_ANSWER_CASES", "true")
    db = tmp_path / "h.duckdb"
    capsys.readouterr()
    assert run(["ingest", str(_board(tmp_path)), "--preset", "teddycup", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "no trained router and no departments" in err and "[[departments]]" in err
    with open_store(db) as store:
        assert store.scalar("SELECT count(*) FROM posts") == 0


def test_a_reply_that_cannot_be_dated_is_not_imported_and_says_so(tmp_path, capsys):
    """A published reply dated 73 years ahead was imported as answered: its 29,224-day response
    time made the board's p90 17,536 days and its mean 5,847. And a reply whose 答复时间 was
    unreadable or empty vanished without a word, the case shown open and overdue. A reply time
    is held to the rule a post's time is (readable, not more than a day ahead), and its text to
    a post's length limit (a 150,000-character reply was stored whole); a reply that fails
    either is not imported, and the case's timeline says why."""
    rows = [
        ["11", "U0011", "路灯坏了", "2019/5/1 9:00:00", "小区路灯坏了一个月，请修理。",
         "已安排维修。", "2019/5/3 9:00:00", ""],
        ["12", "U0012", "公交站撤了", "2019/5/2 9:00:00", "公交站被撤了，出行不便。",
         "已恢复。", "2099/5/6 10:00:00", ""],
        ["13", "U0013", "垃圾没人清", "2019/5/3 9:00:00", "垃圾站的垃圾三天没人清了。",
         "已清理。", "not a date", ""],
        ["14", "U0014", "噪音扰民", "2019/5/4 9:00:00", "工地夜间施工噪音扰民。",
         "已责令整改。", "", ""],
        ["15", "U0015", "井盖丢了", "2019/5/5 9:00:00", "路口井盖丢了。",
         "答" * 150_000, "2019/5/6 9:00:00", ""],
    ]  # fmt: skip
    path = tmp_path / "replies.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows)
    db = tmp_path / "r.duckdb"
    assert run(["ingest", str(path), "--preset", "teddycup-replies", "--db", str(db)]) == 0
    with open_store(db) as store:
        cases = {r["post_id"]: r for r in store.rows("SELECT * FROM cases")}
        notes = {
            r["case_id"]: r["note"]
            for r in store.rows("SELECT case_id, note FROM case_events WHERE kind = 'opened'")
        }
    assert cases["replies:11"]["status"] == "closed"
    for pid, why in (("replies:12", "future"), ("replies:13", "not a date"),
                     ("replies:14", "答复时间 is empty"),
                     ("replies:15", "the limit is 100000")):  # fmt: skip
        case = cases[pid]
        assert case["status"] == "open" and case["replied_at"] is None, case
        note = notes[case["case_id"]]
        assert "reply was not imported" in note and why in note, note
    total = _json(capsys, ["accountability", "--db", str(db)])["total"]
    assert total["answered"] == 1
    assert total["median_days"] == total["p90_days"] == total["mean_days"] == 2.0
    shown = _json(capsys, ["case", cases["replies:13"]["case_id"], "--db", str(db)])
    assert "reply was not imported" in shown["timeline"][0]["note"]


def test_a_later_export_with_replies_answers_the_open_cases(tmp_path, capsys):
    """A board exported before its replies, then again a month later with them: the messages
    were stored already, so the new export's replies were ignored and their cases stayed open
    and overdue forever, counted against their departments as unanswered. A reply the source has
    published since is imported into the case when it is still open and has none; a case a
    department already answered in Heard keeps its own reply."""
    header = HEADER[:7]
    may = [
        ["21", "U0021", "路灯坏了", "2019/5/1 9:00:00", "小区门口路灯坏了，请修理。", "", ""],
        ["22", "U0022", "公交站撤了", "2019/5/2 9:00:00", "公交站被撤了，出行不便。", "", ""],
    ]
    june = [
        [*may[0][:5], "已安排维修。", "2019/5/3 9:00:00"],
        [*may[1][:5], "已恢复。", "2019/5/6 9:00:00"],
        ["23", "U0023", "夜间噪音", "2019/5/3 9:00:00", "工地夜间施工噪音。", "已整改。",
         "2019/5/8 9:00:00"],
    ]  # fmt: skip
    db = tmp_path / "b.duckdb"
    for name, rows in (("may.csv", may), ("june.csv", june)):
        path = tmp_path / name
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(rows)
        args = ["ingest", str(path), "--preset", "teddycup-replies", "--source", "board"]
        assert run([*args, "--db", str(db)]) == 0
        if name == "may.csv":  # the department answers one of them in Heard first
            from heard.answer import cases as workflow
            from heard.clock import utcnow

            with open_store(db) as store:
                case = store.cases.case_for_post("board:22")
                change = workflow.reply(
                    case, "我们已联系公交公司。", "transport", utcnow(), role="responder",
                    close_as="fixed",
                )  # fmt: skip
                workflow.apply(store, change)
    with open_store(db) as store:
        cases = {r["post_id"]: r for r in store.rows("SELECT * FROM cases")}
        replied = store.rows(
            "SELECT case_id, actor_role FROM case_events WHERE kind = 'replied' ORDER BY \"at\""
        )
    assert store is not None and len(cases) == 3
    lamp = cases["board:21"]
    assert lamp["status"] == "closed" and lamp["reply_text"] == "已安排维修。"
    assert lamp["replied_at"] is not None and lamp["reply_quality"] is not None
    bus = cases["board:22"]  # answered in Heard: its own reply stays
    assert bus["status"] == "fixed" and bus["reply_text"] == "我们已联系公交公司。"
    assert [r["actor_role"] for r in replied if r["case_id"] == lamp["case_id"]] == ["import"]
    assert [r["actor_role"] for r in replied if r["case_id"] == bus["case_id"]] == ["responder"]
    total = _json(capsys, ["accountability", "--db", str(db)])["total"]
    assert total["answered"] == 3 and total["open"] == 0
    # the same export again changes nothing
    again = tmp_path / "june.csv"
    assert run(["ingest", str(again), "--preset", "teddycup-replies", "--source", "board",
                "--db", str(db)]) == 0  # fmt: skip
    with open_store(db) as store:
        assert store.scalar("SELECT count(*) FROM case_events WHERE kind = 'replied'") == 3
