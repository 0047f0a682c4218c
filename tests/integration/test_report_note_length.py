"""A report's note over ``REPORT_NOTE_MAX`` characters is refused with its length — a 400 page
that keeps the note to shorten, exit 2 from ``heard flag`` — instead of a bare 422 page that lost
what was typed (the form) or a silent cut at 2,000 characters (the CLI); nothing is filed."""

from __future__ import annotations

from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.cli import run
from heard.protect.review import REPORT_NOTE_MAX
from heard.settings import Settings
from heard.store import open_store


def test_an_over_long_note_is_refused_and_kept(tmp_path, capsys):
    db = tmp_path / "note.duckdb"
    build(db)
    note = "他在帖子里公布了邻居的住址，" + "还有" * REPORT_NOTE_MAX
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        page = client.post("/report", data={"post": "seed:w1", "label": "doxxing", "note": note})
        assert page.status_code == 400
        assert f"at most {REPORT_NOTE_MAX:,} characters; this one has {len(note):,}" in page.text
        assert f">{note}</textarea>" in page.text
        api = client.post(
            "/api/v1/report", json={"post_id": "seed:w1", "label": "doxxing", "note": note}
        )
        assert api.status_code == 422 and "body.note" in " ".join(api.json()["errors"])
    code = run(["flag", "seed:w1", "--label", "doxxing", "--note", note, "--db", str(db)])
    assert code == 2
    said = capsys.readouterr()
    assert f"this one has {len(note):,}" in said.out + said.err
    with open_store(db, read_only=True) as s:
        assert s.scalar("SELECT count(*) FROM flags") == 0
        assert s.scalar("SELECT count(*) FROM audit_log") == 0
    assert (
        run(["flag", "seed:w1", "--label", "doxxing", "--note", "  住址  ", "--db", str(db)]) == 0
    )
    with open_store(db, read_only=True) as s:
        assert s.scalar("SELECT evidence FROM flags") == '{"note": "住址"}'
