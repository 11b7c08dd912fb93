"""`python -m indexer entities PATH...`: the entity step alone, one JSON line per article."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from articles import Article
from indexer.actions import document_id
from indexer.alias_table import curated_table, learned_path
from indexer.cli_options import model_option
from indexer.entities import Entities, build_nlp, extract_entities
from indexer.learn import Evidence, article_evidence, update_learned
from indexer.parse import ParsedArticle, read_inputs


def entity_record(
    article: Article, entities: Entities, *, forms: bool = False
) -> dict[str, object]:
    """The JSON line printed for one article: its id and canonical names per type."""
    record: dict[str, object] = {"id": document_id(article), **entities.by_type()}
    if forms:
        record["forms"] = {kind: dict(names) for kind, names in entities.forms.items()}
    return record


@click.command("entities")
@click.argument("inputs", nargs=-1, required=True)
@model_option
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="NER processes (nlp.pipe n_process).",
)
@click.option(
    "--aliases",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Learned alias table [default: $ENTITY_ALIASES, else .cache/entities/learned.jsonl].",
)
@click.option("--no-curated", is_flag=True, help="Leave out the curated aliases in seeds/.")
@click.option("--forms", is_flag=True, help="Also print the surface forms of each entity.")
@click.option(
    "--learn",
    is_flag=True,
    help="Learn from these articles instead: add what they say about names to the learned "
    "alias table (read with the curated table only, so learning is repeatable); prints nothing.",
)
def entities_command(
    inputs: tuple[str, ...],
    model: str | None,
    workers: int,
    aliases: Path | None,
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
            model, aliases=Path(os.devnull) if learn else aliases, curated=not no_curated
        )
    except OSError as exc:
        raise click.ClickException(str(exc)) from None
    failures = 0

    def articles() -> Iterator[tuple[Article, None]]:
        nonlocal failures
        for item in read_inputs(inputs):
            if isinstance(item, ParsedArticle):
                yield item.article, None
            else:
                failures += 1
                click.echo(f"FAILED {item.origin}: {item.reason}", err=True)

    evidence: dict[str, Evidence] = {}
    for article, entities, _ in extract_entities(nlp, articles(), n_process=workers):
        if learn:
            evidence[document_id(article)] = article_evidence(entities)
        else:
            record = entity_record(article, entities, forms=forms)
            click.echo(json.dumps(record, ensure_ascii=False))
    if learn:
        report = update_learned(learned_path(aliases), evidence, curated_table())
        click.echo(
            f"learned aliases: {report.entries} entries from {report.articles} articles "
            f"({report.new_articles} new) -> {learned_path(aliases)}",
            err=True,
        )
    if failures:
        sys.exit(1)
