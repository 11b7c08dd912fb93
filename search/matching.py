"""Which articles a search matches, as one engine query: for alerts, feeds and exports (pure).

`/api/search` sends `build_search(params, index, lookup)`: a query (words, prefixes, dates) and a
post_filter (the facet selections), plus what only a results page needs (aggregations,
highlights). `match_query` keeps exactly the two parts that decide membership, taken from that
same request in date order, so a saved search, a feed and an export match what the search page
lists sorted by date, by construction: every word group required, each with the alternatives
the lookup (search/lookup.py) gave it. Ranked by relevance, the page also lists articles with
most of the words, below; in a list by date they would be noise, and an alert would fire on
them.

`COMPILER_VERSION` fingerprints the query builder: the match queries of a fixed set of searches
that exercise every part of it, with and without a fixed lookup. Any change in how searches are
built, or in how a lookup's statistics become alternatives, changes it, so an alert compiled
(and stored) by older code is known to be stale.
"""

from __future__ import annotations

import functools
import hashlib
import json
from typing import Any

from search.lookup import Entity, Lookup, Spelling, WordStats
from search.params import QueryArgs, SearchParams
from search.query import build_search

# Query-string keys that say *which* articles a search matches (the rest say how to list them).
MATCH_KEYS = ("q", "person", "organization", "location", "source", "from", "to")
# Only the index name appears in a compiled query through the alias; a fixed one keeps the
# fingerprint independent of where it runs.
_PROBE_INDEX = "articles"


def match_query(params: SearchParams, index: str, lookup: Lookup | None = None) -> dict[str, Any]:
    """The engine query matching exactly the articles `/api/search` lists for `params` sorted by
    date, given the same `lookup` (without one, the words as typed)."""
    body = build_search(params.with_sort("newest"), index, lookup).to_dict()
    must = [body["query"]] if "query" in body else []
    filters = [body["post_filter"]] if "post_filter" in body else []
    if not filters and len(must) == 1:
        return dict(must[0])
    return {"bool": {"must": must, "filter": filters}}


class Only:
    """A query string seen through a filter: only `keys` are read (others count as absent)."""

    def __init__(self, args: QueryArgs, keys: tuple[str, ...]) -> None:
        self.args = args
        self.keys = keys

    def getlist(self, key: str) -> list[str]:
        """The values of `key` when it is one of `keys`."""
        return self.args.getlist(key) if key in self.keys else []


# What a feed reads of a search's parameters (the newest first, one page), and an export's.
FEED_KEYS = (*MATCH_KEYS, "size")
EXPORT_KEYS = (*MATCH_KEYS, "sort")


def match_args(params: SearchParams) -> dict[str, list[str]]:
    """The URL parameters of `params` that decide what matches (no order, page or size)."""
    return {key: values for key, values in params.to_args().items() if key in MATCH_KEYS}


def export_args(params: SearchParams) -> dict[str, list[str]]:
    """The URL parameters of an export of `params`: what matches, and in which order."""
    args = match_args(params)
    if params.sort != "relevance":
        args["sort"] = [params.sort]
    return args


_PROBES: tuple[dict[str, Any], ...] = (
    {},
    {"q": "ceasefire talks"},
    {"q": '"peace talks" -Moscow Iran OR Iraq'},
    {"q": 'person:"Ali Khamenei" org:OSCE -loc:Baku source:wikinews karabakh'},
    {"filters": {"person": ("A", "B"), "location": ("Iran",), "source": ("Wire",)}},
    {"q": "oil", "from": "2020-01-01", "to": "2020-12-31"},
)


# What the index might know of the probes' words: a misspelled name, a rare one, a word being
# typed, common words, and an entity the typed words name.
_PROBE_LOOKUP = Lookup(
    articles=40_000,
    words={
        "rohani": WordStats(docs=4, variants=(Spelling("rouhani", 2_800, 0.83),)),
        "hizballah": WordStats(docs=2),
        "ceasefire": WordStats(docs=900),
        "talks": WordStats(docs=5_000),
        "khamen": WordStats(),
        "oil": WordStats(docs=6_000),
    },
    prefix_docs=1_800,
    completions=("khamenei",),
    entities=(Entity("person", "Ali Khamenei", 120, sample=200),),
)
_LOOKUP_PROBES: tuple[dict[str, Any], ...] = (
    {"q": "Rohani ceasefire talks"},
    {"q": "Hizballah"},
    {"q": "oil Khamen"},
    {"q": "ceasefire talks Kh"},
)


@functools.cache
def compiler_version() -> str:
    """A fingerprint of the query builder: the match queries of the probe searches, hashed."""
    queries = [match_query(SearchParams.parse(probe), _PROBE_INDEX) for probe in _PROBES]
    queries += [
        match_query(SearchParams.parse(probe), _PROBE_INDEX, _PROBE_LOOKUP)
        for probe in _LOOKUP_PROBES
    ]
    digest = hashlib.sha256(json.dumps(queries, sort_keys=True).encode())
    return digest.hexdigest()[:16]
