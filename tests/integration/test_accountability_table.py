"""`heard accountability` (the table) shows what the public department pages and the API show:
open cases and disputed closures too. The table had neither, so an official reading the CLI saw
a department's reopened closures but not that citizens had disputed them."""

from __future__ import annotations

from datetime import timedelta

from api_seed import CASE_TOKEN, CLOSED_CASE, T0, build
from typer.testing import CliRunner

from heard.answer import intake
from heard.cli import _register
from heard.cli.app import app
from heard.store import open_store


def test_the_table_shows_open_cases_and_disputed_closures(tmp_path):
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
    assert "open" in header and "disputed" in header, header
    water = next(line for line in out.output.splitlines() if "供水" in line)
    cells = [c.strip() for c in water.replace("┃", "│").split("│") if c.strip()]
    names = [c.strip() for c in header.replace("┃", "│").split("│") if c.strip()]
    row = dict(zip(names, cells))
    assert row["disputed"] == "1" and row["reopened"] == "1" and row["open"] == "1", row
