"""``heard quarantine --reason`` with a reason no row has (a typo: bad-date for bad_date). Before,
it printed "quarantine is empty" although the quarantine held rows: a clerk checking for bad dates
was told there was nothing to look at. Now it says no row has that reason and what it holds."""

from __future__ import annotations

from api_seed import build

from heard.cli import run


def test_a_reason_no_row_has_is_not_an_empty_quarantine(tmp_path, capsys):
    db = tmp_path / "q.duckdb"
    build(db)  # holds quarantined rows
    assert run(["quarantine", "--db", str(db), "--reason", "bad-date"]) == 0
    out = " ".join(capsys.readouterr().err.split())  # messages go to stderr
    assert "quarantine is empty" not in out
    assert out.startswith("no quarantined rows with reason 'bad-date'; the quarantine holds: ")
    assert run(["quarantine", "--db", str(db), "--reason", "bad-date", "--json"]) == 0
    assert capsys.readouterr().out.strip() == "[]"


def test_an_empty_quarantine_is_still_called_so(tmp_path, capsys):
    db = tmp_path / "e.duckdb"
    build(db)
    from heard.store import open_store

    with open_store(db) as store:
        store.execute("DELETE FROM quarantine")
    assert run(["quarantine", "--db", str(db), "--reason", "bad_date"]) == 0
    assert "quarantine is empty" in capsys.readouterr().err
