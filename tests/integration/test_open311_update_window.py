"""``servicerequestupdates.json`` as FixMyStreet polls it: the updates of every request in a
``start_date``/``end_date`` window, not only one request's. It was a 422 without
``service_request_id``, so a 311 app keeping its reports in step had to ask once per request.
Each update keeps its request's numbering (``update_id``) and its fields (``media_url`` empty:
Heard keeps no media)."""

from __future__ import annotations

from datetime import timedelta

from api_seed import CLOSED_CASE, T0, build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings

URL = "/open311/v2/servicerequestupdates.json"


def _at(ts) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_updates_of_every_request_in_a_window(tmp_path):
    db = tmp_path / "updates.duckdb"
    build(db)
    water, bus = CLOSED_CASE["water"], CLOSED_CASE["transport"]
    with TestClient(create_app(Settings(db=db))) as client:
        whole = {
            rid: client.get(URL, params={"service_request_id": rid}).json() for rid in (water, bus)
        }
        everything = client.get(URL, params={"start_date": _at(T0 - timedelta(days=1))})
        assert everything.status_code == 200, everything.text
        got = everything.json()
        assert {u["update_id"] for u in got} == {u["update_id"] for u in whole[water] + whole[bus]}
        assert [u["updated_datetime"] for u in got] == sorted(u["updated_datetime"] for u in got)
        assert all(u["media_url"] is None for u in got)
        # the water case's reply, a day after it opened: only that update in a window around it
        reply = whole[water][-1]
        window = client.get(
            URL,
            params={"start_date": reply["updated_datetime"], "end_date": reply["updated_datetime"]},
        ).json()
        assert [u["update_id"] for u in window] == [reply["update_id"]]
        old = {"start_date": "2001-01-01T00:00:00+08:00", "end_date": "2001-01-02T00:00:00+08:00"}
        empty = client.get(URL, params=old)
        assert empty.status_code == 200 and empty.json() == []
        reversed_window = {"start_date": _at(T0), "end_date": _at(T0 - timedelta(days=1))}
        backwards = client.get(URL, params=reversed_window)
        assert backwards.status_code == 400 and backwards.json()[0]["code"] == 400
        twice = f"{URL}?start_date={_at(T0)}&start_date={_at(T0)}"  # one time, not a list
        assert client.get(twice).status_code == 400
        listed_twice = f"/open311/v2/requests.json?start_date={_at(T0)}&start_date={_at(T0)}"
        assert client.get(listed_twice).json()[0]["code"] == 400
