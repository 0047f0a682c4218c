"""A PostgreSQL role that may not use the tables another role made (a second login for the
dashboard, say): every command says so and what to do — not a psycopg traceback ("permission
denied for table schema_version"), and not "no Heard database" for a database that has one."""

from __future__ import annotations

import pytest

from heard.cli import run


def test_a_role_without_rights_is_told_what_to_do(
    pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import psycopg

    from heard.store.backends import open_store

    open_store(pg_url).close()  # Heard's tables, owned by the server's user
    role = "heard_viewer_" + pg_url.rsplit("_", 1)[1]
    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute(f"CREATE ROLE {role} LOGIN")
    _owner, rest = pg_url.split("://", 1)[1].split("@", 1)
    other = f"postgresql://{role}@{rest}"
    for command in (["stats"], ["users", "list"]):
        assert run([*command, "--db", other]) == 3
        err = " ".join(capsys.readouterr().err.split())
        assert "permission denied" in err and "GRANT" in err, err
        assert "no Heard database" not in err and "Traceback" not in err
