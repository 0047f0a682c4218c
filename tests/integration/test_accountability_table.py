"""`heard accountability` (the table) shows the disputed closures that the public department
pages, both API routes and its own --json show: the table had reopened closures only, so an
official reading the terminal did not see that citizens had disputed them. They are shown in
the reopened column, "1 (1)" (a column of their own cut the figures to "10…" in 80 columns)."""

from __future__ import annotations

from datetime import timedelta

from api_seed import CASE_TOKEN, CLOSED_CASE, T0, build
from typer.testing import CliRunner

from heard.answer import intake
from heard.cli import _register
from heard.cli.app import app
from heard.store import open_store


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.replace("┃", "│").split("│") if c.strip()]


def test_the_table_shows_disputed_closures(tmp_path):
    db = tmp_path / "acc.duckdb"
    build(db)
    with open_store(db) as store:
        intake.dispute(
            store.reader(), CLOSED_CASE["water"], CASE_TOKEN, "还是没水", T0 + timedelta(days=5), []
        )
    _register()
    out = CliRunner().invoke(app, ["accountability", "--db", str(db)], env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    header = next(line for line in out.output.splitlines() if "department" in line)
    water = next(line for line in out.output.splitlines() if "供水" in line)
    row = dict(zip(_cells(header), _cells(water)))
    assert row["reopened (disputed)"] == "1 (1)", row
    narrow = CliRunner().invoke(app, ["accountability", "--db", str(db)], env={"COLUMNS": "80"})
    assert "100%" in narrow.output or "0%" in narrow.output  # figures are not cut at 80
