"""Upgrading Heard over an existing store, on both backends. A store an older Heard made is
migrated on its first open, read-only opens too (``heard stats`` right after an upgrade used to
end in a binder-error traceback: the read model asked for columns the old schema lacks). A store
a newer Heard made is refused with what to do, read-only or not."""

from __future__ import annotations

from typing import Any

import pytest

from heard.cli import run
from heard.errors import StoreError


def _old_store(open_target: Any, monkeypatch: pytest.MonkeyPatch, version: int) -> None:
    import heard.store.duckdb.store as duck
    import heard.store.postgres.store as pg

    for module in (duck, pg):
        kept = [m for m in module.MIGRATIONS if m[0] <= version]
        monkeypatch.setattr(module, "MIGRATIONS", kept)
    old = open_target()
    assert old.schema_version() == version
    old.close()
    monkeypatch.undo()


@pytest.mark.parametrize("version", [1, 19])
def test_a_read_only_command_on_an_older_store_migrates_it_first(
    target: str,
    open_target: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    version: int,
) -> None:
    from heard.store.duckdb.schema import LATEST

    _old_store(open_target, monkeypatch, version)
    assert run(["stats", "--db", target]) == 0
    assert "0 posts" in capsys.readouterr().out
    reader = open_target(read_only=True)
    assert reader.schema_version() == LATEST


def test_a_store_from_a_newer_heard_is_refused_read_only_or_not(open_target: Any) -> None:
    from heard.store.duckdb.schema import LATEST

    store = open_target()
    store.execute("INSERT INTO schema_version VALUES (?, NULL)", [LATEST + 1])
    store.close()
    for read_only in (True, False):
        with pytest.raises(StoreError) as raised:
            open_target(read_only=read_only)
        assert f"version(s) [{LATEST + 1}]" in raised.value.what
        assert raised.value.fix and "upgrade Heard" in raised.value.fix


def test_the_cli_says_what_to_do_with_a_newer_store(
    target: str, open_target: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from heard.store.duckdb.schema import LATEST

    store = open_target()
    store.execute("INSERT INTO schema_version VALUES (?, NULL)", [LATEST + 5])
    store.close()
    for command in (["stats"], ["users", "list"]):
        assert run([*command, "--db", target]) == 3
        out = capsys.readouterr().err
        assert "upgrade Heard" in out and "Traceback" not in out


def test_a_database_of_something_else_is_not_filled_with_heards_tables(
    target: str, backend: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """--db pointed at another application's database (a typo in HEARD_DB, the city's own
    PostgreSQL database) used to get Heard's tables created beside that application's."""
    from heard.store.backends import postgres_url

    if backend == "duckdb":
        import duckdb

        with duckdb.connect(target) as con:
            con.execute("CREATE TABLE permits (id INTEGER)")
    else:
        import psycopg

        with psycopg.connect(str(postgres_url(target)), autocommit=True) as con:
            con.execute("CREATE TABLE permits (id INTEGER)")
    for command in (["users", "list"], ["stats"]):
        assert run([*command, "--db", target]) in (2, 3)
        err = " ".join(capsys.readouterr().err.split())
        assert "not a Heard database" in err and "permits" in err, err
    if backend == "duckdb":
        with duckdb.connect(target) as con:
            tables = {
                r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
            }
    else:
        with psycopg.connect(str(postgres_url(target))) as con:
            tables = {
                r[0]
                for r in con.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                ).fetchall()
            }
    assert tables == {"permits"}
