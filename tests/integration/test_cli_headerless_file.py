"""A CSV/TSV without a header row (the SMS Spam Collection's ``SMSSpamCollection.tsv``: label TAB
text on every line) failed with "the file has: ham, Go until jurong point, crazy.. …" and "name it:
text=COLUMN": its first message listed as column names, and no --map could name a column by
position. The error now says the file seems to have no header row and how to give it one."""

from __future__ import annotations

from heard.cli import run

ROWS = [
    "ham\tGo until jurong point, crazy.. Available only in bugis n great world la e buffet",
    "spam\tFree entry in 2 a wkly comp to win FA Cup final tkts 21st May 2005. Text FA to 87121",
]


def test_headerless_tsv_is_said_to_have_no_header_row(tmp_path, capsys):
    feed = tmp_path / "sms.tsv"
    feed.write_text("\n".join(ROWS) + "\n", encoding="utf-8")
    db = tmp_path / "heard.duckdb"
    assert run(["ingest", str(feed), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "seems to have no header row" in err, err
    assert "not by position" in err and "2 columns" in err, err
    assert not db.exists()  # nothing stored, nothing half-made


def test_a_header_without_the_column_is_not_called_headerless(tmp_path, capsys):
    feed = tmp_path / "cold.csv"  # COLD's header: an unnamed first column, no text column
    feed.write_text(",split,topic,label\n1949,test,race,1\n", encoding="utf-8")
    assert run(["ingest", str(feed), "--db", str(tmp_path / "heard.duckdb")]) == 2
    err = capsys.readouterr().err
    assert "no column for text" in err and "column_1, split, topic, label" in err, err
    assert "no header row" not in err, err
