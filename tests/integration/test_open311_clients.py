"""Open311 as existing 311 client apps call it. A GeoReport ``.xml`` URL (the format GeoReport
names first; many clients ask for it) is a 406 whose GeoReport XML error list names the ``.json``
URL to use, and stores nothing; it was a bare 404 "no route", as if the resource did not exist.
A form that gives ``service_code`` twice with different values is a 400; the last was taken
silently (``service_code=water&service_code=roads`` filed to roads). A real store and app."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings
from heard.store import open_store

DEPARTMENTS = [{"code": "water", "name_en": "Water"}, {"code": "roads", "name_en": "Roads"}]
BASE = "/open311/v2"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("clients") / "c.duckdb"
    open_store(db).close()
    with TestClient(create_app(Settings(db=str(db), departments=DEPARTMENTS))) as c:
        yield c


def _posts(client) -> int:
    return int(client.app.state.db.scalar("SELECT count(*) FROM posts"))


def test_a_311_app_files_with_its_usual_fields_and_follows_the_request(client):
    filed = client.post(
        f"{BASE}/requests.json",
        data={
            "api_key": "some-app-key", "jurisdiction_id": "city.example", "service_code": "water",
            "lat": "28.19", "long": "112.97", "address_string": "东湖路12号",
            "attribute[WHERE]": "kitchen", "media_url": "https://img.example/p.jpg",
            "email": "me@example.org", "device_id": "abc",
            "description": "东湖路停水三天了 since Monday",
        },
    )  # fmt: skip
    assert filed.status_code == 200, filed.text
    request_id, token = filed.json()[0]["service_request_id"], filed.json()[0]["token"]
    one = client.get(f"{BASE}/requests/{request_id}.json?jurisdiction_id=city.example").json()[0]
    assert one["service_code"] == "water" and one["description"] == "东湖路停水三天了 since Monday"
    assert client.get(f"{BASE}/tokens/{token}.json").json()[0]["service_request_id"] == request_id
    updates = client.get(f"{BASE}/servicerequestupdates.json?service_request_id={request_id}")
    assert updates.status_code == 200 and updates.json()[0]["service_request_id"] == request_id


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/requests.xml"),
        ("GET", "/requests.xml"),
        ("GET", "/services.xml"),
        ("GET", "/services/water.xml"),
        ("GET", "/discovery.xml"),
        ("GET", "/requests/C0FFEE.xml"),
        ("GET", "/servicerequestupdates.xml"),
    ],
)
def test_an_xml_url_is_refused_in_xml_naming_the_json_one(client, method, path):
    before = _posts(client)
    answer = client.request(
        method, BASE + path, data={"service_code": "water", "description": "停水了"}
    )
    assert answer.status_code == 406, answer.text
    assert answer.headers["content-type"].startswith("text/xml")
    error = ET.fromstring(answer.content).find("error")
    assert error is not None and error.findtext("code") == "406"
    said = error.findtext("description") or ""
    assert "JSON only" in said and f"{BASE}{path[:-4]}.json" in said
    assert _posts(client) == before  # nothing filed


def test_a_field_given_twice_with_different_values_is_refused(client):
    before = _posts(client)
    twice = client.post(
        f"{BASE}/requests.json",
        content="service_code=water&service_code=roads&description=%E5%81%9C%E6%B0%B4",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert twice.status_code == 400 and "service_code is given more than once" in twice.text
    parts = client.post(
        f"{BASE}/requests.json",
        files=[("service_code", (None, "water")), ("service_code", (None, "roads")),
               ("description", (None, "停水"))],
    )  # fmt: skip
    assert parts.status_code == 400 and "service_code" in parts.text
    keys = client.post(
        f"{BASE}/requests.json",
        content='{"service_code": "water", "service_code": "roads", "description": "停水"}',
        headers={"content-type": "application/json"},
    )
    assert keys.status_code == 400 and "service_code is given more than once" in keys.text
    assert _posts(client) == before
    same = client.post(
        f"{BASE}/requests.json",
        content="service_code=water&service_code=water&description=%E5%81%9C%E6%B0%B4",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert same.status_code == 200, same.text  # one value, given twice
    assert _posts(client) == before + 1


def test_a_json_field_of_the_wrong_type_is_named(client):
    wrong = client.post(f"{BASE}/requests.json", json={"service_code": "water", "description": 5})
    assert wrong.status_code == 400
    assert wrong.json()[0]["description"] == "description must be a string (it is a JSON int)"


def test_an_unknown_request_id_is_not_echoed_whole(client):
    guess = "A" * 20_000  # an id no request has: the 404 said all of it back (20 kB)
    for path in (
        f"/requests/{guess}.json",
        f"/servicerequestupdates.json?service_request_id={guess}",
    ):
        answer = client.get(BASE + path)
        assert answer.status_code == 404 and len(answer.content) < 300, len(answer.content)
