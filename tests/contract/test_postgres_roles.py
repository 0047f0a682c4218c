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


def _role(pg_url: str, name: str, *grants: str) -> str:
    """A login role on the database (with ``grants`` run as the owner); its URL."""
    import psycopg

    role = f"{name}_{pg_url.rsplit('_', 1)[1]}"
    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute(f"CREATE ROLE {role} LOGIN")
        for grant in grants:
            con.execute(grant.format(role=role))
    return f"postgresql://{role}@{pg_url.split('@', 1)[1]}"


def test_a_role_that_may_not_migrate_is_told_who_can(
    pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Heard upgraded, the dashboard's role (rights on every table, not their owner) opens the
    store first: "permission denied for schema public", and a fix that said to GRANT the rights
    it had. It names the owner and the command to run as the owner (found 2026-12-07)."""
    import psycopg

    from heard.store.backends import open_store
    from heard.store.postgres.schema import LATEST

    open_store(pg_url).close()
    other = _role(
        pg_url,
        "heard_app",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}",
    )
    with psycopg.connect(pg_url, autocommit=True) as con:  # as if made by the Heard before
        con.execute("DELETE FROM schema_version WHERE version = %s", [LATEST])
    owner = pg_url.split("://", 1)[1].split("@", 1)[0]
    assert run(["stats", "--db", other]) == 3
    err = " ".join(capsys.readouterr().err.split())
    assert f"may not migrate Heard's tables to version {LATEST}" in err, err
    as_owner = f"postgresql://{owner}@{pg_url.split('@', 1)[1]}"
    assert f"belong to {owner}" in err and f"heard stats --db {as_owner}" in err, err
    assert "GRANT SELECT" not in err and "Traceback" not in err
    assert run(["stats", "--db", as_owner]) == 0  # the owner migrates
    assert run(["stats", "--db", other]) == 0  # then the role works as before


def test_a_role_that_may_not_create_the_tables_is_told_what_to_grant(
    pg_url: str, tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = tmp_path / "one.jsonl"
    feed.write_text('{"id": "1", "text": "路灯坏了", "created_at": "2026-11-01T08:00:00"}\n')
    other = _role(pg_url, "heard_new")
    assert run(["ingest", str(feed), "--db", other]) == 3
    err = " ".join(capsys.readouterr().err.split())
    role = other.split("://", 1)[1].split("@", 1)[0]
    assert "may not create Heard's tables in the schema public" in err, err
    assert f"GRANT CREATE ON SCHEMA public TO {role}" in err and "Traceback" not in err
