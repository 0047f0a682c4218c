"""Which migrations a store still needs, for both backends: versions are applied by set, not by
maximum (migrations numbered apart by parallel branches, 8-10 and 11, may land in either order,
and a store migrated to 11 still gets 8-10 when they arrive); a version this Heard does not know
means a newer Heard made the store, which is refused before anything is written to it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Union

from heard.clock import utcnow
from heard.errors import InputError, StoreError

Step = Union[str, Callable[[Any], None]]
"""One step of a migration: a statement, or a function of the store for a change SQL alone
cannot make (one that appends audit entries to the hash chain: ``heard.store.coverage``)."""


def pending(applied: Iterable[int], migrations: Sequence[tuple[int, Any]], where: str) -> list[int]:
    """The versions of ``migrations`` not in ``applied``; ``StoreError`` when ``applied`` holds
    one that ``migrations`` lacks (the store ``where`` names was made by a newer Heard)."""
    done = set(applied)
    known = {version for version, _ in migrations}
    if done - known:
        raise StoreError(
            f"{where} has schema version(s) {sorted(done - known)}, which this Heard does not "
            f"know (it knows up to {max(known)}): a newer Heard made or upgraded it",
            "upgrade Heard to the version that wrote it (nothing was changed), or use another --db",
        )
    return sorted(known - done)


def to_apply(
    store: Any,
    migrations: Sequence[tuple[int, Any]],
    where: str,
    exists: bool,
    tables: Iterable[str] | None = None,
) -> list[int]:
    """The migrations ``store`` (either backend) still needs: all of them for a new store; a
    read-only store with no ``schema_version`` (``exists``) is not a Heard database, nor is one
    that holds another application's ``tables`` (default: all of the store's; Heard adds none
    beside them)."""
    if not exists:
        others = sorted(store.tables() if tables is None else tables)
        if others:
            listed = ", ".join(others[:5]) + (", …" if len(others) > 5 else "")
            raise InputError(
                f"{where} is not a Heard database: it holds other tables ({listed})",
                "give --db the database Heard made, or a new file or empty database "
                "(createdb heard) for a new one; Heard adds no tables beside another's",
            )
        if store.read_only:
            raise InputError(
                f"no Heard database at {where}",
                f"ingest something first (heard ingest FILE --db {where}) or pass --db",
            )
        return [version for version, _ in migrations]
    applied = [row[0] for row in store.fetchall("SELECT version FROM schema_version")]
    return pending(applied, migrations, where)


def apply_each(store: Any, migrations: Sequence[tuple[int, list[Step]]], todo: list[int]) -> None:
    """Apply the migrations in ``todo`` in order, each in a transaction with its version row."""
    for version, statements in migrations:
        if version in todo:
            with store.transaction():
                for step in statements:
                    run(store, step)
                store.execute("INSERT INTO schema_version VALUES (?, ?)", [version, utcnow()])


def run(store: Any, step: Step) -> None:
    """One step of a migration on ``store``."""
    if callable(step):
        step(store)
    else:
        store.execute(step)
