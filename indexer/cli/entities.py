"""`python -m indexer entities PATH...`: the entity step alone, one JSON line per article."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from indexer.cli.options import model_option, workers_option
from indexer.entities.extract import build_nlp
from indexer.entities.forms_table import learned_path
from indexer.entities.found import entity_record
from indexer.entities.learn import known_hashes, learn_forms
from indexer.formats.records import ParsedArticle, ParseFailure
from indexer.load.fingerprint import content_hash, document_id
from indexer.pipeline import entity_step


@click.command("entities")
@click.argument("inputs", nargs=-1, required=True)
@model_option
@workers_option("NER processes (nlp.pipe n_process).", default=1)
@click.option(
    "--forms-table",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="The learned layer of the forms table "
    "[default: $ENTITY_FORMS_TABLE, else .cache/entities/learned.jsonl].",
)
@click.option("--no-curated", is_flag=True, help="Leave out the curated layer (seeds/entities/).")
@click.option("--forms", is_flag=True, help="Also print the surface forms of each entity.")
@click.option(
    "--learn",
    is_flag=True,
    help="Learn from these articles instead: add what they say about names to the learned "
    "layer of the forms table (read with the curated layer only, so learning is repeatable); "
    "articles already learned from, unchanged, are skipped before NER; prints nothing.",
)
def entities_command(
    inputs: tuple[str, ...],
    model: str | None,
    workers: int,
    forms_table: Path | None,
    no_curated: bool,
    forms: bool,
    learn: bool,
) -> None:
    """Run only the entity step on the inputs (any format `load` reads); no engine needed.

    Prints `{"id", "person", "organization", "location"}` per article, with canonical names.
    Unreadable records are reported on stderr; the exit status is then 1.
    """
    try:
        # Learning reads the articles through curated data only: what is learned must not
        # depend on what was learned before, or re-running it would drift.
        nlp = build_nlp(
            model, forms_table=Path(os.devnull) if learn else forms_table, curated=not no_curated
        )
    except OSError as exc:
        raise click.ClickException(str(exc)) from None
    failures = 0

    def failed(record: ParseFailure) -> None:
        nonlocal failures
        failures += 1
        click.echo(f"FAILED {record.origin}: {record.reason}", err=True)

    if learn:
        learned = learned_path(forms_table)
        seen = known_hashes(learned)
        hashes: dict[str, str] = {}

        def unseen(parsed: ParsedArticle) -> bool:
            doc_id, digest = document_id(parsed.article), content_hash(parsed.article)
            hashes[doc_id] = digest
            return seen.get(doc_id) != digest

        found = entity_step(inputs, nlp, n_process=workers, on_failure=failed, keep=unseen)
        report = learn_forms(found, learned, hashes)
        click.echo(
            f"learned forms: {report.entries} entries from {report.articles} articles "
            f"({report.new_articles} new) -> {learned}",
            err=True,
        )
    else:
        for doc_id, entities in entity_step(inputs, nlp, n_process=workers, on_failure=failed):
            click.echo(json.dumps(entity_record(doc_id, entities, forms=forms), ensure_ascii=False))
    if failures:
        sys.exit(1)
