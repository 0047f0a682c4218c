"""RIGHTS.md §4 in the protect side's code: nothing reads an author key, nothing groups by
author, and the moderator role sits where review needs it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from heard.auth.roles import Role
from heard.errors import InputError
from heard.read.protect import refuse_author_filter

SRC = Path(__file__).resolve().parents[2] / "src" / "heard"
PROTECT_CODE = [
    *sorted((SRC / "protect").glob("*.py")),
    SRC / "read" / "protect.py",
    SRC / "store" / "repos" / "protect.py",
    SRC / "cli" / "protect.py",
    SRC / "api" / "routes" / "protect.py",
]


@pytest.mark.parametrize("path", PROTECT_CODE, ids=lambda p: p.name)
def test_no_protect_module_reads_an_author_key(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    strings = [
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]
    sql = [s for s in strings if "SELECT" in s or "GROUP BY" in s]
    assert not [s for s in sql if "author" in s.lower()], path


def test_an_author_filter_is_refused_with_the_reason():
    refuse_author_filter({"label": "spam", "author": None})  # not given: fine
    with pytest.raises(InputError, match="never shown per author") as exc:
        refuse_author_filter({"author": "someone"})
    assert "RIGHTS.md §4" in exc.value.fix


def test_moderator_is_above_analyst_and_below_admin():
    assert Role.analyst < Role.moderator < Role.admin
    assert Role.parse("Moderator") is Role.moderator
