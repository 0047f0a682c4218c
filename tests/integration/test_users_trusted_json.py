"""``heard users trusted NAME`` takes ``--json`` as the other ``users`` commands do (it was the one
without), and reads the store as they do: a wrong --db is refused, not created empty. The real
CLI in a subprocess on a real DuckDB file."""

from __future__ import annotations

import json
import subprocess
import sys

from heard.auth.accounts import Accounts
from heard.store import open_store

HEARD = [sys.executable, "-c", "from heard.cli import main; main()"]


def _heard(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*HEARD, *(str(a) for a in args)], capture_output=True, text=True, timeout=300, check=False
    )


def test_users_trusted_prints_json_and_marks_the_account(tmp_path):
    db = tmp_path / "accounts.duckdb"
    with open_store(db) as store:
        Accounts(store).add_user("rita", "password-x1", "viewer")

    on = _heard("users", "trusted", "rita", "--json", "--db", db)
    assert on.returncode == 0, on.stderr
    assert json.loads(on.stdout) == {"username": "rita", "trusted_flagger": True, "was": False}
    with open_store(db, read_only=True) as store:
        assert store.accounts.is_trusted_flagger("rita")

    off = _heard("users", "trusted", "rita", "--off", "--json", "--db", db)
    assert off.returncode == 0, off.stderr
    assert json.loads(off.stdout) == {"username": "rita", "trusted_flagger": False, "was": True}
    with open_store(db, read_only=True) as store:
        assert not store.accounts.is_trusted_flagger("rita")

    plain = _heard("users", "trusted", "rita", "--db", db)  # without --json: one line on stderr
    assert (
        plain.returncode == 0 and plain.stdout == "" and "rita: trusted flagger on" in plain.stderr
    )


def test_users_trusted_refuses_an_unknown_account_or_store_without_output(tmp_path):
    db = tmp_path / "accounts.duckdb"
    with open_store(db) as store:
        Accounts(store).add_user("rita", "password-x1", "viewer")
    unknown = _heard("users", "trusted", "nobody", "--json", "--db", db)
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert "no user 'nobody'" in unknown.stderr and "Traceback" not in unknown.stderr

    elsewhere = tmp_path / "typo.duckdb"
    missing = _heard("users", "trusted", "rita", "--json", "--db", elsewhere)
    assert missing.returncode == 2 and f"no Heard database at {elsewhere}" in missing.stderr
    assert not elsewhere.exists()  # not made empty, as users list does not
