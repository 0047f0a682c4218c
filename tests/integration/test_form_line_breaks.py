"""A browser counts a line break in a textarea as one character for its ``maxlength`` and sends
it as two (CR LF, as HTML form submission does). Before, a citizen's dispute reason the form
allowed (1,000 characters over a few lines) was refused with a 422 error page that lost the
reason and did not dispute; a concern of 4,000 characters over lines came back as "longer than
4000"; a reply of 20,000 characters as "the reply has 20,0xx characters". The answer side now
reads CR LF (and a lone CR) as one line break, and stores it as LF."""

from __future__ import annotations

import re

from api_seed import CASE_TOKEN, CLOSED_CASE, build
from fastapi.testclient import TestClient

from heard.answer.cases import MAX_REPLY_CHARS
from heard.answer.intake import MAX_NOTE, MAX_TEXT
from heard.api import create_app
from heard.settings import Settings

HTML = {"Accept": "text/html"}
LINE = "东湖路还是没水，抢修队来过一次就走了"


def _typed(n: int) -> str:
    """``n`` characters as the textarea counts them (LF line breaks), sent as a browser does."""
    return ((LINE + "\n") * (n // len(LINE) + 1))[:n].replace("\n", "\r\n")


def test_texts_at_the_forms_limits_with_line_breaks_are_taken(tmp_path):
    db = tmp_path / "breaks.duckdb"
    tokens = build(db)
    with TestClient(create_app(Settings(db=db))) as client:
        water, bus = CLOSED_CASE["water"], CLOSED_CASE["transport"]
        note = _typed(MAX_NOTE)
        assert len(note) > MAX_NOTE
        disputed = client.post(
            f"/public/cases/{water}/dispute", data={"token": CASE_TOKEN, "note": note},
            headers=HTML, follow_redirects=False,
        )  # fmt: skip
        assert disputed.status_code == 303, disputed.text[:300]
        last = client.get(f"/api/v1/public/cases/{water}").json()["case"]["timeline"][-1]
        assert last["kind"] == "disputed"
        assert last["note"].startswith(note.replace("\r\n", "\n").strip())

        text = _typed(MAX_TEXT)
        filed = client.post("/public/report", data={"department": "water", "text": text})
        assert filed.status_code == 200, filed.text[:300]
        case_id = re.search(r"/public/cases/(C[0-9A-F]{11})", filed.text).group(1)
        concern = client.get(f"/api/v1/public/cases/{case_id}").json()["case"]
        assert "\r" not in str(concern)

        reply = _typed(MAX_REPLY_CHARS)
        auth = {"Authorization": f"Bearer {tokens['responder']}", **HTML}
        sent = client.post(
            f"/desk/cases/{bus}/reply", data={"text": reply}, headers=auth, follow_redirects=False
        )
        assert sent.status_code == 303, sent.text[:300]
        shown = client.get(f"/api/v1/public/cases/{bus}").json()["case"]["reply"]["text"]
        assert "\r" not in shown and len(shown) == len(reply.replace("\r\n", "\n").strip())
