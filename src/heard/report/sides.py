"""The brief's answer and protect sections: each department's public record, and the flags and
decisions of the protect side — counts only, never per author (RIGHTS.md §4, §8).

Both are the store as it stands: their history is not replayed, so a brief written ``--at`` a
past moment leaves them out and says so, rather than show today's figures under that date.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from heard.protect.taxonomy import load_taxonomy
from heard.read.cases import accountability
from heard.read.protect import transparency
from heard.web.strings.protect import STRINGS as PROTECT_WORDS


def answer_section(store: Any, now: datetime) -> dict[str, Any] | None:
    """Each department's record (``heard accountability``) at ``now``; None without cases."""
    record = accountability(store, now=now)
    total = record["total"]
    if total is None or not total["cases"]:
        return None
    rows = [d for d in record["departments"] if d["cases"]]
    return {"departments": rows, "total": total}


def protect_section(store: Any, zh: bool) -> dict[str, Any] | None:
    """Flags by label and status, decisions by kind and automation, appeals by outcome; None
    when nothing was ever flagged."""
    figures = transparency(store)
    if not figures["flags"]["total"]:
        return None
    titles = {
        name: (label.title_zh if zh else label.title)
        for name, label in load_taxonomy().labels.items()
    }
    decisions = figures["decisions"]
    return {
        "flags": figures["flags"]["total"],
        "pending": figures["flags"]["by_status"].get("pending", 0),
        "by_label": [(titles.get(k, k), n) for k, n in figures["flags"]["by_label"].items()],
        "decisions": decisions["total"],
        "by_decision": [  # the dashboard's words for a decision (transparency, statements)
            (PROTECT_WORDS.get(f"decision_{k}", (k, k))[1 if zh else 0], n)
            for k, n in decisions["by_decision"].items()
        ],
        "automated": decisions["by_automation"].get("automated", 0),
        "median_hours": decisions["median_hours_to_decision"],
        "appeals": figures["appeals"]["total"],
    }
