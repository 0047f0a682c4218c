"""heard gold add, run again with the same text and label."""

from __future__ import annotations

from heard.cli import run
from heard.store import open_store


def test_gold_add_again_says_so_and_refuses_another_expected_answer(tmp_path, capsys):
    """The same text and label added again printed "added" whatever --expected said, while the
    first expected answer stayed: kappa was scored against an answer the admin had replaced."""
    db = tmp_path / "g.duckdb"
    gold = ["gold", "add", "--text", "Buy followers now", "--label", "spam", "--db", str(db)]
    assert run([*gold, "--expected", "remove"]) == 0
    assert "added" in capsys.readouterr().err
    assert run([*gold, "--expected", "remove"]) == 0
    assert "exists already" in capsys.readouterr().err
    assert run([*gold, "--expected", "no_action"]) == 2
    assert "expected decision 'remove'" in capsys.readouterr().err
    with open_store(db) as store:
        assert [g["expected"] for g in store.protect.gold_items()] == ["remove"]
