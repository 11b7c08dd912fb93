"""The indexer's command line: `python -m indexer load PATH...` and friends."""

from __future__ import annotations

import json
import os
import sys
import time

import click
from elasticsearch import ConnectionError as ESConnectionError
from elasticsearch import Elasticsearch
from rich.console import Console

from indexer.changes import ChangeTracker
from indexer.cli_options import batch_mb_option, model_option
from indexer.entities import build_nlp, resolve_model
from indexer.entities_cli import entities_command
from indexer.formats.fields import FieldMap
from indexer.index import (
    AliasConflictError,
    OutdatedSchemaError,
    ReindexError,
    ensure_index,
    index_stats,
    missing_fields,
)
from indexer.names import update_names
from indexer.parse import ReadOptions
from indexer.pipeline import (
    LoadOptions,
    count_outcome,
    count_records,
    planned_actions,
    run_load,
)
from indexer.progress import LoadProgress
from indexer.reindex import reindex as reindex_alias
from indexer.reindex import rollback as rollback_alias
from indexer.report import LoadReport
from indexer.retry import Backoff, EngineUnavailableError
from indexer.workers import WorkerError

# Below this many records a second NER process costs more to start (it loads the model again)
# than it saves.
_PARALLEL_THRESHOLD = 2_000


class Context:
    """Connection settings shared by the commands."""

    def __init__(self, es_url: str, api_key: str | None, index: str, timeout: float) -> None:
        self.es_url = es_url
        self.api_key = api_key
        self.index = index
        self.timeout = timeout

    def client(self) -> Elasticsearch:
        """A client that retries timeouts and lost connections during long loads."""
        return Elasticsearch(
            self.es_url,
            api_key=self.api_key,
            request_timeout=self.timeout,
            retry_on_timeout=True,
            max_retries=3,
        )


@click.group()
@click.option("--es-url", envvar="ES_URL", default="http://127.0.0.1:9200", show_default=True)
@click.option("--api-key", envvar="ES_API_KEY", default=None, help="Elasticsearch API key.")
@click.option(
    "--index",
    "index",
    envvar="INDEX_ALIAS",
    default="articles",
    show_default=True,
    help="The alias articles are read and written through.",
)
@click.option("--timeout", envvar="ES_TIMEOUT", default=60.0, show_default=True, type=float)
@click.pass_context
def main(ctx: click.Context, es_url: str, api_key: str | None, index: str, timeout: float) -> None:
    """Load news articles with their entity facets into Elasticsearch."""
    ctx.obj = Context(es_url, api_key, index, timeout)


# The entity step alone (no engine), for debugging facets and for the quality harness.
main.add_command(entities_command)


@main.command("create-index")
@click.pass_obj
def create_index_command(obj: Context) -> None:
    """Create the versioned index and its alias if they do not exist."""
    report = LoadReport()
    with _engine_errors(obj):
        client = obj.client()
        name = ensure_index(client, obj.index)
        # Suggestions read the names index too: it exists, empty, from the start.
        update_names(client, obj.index, report)
    click.echo(f"alias {obj.index} -> {name}")
    _exit_on_problems(report)


