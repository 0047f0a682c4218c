"""A responder's moves through the case API (status, reassignment, reply) on DuckDB and
PostgreSQL. On PostgreSQL every move was a 500 after it was stored: the route bumped the read
view's ``data_version`` (``+= 1``), which on PostgreSQL is a read-only pair; so the desk and the
API said the move failed, and a client that tried again moved the case twice."""

from __future__ import annotations

from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings

POTHOLE = "长乐路和五一路路口有个大坑，电动车差点摔倒，请尽快填平。"


def _admin(target: str) -> dict[str, str]:
    from heard.auth import Accounts, Role
    from heard.store.backends import open_store

    with open_store(target) as store:
        accounts = Accounts(store)
        accounts.add_user("boss", "long-enough-pw", Role.admin)
        return {"Authorization": f"Bearer {accounts.create_token('boss')[1]}"}


def test_case_moves_answer_200_on_both_backends(target: str) -> None:
    admin = _admin(target)
    with TestClient(create_app(Settings(db=target, department_preset="teddycup"))) as client:
        codes = [s["service_code"] for s in client.get("/open311/v2/services.json").json()]
        filed = client.post(
            "/open311/v2/requests.json", data={"service_code": codes[0], "description": POTHOLE}
        )
        assert filed.status_code == 200, filed.text
        case = filed.json()[0]["service_request_id"]
        url = f"/api/v1/cases/{case}"
        moved = client.post(f"{url}/status", json={"status": "investigating"}, headers=admin)
        assert moved.status_code == 200, moved.text
        moved = client.post(f"{url}/reassign", json={"department": codes[1]}, headers=admin)
        assert moved.status_code == 200, moved.text
        replied = client.post(
            f"{url}/reply", json={"text": "已安排维修，三日内填平。", "close_as": "fixed"},
            headers=admin,
        )  # fmt: skip
        assert replied.status_code == 200, replied.text
        [now] = client.get(f"/open311/v2/requests/{case}.json").json()
        assert now["status"] == "closed" and now["service_code"] == codes[1]
        kinds = [u["external_status_code"] for u in
                 client.get("/open311/v2/servicerequestupdates.json",
                            params={"service_request_id": case}).json()]  # fmt: skip
        assert kinds[-1] == "fixed" and "investigating" in kinds
