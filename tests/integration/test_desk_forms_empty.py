"""The desk's forms sent with a field empty or a reply over the limit come back as the case page
with the reason and what was written. Before, an empty reply, status or department was a 422
error page ("body.text: Field required"), and a reply one character over 20,000 characters was
a 422 page that lost the whole reply a responder had written."""

from __future__ import annotations

from api_seed import build
from fastapi.testclient import TestClient

from heard.answer.cases import MAX_REPLY_CHARS
from heard.api import create_app
from heard.settings import Settings


def test_a_desk_form_with_a_bad_field_keeps_what_was_written(tmp_path):
    db = tmp_path / "desk.duckdb"
    tokens = build(db)
    auth = {"Authorization": f"Bearer {tokens['admin']}", "Accept": "text/html"}
    with TestClient(create_app(Settings(db=db))) as client:
        store = client.app.state.db
        case_id = store.scalar("SELECT case_id FROM cases WHERE status = 'open'")
        events = store.scalar("SELECT count(*) FROM case_events")
        url = f"/desk/cases/{case_id}"
        empty = client.post(f"{url}/reply", data={"text": ""}, headers=auth)
        assert empty.status_code == 400 and "the reply is empty" in empty.text
        long = "已联系公交公司。" * (MAX_REPLY_CHARS // 8 + 1)
        over = client.post(f"{url}/reply", data={"text": long, "close_as": "fixed"}, headers=auth)
        assert over.status_code == 400 and f"{len(long)} characters" in over.text
        assert long in over.text  # the reply written is in the form, to shorten and send
        status = client.post(f"{url}/status", data={"status": "", "note": "已派人"}, headers=auth)
        assert status.status_code == 400 and "unknown case status" in status.text
        assert "已派人" in status.text
        typed = {"department": "", "note": "转办"}
        moved = client.post(f"{url}/reassign", data=typed, headers=auth)
        assert moved.status_code == 400 and "no department" in moved.text and "转办" in moved.text
        assert store.scalar("SELECT count(*) FROM case_events") == events  # nothing stored
        assert store.scalar(f"SELECT reply_text FROM cases WHERE case_id = '{case_id}'") is None


def test_a_desk_note_over_the_limit_comes_back_on_the_page_kept(tmp_path):
    """A status or reassignment note over 2,000 characters was a 422 error page that lost the
    note; now it is the case page (400) with the reason and the note in its field, as a reply."""
    from heard.answer.cases import MAX_NOTE_CHARS

    db = tmp_path / "desk.duckdb"
    tokens = build(db)
    auth = {"Authorization": f"Bearer {tokens['admin']}", "Accept": "text/html"}
    with TestClient(create_app(Settings(db=db))) as client:
        store = client.app.state.db
        case_id = store.scalar("SELECT case_id FROM cases WHERE status = 'open'")
        dept = store.scalar(f"SELECT department FROM cases WHERE case_id = '{case_id}'")
        other = store.scalar(
            f"SELECT DISTINCT department FROM cases WHERE department NOT IN ('{dept}', 'triage')"
        )
        events = store.scalar("SELECT count(*) FROM case_events")
        url = f"/desk/cases/{case_id}"
        note = "已派人到现场查看。" * (MAX_NOTE_CHARS // 9 + 1)
        status = client.post(
            f"{url}/status", data={"status": "investigating", "note": note}, headers=auth
        )
        assert status.status_code == 400, status.text[:300]
        assert f"the note has {len(note)} characters" in status.text and note in status.text
        moved = client.post(
            f"{url}/reassign", data={"department": other, "note": note}, headers=auth
        )
        assert moved.status_code == 400, moved.text[:300]
        assert f"the note has {len(note)} characters" in moved.text and note in moved.text
        assert store.scalar("SELECT count(*) FROM case_events") == events  # nothing stored
        fits = client.post(
            f"{url}/status",
            data={"status": "investigating", "note": note[:MAX_NOTE_CHARS]},
            headers=auth,
            follow_redirects=False,
        )
        assert fits.status_code == 303
