"""The CLI's wording: --help reflowed so the terminal wraps it, counts and means printed plainly."""

from __future__ import annotations

from heard.cli import reflow, run
from heard.cli.app import count_of
from heard.cli.topics import _fmt_mean


def test_reflow_joins_wrapped_lines_and_keeps_paragraphs_and_lists():
    text = """First line.

    A sentence wrapped
    in the source, continued.

    - one item
      continued
    - another item

    \bkept
    as written"""
    assert reflow(text) == (
        "First line.\n\nA sentence wrapped in the source, continued.\n\n"
        "- one item continued\n- another item\n\n\bkept\nas written"
    )


def test_command_help_reads_as_whole_sentences(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    assert run(["topics", "--help"]) == 0
    out = capsys.readouterr().out
    # the docstring breaks this sentence after "are not shown;" — on a wide terminal it is one line
    assert "are not shown; their number is." in out
    assert run(["watch", "--help"]) == 0
    assert (
        "until Ctrl-C or SIGTERM (the lines already read are stored first;"
        in capsys.readouterr().out
    )


def test_counts_and_sentiment_means_read_plainly():
    assert [count_of(n, "alert") for n in (0, 1, 2, 1200)] == [
        "0 alerts",
        "1 alert",
        "2 alerts",
        "1,200 alerts",
    ]
    assert [_fmt_mean(x) for x in (None, -0.0039, 0.0039, 0.1081, -0.2144)] == [
        "-",
        "0.00",
        "0.00",
        "+0.11",
        "-0.21",
    ]


def test_public_accounts_in_heard_toml_reach_every_display(monkeypatch, tmp_path):
    from heard.cli.app import settings_from
    from heard.read.redact import redact, set_public_accounts

    monkeypatch.chdir(tmp_path)
    (tmp_path / "heard.toml").write_text(
        '[heard]\npublic_accounts = ["澜河水务"]\n', encoding="utf-8"
    )
    before = set_public_accounts([])
    try:
        settings_from()
        assert redact("@澜河水务 请回复 @小王") == "@澜河水务 请回复 @[user]"
    finally:
        set_public_accounts(before)


def test_a_rebuild_that_leaves_most_posts_out_says_why():
    from heard.cli.topics import unassigned_warning

    assert unassigned_warning({"posts": 613, "unassigned": 76, "mean_length": None}, False) is None
    centred = unassigned_warning({"posts": 613, "unassigned": 551, "mean_length": 0.41}, True)
    assert centred.startswith("551 of 613 posts (90%) fit no topic")
    assert "0.41 long" in centred and "heard topics --rebuild" in centred and "--center" in centred
    spread = unassigned_warning({"posts": 100, "unassigned": 80, "mean_length": 0.6}, True)
    assert "spread thin" in spread


def test_result_tables_show_text_as_written_not_as_emoji(capsys):
    """An author's ':phone:' or ':smile:' was printed by Rich as ☎ and 😄 in heard posts."""
    from rich.table import Table

    from heard.cli.app import results

    table = Table()
    table.add_column("text")
    table.add_row("call me :phone: now :smile:")
    results().print(table)
    out = capsys.readouterr().out
    assert ":phone:" in out and ":smile:" in out and "☎" not in out
