"""A department's public record, step by step, through the surfaces people use: a citizen files
on the web form and through Open311, responders of two departments reply, close, reassign and
reopen through the API and the desk, the citizen disputes with a wrong token, the right one, and
again after the case was closed a second time. After every step the figures of
``GET /api/v1/accountability``, ``GET /api/v1/public/departments/{code}``, the public department
page and ``heard accountability --json`` must equal a direct count of what happened, made here
from each case's public timeline (its events, their times and kinds), not from the record's
queries."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest
from api_seed import CASE_TOKEN, CLOSED_CASE, PASSWORD, build
from fastapi.testclient import TestClient

from heard.answer.cases import CLOSED_STATES, OPEN_STATES
from heard.api import create_app
from heard.auth import Accounts, Role
from heard.cli import run
from heard.settings import Settings
from heard.store import open_store

DEPARTMENTS = [
    {"code": "water", "name_zh": "供水", "name_en": "Water supply", "keywords": ["停水"]},
    {"code": "transport", "name_zh": "交通运输", "name_en": "Transport", "keywords": ["公交"]},
]
FIGURES = ("cases", "answered", "open", "overdue_open", "closed_late", "reopened", "disputed")
CONFIG = "".join(
    f'[[departments]]\ncode = "{d["code"]}"\nname_zh = "{d["name_zh"]}"\n\n' for d in DEPARTMENTS
)


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.rstrip("Z"))


class Board:
    """The app over one store, opened for a step and closed before the CLI reads the file."""

    def __init__(self, tmp_path: Path) -> None:
        self.db = tmp_path / "record.duckdb"
        self.tokens = build(self.db)
        with open_store(self.db) as store:
            accounts = Accounts(store)
            accounts.add_user("water_desk", PASSWORD, Role.responder, "water")
            self.tokens["water"] = accounts.create_token("water_desk", "tests")[1]
        self.config = tmp_path / "heard.toml"
        self.config.write_text(CONFIG, encoding="utf-8")
        self.case_ids = [CLOSED_CASE["water"], CLOSED_CASE["transport"]]
        self.late: set[str] = set()  # closed after the deadline in force, seen at the closure

    def client(self) -> TestClient:
        settings = Settings(db=self.db, departments=DEPARTMENTS)
        return TestClient(create_app(settings), raise_server_exceptions=False)

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def close(self, client: TestClient, case_id: str, who: str, **reply: str) -> None:
        """Close ``case_id`` (a reply that closes when ``reply`` has text, else a status),
        noting whether the closure came after the deadline the case had just before it."""
        deadline = _time(
            client.get(f"/api/v1/public/cases/{case_id}").json()["case"]["deadline_at"]
        )
        if "text" in reply:
            r = client.post(f"/api/v1/cases/{case_id}/reply", json=reply, headers=self.auth(who))
        else:
            r = client.post(
                f"/api/v1/cases/{case_id}/status", json={"status": "closed"}, headers=self.auth(who)
            )
        assert r.status_code == 200, r.text
        closed = [
            e for e in client.get(f"/api/v1/public/cases/{case_id}").json()["case"]["timeline"]
            if e["to_status"] in CLOSED_STATES
        ][-1]  # fmt: skip
        if _time(closed["at"]) > deadline:
            self.late.add(case_id)

    def expected(self, client: TestClient) -> dict[str, dict[str, object]]:
        """The figures, counted from each case's public timeline."""
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        counts: dict[str, dict[str, object]] = {}
        days: dict[str, list[float]] = {}
        for case_id in self.case_ids:
            case = client.get(f"/api/v1/public/cases/{case_id}").json()["case"]
            code = case["department"]["code"]
            row = counts.setdefault(code, dict.fromkeys(FIGURES, 0))
            kinds = [e["kind"] for e in case["timeline"]]
            replies = [_time(e["at"]) for e in case["timeline"] if e["kind"] == "replied"]
            row["cases"] += 1  # type: ignore[operator]
            if replies:
                row["answered"] += 1  # type: ignore[operator]
                gap = (min(replies) - _time(case["created_at"])).total_seconds() / 86400
                days.setdefault(code, []).append(gap)
            is_open = case["status"] in OPEN_STATES
            row["open"] += int(is_open)  # type: ignore[operator]
            row["overdue_open"] += int(is_open and _time(case["deadline_at"]) < now)  # type: ignore[operator]
            row["closed_late"] += int(case_id in self.late)  # type: ignore[operator]
            row["reopened"] += int("reopened" in kinds or "disputed" in kinds)  # type: ignore[operator]
            row["disputed"] += int("disputed" in kinds)  # type: ignore[operator]
        for code, row in counts.items():
            spans = days.get(code, [])
            row["median_days"] = float(np.percentile(spans, 50)) if spans else None
            row["p90_days"] = float(np.percentile(spans, 90)) if spans else None
            row["response_rate"] = row["answered"] / row["cases"]  # type: ignore[operator]
        return counts

    def check(self, client: TestClient, step: str) -> dict[str, dict[str, object]]:
        """Every surface's figures equal the direct count (the CLI's after the app is closed)."""
        want = self.expected(client)
        api = {
            r["department"]: r for r in client.get("/api/v1/accountability").json()["departments"]
        }
        for code, row in want.items():
            public = client.get(f"/api/v1/public/departments/{code}").json()["record"]
            page = client.get(f"/public/departments/{code}", headers={"Accept": "text/html"}).text
            cells = re.findall(r"<td>([^<]*)</td>", page[page.index('id="record"') :])[:11]
            shown = dict(zip(("cases", "answered", "rate", "median", "p90", *FIGURES[2:]), cells))
            for figure in FIGURES:
                assert api[code][figure] == row[figure], (step, code, figure, api[code], row)
                assert public[figure] == row[figure], (step, code, figure, public, row)
                assert shown[figure] == str(row[figure]), (step, code, figure, shown, row)
            for figure in ("median_days", "p90_days", "response_rate"):
                for surface in (api[code], public):
                    if row[figure] is None:
                        assert surface[figure] is None, (step, code, figure)
                    else:
                        assert surface[figure] == pytest.approx(row[figure], abs=1e-3), (
                            step, code, figure, surface[figure], row[figure]
                        )  # fmt: skip
        return want

    def check_cli(self, want: dict[str, dict[str, object]], capsys, step: str) -> None:
        capsys.readouterr()
        args = ["accountability", "--db", str(self.db), "--config", str(self.config), "--json"]
        assert run(args) == 0
        cli = {r["department"]: r for r in json.loads(capsys.readouterr().out)["departments"]}
        for code, row in want.items():
            for figure in FIGURES:
                assert cli[code][figure] == row[figure], (step, "cli", code, figure, cli[code], row)
            if row["median_days"] is not None:
                assert cli[code]["median_days"] == pytest.approx(row["median_days"], abs=1e-3)


