"""Every /open311/v2 error is GeoReport's list of ``{"code", "description"}``, whatever raised it.
A time outside the calendar once in UTC (400), a format that is not served (``requests.xml``
with ``Accept: application/json``: 406; it was a 404) and a method that is not allowed (405)
came back in Heard's own shape (``{"ok": false, "error": …}``), which a 311 client reading
GeoReport errors cannot parse."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings
from heard.store import open_store


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("o311err") / "e.duckdb"
    open_store(db).close()
    with TestClient(create_app(Settings(db=str(db), department_preset="teddycup"))) as c:
        yield c


@pytest.mark.parametrize(
    "method, path, status",
    [
        ("GET", "/open311/v2/requests.json?start_date=9999-12-31T23:59:59-12:00", 400),
        ("GET", "/open311/v2/servicerequestupdates.json?end_date=9999-12-31T23:59:59-12:00", 400),
        ("GET", "/open311/v2/requests.xml", 406),  # JSON only; in JSON, as Accept asks
        ("DELETE", "/open311/v2/requests.json", 405),
    ],
)
def test_open311_errors_are_georeport_lists(client, method, path, status):
    got = client.request(method, path, headers={"Accept": "application/json"})
    assert got.status_code == status, got.text
    body = got.json()
    assert isinstance(body, list) and body[0]["code"] == status, body
    assert set(body[0]) == {"code", "description"} and body[0]["description"]
    if status == 405:
        assert "GET" in got.headers["Allow"]
