"""A DuckDB file another process holds (a running `heard serve`): the command that cannot open it
says who holds it and what to do, including the way to run the server, a watch and the CLI
together (a PostgreSQL database), for a read-only command as for a writing one."""

from __future__ import annotations

import subprocess
import sys

import pytest

from heard.cli import run


@pytest.mark.parametrize("command", [["stats"], ["users", "list"], ["export", "--what", "posts"]])
def test_a_held_duckdb_file_says_what_to_do(
    tmp_path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    db = tmp_path / "held.duckdb"
    assert (
        run(
            ["users", "add", "ana", "--role", "admin", "--password", "pw-12345678", "--db", str(db)]
        )
        == 0
    )
    capsys.readouterr()
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb,time; c=duckdb.connect({str(db)!r}); "
         "print('ok', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        extra = ["--out", str(tmp_path / "x.csv")] if command[0] == "export" else []
        assert run([*command, *extra, "--db", str(db)]) == 3
        err = " ".join(capsys.readouterr().err.split())
        assert f"PID {holder.pid}" in err and "stop that process" in err
        assert "postgresql://" in err and "Traceback" not in err
    finally:
        holder.kill()
        holder.wait()
