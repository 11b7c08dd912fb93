"""The search request: from validated parameters to an Elasticsearch request (pure, no I/O).

`build_search` is the whole request of a search, given the Lookup (search/lookup.py) asked just
before it; the words' ranking is search/ranking.py's. `text_query` is shared with the
facet-values request. Sending them is search/pages.py's job.
"""

from __future__ import annotations

from typing import Any, cast

from elasticsearch.dsl import FacetedSearch, Search, TermsFacet
from elasticsearch.dsl.faceted_search_base import Facet, FilterValueType
from elasticsearch.dsl.query import Bool, MatchAll, MatchPhrase, Query, Range, Term

from articles import FACETS
from search.limits import MAX_HIGHLIGHT_CHARS
from search.lookup import Lookup
from search.params import SearchParams, Sort
from search.ranking import SEARCH_FIELDS, Relevance, relevance
from search.syntax import FieldFilter
from search.timeline import base_interval

# Values shown per facet. The sidebar cannot usefully show more, and every extra bucket costs
# memory and time on each search (terms aggregations are computed for every request).
FACET_SIZE = 10
# Values shown once a visitor asks for more of one facet (`expand=<facet>`); longer lists are
# searched instead (/api/facets/<name>).
FACET_MORE_SIZE = 50

# Entity prefixes (`person:khamenei`) match the canonical value or any surface form written in
# the text (the `*_mentions` fields), so an alias finds the entity.
MENTION_FIELDS = {
    "person": "person_mentions",
    "organization": "organization_mentions",
    "location": "location_mentions",
}

# Excerpt length (characters) for the body and for titles with no match.
FRAGMENT_SIZE = 160
TITLE_NO_MATCH_SIZE = 512


def text_query(params: SearchParams, lookup: Lookup | None = None) -> Query:
    """The words, field prefixes and dates of `params` as one query (no facet selections).

    The words rank articles as search/ranking.py describes, with what `lookup` (asked just
    before) says the index knows of them; without one, as if it knew nothing.
    """
    found = _relevance(params, lookup)
    return _with_filters(params, None if found is None else found.query)


def _relevance(params: SearchParams, lookup: Lookup | None) -> Relevance | None:
    """The relevance query of the words of `params`, None when there are none."""
    if not params.parsed.has_text:
        return None
    return relevance(params.parsed, lookup or Lookup(), every_word=every_word_required(params))


def every_word_required(params: SearchParams) -> bool:
    """Whether an article must match every word of `params`: when the list is ordered by date,
    where articles matching only most words would be mixed in with the others."""
    return params.effective_sort != "relevance"


def _with_filters(params: SearchParams, words: Query | None) -> Query:
    """`words` (None: every article) within the field prefixes and dates of `params`."""
    parsed = params.parsed
    query: Query = MatchAll() if words is None else words
    filters = [_field_filter(f) for f in parsed.filters if not f.negated]
    excluded = [_field_filter(f) for f in parsed.filters if f.negated]
    # The date range belongs to the main query, not the post_filter: facet counts must
    # only count articles inside the chosen period.
    dates: dict[str, str] = {}
    if params.date_from:
        dates["gte"] = params.date_from.isoformat()
    if params.date_to:
        # `||/d` rounds up to the end of that day, so the `to` day is included.
        # https://www.elastic.co/docs/reference/query-languages/query-dsl/query-dsl-range-query#range-query-date-math-rounding
        dates["lte"] = f"{params.date_to.isoformat()}||/d"
    if dates:
        filters.append(Range(published=dates))
    if not filters and not excluded:
        return query
    if isinstance(query, MatchAll):
        return Bool(filter=filters, must_not=excluded)
    return Bool(must=[query], filter=filters, must_not=excluded)


def _field_filter(prefix: FieldFilter) -> Query:
    """`person:khamenei` as a filter: the exact value, any case, or a phrase in a mention."""
    exact = Term(**{FACETS[prefix.facet]: {"value": prefix.value, "case_insensitive": True}})
    mentions = MENTION_FIELDS.get(prefix.facet)
    if mentions is None:
        return exact
    return Bool(should=[exact, MatchPhrase(**{mentions: prefix.value})], minimum_should_match=1)


def sort_fields(sort: Sort) -> list[Any]:
    """The sort of a request, ending on the `id` so every hit has a unique place (for cursors)."""
    tiebreak = {"id": {"order": "asc"}}
    if sort == "relevance":
        return ["_score", tiebreak]
    order = "desc" if sort == "newest" else "asc"
    # Undated articles go last either way; ties are broken by relevance, then by id.
    return [{"published": {"order": order, "missing": "_last"}}, "_score", tiebreak]


