"""A workbook that unpacks to far more than it weighs, uploaded through the API: a 400 that
names the file as sent and says what to do, and the server goes on answering. Before, one
1 MB upload of a single billion-character cell ran the server out of memory."""

from __future__ import annotations

import io
import zipfile

from api_seed import build
from fastapi.testclient import TestClient

from heard.api import create_app
from heard.connectors import xlsx
from heard.settings import Settings


def bomb(cell_bytes: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["id", "text", "created_at"])
    book.active.append(["b1", "BIG", "2024-05-01 10:00"])
    book.active.append(["b2", "the bus was late again", "2024-05-01 11:00"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"BIG", b"A" * cell_bytes)
            zout.writestr(info.filename, data)
    return out.getvalue()


def test_an_uploaded_zip_bomb_is_a_400_and_the_server_goes_on(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_ROW_XML_BYTES", 256 * 1024)
    body = bomb(2_000_000)
    assert len(body) < 20_000  # a hundred times smaller than the cell it holds
    db = tmp_path / "bomb.duckdb"
    tokens = build(db)
    analyst = {"Authorization": f"Bearer {tokens['analyst']}"}
    with TestClient(create_app(Settings(db=db)), raise_server_exceptions=False) as client:
        r = client.post("/api/v1/ingest", files={"file": ("附件.xlsx", body)}, headers=analyst)
        assert r.status_code == 400, r.text
        assert r.json()["error"].startswith("附件.xlsx: the row after row 1 takes more than")
        assert "CSV" in r.text and "heard-upload" not in r.text
        assert client.get("/health").status_code == 200
