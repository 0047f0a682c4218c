"""A department that exists and has had nothing to answer is on every accountability surface
(the public page, ``/api/v1/accountability``, ``/api/v1/public/departments/{code}``, ``heard
accountability`` and its JSON) with zero counts and null medians. Before, only the public list
showed it: the API and the CLI left it out, as if it did not exist, and its own page had no
record at all."""

from __future__ import annotations

import json

from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.cli import run
from heard.settings import Settings

PARKS = {"code": "parks", "name_zh": "园林绿化", "name_en": "Parks", "keywords": ["公园"]}
CONFIG = '[[departments]]\ncode = "parks"\nname_zh = "园林绿化"\nname_en = "Parks"\n'


def _quiet(row: dict) -> None:
    assert row["cases"] == row["answered"] == row["open"] == row["overdue_open"] == 0
    assert row["closed_late"] == row["reopened"] == row["disputed"] == 0
    assert row["median_days"] is None and row["p90_days"] is None
    assert row["response_rate"] is None and row["mean_reply_quality"] is None


def test_the_api_gives_a_department_with_no_cases_its_zero_record(tmp_path):
    db = tmp_path / "quiet.duckdb"
    build(db)
    with TestClient(create_app(Settings(db=db, departments=[PARKS]))) as client:
        record = client.get("/api/v1/accountability").json()
        got = {d["department"]: d for d in record["departments"]}
        # the seed's own two departments (stored by its run) and the one configured now
        assert {"water", "transport", "parks"} <= set(got)
        _quiet(got["parks"])
        assert got["parks"]["name_zh"] == "园林绿化"
        assert got["water"]["cases"] >= 1
        assert record["total"]["cases"] == sum(d["cases"] for d in record["departments"])
        one = client.get("/api/v1/public/departments/parks").json()
        _quiet(one["record"])
        page = client.get("/public/departments/parks", headers={"Accept": "text/html"})
        assert 'id="record"' in page.text
        listing = client.get("/public/departments")
        assert 'data-department="parks"' in listing.text


def test_the_cli_lists_a_department_with_no_cases(tmp_path, capsys):
    db = tmp_path / "quiet.duckdb"
    build(db)
    config = tmp_path / "heard.toml"
    config.write_text(CONFIG, encoding="utf-8")
    capsys.readouterr()
    assert run(["accountability", "--db", str(db), "--config", str(config), "--json"]) == 0
    got = {d["department"]: d for d in json.loads(capsys.readouterr().out)["departments"]}
    assert {"water", "transport", "parks"} <= set(got)
    _quiet(got["parks"])
    assert run(["accountability", "--db", str(db), "--config", str(config)]) == 0
    assert "园林" in capsys.readouterr().out  # the table cuts long names to its width


def test_without_a_store_there_is_no_record_of_zeros(tmp_path, capsys):
    """No store is an error, not every department at zero: a mistyped --db would read as a
    record of departments that had nothing to answer."""
    config = tmp_path / "heard.toml"
    config.write_text(CONFIG, encoding="utf-8")
    db = tmp_path / "none-yet.duckdb"
    capsys.readouterr()
    assert run(["accountability", "--db", str(db), "--config", str(config), "--json"]) == 2
    assert "no Heard database" in capsys.readouterr().err
    assert not db.exists()  # reading a record stores nothing