class ArticleSearch(FacetedSearch[Any]):
    """Full-text search over articles with disjunctive entity and source facets.

    FacetedSearch applies the selected facet values as a `post_filter`, after the aggregations
    have run, and filters each facet's aggregation by the *other* facets only. So counts within
    a facet stay those of the search without that facet's own selection (OR within a facet,
    AND across facets), and the visitor can still see and add the other values.
    """

    fields = SEARCH_FIELDS
    # Declared on the class as FacetedSearch expects; shared by all instances, never mutated.
    facets: dict[str, Facet[Any]] = {  # noqa: RUF012
        name: TermsFacet(field=field, size=FACET_SIZE) for name, field in FACETS.items()
    }

    def __init__(self, params: SearchParams, *, index: str, lookup: Lookup | None = None) -> None:
        self.index = index
        self.search_params = params
        # Made before FacetedSearch builds the request: query() and highlight() both use it.
        self.relevance = _relevance(params, lookup)
        if params.expand:
            # A per-instance copy: only this request lists more values.
            self.facets = {
                name: TermsFacet(
                    field=field, size=FACET_MORE_SIZE if name in params.expand else FACET_SIZE
                )
                for name, field in FACETS.items()
            }
        # add_filter accepts a list of values per facet, though the signature names one value.
        filters = cast(
            "dict[str, FilterValueType]",
            {name: list(values) for name, values in params.filters.items()},
        )
        super().__init__(query=params.q, filters=filters)

    def search(self) -> Search[Any]:
        """The base request: this instance's alias, the requested page, no bodies, exact total."""
        params = self.search_params
        search = Search(index=self.index)
        if params.cursor is not None:
            search = search[: params.size].extra(search_after=list(params.cursor.after))
        else:
            search = search[params.offset : params.offset + params.size]
        return (
            # Lists never show the body; it is the bulk of every document.
            search.source(excludes=["body", "suggest", "*_mentions"])
            # Exact totals: the page count is shown and must be right above 10,000 hits too.
            .extra(track_total_hits=True)
        )

    def query(self, search: Search[Any], query: Any) -> Search[Any]:  # type: ignore[override]
        """Words (ranked, search/ranking.py), prefixes and dates."""
        found = self.relevance
        return search.query(_with_filters(self.search_params, found.query if found else None))

    def aggregate(self, search: Search[Any]) -> None:  # type: ignore[override]
        """Add the facet aggregations, exact counts for selected values, and the timeline.

        A selected value can fall outside the top FACET_SIZE buckets (or match nothing at all);
        the `selected` sub-aggregation counts exactly those values so the sidebar can keep
        listing them with a true count, 0 included.
        """
        super().aggregate(search)
        for name, values in self.search_params.filters.items():
            search.aggs[f"_filter_{name}"].bucket(
                "selected",
                "terms",
                field=FACETS[name],
                # An array `include` is an exact list of terms, never a regular expression.
                include=list(values),
                size=len(values),
                min_doc_count=0,
            )
        # The timeline counts the results shown, so it takes every facet selection, which
        # aggregations do not see through the post_filter.
        selections: Query = MatchAll()
        for selection in self._filters.values():
            selections &= selection
        params = self.search_params
        search.aggs.bucket("_timeline", "filter", filter=selections).bucket(
            "published",
            "date_histogram",
            field="published",
            calendar_interval=base_interval(params.date_from, params.date_to),
            # Empty periods are filled in by search.timeline, which knows the bars' width.
            min_doc_count=1,
        )

    def highlight(self, search: Search[Any]) -> Search[Any]:  # type: ignore[override]
        """Escaped excerpts with `<mark>` around matches, so templates can print them as is."""
        # `encoder="html"` escapes the stored text before tags are added: a title holding
        # `<script>` comes back as `&lt;script&gt;`, the only markup is our own `<mark>`.
        # https://www.elastic.co/docs/reference/elasticsearch/rest-apis/highlighting#highlighting-settings
        options: dict[str, Any] = {
            "encoder": "html",
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            # A huge stored field is analysed this far only, instead of failing the search
            # (the index refuses past 1,000,000) or costing seconds per hit.
            "max_analyzed_offset": MAX_HIGHLIGHT_CHARS,
        }
        if self.relevance is not None and self.relevance.highlight is not None:
            # The words matched through prefixes or other spellings: mark those words.
            options["highlight_query"] = self.relevance.highlight.to_dict()
        return (
            search.highlight_options(**options)
            # The whole title, escaped, whether or not it matched.
            .highlight("title", number_of_fragments=0, no_match_size=TITLE_NO_MATCH_SIZE)
            # A few short passages of the body; the opening lines when nothing in it matched.
            .highlight(
                "body",
                fragment_size=FRAGMENT_SIZE,
                number_of_fragments=3,
                no_match_size=FRAGMENT_SIZE,
            )
        )

    def sort(self, search: Search[Any]) -> Search[Any]:  # type: ignore[override]
        """The effective sort (see SearchParams.effective_sort), with a unique tiebreaker."""
        return search.sort(*sort_fields(self.search_params.effective_sort))


def build_search(params: SearchParams, index: str, lookup: Lookup | None = None) -> Search[Any]:
    """The complete search request for `params` on `index` (pure: nothing is sent).

    `lookup` is what the index knows of the words (search/lookup.py); without it the words are
    ranked as if it knew nothing of them. The params were validated when made (window, cursor
    order).
    """
    search = ArticleSearch(params, index=index, lookup=lookup)
    # FacetedSearch builds the request in its constructor (as `_s`, what its own `execute`
    # sends); building it again would double the cost.
    return search._s
