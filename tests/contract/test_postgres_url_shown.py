"""A PostgreSQL URL with a password, as an operator gives it (``HEARD_DB`` or ``--db``): what the
CLI prints names the database as a URL (``postgresql://…``, not the ``postgresql:/…`` a path
makes of it) and never shows the password — ``heard stats``, ``heard config show``, the
``heard serve`` banner, ``heard watch``'s first line and ``heard ingest``'s summary."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from heard.cli import run

SECRET = "s3cret-pw-77"
REPO = Path(__file__).resolve().parents[2]


def _with_password(url: str) -> str:
    return url.replace("postgresql://postgres@", f"postgresql://postgres:{SECRET}@")


def _check(text: str, url: str) -> None:
    assert SECRET not in text
    assert url.split("//", 1)[1].split("@", 1)[1] in text  # host:port/db as given
    assert "postgresql:/postgres" not in text


def test_the_cli_never_prints_the_database_password(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _with_password(pg_url)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HEARD_DB", url)
    posts = tmp_path / "posts.jsonl"
    posts.write_text(
        "".join((REPO / "data/demo/posts.jsonl").read_text(encoding="utf-8").splitlines(True)[:8]),
        encoding="utf-8",
    )
    assert run(["ingest", str(posts)]) == 0
    captured = capsys.readouterr()
    _check(captured.out + captured.err, url)
    for command in (["stats"], ["config", "show"], ["config", "show", "--json"]):
        assert run(command) == 0
        captured = capsys.readouterr()
        _check(captured.out + captured.err, url)

    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)  # the banner, not the server
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert run(["serve", "--port", str(port)]) == 0, capsys.readouterr()
    captured = capsys.readouterr()
    _check(captured.out + captured.err, url)
