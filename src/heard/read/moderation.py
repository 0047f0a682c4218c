"""What a decision does to the displays (issue 19 §4): one rule for every list and page.

The decision in force on a post is its newest one, unless an appeal reversed it:

- ``remove``: the post's title and text are shown nowhere — not in search (a search for its
  words does not find it: ``hidden_ids``), topic and issue
  pages, exports, case pages or the API — only a notice that names the decision (its statement
  of reasons is public). The post still counts in aggregates (a topic's size is not content).
- ``limit_visibility``: hidden on public pages as if removed; on the signed-in dashboard it is
  shown with a mark.
- ``label``: shown everywhere with its label.
- ``no_action`` (or a reversed decision): shown as it is.

Each post gets ``moderation``: ``None`` or ``{decision, label, decision_id, hidden}``.
"""

from __future__ import annotations

from typing import Any

from heard.store.protocol import Reader
from heard.store.queries import moderation as q

HIDING = frozenset({"remove"})
HIDDEN_IN_PUBLIC = frozenset({"remove", "limit_visibility"})


def in_force(db: Reader, post_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The decision in force on each of ``post_ids`` that has one (``no_action`` left out)."""
    if not post_ids or "decisions" not in db.tables():
        return {}
    rows = q.decisions_on(db, post_ids)
    latest: dict[str, dict[str, Any]] = {}
    for r in rows:
        latest[r["post_id"]] = r  # the newest last
    return {
        post_id: r
        for post_id, r in latest.items()
        if r["decision"] != "no_action" and r["appeal_outcome"] != "reversed"
    }


def hidden_ids(db: Reader, *, public: bool = False) -> list[str]:
    """The posts a decision in force hides (``public``: on a page anyone can open), sorted:
    what a search must not find by their words, since their text is not shown."""
    if "decisions" not in db.tables():
        return []
    hiding = HIDDEN_IN_PUBLIC if public else HIDING
    candidates = q.posts_decided(db, sorted(hiding))
    decided = in_force(db, candidates)
    return sorted(p for p, d in decided.items() if d["decision"] in hiding)


def apply(
    db: Reader, posts: list[dict[str, Any]], *, public: bool = False, key: str = "id"
) -> list[dict[str, Any]]:
    """``posts`` with the decisions in force applied: text and title emptied where the post may
    not be shown (``public``: on a page anyone can open), ``moderation`` set on each."""
    decided = in_force(db, [p[key] for p in posts if p.get(key)])
    out = []
    for p in posts:
        d = decided.get(p.get(key) or "")
        if d is None:
            out.append({**p, "moderation": None})
            continue
        hidden = d["decision"] in (HIDDEN_IN_PUBLIC if public else HIDING)
        mark = {
            "decision": d["decision"],
            "label": d["label"],
            "decision_id": d["decision_id"],
            "hidden": hidden,
        }
        shown = {**p, "moderation": mark}
        if hidden:
            for field in ("text", "title", "url"):
                if field in shown:
                    shown[field] = None
        out.append(shown)
    return out
