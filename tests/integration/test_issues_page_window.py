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


def test_the_api_says_a_bad_window_in_words(tmp_path):
    """The API's 422 for a window named its regular expression ("String should match pattern
    '^(all|[1-9]\\d{0,5}[mhdwy])$'") on /api/v1/issues, /hotspots and /export alike."""
    db = tmp_path / "seed.duckdb"
    tokens = build(db)
    analyst = {"Authorization": f"Bearer {tokens['analyst']}"}
    export = {"what": "issues", "format": "jsonl"}
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        for url, params in (
            ("/api/v1/issues", {}),
            ("/api/v1/hotspots", {}),
            ("/api/v1/export", export),
        ):
            answer = client.get(url, params={**params, "window": "7x"}, headers=analyst)
            assert answer.status_code == 422, (url, answer.status_code)
            said = " ".join(answer.json()["errors"])
            assert "'7x' is not a time window: give a number and a unit" in said, said
            assert "pattern" not in said
            right = client.get(url, params={**params, "window": "7d"}, headers=analyst)
            assert right.status_code == 200, (url, right.text[:300])


def test_any_other_pattern_is_explained_by_its_description(tmp_path):
    """A language code or a cursor that does not match its pattern was answered with the regular
    expression too; now with the value and what the parameter takes (its description in the
    reference), on /api/v1 and in Open311's error list."""
    db = tmp_path / "seed.duckdb"
    tokens = build(db)
    viewer = {"Authorization": f"Bearer {tokens['viewer']}"}
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        lang = client.get("/api/v1/posts", params={"lang": "Chinese"}, headers=viewer)
        assert lang.status_code == 422
        said = " ".join(lang.json()["errors"])
        assert "'Chinese' is not a valid value: ISO 639-1 code, e.g. zh, en" in said, said
        status = client.get("/open311/v2/requests.json", params={"status": "pending"})
        assert status.status_code == 422
        said = status.json()[0]["description"]
        assert "'pending' is not a valid value: open, closed, or both" in said, said
        for answer in (lang, status):
            assert "pattern" not in answer.text
