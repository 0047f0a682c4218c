"""A public form sent with a field left empty comes back as the form, with the reason and what
was typed, as pages.md says of an empty text. Before, an empty message text or department on
``/public/report``, and an empty token on ``/public/track`` or a dispute, were a 422 error page
("body.text: Field required"): the concern or the dispute's reason the citizen had typed was
lost. Nothing is stored, and an empty token is not counted as a wrong guess."""

from __future__ import annotations

from api_seed import CASE_TOKEN, build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.settings import Settings
from heard.store import open_store

HTML = {"Accept": "text/html"}
CONCERN = "东湖路的路灯坏了一个星期，晚上很黑"
REASON = "路灯还是不亮，请再派人来看"


def _count(db, sql: str) -> int:
    return int(db.scalar(sql))


def test_an_empty_field_gives_the_form_again_with_what_was_typed(tmp_path):
    db_path = tmp_path / "empty.duckdb"
    build(db_path)
    with open_store(db_path, read_only=True) as store:
        closed = store.scalar("SELECT case_id FROM cases WHERE status <> 'open'")
    with TestClient(create_app(Settings(db=db_path))) as client:
        db = client.app.state.db
        cases, posts = (
            _count(db, "SELECT count(*) FROM cases"),
            _count(db, "SELECT count(*) FROM posts"),
        )
        no_text = client.post(
            "/public/report", data={"department": "water", "text": ""}, headers=HTML
        )
        assert no_text.status_code == 400 and 'name="text"' in no_text.text
        no_dept = client.post(
            "/public/report", data={"department": "", "text": CONCERN}, headers=HTML
        )
        assert no_dept.status_code == 400 and CONCERN in no_dept.text
        assert "no department" in no_dept.text
        no_token = client.post(
            f"/public/cases/{closed}/dispute", data={"token": "", "note": REASON}, headers=HTML
        )
        assert no_token.status_code == 404 and REASON in no_token.text
        track = client.post("/public/track", data={"token": ""}, headers=HTML)
        assert track.status_code == 400 and "enter the token" in track.text
        assert _count(db, "SELECT count(*) FROM cases") == cases
        assert _count(db, "SELECT count(*) FROM posts") == posts
        assert _count(db, f"SELECT count(*) FROM cases WHERE case_id = '{closed}' "
                          "AND status = 'open'") == 0  # fmt: skip
        # the right token still works after all that
        found = client.post("/public/track", data={"token": CASE_TOKEN}, follow_redirects=False)
        assert found.status_code == 303 and found.headers["location"] == f"/public/cases/{closed}"