@main.command()
@click.pass_obj
def stats(obj: Context) -> None:
    """Show what the alias points at and how many articles it holds."""
    with _engine_errors(obj):
        info = index_stats(obj.client(), obj.index)
    if not info.indices:
        raise click.ClickException(f"alias {obj.index!r} does not exist; run `load` first")
    click.echo(f"alias {info.alias} -> {', '.join(info.indices)}: {info.docs} articles")


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@batch_mb_option
@click.option(
    "--batch-size",
    default=2_000,
    show_default=True,
    type=click.IntRange(1, 10_000),
    help="At most this many documents per bulk request.",
)
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(1, 64),
    help="NER processes [default: 2 for large inputs on 2+ cores, else 1].",
)
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
    "--fetch-timeout", default=30.0, show_default=True, type=float, help="Seconds per URL."
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
    err = Console(stderr=True)
    expected = count_records(inputs)
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if expected >= _PARALLEL_THRESHOLD else 1
    options = LoadOptions(
        index=obj.index,
        workers=workers,
        model=model,
        read=ReadOptions(fields=fields, csv_delimiter=csv_delimiter, timeout=fetch_timeout),
        chunk_bytes=int(batch_mb * 1024 * 1024),
        chunk_docs=batch_size,
        backoff=Backoff(retries=retries),
        prune=prune,
    )
    try:
        # One process: load the model here. More: each worker loads it; only check it exists.
        nlp = build_nlp(model) if workers == 1 else None
        if nlp is None:
            resolve_model(model)
    except OSError as exc:
        raise click.ClickException(str(exc)) from None
    report = LoadReport()

    if dry_run:
        tracker = ChangeTracker(None, obj.index)
        started = time.perf_counter()
        with _worker_errors():
            for action, planned in planned_actions(inputs, tracker, options, report, nlp=nlp):
                click.echo(json.dumps(action, ensure_ascii=False))
                count_outcome(report, planned.input, planned.outcome)
                report.indexed += 1
        report.seconds = time.perf_counter() - started
        _finish(report, verb="built")
        return

    with _engine_errors(obj):
        client = obj.client()
        target = ensure_index(client, obj.index)
        if missing := missing_fields(client, obj.index):
            raise OutdatedSchemaError(obj.index, missing)
        plural = "es" if workers > 1 else ""
        click.echo(
            f"loading {expected} records into {obj.index} -> {target} "
            f"({workers} NER process{plural})",
            err=True,
        )
        started = time.perf_counter()
        with _worker_errors(), LoadProgress(err, expected) as progress:
            run_load(
                client, list(inputs), options, nlp=nlp, report=report, on_settled=progress.advance
            )
        report.seconds = time.perf_counter() - started
    _finish(report, verb="indexed")


@main.command()
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(1, 64),
    help="NER processes [default: 2 on 2+ cores].",
)
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
        with _engine_errors(obj):
            client = obj.client()
            if not client.indices.exists_alias(name=obj.index):
                click.echo(f"alias {obj.index} does not exist yet: nothing to reindex")
                return
            if not missing_fields(client, obj.index):
                click.echo(f"alias {obj.index} is up to date with the schema")
                return
    workers = workers or min(2, os.cpu_count() or 1)
    err = Console(stderr=True)
    try:
        nlp = build_nlp(model) if workers == 1 else None
        if nlp is None:
            resolve_model(model)
    except OSError as exc:
        raise click.ClickException(str(exc)) from None
    report = LoadReport()
    with _engine_errors(obj), _worker_errors():
        client = obj.client()
        total = index_stats(client, obj.index).docs
        with LoadProgress(err, total, description="reindexing") as progress:
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
    _exit_on_problems(report)


@main.command()
@click.pass_obj
def rollback(obj: Context) -> None:
    """Point the alias back at the index the last `reindex` replaced (the newer one is kept)."""
    with _engine_errors(obj):
        swap = rollback_alias(obj.client(), obj.index)
    click.echo(
        f"alias {swap.alias} -> {swap.new} ({swap.docs} articles); {swap.old} kept, "
        "delete it when no longer needed"
    )


def _finish(report: LoadReport, *, verb: str) -> None:
    # Plain echo, not rich: lines must stay one per input or record, never wrapped.
    for per_input in report.inputs.values():
        click.echo(f"input {per_input}", err=True)
    _list_problems(report)
    summary = report.summary().replace("indexed", verb, 1)
    click.echo(summary, err=verb == "built")
    if not report.ok:
        sys.exit(1)


def _list_problems(report: LoadReport) -> None:
    for failure in report.failures:
        click.echo(f"FAILED {failure}", err=True)
    if report.aborted:
        click.echo(
            f"ABORTED: {report.aborted}. What the engine acknowledged is stored; "
            "run the same command again to finish.",
            err=True,
        )


def _exit_on_problems(report: LoadReport) -> None:
    _list_problems(report)
    if not report.ok:
        sys.exit(1)


class _worker_errors:
    """Turn a dead NER worker into a one-line CLI error."""

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: object
    ) -> None:
        if isinstance(exc, WorkerError):
            raise click.ClickException(str(exc)) from None


class _engine_errors:
    """Turn an unreachable engine or an alias conflict into a one-line CLI error."""

    def __init__(self, obj: Context) -> None:
        self.obj = obj

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: object
    ) -> None:
        if isinstance(exc, ESConnectionError):
            raise click.ClickException(
                f"cannot reach Elasticsearch at {self.obj.es_url} "
                "(start it with `make engine` or set ES_URL)"
            ) from None
        if isinstance(exc, AliasConflictError | ReindexError | EngineUnavailableError):
            raise click.ClickException(str(exc)) from None
