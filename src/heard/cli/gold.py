"""``heard gold``: gold items for reviewer calibration (docs/protect/calibration.md)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from heard.cli.hints import on_this_store
from heard.cli.app import app, console, count_of, emit_json
from heard.cli.protect import Config, Db, Json, _open

gold_app = typer.Typer(help="Gold items for reviewer calibration (admins).", no_args_is_help=True)
app.add_typer(gold_app, name="gold")

ADD_ONE = 'heard gold add --text "…" --label LABEL --expected DECISION'


@gold_app.command("add")
def gold_add(
    text: Annotated[str, typer.Option(help="The text to decide on.")],
    label: Annotated[str, typer.Option(help="The taxonomy label it is shown under.")],
    expected: Annotated[str, typer.Option(help="The right decision.")],
    db: Db = None,
    config: Config = None,
    json_out: Json = False,
) -> None:
    """Add a gold item; it is mixed into every moderator's queue until answered."""
    from heard.protect.calibration import Calibration

    with _open(db, config) as store:
        row = Calibration(store).add_gold(text, label, expected)
    if json_out:
        emit_json({"gold_id": row["gold_id"], "added": bool(row["added"])})
        return
    console.print(f"gold item {row['gold_id']} " + ("added" if row["added"] else "exists already"))


@gold_app.command("kappa")
def gold_kappa(db: Db = None, config: Config = None, json_out: Json = False) -> None:
    """Per-moderator agreement with the gold answers (Cohen's κ), for admins. With nothing to
    measure it says why on stderr (--json: an empty list on stdout)."""
    from heard.protect.calibration import Calibration

    with _open(db, config, read_only=True) as store:
        result = Calibration(store).report()
        items = len(store.protect.gold_items())
    if not result:
        why = (
            "nothing to measure yet: no moderator has answered any of the "
            f"{count_of(items, 'gold item')} (they are mixed into each moderator's review "
            "queue: heard review)"
            if items
            else f"nothing to measure: there are no gold items; add some: {ADD_ONE}"
        )
        console.print(escape(on_this_store(why)), soft_wrap=True)
    if json_out:
        emit_json(result)
        return
    for r in result:
        typer.echo(  # a result: on stdout
            f"{r['moderator']}: {r['answered']} answered, agreement "
            f"{r['agreement']:.2f}, κ {r['kappa'] if r['kappa'] is not None else '-'}"
        )
