"""``postgresql:///DB`` — no host before the database: the local server's unix socket, or
``PGHOST``, the usual way to reach a server on the same machine — works in ``HEARD_DB``,
``[heard] db`` and ``--db``. The setting and the flag were paths, which fold ``///`` to ``/``:
Heard then took the database name for a host ("failed to resolve host 'heard'")."""

from __future__ import annotations

from pathlib import Path

import pytest

from heard.cli import run


def test_a_url_without_host_reaches_the_socket(
    pg_server, pg_url: str, tmp_path: Path, monkeypatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "postgresql:///" + pg_url.rsplit("/", 1)[1]
    monkeypatch.setenv("PGHOST", str(pg_server.root))  # libpq reads these where the URL is silent
    monkeypatch.setenv("PGPORT", str(pg_server.port))
    monkeypatch.setenv("PGUSER", pg_server.user)
    monkeypatch.chdir(tmp_path)
    assert (
        run(["users", "add", "ana", "--role", "admin", "--password", "pw-12345678", "--db", url])
        == 0
    )
    monkeypatch.setenv("HEARD_DB", url)
    assert run(["users", "list"]) == 0
    assert "ana" in capsys.readouterr().out
    monkeypatch.delenv("HEARD_DB")
    (tmp_path / "heard.toml").write_text(f'[heard]\ndb = "{url}"\n', encoding="utf-8")
    assert run(["stats", "--json"]) == 0
    assert '"posts": 0' in capsys.readouterr().out
    assert not list(tmp_path.glob("*.duckdb"))  # nothing was taken for a DuckDB file
