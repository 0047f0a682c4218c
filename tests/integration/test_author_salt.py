"""Author keys are not reversible with a shared salt (issue 16 item 9, RIGHTS.md §4): each store
creates a random salt on first use unless the operator sets one; an old store made with the shipped
default keeps its keys, says so, and can be re-keyed."""

from __future__ import annotations

import hashlib
import hmac
import logging

from heard.cli import run
from heard.connectors.mapping import fieldmap_for
from heard.pipeline.assemble import Run
from heard.protect.salt import LEGACY_DEFAULT, rotate_author_salt
from heard.records import RawRow
from heard.settings import Settings
from heard.store import open_store


def legacy_key(handle: str) -> str:
    return hmac.new(LEGACY_DEFAULT.encode(), handle.encode(), hashlib.sha256).hexdigest()[:16]


def key_in(db, handle: str, salt: str | None = None) -> str:
    """The key a run over ``db`` gives ``handle`` (opening the store as an ingest would)."""
    with open_store(db) as store:
        run = Run(
            Settings(db=db, author_salt=salt), store, pipeline=None, fieldmap=fieldmap_for("social")
        )
        row = RawRow(
            fields={"id": "1", "text": "停水了", "created_at": "2024-01-01", "user": handle},
            file="f",
            position=1,
        )
        return run.mapper("s").map(row).author_key


def test_no_shared_default_each_store_gets_its_own_random_salt(tmp_path, caplog):
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    with caplog.at_level(logging.WARNING):
        key_a = key_in(a, "laozhou")
    assert "created a random author salt" in caplog.text  # said once, when created
    assert key_a != legacy_key("laozhou")
    assert key_in(b, "laozhou") != key_a  # another deployment, another pseudonym
    caplog.clear()
    with caplog.at_level(logging.INFO):
        assert key_in(a, "laozhou") == key_a  # the store keeps its salt: one person, one key
    assert "created" not in caplog.text


def test_an_explicit_salt_is_used_and_a_change_is_warned(tmp_path, caplog):
    db = tmp_path / "x.duckdb"
    expected = hmac.new(b"s3cret", b"laozhou", hashlib.sha256).hexdigest()[:16]
    assert key_in(db, "laozhou", salt="s3cret") == expected
    with caplog.at_level(logging.WARNING):
        key_in(db, "laozhou", salt="other")
    assert "differs from the one this store was ingested with" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        key_in(db, "laozhou", salt=LEGACY_DEFAULT)
    assert "old shared default" in caplog.text


def test_an_old_default_salt_store_keeps_its_keys_warns_and_can_be_rotated(
    tmp_path, caplog, capsys
):
    db = tmp_path / "old.duckdb"
    with open_store(db) as store:  # as an older Heard left it: keys under the shipped default
        store.con.execute(
            "INSERT INTO posts (id, source, external_id, author_key, text, text_hash, "
            "created_at, ingested_at) VALUES ('s:0', 's', '0', ?, 't', 'h', now(), now())",
            [legacy_key("laozhou")],
        )
    with caplog.at_level(logging.WARNING):
        assert key_in(db, "laozhou") == legacy_key("laozhou")  # counts stay right
    assert "rotate-salt" in caplog.text
    assert run(["config", "rotate-salt", "--db", str(db)]) == 0  # the command the warning names
    assert "re-keyed 1 author" in capsys.readouterr().out
    with open_store(db) as store:
        stored = store.scalar("SELECT author_key FROM posts")
    assert stored != legacy_key("laozhou")  # the shared default no longer opens it
    assert key_in(db, "laozhou") == stored  # and the same person still has one key
    with open_store(db) as store:
        assert (
            rotate_author_salt(store) == 1
            and store.scalar("SELECT author_key FROM posts") != stored
        )
    assert run(["config", "rotate-salt", "--db", str(tmp_path / "none.duckdb")]) != 0
    assert not (tmp_path / "none.duckdb").exists()
