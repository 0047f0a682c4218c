"""Two command modules must never register the same command name: the later one would silently
shadow the earlier (protect's report link once hid `heard report`, the HTML brief)."""

from __future__ import annotations

from collections import Counter

from heard.cli import _register
from heard.cli.app import app


def test_command_names_are_unique_and_report_is_the_brief():
    _register()
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    names += [g.name for g in app.registered_groups]
    assert [n for n, c in Counter(names).items() if c > 1] == []
    report = next(c for c in app.registered_commands if (c.name or c.callback.__name__) == "report")
    assert report.callback.__module__ == "heard.cli.hot"
