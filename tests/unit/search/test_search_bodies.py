"""Search and facet-values bodies, byte for byte as elasticsearch.dsl wrote them.

tests/data/search_bodies.jsonl holds, for the 32 searches of bench/search_latency.py and 18
more (misspellings, prefixes, hyphenated names, operators, phrases, exclusions, field prefixes,
dates, facet selections), each ranked and sorted by date, the lookup the bench index answered
and the exact JSON of the body (its aggregations aside, asserted whole in
test_build_search.py) that the query objects of elasticsearch.dsl made (commit fb17463; the two
four-word topic cases as 79033f1's DSL code wrote them, with their best-field scoring), and,
for the ranked ones, of the person facet's values request. The bodies are now written as plain
dicts (search/clauses.py): the engine must receive the same bytes, key order included (its
request cache keys on them).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from werkzeug.datastructures import MultiDict

from search.facet_values import build_facet_search
from search.lookup import Entity, Lookup, Spelling, WordStats
from search.params import FacetQuery, SearchParams
from search.query import build_search

CASES = [
    json.loads(line)
    for line in (Path(__file__).parents[2] / "data" / "search_bodies.jsonl")
    .read_text()
    .splitlines()
]


def lookup_of(stored: dict[str, Any]) -> Lookup:
    return Lookup(
        articles=stored["articles"],
        words={
            word: WordStats(
                docs=stats["docs"],
                variants=tuple(Spelling(**variant) for variant in stats["variants"]),
            )
            for word, stats in stored["words"].items()
        },
        prefix_docs=stored["prefix_docs"],
        entities=tuple(Entity(**entity) for entity in stored["entities"]),
        correction=stored["correction"],
        completions=tuple(stored["completions"]),
    )


def args_of(query_string: str) -> MultiDict[str, str]:
    return MultiDict(parse_qsl(query_string, keep_blank_values=True))


def test_the_cases_cover_what_the_ranking_writes() -> None:
    bodies = "".join(case["search"] for case in CASES)
    for clause in (
        "dis_max",
        "prefix",
        "constant_score",
        "simple_query_string",
        "phrase_prefix",
        "close-0",
        ".phonetic",
        "highlight_query",
        "must_not",
        "case_insensitive",
        "range",
    ):
        assert clause in bodies, clause
    assert len(CASES) == 97


@pytest.mark.parametrize("case", CASES, ids=[case["args"] for case in CASES])
def test_the_search_body_is_the_same_bytes(case: dict[str, Any]) -> None:
    params = SearchParams.from_args(args_of(case["args"]))
    body = build_search(params, "a", lookup_of(case["lookup"])).to_dict()
    body.pop("aggs")
    assert json.dumps(body) == case["search"]


@pytest.mark.parametrize(
    "case",
    [case for case in CASES if "facet_search" in case],
    ids=[case["facet_args"] for case in CASES if "facet_search" in case],
)
def test_the_facet_values_body_is_the_same_bytes(case: dict[str, Any]) -> None:
    query = FacetQuery.from_args("person", args_of(case["facet_args"]))
    body = build_facet_search(query, "a", lookup_of(case["lookup"])).to_dict()
    assert json.dumps(body) == case["facet_search"]