def test_the_record_follows_every_step(tmp_path, capsys):
    board = Board(tmp_path)
    water_seed, bus = CLOSED_CASE["water"], CLOSED_CASE["transport"]
    with board.client() as client:
        want = board.check(client, "seed")
        assert want["transport"]["overdue_open"] == 1 and want["water"]["answered"] == 1

        # a citizen writes to water on the form, another to transport through Open311
        page = client.post(
            "/public/report", data={"department": "water", "text": "东湖路12号井盖丢失，夜里很危险"}
        )
        assert page.status_code == 200, page.text
        form_case = re.search(r"/public/cases/(C[0-9A-F]{11})", page.text).group(1)
        filed = client.post(
            "/open311/v2/requests.json",
            data={
                "service_code": "transport",
                "description": "5路公交站牌被撞倒，联系我13712345678",
            },
        )
        assert filed.status_code == 200, filed.text
        o311_case, o311_token = filed.json()[0]["service_request_id"], filed.json()[0]["token"]
        board.case_ids += [form_case, o311_case]
        board.check(client, "filed")

        # transport answers its new case without closing it, and closes the overdue bus case
        r = client.post(
            f"/api/v1/cases/{o311_case}/reply", json={"text": "已派人核实站牌，三日内修复。"},
            headers=board.auth("responder"),
        )  # fmt: skip
        assert r.status_code == 200, r.text
        board.close(client, bus, "responder", text="12路已加开班次。", close_as="fixed")
        assert bus in board.late
        want = board.check(client, "answered")
        assert want["transport"]["closed_late"] == 1 and want["transport"]["overdue_open"] == 0

        # water passes the form case to transport, which passes it back
        for who, to in (("water", "transport"), ("responder", "water")):
            r = client.post(
                f"/api/v1/cases/{form_case}/reassign",
                json={"department": to},
                headers=board.auth(who),
            )
            assert r.status_code == 200, r.text
            board.check(client, f"reassigned to {to}")
        # and transport, having given it back, may not touch it (403, not 500)
        r = client.post(
            f"/api/v1/cases/{form_case}/reply", json={"text": "x"}, headers=board.auth("responder")
        )
        assert r.status_code == 403, r.text

        # two water desks at once: both close the form case; one closure is stored, the other
        # is refused (409), and the one who was second can still add a reply to the closed case
        analyst = board.auth("analyst")
        deadline = _time(
            client.get(f"/api/v1/public/cases/{form_case}").json()["case"]["deadline_at"]
        )
        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(
                lambda who: client.post(
                    f"/api/v1/cases/{form_case}/reply",
                    json={"text": f"井盖已补装（{who}）。", "close_as": "fixed"},
                    headers=board.auth(who),
                ),
                ("water", "analyst"),
            ))  # fmt: skip
        assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
        timeline = client.get(f"/api/v1/public/cases/{form_case}").json()["case"]["timeline"]
        assert [e["to_status"] for e in timeline].count("fixed") == 1
        assert _time(timeline[-1]["at"]) <= deadline  # closed in time: not late
        r = client.post(
            f"/api/v1/cases/{form_case}/reply", json={"text": "补充：已加固。"}, headers=analyst
        )
        assert r.status_code == 200, r.text
        r = client.post(
            f"/api/v1/cases/{form_case}/status", json={"status": "closed"}, headers=analyst
        )
        assert r.status_code == 409, r.text
        want = board.check(client, "closed")
    board.check_cli(want, capsys, "closed")
    with board.client() as client:
        r = client.post(
            f"/open311/v2/requests/{form_case}/dispute.json", data={"token": o311_token}
        )
        assert r.status_code == 404, r.text  # another case's token
        board.check(client, "wrong token")
        r = client.post(
            f"/open311/v2/requests/{o311_case}/dispute.json", data={"token": o311_token}
        )
        assert r.status_code == 400, r.text  # still open
        board.close(client, o311_case, "responder")
        r = client.post(
            f"/open311/v2/requests/{o311_case}/dispute.json", data={"token": o311_token}
        )
        assert r.status_code == 200, r.text
        want = board.check(client, "disputed once")
        assert want["transport"]["disputed"] == 1
        r = client.post(
            f"/open311/v2/requests/{o311_case}/dispute.json", data={"token": o311_token}
        )
        assert r.status_code == 400, r.text  # reopened: nothing to dispute
        board.close(client, o311_case, "responder", text="站牌已重新立好。", close_as="fixed")
        r = client.post(
            f"/open311/v2/requests/{o311_case}/dispute.json", data={"token": o311_token}
        )
        assert r.status_code == 200, r.text
        want = board.check(client, "disputed twice")
        assert want["transport"]["disputed"] == 1 and want["transport"]["reopened"] == 1

        # the seed's water case: the citizen disputes on the public page; water reopens its own
        r = client.post(
            f"/public/cases/{water_seed}/dispute",
            data={"token": CASE_TOKEN},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
        board.check(client, "disputed on the page")
        board.close(client, water_seed, "water")
        r = client.post(
            f"/api/v1/cases/{water_seed}/status",
            json={"status": "open"},
            headers=board.auth("water"),
        )
        assert r.status_code == 200, r.text
        want = board.check(client, "reopened by water")
    board.check_cli(want, capsys, "end")
