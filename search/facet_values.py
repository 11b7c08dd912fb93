"""Searching within one facet's values (`/api/facets/<name>?q=`), under the current search (pure).

Counts are those of the sidebar: the current words, dates and the *other* facets' selections
apply, this facet's own selection does not (OR within a facet).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from elasticsearch.dsl import Search
from elasticsearch.dsl.query import Bool, Query

from articles import FACETS
from search.query import (
    FACET_MORE_SIZE,
    MAX_VALUE_LENGTH,
    ArticleSearch,
    InvalidParam,
    SearchParams,
    clean_text,
    text_query,
)
from search.results import Args, FacetValue

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch

# Characters with a meaning in Lucene's regular expressions; each is escaped when typed.
_REGEX_SPECIAL = frozenset('.?+*|{}[]()"\\#@&<>~')


class ArgsWithQuery:
    """The facet request's arguments seen as a search's: `query` is read as the search's `q`."""

    def __init__(self, args: Any) -> None:
        self._args = args

    def getlist(self, key: str) -> list[str]:
        """Every value for `key`, with `q` answered from `query`."""
        values: list[str] = self._args.getlist("query" if key == "q" else key)
        return values


@dataclass(frozen=True)
class FacetQuery:
    """Which facet, the text to find in its values, and the search whose counts apply."""

    facet: str
    text: str
    search: SearchParams
    size: int = FACET_MORE_SIZE

    @classmethod
    def from_args(cls, facet: str, args: Any, **limits: int) -> FacetQuery:
        """Parse `q` (text in values), `query` (the search's words) and the search's filters."""
        if facet not in FACETS:
            raise KeyError(facet)
        values = args.getlist("q")
        text = clean_text(values[0]) if values else ""
        if len(text) > MAX_VALUE_LENGTH:
            raise InvalidParam(f"q must be at most {MAX_VALUE_LENGTH} characters")
        search = SearchParams.from_args(ArgsWithQuery(args), **limits)
        return cls(facet, text, replace(search, page=1, cursor=None))

    def to_args(self) -> Args:
        """URL parameters that `from_args` reads back."""
        args = self.search.to_args()
        if "q" in args:
            args["query"] = args.pop("q")
        if self.text:
            args["q"] = [self.text]
        return args


def value_pattern(text: str) -> str:
    """A Lucene regular expression for values with a word starting with `text`, any case."""
    parts = []
    for char in text:
        if char.lower() != char.upper():
            parts.append(f"[{char.lower()}{char.upper()}]")
        elif char in _REGEX_SPECIAL or char.isspace():
            parts.append("\\" + char)
        else:
            parts.append(char)
    return f"(.*[^A-Za-z0-9])?{''.join(parts)}.*"


def build_facet_search(query: FacetQuery, index: str) -> Search[Any]:
    """The request counting the matching values of one facet (pure)."""
    # The same filters FacetedSearch puts in its post_filter.
    others: list[Query] = [
        selection
        for name, values in query.search.filters.items()
        if name != query.facet
        and (selection := ArticleSearch.facets[name].add_filter(list(values))) is not None
    ]
    base = text_query(query.search)
    scope = Bool(must=[base], filter=others) if others else base
    terms: dict[str, Any] = {"field": FACETS[query.facet], "size": query.size}
    if query.text:
        terms["include"] = value_pattern(query.text)
    search = Search(index=index).query(scope).extra(size=0, track_total_hits=False)
    search.aggs.bucket("values", "terms", **terms)
    return search


def values_from_response(response: Mapping[str, Any], query: FacetQuery) -> list[FacetValue]:
    """The matching values with their counts, selection and toggle links (pure)."""
    agg: Mapping[str, Any] = (response.get("aggregations") or {}).get("values") or {}
    buckets: Sequence[Mapping[str, Any]] = agg.get("buckets") or ()
    search = query.search
    return [
        FacetValue(
            value=str(bucket["key"]),
            count=int(bucket["doc_count"]),
            selected=search.selected(query.facet, str(bucket["key"])),
            toggle_args=search.toggled(query.facet, str(bucket["key"])).to_args(),
        )
        for bucket in buckets
    ]


def run_facet_values(client: Elasticsearch, query: FacetQuery, index: str) -> list[FacetValue]:
    """The values of `query.facet` matching `query.text`, counted under the current search."""
    response = client.search(index=index, body=build_facet_search(query, index).to_dict())
    return values_from_response(response.body, query)
