"""The CLI's --help: docstrings wrapped in the source are reflowed, so the terminal wraps them."""

from __future__ import annotations

from heard.cli import reflow, run


def test_reflow_joins_wrapped_lines_and_keeps_paragraphs_and_lists():
    text = """First line.

    A sentence wrapped
    in the source, continued.

    - one item
      continued
    - another item

    \bkept
    as written"""
    assert reflow(text) == ("First line.\n\nA sentence wrapped in the source, continued.\n\n"
                            "- one item continued\n- another item\n\n\bkept\nas written")


def test_command_help_reads_as_whole_sentences(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    assert run(["topics", "--help"]) == 0
    out = capsys.readouterr().out
    # the docstring breaks this sentence after "are not shown;" — on a wide terminal it is one line
    assert "are not shown; their number is." in out
    assert run(["watch", "--help"]) == 0
    assert "until Ctrl-C or SIGTERM (the lines already read are stored first;" in capsys.readouterr().out
