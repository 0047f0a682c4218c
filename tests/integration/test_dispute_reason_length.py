"""A dispute's reason over the limit (1,000 characters) is refused with its length, and nothing
changes; it is not cut. Before, Open311's ``POST requests/{id}/dispute.json`` with a longer
``description``, and the public form's reason between 1,000 and the HTTP layer's limit, reopened
the case with the reason silently cut at 1,000 characters: the end of what the citizen wrote was
lost, and nothing said so."""

from __future__ import annotations

from api_seed import CASE_TOKEN, CLOSED_CASE, build
from fastapi.testclient import TestClient

from heard.answer.intake import MAX_NOTE
from heard.api import create_app
from heard.settings import Settings

REASON = "抢修后第二天又停水了，" * 100  # 1,100 characters


def test_a_dispute_reason_over_the_limit_is_refused_whole(tmp_path):
    db = tmp_path / "reason.duckdb"
    build(db)
    water = CLOSED_CASE["water"]
    assert len(REASON) > MAX_NOTE
    with TestClient(create_app(Settings(db=db))) as client:
        url = f"/open311/v2/requests/{water}/dispute.json"
        refused = client.post(url, data={"token": CASE_TOKEN, "description": REASON})
        assert refused.status_code == 400, refused.text
        assert f"{len(REASON):,}" in refused.json()[0]["description"]
        page = client.post(
            f"/public/cases/{water}/dispute", data={"token": CASE_TOKEN, "note": REASON},
            headers={"Accept": "text/html", "Accept-Language": "zh"},
        )  # fmt: skip
        assert page.status_code == 400, page.text[:300]
        assert REASON in page.text and f"{len(REASON):,}" in page.text  # kept, to shorten
        case = client.get(f"/api/v1/public/cases/{water}").json()["case"]
        assert case["status"] == "fixed" and case["timeline"][-1]["kind"] != "disputed"
        taken = client.post(url, data={"token": CASE_TOKEN, "description": REASON[:MAX_NOTE]})
        assert taken.status_code == 200, taken.text
        last = client.get(f"/api/v1/public/cases/{water}").json()["case"]["timeline"][-1]
        assert last["kind"] == "disputed" and last["note"].startswith(REASON[:MAX_NOTE].strip())
