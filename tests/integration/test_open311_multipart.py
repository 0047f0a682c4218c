"""A 311 app that posts its request as multipart/form-data (as apps that attach a photo do) is
read like a form-encoded one: the fields are taken and any file is dropped (Heard keeps no
media). It was a 400 saying "service_code and description are required" — both were there."""

from __future__ import annotations

from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings
from heard.store import open_store


def test_a_multipart_request_is_filed_and_its_file_dropped(tmp_path):
    db = tmp_path / "mp.duckdb"
    open_store(db).close()
    with TestClient(create_app(Settings(db=str(db), department_preset="teddycup"))) as client:
        filed = client.post(
            "/open311/v2/requests.json",
            data={"service_code": "transport", "description": "公交站台的雨棚破了一个洞"},
            files={"media": ("photo.jpg", b"\xff\xd8\xff\xe0not really a jpeg", "image/jpeg")},
        )
        assert filed.status_code == 200, filed.text
        rid = filed.json()[0]["service_request_id"]
        got = client.get(f"/open311/v2/requests/{rid}.json").json()[0]
        assert got["description"] == "公交站台的雨棚破了一个洞" and got["media_url"] is None
        broken = client.post(
            "/open311/v2/requests.json",
            content=b'--x\r\nContent-Disposition: form-data; name="service_code"\r\n\r\ntra',
            headers={"content-type": "multipart/form-data; boundary=x"},
        )
        assert broken.status_code == 400 and broken.json()[0]["code"] == 400, broken.text
