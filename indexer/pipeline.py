"""The load pipeline wired together: inputs -> entities -> bulk actions."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from spacy.language import Language

from indexer.actions import to_action
from indexer.entities import extract_entities
from indexer.load import Failure, Labelled, LoadReport
from indexer.parse import JSONL_SUFFIXES, ParsedArticle, ParseFailure, discover, read_inputs


def count_records(paths: Iterable[Path]) -> int:
    """A quick estimate of the records in the inputs (non-blank JSON lines, text files)."""
    total = 0
    for item in discover(paths):
        if isinstance(item, ParseFailure):
            continue
        if item.suffix.lower() in JSONL_SUFFIXES:
            with item.open("rb") as handle:
                total += sum(1 for line in handle if line.strip())
        else:
            total += 1
    return total


def build_actions(
    nlp: Language,
    paths: Iterable[Path],
    *,
    index: str,
    report: LoadReport,
    batch_size: int = 64,
    n_process: int = 1,
) -> Iterator[Labelled]:
    """Bulk actions for every readable article; unreadable records go to `report.failures`."""

    def parsed() -> Iterator[tuple[Any, str]]:
        for item in read_inputs(paths):
            if isinstance(item, ParsedArticle):
                yield item.article, str(item.origin)
            else:
                report.failures.append(Failure(str(item.origin), item.reason))

    for article, entities, where in extract_entities(
        nlp, parsed(), batch_size=batch_size, n_process=n_process
    ):
        yield to_action(article, entities, index=index), where
