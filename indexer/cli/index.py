"""The index lifecycle commands: `create-index`, `stats`, `reindex` and `rollback`."""

from __future__ import annotations

import os

import click
from rich.console import Console

from indexer.cli.common import (
    Context,
    engine_errors,
    exit_on_problems,
    ner_pipeline,
    worker_errors,
)
from indexer.cli.options import batch_mb_option, model_option, workers_option
from indexer.index.lifecycle import ensure_index, index_stats, missing_fields
from indexer.index.names import update_names
from indexer.index.reindex import reindex as reindex_alias
from indexer.index.reindex import rollback as rollback_alias
from indexer.load.progress import LoadProgress
from indexer.load.report import LoadReport


@click.command("create-index")
@click.pass_obj
def create_index_command(obj: Context) -> None:
    """Create the versioned index and its alias if they do not exist."""
    report = LoadReport()
    with engine_errors(obj):
        client = obj.client()
        name = ensure_index(client, obj.index)
        # Suggestions read the names index too: it exists, empty, from the start.
        update_names(client, obj.index, report)
    click.echo(f"alias {obj.index} -> {name}")
    exit_on_problems(report)


@click.command()
@click.pass_obj
def stats(obj: Context) -> None:
    """Show what the alias points at and how many articles it holds."""
    with engine_errors(obj):
        info = index_stats(obj.client(), obj.index)
    if not info.indices:
        raise click.ClickException(f"alias {obj.index!r} does not exist; run `load` first")
    click.echo(f"alias {info.alias} -> {', '.join(info.indices)}: {info.docs} articles")


@click.command()
@workers_option("NER processes [default: 2 on 2+ cores].")
@model_option
@batch_mb_option
@click.option(
    "--if-outdated",
    is_flag=True,
    help="Only when the index lacks fields of the current schema (no alias: nothing to do).",
)
@click.pass_obj
def reindex(
    obj: Context, workers: int | None, model: str | None, batch_mb: float, if_outdated: bool
) -> None:
    """Rebuild the index behind the alias with the current mapping and entity pipeline.

    Searches keep working throughout: the alias moves to the new index in one atomic step once
    it holds every article, and the previous index is kept for `rollback`.
    """
    if if_outdated:
        with engine_errors(obj):
            client = obj.client()
            if not client.indices.exists_alias(name=obj.index):
                click.echo(f"alias {obj.index} does not exist yet: nothing to reindex")
                return
            if not missing_fields(client, obj.index):
                click.echo(f"alias {obj.index} is up to date with the schema")
                return
    workers = workers or min(2, os.cpu_count() or 1)
    nlp = ner_pipeline(model, workers)
    report = LoadReport()
    with engine_errors(obj), worker_errors():
        client = obj.client()
        total = index_stats(client, obj.index).docs
        with LoadProgress(Console(stderr=True), total, description="reindexing") as progress:
            swap = reindex_alias(
                client,
                obj.index,
                workers=workers,
                model=model,
                nlp=nlp,
                chunk_bytes=int(batch_mb * 1024 * 1024),
                report=report,
                on_progress=progress.advance,
            )
    click.echo(
        f"reindexed {swap.docs} articles in {report.seconds:.1f}s "
        f"({swap.docs / report.seconds if report.seconds else 0:.0f} docs/s): "
        f"alias {swap.alias} -> {swap.new}; "
        f"previous index {swap.old} kept for `rollback`"
    )
    if report.names is not None:
        click.echo(
            f"{report.names} entity names for suggestions synced in {report.names_seconds:.1f}s"
        )
    exit_on_problems(report)


@click.command()
@click.pass_obj
def rollback(obj: Context) -> None:
    """Point the alias back at the index the last `reindex` replaced (the newer one is kept)."""
    with engine_errors(obj):
        swap = rollback_alias(obj.client(), obj.index)
    click.echo(
        f"alias {swap.alias} -> {swap.new} ({swap.docs} articles); {swap.old} kept, "
        "delete it when no longer needed"
    )
