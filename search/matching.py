"""Which articles a search matches, as one engine query: for alerts, feeds and exports (pure).

`/api/search` sends `build_search(params)`: a query (words, prefixes, dates) and a post_filter
(the facet selections), plus what only a results page needs (aggregations, highlights, the
"did you mean" suggester). `match_query` keeps exactly the two parts that decide membership,
taken from that same request, so a saved search, a feed and an export match what the search
page lists, by construction. The typo-tolerant second try is left out: it depends on how few
articles the words find at the time, which would make an alert's meaning drift.

`COMPILER_VERSION` fingerprints the query builder: the match queries of a fixed set of searches
that exercise every part of it. Any change in how searches are built changes it, so an alert
compiled (and stored) by older code is known to be stale.
"""

from __future__ import annotations

import functools
import hashlib
import json
from typing import Any

from search.params import QueryArgs, SearchParams
from search.query import build_search

# Query-string keys that say *which* articles a search matches (the rest say how to list them).
MATCH_KEYS = ("q", "person", "organization", "location", "source", "from", "to")
# Only the index name appears in a compiled query through the alias; a fixed one keeps the
# fingerprint independent of where it runs.
_PROBE_INDEX = "articles"


def match_query(params: SearchParams, index: str) -> dict[str, Any]:
    """The engine query matching exactly the articles `/api/search` lists for `params`."""
    body = build_search(params.with_page(1), index).to_dict()
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


@functools.cache
def compiler_version() -> str:
    """A fingerprint of the query builder: the match queries of the probe searches, hashed."""
    queries = [match_query(SearchParams.parse(probe), _PROBE_INDEX) for probe in _PROBES]
    digest = hashlib.sha256(json.dumps(queries, sort_keys=True).encode())
    return digest.hexdigest()[:16]
