"""`python -m indexer entities PATH...`: the entity step alone, one JSON line per article."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import click
from rich.console import Console
from spacy.language import Language

from indexer.cli.options import model_option, workers_option
from indexer.entities.extract import build_nlp, extract_entities
from indexer.entities.forms_table import learned_path
from indexer.entities.found import Entities, entity_record
from indexer.entities.learn import known_hashes, learn_forms
from indexer.formats.inputs import read_inputs
from indexer.formats.records import ParsedArticle, ParseFailure
from indexer.load.fingerprint import content_hash, document_id
from indexer.load.progress import LoadProgress
from indexer.pipeline import entity_step

# Learning from this many articles or more is worth a second NER process.
_PARALLEL = 200


@click.command("entities")
@click.argument("inputs", nargs=-1, required=True)
@model_option
@workers_option("NER processes (nlp.pipe n_process) [default: 1; learning from many articles: 2].")
@click.option(
    "--forms-table",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="The learned layer of the forms table "
    "[default: $ENTITY_FORMS_TABLE, else .cache/entities/learned.jsonl in a checkout, "
    "$XDG_CACHE_HOME/news-search/entities/learned.jsonl (~/.cache) when installed].",
)
@click.option("--no-curated", is_flag=True, help="Leave out the curated layer (seeds/entities/).")
@click.option("--forms", is_flag=True, help="Also print the surface forms of each entity.")
@click.option(
    "--learn",
    is_flag=True,
    help="Learn from these articles instead: add what they say about names to the learned "
    "layer of the forms table (read with the curated layer only, so learning is repeatable); "
    "articles already learned from, unchanged, are skipped before NER. Shows progress and a "
    "summary on stderr.",
)
def entities_command(
    inputs: tuple[str, ...],
    model: str | None,
    workers: int | None,
    forms_table: Path | None,
    no_curated: bool,
    forms: bool,
    learn: bool,
) -> None:
    """Run only the entity step on the inputs (any format `load` reads); no engine needed.

    Prints `{"id", "person", "organization", "location"}` per article, with canonical names.
    Unreadable records are reported on stderr; the exit status is then 1.
    """
    failures = 0

    def failed(record: ParseFailure) -> None:
        nonlocal failures
        failures += 1
        click.echo(f"FAILED {record.origin}: {record.reason}", err=True)

    if learn:
        _learn(inputs, model, workers, learned_path(forms_table), not no_curated, failed)
    else:
        nlp = _pipeline(model, forms_table=forms_table, curated=not no_curated)
        found = entity_step(inputs, nlp, n_process=workers or 1, on_failure=failed)
        for doc_id, entities in found:
            click.echo(json.dumps(entity_record(doc_id, entities, forms=forms), ensure_ascii=False))
    if failures:
        sys.exit(1)


def _pipeline(model: str | None, *, forms_table: Path | None, curated: bool) -> Language:
    try:
        return build_nlp(model, forms_table=forms_table, curated=curated)
    except OSError as exc:
        raise click.ClickException(str(exc)) from None


def _learn(
    inputs: tuple[str, ...],
    model: str | None,
    workers: int | None,
    learned: Path,
    curated: bool,
    failed: Callable[[ParseFailure], None],
) -> None:
    """Learn from the articles of `inputs` that the learned layer has not seen as they are.

    The articles are read through curated data only: what is learned must not depend on what
    was learned before, or re-running it would drift. Seen, unchanged articles cost no NER, so
    `make index` can refresh the layer on every run.
    """
    started = time.perf_counter()
    console = Console(stderr=True)
    seen = known_hashes(learned)
    hashes: dict[str, str] = {}
    pending: list[ParsedArticle] = []
    with console.status("reading articles...", spinner="dots"):
        for record in read_inputs(inputs):
            if isinstance(record, ParseFailure):
                failed(record)
                continue
            doc_id, digest = document_id(record.article), content_hash(record.article)
            hashes[doc_id] = digest
            if seen.get(doc_id) != digest:
                pending.append(record)
    console.print(
        f"learning from {len(hashes)} articles: {len(pending)} to read with NER, "
        f"{len(hashes) - len(pending)} unchanged since the last run",
        highlight=False,
    )
    found: list[tuple[str, Entities]] = []
    if pending:
        nlp = _pipeline(model, forms_table=Path(os.devnull), curated=curated)
        processes = workers or (min(2, os.cpu_count() or 1) if len(pending) >= _PARALLEL else 1)
        with LoadProgress(console, len(pending), description="NER") as progress:
            for parsed, entities in extract_entities(nlp, pending, n_process=processes):
                found.append((document_id(parsed.article), entities))
                progress.advance()
    report = learn_forms(found, learned, hashes)
    elapsed = time.perf_counter() - started
    console.print(
        f"learned forms: {report.entries} entries from {report.articles} articles "
        f"({report.new_articles} new) -> {learned}; {len(found)} read with NER, "
        f"{elapsed:.0f}s",
        highlight=False,
        soft_wrap=True,
    )
