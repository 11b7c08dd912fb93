"""Pool and judge the relevance gold set (tests/gold/relevance/GUIDELINES.md), blind.

    .venv/bin/python bench/relevance_pool.py pool [--rankings service,baseline,recall,manual]
        [--depth N] [--split test] [--query QUERY-ID]
    .venv/bin/python bench/relevance_pool.py show QUERY-ID [--terms WORD,...] [--chars N]
    .venv/bin/python bench/relevance_pool.py judge QUERY-ID GRADES

`pool` runs the rankings on the index (`--alias`, default `bench-articles`; `ES_URL`) and adds
their articles to pool.jsonl: the service, baseline and recall rankings to depth 10 (`--depth N`
for a deeper pool), the manual expansion to depth 20 (or N if deeper). Only ids are kept, sorted,
so nobody judging can tell which ranking found an article or where. `show` prints the query, its
need and every pooled article of it that is not judged yet, in id order, with the text from the
corpus files; `judge` records one grade (0, 1, 2) per article shown by `show`, in the same order
(e.g. `judge test-07 2100212`), and refuses to touch a judgment already made.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.relevance_gold import (  # noqa: E402
    GOLD,
    SPLITS,
    Query,
    append_judgments,
    read_judgments,
    read_pool,
    read_queries,
    write_pool,
)
from bench.relevance_runs import (  # noqa: E402
    baseline_query,
    connect,
    engine_ranking,
    manual_query,
    recall_query,
    service_ranking,
)

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch
    from flask.testing import FlaskClient

CORPORA = (REPO.parent / "shared" / "corpus", REPO.parent / "shared" / "corpus-tehrantimes")
RANKINGS = ("service", "baseline", "recall", "manual")
DEPTH = 10
MANUAL_DEPTH = 20


def manual_expansions(path: Path = GOLD / "manual-expansions.jsonl") -> dict[str, str]:
    """The hand-written expansion of each query, by query id."""
    with path.open(encoding="utf-8") as lines:
        return {r["id"]: r["expanded"] for r in map(json.loads, lines) if r}


def pooled(
    query: Query,
    rankings: list[str],
    es: Elasticsearch,
    app: FlaskClient,
    alias: str,
    depth: int = DEPTH,
) -> set[str]:
    """The articles the chosen rankings put in their first `depth` ranks for `query`."""
    docs: set[str] = set()
    if "service" in rankings:
        docs.update(service_ranking(app, query.q, depth))
    if "baseline" in rankings:
        docs.update(engine_ranking(es, alias, baseline_query(query.q), depth))
    if "recall" in rankings:
        recall = recall_query(query.q, half=query.kind == "half")
        docs.update(engine_ranking(es, alias, recall, depth))
    if "manual" in rankings:
        # The expansion is the pool's net for what the systems miss: never shallower than 20.
        expanded = manual_expansions()[query.id]
        size = max(depth, MANUAL_DEPTH)
        docs.update(engine_ranking(es, alias, manual_query(expanded), size))
    return docs


def corpus_records(ids: set[str]) -> dict[str, dict[str, Any]]:
    """The corpus records with these ids, read from the shared corpus files."""
    found: dict[str, dict[str, Any]] = {}
    for corpus in CORPORA:
        for path in sorted(corpus.glob("*.jsonl")):
            with path.open(encoding="utf-8") as lines:
                for line in lines:
                    # Cheap check first: only a few records of 44,000 are wanted.
                    head = line[:60]
                    if any(f'"{doc}"' in head for doc in ids):
                        record = json.loads(line)
                        if record["id"] in ids:
                            found[record["id"]] = record
    return found


def _snippets(body: str, terms: list[str], skip: int, limit: int = 2) -> Iterator[str]:
    """Short passages of `body` after the first `skip` characters around any of `terms`."""
    if not terms:
        return
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    end = skip
    for match in pattern.finditer(body, skip):
        if match.start() < end or limit == 0:
            continue
        start, end = max(0, match.start() - 120), match.end() + 120
        limit -= 1
        yield body[start:end].replace("\n", " ")


def show(query: Query, terms: list[str], chars: int, snippets: int = 2) -> list[str]:
    """Print the unjudged pooled articles of `query`, in id order; return their ids."""
    judged = read_judgments().get(query.id, {})
    todo = [doc for doc in read_pool().get(query.id, []) if doc not in judged]
    records = corpus_records(set(todo))
    print(f"{query.id} [{query.kind}] q={query.q!r}\nneed: {query.need}\n{len(todo)} to judge\n")
    for number, doc in enumerate(todo, start=1):
        record = records.get(doc)
        if record is None:
            print(f"#{number} {doc}: NOT IN THE CORPUS FILES\n")
            continue
        body = record["body"]
        counts = ", ".join(f"{t}:{len(re.findall(re.escape(t), body, re.I))}" for t in terms)
        print(f"#{number} {doc} | {record['title']} | {record.get('published')} | {counts}")
        print(textwrap.shorten(body, chars, placeholder=" …"))
        for snippet in _snippets(body, terms, chars, snippets):
            print(f"  … {snippet} …")
        print()
    return todo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--alias", default="bench-articles")
    commands = parser.add_subparsers(dest="command", required=True)
    pool = commands.add_parser("pool", help="add the rankings' articles to pool.jsonl")
    pool.add_argument("--rankings", default=",".join(RANKINGS))
    pool.add_argument("--query", action="append", help="only these query ids")
    pool.add_argument("--split", choices=SPLITS, help="only the queries of this split")
    pool.add_argument("--depth", type=int, default=DEPTH, help="ranks pooled per ranking")
    look = commands.add_parser("show", help="print a query's unjudged pooled articles")
    look.add_argument("query")
    look.add_argument("--terms", default="", help="comma-separated words to count and quote")
    look.add_argument("--chars", type=int, default=500, help="of the body's opening")
    look.add_argument("--snippets", type=int, default=2, help="passages quoted further on")
    judge = commands.add_parser("judge", help="grade the articles `show` printed, in order")
    judge.add_argument("query")
    judge.add_argument("grades", help="one digit 0-2 per article")
    args = parser.parse_args()

    queries = {q.id: q for q in read_queries(SPLITS)}
    if args.command == "pool":
        rankings = args.rankings.split(",")
        if unknown := set(rankings) - set(RANKINGS):
            parser.error(f"unknown rankings: {sorted(unknown)}")
        if args.depth < 1:
            parser.error(f"--depth must be at least 1, got {args.depth}")
        es, client = connect(args.alias)
        current = read_pool()
        for query in queries.values():
            if (args.query and query.id not in args.query) or args.split not in (None, query.split):
                continue
            before = set(current.get(query.id, []))
            found = pooled(query, rankings, es, client, args.alias, args.depth)
            current[query.id] = sorted(before | found)
            print(f"{query.id}: {len(current[query.id])} pooled (+{len(found - before)})")
        write_pool(current)
    elif args.command == "show":
        terms = [t for t in args.terms.split(",") if t]
        show(queries[args.query], terms, args.chars, args.snippets)
    else:
        judged = read_judgments().get(args.query, {})
        todo = [doc for doc in read_pool().get(args.query, []) if doc not in judged]
        grades = [int(g) for g in args.grades if not g.isspace()]
        if len(grades) != len(todo) or any(g not in (0, 1, 2) for g in grades):
            parser.error(f"{args.query}: expected {len(todo)} grades of 0-2, got {args.grades!r}")
        append_judgments((args.query, doc, g) for doc, g in zip(todo, grades, strict=True))
        print(f"{args.query}: {len(todo)} judged")


if __name__ == "__main__":
    main()
