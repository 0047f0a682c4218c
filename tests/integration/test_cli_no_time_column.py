"""A file with no time column (COLD's test.csv: an id, split, topic, label, TEXT) was refused with
"name it: created_at=COLUMN (--map)": no column to name, and ``--map created_at=-`` is refused.
The error now says plainly that Heard needs a time per post and how to give the file one."""

from __future__ import annotations

from heard.cli import run


def test_file_without_a_time_column_says_heard_needs_one(tmp_path, capsys):
    feed = tmp_path / "cold.csv"
    feed.write_text(
        ",split,topic,label,fine-grained-label,TEXT\n"
        "1949,test,race,1,2,只要不来中国的外国人就是好外国人\n",
        encoding="utf-8",
    )
    db = tmp_path / "heard.duckdb"
    assert run(["ingest", str(feed), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "no column for created_at" in err, err
    assert "needs a time per post" in err and "Add a column with each post's time" in err, err
    assert not db.exists()


def test_switching_the_time_off_is_refused_with_the_same_way_out(tmp_path, capsys):
    feed = tmp_path / "posts.csv"
    feed.write_text("text\n东湖路停水\n", encoding="utf-8")
    assert run(["ingest", str(feed), "--map", "created_at=-", "--db", str(tmp_path / "h.db")]) == 2
    err = capsys.readouterr().err
    assert "cannot be switched off" in err and "needs a time per post" in err, err
