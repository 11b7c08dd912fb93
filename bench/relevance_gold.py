"""The relevance gold set on disk: queries per split, graded judgments and the judging pool."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "tests" / "gold" / "relevance"
JUDGMENTS = GOLD / "judgments.jsonl"
POOL = GOLD / "pool.jsonl"

Split = Literal["dev", "test"]
SPLITS: tuple[Split, ...] = get_args(Split)
KINDS = ("entity", "variant", "topical", "phrase", "misspelled", "older", "half")
GRADES = (0, 1, 2)

# Judgments per query: article id -> grade.
Judgments = dict[str, dict[str, int]]


@dataclass(frozen=True)
class Query:
    """A gold query: what is typed, its kind, and what a relevant article must be about."""

    id: str
    q: str
    kind: str
    need: str
    split: Split


def _records(path: Path) -> Iterator[dict[str, Any]]:
    """The JSON objects of a JSON Lines file, blank lines skipped; none when it is absent."""
    if not path.exists():
        return
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                record = json.loads(line)
                if not isinstance(record, dict):
                    raise ValueError(f"{path}:{number}: not a JSON object")
                yield record


def read_queries(splits: Iterable[Split], gold: Path = GOLD) -> list[Query]:
    """The queries of the given splits, in file order."""
    queries = []
    for split in splits:
        for r in _records(gold / f"queries-{split}.jsonl"):
            if r["kind"] not in KINDS:
                raise ValueError(f"query {r['id']}: unknown kind {r['kind']!r}")
            queries.append(Query(r["id"], r["q"], r["kind"], r["need"], split))
    return queries


def read_judgments(path: Path = JUDGMENTS) -> Judgments:
    """Every judgment, by query id then article id; a repeated (query, article) is an error."""
    judgments: Judgments = {}
    for r in _records(path):
        query, doc, grade = r["query"], r["doc"], r["rel"]
        if grade not in GRADES:
            raise ValueError(f"{query} {doc}: grade {grade!r} is not one of {GRADES}")
        per_query = judgments.setdefault(query, {})
        if doc in per_query:
            raise ValueError(f"{query} {doc}: judged twice (judgments are never revised)")
        per_query[doc] = grade
    return judgments


def read_pool(path: Path = POOL) -> dict[str, list[str]]:
    """The pooled article ids per query id, sorted (no ranking or rank is recorded)."""
    return {r["query"]: sorted(r["docs"]) for r in _records(path)}


def write_pool(pool: dict[str, list[str]], path: Path = POOL) -> None:
    """Write the pool, one line per query, ids sorted so no ranking can be read from it."""
    with path.open("w", encoding="utf-8") as out:
        for query, docs in pool.items():
            out.write(json.dumps({"query": query, "docs": sorted(set(docs))}) + "\n")


def append_judgments(rows: Iterable[tuple[str, str, int]], path: Path = JUDGMENTS) -> None:
    """Append (query, article, grade) rows; existing judgments are never rewritten."""
    with path.open("a", encoding="utf-8") as out:
        for query, doc, grade in rows:
            out.write(json.dumps({"query": query, "doc": doc, "rel": grade}) + "\n")
