"""What a file's header lacks: the error that says which post field has no column, and whether
the "header" is a first row of data (a file without a header row)."""

from __future__ import annotations

from heard.errors import InputError


class MissingColumnError(InputError):
    """No column of the file gives ``target`` (text, created_at, or one the user named): the
    dashboard's upload, which has no --map, says what to do there instead. ``wanted``: the
    column names the field map looked for (the one named, where ``explicit``)."""

    def __init__(
        self,
        what: str,
        fix: str,
        target: str,
        wanted: tuple[str, ...] = (),
        explicit: bool = False,
    ):
        super().__init__(what, fix, field="map")
        self.target = target
        self.wanted = wanted
        self.explicit = explicit


NO_TIME = (
    "if a column holds each post's time, name it: created_at=COLUMN; if none does, Heard cannot "
    "read the file as it is: it needs a time per post (days, trends and hot spots are built on "
    "it) and created_at cannot be switched off. Add a column with each post's time (ISO 8601, "
    "e.g. 2026-11-03T08:00 or 2026-11-03), and name it; posts with no time of their own may all "
    "carry the day they were collected, and then read as one burst on that day"
)
"""The fix of a file without a time column (COLD's test.csv: id, split, topic, label, TEXT), where
"name it: created_at=COLUMN" alone sent the user looking for a column that is not there."""


def _reads_as_data(name: str) -> bool:
    """Whether a header cell reads as a value, not a column's name: a number or a time
    (``1949``, ``2020-01-01 08:00``) or a sentence (``Go until jurong point, crazy..``)."""
    if any(ch.isdigit() for ch in name) and not name.strip("0123456789-/:.+ T"):
        return True
    return len(name) > 40 and len(name.split()) >= 5


def missing_column(
    target: str, wanted: tuple[str, ...], have: list[str], explicit: bool
) -> MissingColumnError:
    """The error of a header without ``target``'s column. A header whose cells read as data is
    a file without a header row (the SMS Spam Collection's TSV): its first row was listed as the
    column names, and "name it: text=COLUMN" could not help (--map takes names, not
    positions)."""
    what = (
        f"the column {wanted[0]!r} named for {target} is not in the file"
        if explicit
        else f"no column for {target} (looked for: {', '.join(wanted) or 'nothing'})"
    )
    if not any(_reads_as_data(name) for name in have):
        listed = ", ".join(have) or "(none)"
        fix = f"name it: {target}=COLUMN"
        if target == "created_at" and not explicit:
            fix = NO_TIME
        return MissingColumnError(f"{what}; the file has: {listed}", fix, target, wanted, explicit)
    first = ", ".join(name if len(name) <= 40 else name[:39] + "…" for name in have)
    return MissingColumnError(
        f"{what}; the file seems to have no header row: its first line reads as data ({first})",
        f"Heard takes a file's first line as its column names and --map names columns by name, "
        f"not by position: put a line naming its {len(have)} columns first, separated as its "
        f"rows are (e.g. label, text), then map them: {target}=NAME",
        target,
        wanted,
        explicit,
    )
