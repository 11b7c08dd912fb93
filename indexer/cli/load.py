"""`python -m indexer load PATH...`: the load command; the run itself is `indexer.pipeline`."""

from __future__ import annotations

import json
import os
from typing import Any

import click
from rich.console import Console

from articles.limits import FETCH_DEADLINE_SECONDS
from indexer import pipeline
from indexer.cli.common import Context, engine_errors, finish, ner_pipeline, worker_errors
from indexer.cli.options import batch_mb_option, model_option, workers_option
from indexer.formats.fetch import PRIVATE_HINT
from indexer.formats.fields import FieldMap
from indexer.formats.inputs import ReadOptions, count_records
from indexer.index.lifecycle import writable_index
from indexer.load.progress import LoadProgress
from indexer.load.report import LoadReport
from indexer.load.retry import Backoff
from outbound import AddressPolicy

# Below this many records a second NER process costs more to start (it loads the model again)
# than it saves.
_PARALLEL_THRESHOLD = 2_000


@click.command()
@click.argument("inputs", nargs=-1, required=True)
@batch_mb_option
@click.option(
    "--batch-size",
    default=2_000,
    show_default=True,
    type=click.IntRange(1, 10_000),
    help="At most this many documents per bulk request.",
)
@workers_option("NER processes [default: 2 for large inputs on 2+ cores, else 1].")
@model_option
@click.option(
    "--prune", is_flag=True, help="Delete articles of these inputs that the inputs no longer hold."
)
@click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="FIELD=NAME",
    help="Read FIELD from column NAME (CSV) or key NAME (JSON), e.g. title=headline. Repeatable.",
)
@click.option("--csv-delimiter", default=None, help="CSV delimiter [default: , (tab for .tsv)].")
@click.option(
    "--retries",
    default=6,
    show_default=True,
    type=click.IntRange(0, 20),
    help="Retries (1 s, 2 s, 4 s ... 30 s apart) when the engine is overloaded or unreachable.",
)
@click.option(
    "--fetch-timeout",
    default=FETCH_DEADLINE_SECONDS,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds per URL in all (connecting, redirects and the whole body).",
)
@click.option(
    "--allow-private-urls",
    is_flag=True,
    help="Let URLs (and their redirects) reach loopback, private and link-local addresses.",
)
@click.option("--dry-run", is_flag=True, help="Print the bulk actions as JSON Lines; no engine.")
@click.pass_obj
def load(
    obj: Context,
    inputs: tuple[str, ...],
    batch_mb: float,
    batch_size: int,
    workers: int | None,
    model: str | None,
    prune: bool,
    columns: tuple[str, ...],
    csv_delimiter: str | None,
    retries: int,
    fetch_timeout: float,
    allow_private_urls: bool,
    dry_run: bool,
) -> None:
    """Load articles from files, folders and URLs: .txt, JSON Lines, JSON, CSV, RSS/Atom, HTML.

    Re-running updates changed articles, adds new ones and skips unchanged ones; duplicates
    (same URL, or same source and title) are stored once. Bad records are listed with file,
    line and reason; everything else is indexed. The exit status is 1 when any record failed
    or the engine went away (then running the same command again finishes the job).
    """
    try:
        fields = FieldMap.parse(columns)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--column") from None
    expected = count_records(inputs)
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if expected >= _PARALLEL_THRESHOLD else 1
    options = pipeline.LoadOptions(
        index=obj.index,
        workers=workers,
        model=model,
        read=ReadOptions(
            fields=fields,
            csv_delimiter=csv_delimiter,
            timeout=fetch_timeout,
            # The engine's own address is never fetched, flag or not: its answers are no
            # articles, and indexing them would publish the index's internals.
            policy=AddressPolicy.refusing(
                [obj.es_url], allow_private=allow_private_urls, hint=PRIVATE_HINT
            ),
        ),
        chunk_bytes=int(batch_mb * 1024 * 1024),
        chunk_docs=batch_size,
        backoff=Backoff(retries=retries),
        prune=prune,
    )
    nlp = ner_pipeline(model, workers)
    report = LoadReport()

    if dry_run:
        with worker_errors():
            pipeline.dry_run(inputs, options, report, nlp=nlp, emit=_print_action)
        finish(report, verb="built")
        return

    with engine_errors(obj):
        client = obj.client()
        target = writable_index(client, obj.index)
        plural = "es" if workers > 1 else ""
        click.echo(
            f"loading {expected} records into {obj.index} -> {target} "
            f"({workers} NER process{plural})",
            err=True,
        )
        with worker_errors(), LoadProgress(Console(stderr=True), expected) as progress:
            pipeline.run_load(
                client, list(inputs), options, nlp=nlp, report=report, on_settled=progress.advance
            )
    finish(report, verb="indexed")


def _print_action(action: dict[str, Any]) -> None:
    click.echo(json.dumps(action, ensure_ascii=False))
