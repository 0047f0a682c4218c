"""``requests.json?service_request_id=a,b,…`` answers every id asked for (up to GeoReport's 1,000
an answer). Only the first 50 were read: a 311 app asking after 60 of its requests got the
first 50 back, as if the others did not exist. More than 1,000 ids is a 400 saying so."""

from __future__ import annotations

from api_seed import CLOSED_CASE, build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings


def test_every_id_asked_for_is_answered(tmp_path):
    db = tmp_path / "ids.duckdb"
    build(db)
    real = [CLOSED_CASE["water"], CLOSED_CASE["transport"]]
    asked = [f"CNOPE{i:07d}" for i in range(58)] + real
    with TestClient(create_app(Settings(db=db))) as client:
        got = client.get(
            "/open311/v2/requests.json", params={"service_request_id": ",".join(asked)}
        )
        assert got.status_code == 200, got.text
        assert sorted(r["service_request_id"] for r in got.json()) == sorted(real)
        many = ",".join(f"C{i}" for i in range(1001))
        refused = client.get("/open311/v2/requests.json", params={"service_request_id": many})
        assert refused.status_code == 400 and "1,000" in refused.json()[0]["description"]
