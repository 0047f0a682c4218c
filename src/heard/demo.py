"""The demo: the main job end to end on the bundled bilingual corpus, with what to look at next."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from heard.errors import InputError
from heard.settings import Settings

console = Console(stderr=True)


def run_demo(settings: Settings, corpus: Path, out: Path) -> None:
    from heard import queries
    from heard.ingest import ingest_paths
    from heard.mapping import Mapper, fieldmap_for
    from heard.pipeline import build_pipeline
    from heard.stages import default_stages
    from heard.store import open_store

    if not corpus.exists():
        raise InputError(f"the demo corpus is missing at {corpus}", "reinstall Heard from a full clone")
    fieldmap = fieldmap_for("social")
    with open_store(settings.db) as store:
        console.print(f"[bold]1/4[/] ingesting the demo corpus {corpus.name} into {settings.db} …")
        with console.status("loading models…"):
            pipeline = build_pipeline(default_stages(settings))
        summary = ingest_paths(
            store, [corpus], pipeline,
            make_mapper=lambda src: Mapper(fieldmap, source=src, tz=settings.timezone, salt=settings.author_salt),
            source="demo", batch_size=settings.batch_size,
        )
        console.print(
            f"    stored {summary.stored} new posts ({summary.already_stored} already there) "
            f"in {summary.seconds:.1f}s"
        )
        data = queries.stats(store)
        console.print(
            f"    {data['posts']} posts · languages {data['by_language']} · sentiment {data['sentiment']['labels']}"
        )
    console.print("\nlook at: heard stats --db " + str(settings.db) + " · heard posts --db "
                  + str(settings.db) + " --query 停水")
