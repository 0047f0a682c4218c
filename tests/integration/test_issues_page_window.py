"""The dashboard's Issues page answers a window it cannot read as the Hot spots page does: what a
window looks like and how to write one. Before, ``/issues?window=bad`` showed the query
parameter's regular expression ("String should match pattern '^(all|\\d{1,4}[mhdwy])$'")."""

from __future__ import annotations

from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings


def test_a_bad_window_says_how_to_write_one(tmp_path):
    db = tmp_path / "seed.duckdb"
    tokens = build(db)
    viewer = {"Authorization": f"Bearer {tokens['viewer']}", "Accept": "text/html"}
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        for window in ("bad", "7x", "0d", "-3d"):
            page = client.get("/issues", params={"window": window}, headers=viewer)
            assert page.status_code == 400, (window, page.status_code)
            assert "give a number and a unit" in page.text, page.text[-600:]
            assert "pattern" not in page.text
        assert client.get("/issues", params={"window": "30d"}, headers=viewer).status_code == 200
        long = client.get("/issues", params={"window": "9" * 200}, headers=viewer)
        assert long.status_code in (400, 422) and "Traceback" not in long.text
