"""What the commands share: the connection settings, the NER pipeline, errors and the report."""

from __future__ import annotations

import sys

import click
from elasticsearch import ConnectionError as ESConnectionError
from elasticsearch import Elasticsearch
from spacy.language import Language

from indexer.entities.extract import build_nlp, resolve_model
from indexer.index.lifecycle import AliasConflictError, ReindexError
from indexer.load.report import LoadReport
from indexer.load.retry import EngineUnavailableError
from indexer.load.workers import WorkerError


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


def ner_pipeline(model: str | None, workers: int) -> Language | None:
    """The NER pipeline for one process, loaded here; with more, None once the model exists.

    Each worker process loads its own, so the main process only checks that it can be found.
    """
    try:
        if workers == 1:
            return build_nlp(model)
        resolve_model(model)
    except OSError as exc:
        raise click.ClickException(str(exc)) from None
    return None


def finish(report: LoadReport, *, verb: str) -> None:
    """Print a load's lines (one per input, failures, summary); exit 1 if anything failed."""
    # Plain echo, not rich: lines must stay one per input or record, never wrapped.
    for per_input in report.inputs.values():
        click.echo(f"input {per_input}", err=True)
    list_problems(report)
    # A dry run's standard output is the actions alone.
    click.echo(report.summary(verb), err=verb == "built")
    if not report.ok:
        sys.exit(1)


def exit_on_problems(report: LoadReport) -> None:
    """List what went wrong, and exit 1 if anything did."""
    list_problems(report)
    if not report.ok:
        sys.exit(1)


def list_problems(report: LoadReport) -> None:
    """A line per value the limits changed, per failed record, and if the run was cut short."""
    for note in report.notes:
        click.echo(f"NOTE {note}", err=True)
    for conflict in report.conflict_lines:
        click.echo(f"CONFLICT {conflict}", err=True)
    for failure in report.failures:
        click.echo(f"FAILED {failure}", err=True)
    if report.aborted:
        click.echo(
            f"ABORTED: {report.aborted}. What the engine acknowledged is stored; "
            "run the same command again to finish.",
            err=True,
        )


class worker_errors:
    """Turn a dead NER worker into a one-line CLI error."""

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: object
    ) -> None:
        if isinstance(exc, WorkerError):
            raise click.ClickException(str(exc)) from None


class engine_errors:
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
