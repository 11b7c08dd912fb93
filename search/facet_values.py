"""Searching within one facet's values (`/api/facets/<name>?q=`), under the current search (pure).

Counts are those of the sidebar: the current words, dates and the *other* facets' selections
apply, this facet's own selection does not (OR within a facet). The parameters are
`FacetQuery` (search/params.py); sending the request is search/pages.py's job.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field
from pydantic.json_schema import SkipJsonSchema

from articles import FACETS
from search.clauses import bool_query
from search.lookup import Lookup
from search.models import ApiModel
from search.params import FacetQuery
from search.query import FACET_MORE_SIZE, SearchRequest, facet_filter, text_query
from search.results import FacetValue, buckets, facet_values
from search.syntax import lucene_regex_escape


class FacetValues(ApiModel):
    """The answer of `/api/facets/<name>`: the matching values, most frequent first."""

    facet: str = Field(json_schema_extra={"enum": list(FACETS)})
    q: str
    values: tuple[FacetValue, ...]
    # The request, for the HTML page's links; not in the API.
    query: SkipJsonSchema[FacetQuery] = Field(exclude=True, repr=False)


def value_pattern(text: str) -> str:
    """A Lucene regular expression for values with a word starting with `text`, any case."""
    parts = []
    for char in text:
        if char.lower() != char.upper():
            parts.append(f"[{char.lower()}{char.upper()}]")
        elif char.isspace():
            parts.append("\\" + char)
        else:
            parts.append(lucene_regex_escape(char))
    return f"(.*[^A-Za-z0-9])?{''.join(parts)}.*"


def build_facet_search(
    query: FacetQuery, index: str, lookup: Lookup | None = None
) -> SearchRequest:
    """The request counting the matching values of one facet (pure), its words matched as the
    search matches them given the same `lookup`."""
    # The same filters the search puts in its post_filter.
    others = [
        facet_filter(name, values)
        for name, values in query.search.filters.items()
        if name != query.facet
    ]
    base = text_query(query.search, lookup)
    terms: dict[str, Any] = {"field": FACETS[query.facet]}
    if query.text:
        terms["include"] = value_pattern(query.text)
    terms["size"] = FACET_MORE_SIZE
    body = {
        "query": bool_query(must=[base], filter=others) if others else base,
        "aggs": {"values": {"terms": terms}},
        "size": 0,
        "track_total_hits": False,
    }
    return SearchRequest(index=index, body=body)


def values_from_response(response: Mapping[str, Any], query: FacetQuery) -> FacetValues:
    """The matching values with their counts, selection and toggle links (pure)."""
    found = buckets(response.get("aggregations") or {}, "values")
    counts = [(str(bucket["key"]), int(bucket["doc_count"])) for bucket in found]
    return FacetValues(
        facet=query.facet,
        q=query.text,
        values=facet_values(query.facet, counts, query.search),
        query=query,
    )
