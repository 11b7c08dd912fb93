"""Query clauses as plain dicts, keys in the order elasticsearch.dsl writes them (pure).

search/ranking.py and search/query.py build every search's query from these. elasticsearch.dsl
made the same bodies from query objects at several times the cost; the key order is kept, so
the engine receives byte for byte the body it received before (its request cache keys on the
bytes), as tests/unit/search/test_search_bodies.py checks. An option left at None is not sent,
and neither is an empty list of clauses (as the DSL leaves out empty typed parameters).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# A query clause as the engine reads it: {"<type>": {...}}.
Clause = dict[str, Any]


def options(**given: Any) -> dict[str, Any]:
    """The options given, in the order given, those left at None dropped."""
    return {name: value for name, value in given.items() if value is not None}


def bool_query(
    *,
    filter: Sequence[Clause] = (),
    minimum_should_match: int | None = None,
    must: Sequence[Clause] = (),
    must_not: Sequence[Clause] = (),
    should: Sequence[Clause] = (),
    boost: float | None = None,
) -> Clause:
    """A `bool` query; empty lists of clauses are left out."""
    body: dict[str, Any] = {}
    if filter:
        body["filter"] = list(filter)
    if minimum_should_match is not None:
        body["minimum_should_match"] = minimum_should_match
    if must:
        body["must"] = list(must)
    if must_not:
        body["must_not"] = list(must_not)
    if should:
        body["should"] = list(should)
    if boost is not None:
        body["boost"] = boost
    return {"bool": body}


def multi_match(
    query: str,
    fields: Sequence[str],
    *,
    slop: int | None = None,
    type: str,
    tie_breaker: float | None = None,
    boost: float | None = None,
    name: str | None = None,
) -> Clause:
    """A `multi_match` query of `type` over `fields`."""
    return {
        "multi_match": {
            "query": query,
            "fields": list(fields),
            **options(slop=slop, tie_breaker=tie_breaker, type=type, boost=boost, _name=name),
        }
    }


def dis_max(queries: Sequence[Clause]) -> Clause:
    """The best scoring of `queries`."""
    return {"dis_max": {"queries": list(queries)}}


def constant_score(filter: Clause, boost: float) -> Clause:
    """`filter`'s matches, each scored `boost`."""
    return {"constant_score": {"filter": filter, "boost": boost}}


def field_query(kind: str, field: str, value: Any) -> Clause:
    """A query of `kind` on one field (`term`, `prefix`, `range`, `match_phrase`...)."""
    return {kind: {field: value}}


def match_all() -> Clause:
    """Every document."""
    return {"match_all": {}}
