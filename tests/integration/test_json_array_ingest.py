"""A city's Open311 ``requests.json`` (GeoReport v2: one JSON array, ``description``,
``requested_datetime``, ``service_request_id``, ``address``) is ingested as it is, by ``heard
ingest`` and by the upload API. Before, a .json file was refused (convert it with jq) and, once
converted, "no column for text": Heard speaks Open311 but could not read an Open311 export."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from heard.api import create_app
from heard.cli import run
from heard.settings import Settings
from heard.store import open_store

REQUESTS = [
    {
        "service_request_id": f"63800{i}",
        "status": "open" if i % 2 else "closed",
        "service_name": ["Pothole", "Streetlight", "Graffiti"][i % 3],
        "service_code": ["POT", "LGT", "GRF"][i % 3],
        "description": [
            "Deep pothole in the bus lane, cars swerve around it",
            "Streetlight out for a week, the corner is dark at night",
            "Graffiti on the underpass wall again",
        ][i % 3]
        + f" (report {i})",
        "agency_responsible": "Public Works",
        "requested_datetime": f"2026-11-{10 + i:02d}T08:15:00-05:00",
        "updated_datetime": f"2026-11-{11 + i:02d}T09:00:00-05:00",
        "address": f"{100 + i} Main St",
        "lat": 41.88,
        "long": -87.63,
        "media_url": None,
    }
    for i in range(9)
]


def _ingest(capsys, *args) -> dict:
    capsys.readouterr()
    assert run(["ingest", *map(str, args), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_heard_ingest_reads_an_open311_export(tmp_path: Path, capsys):
    export = tmp_path / "requests.json"
    export.write_text(json.dumps(REQUESTS, indent=1), encoding="utf-8")
    db = tmp_path / "city.duckdb"
    first = _ingest(capsys, export, "--db", db)
    assert first["stored"] == 9 and first["quarantined"] == 0
    with open_store(db, read_only=True) as store:
        rows = store.rows(
            "SELECT external_id, text, place, created_at, raw FROM posts ORDER BY external_id"
        )
    assert [r["external_id"] for r in rows] == [r["service_request_id"] for r in REQUESTS]
    assert rows[0]["text"].startswith("Deep pothole") and rows[0]["place"] == "100 Main St"
    assert str(rows[0]["created_at"]).startswith("2026-11-10 13:15")  # -05:00 read as UTC
    assert json.loads(rows[1]["raw"])["service_name"] == "Streetlight"  # the rest kept in raw
    again = _ingest(capsys, export, "--db", db)
    assert again["stored"] == 0 and again["quarantined"] == 0


def test_the_upload_api_takes_a_json_file(tmp_path: Path):
    db = tmp_path / "up.duckdb"
    from heard.auth.accounts import Accounts

    with open_store(db) as store:
        Accounts(store).add_user("up", "password-x1", "analyst")
        token = Accounts(store).create_token("up", "t")[1]
    body = json.dumps({"requests": REQUESTS[:5], "count": 5}).encode("utf-8")
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        answer = client.post(
            "/api/v1/ingest",
            files={"file": ("requests.json", body, "application/json")},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert answer.status_code == 200, answer.text
    summary = answer.json().get("summary", answer.json())
    assert summary["stored"] == 5 and summary["quarantined"] == 0
