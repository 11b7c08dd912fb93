"""The search request: from validated parameters to an Elasticsearch request (pure, no I/O).

`build_search` is the whole request of a search, given the Lookup (search/lookup.py) asked just
before it; the words' ranking is search/ranking.py's. `text_query` is shared with the
facet-values request. Sending them is search/pages.py's job.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from articles import FACETS
from search.clauses import Clause, bool_query, field_query, match_all
from search.limits import MAX_HIGHLIGHT_CHARS
from search.lookup import Lookup
from search.params import SearchParams, Sort
from search.ranking import Relevance, relevance
from search.sampling import sampled
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


def text_query(params: SearchParams, lookup: Lookup | None = None) -> Clause:
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


def _with_filters(params: SearchParams, words: Clause | None) -> Clause:
    """`words` (None: every article) within the field prefixes and dates of `params`."""
    parsed = params.parsed
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
        filters.append(field_query("range", "published", dates))
    if not filters and not excluded:
        return match_all() if words is None else words
    if words is None:
        return bool_query(filter=filters, must_not=excluded)
    return bool_query(must=[words], filter=filters, must_not=excluded)


def _field_filter(prefix: FieldFilter) -> Clause:
    """`person:khamenei` as a filter: the exact value, any case, or a phrase in a mention."""
    exact = field_query(
        "term", FACETS[prefix.facet], {"value": prefix.value, "case_insensitive": True}
    )
    mentions = MENTION_FIELDS.get(prefix.facet)
    if mentions is None:
        return exact
    return bool_query(
        should=[exact, field_query("match_phrase", mentions, prefix.value)],
        minimum_should_match=1,
    )


def sort_fields(sort: Sort) -> list[Any]:
    """The sort of a request, ending on the `id` so every hit has a unique place (for cursors)."""
    tiebreak = {"id": {"order": "asc"}}
    if sort == "relevance":
        return ["_score", tiebreak]
    order = "desc" if sort == "newest" else "asc"
    # Undated articles go last either way; ties are broken by relevance, then by id.
    return [{"published": {"order": order, "missing": "_last"}}, "_score", tiebreak]


def facet_filter(name: str, values: Sequence[str]) -> dict[str, Any]:
    """The filter of the values selected in facet `name` (any of them)."""
    return {"terms": {FACETS[name]: list(values)}}


def all_of(filters: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A filter matching what every one of `filters` matches (every article when none)."""
    if not filters:
        return {"match_all": {}}
    if len(filters) == 1:
        return dict(filters[0])
    return {"bool": {"must": list(filters)}}


@dataclass(frozen=True)
class SearchRequest:
    """A search request as `build_search` makes it: the index it goes to and its body."""

    index: str
    body: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The body, exactly as the engine receives it."""
        return self.body


def build_search(
    params: SearchParams,
    index: str,
    lookup: Lookup | None = None,
    *,
    facet_chance: float | None = None,
) -> SearchRequest:
    """The complete search request for `params` on `index` (pure: nothing is sent).

    `lookup` is what the index knows of the words (search/lookup.py); without it the words are
    ranked as if it knew nothing of them. The params were validated when made (window, cursor
    order).

    Facets are disjunctive: the selected values apply as a `post_filter`, after the
    aggregations have run, and each facet's aggregation is filtered by the *other* facets'
    selections only. So counts within a facet stay those of the search without that facet's
    own selection (OR within a facet, AND across facets), and the visitor can still see and add
    the other values. The body is written as plain dicts (search/clauses.py):
    elasticsearch.dsl's FacetedSearch made the same body at about three times the cost, the
    largest share of the app's own time per search (bench/profile_app.py).

    With `facet_chance` the facets and the timeline are counted in a random sample of the hits
    read with that probability (search/sampling.py); None counts them exactly.
    """
    found = _relevance(params, lookup)
    selections = {name: facet_filter(name, values) for name, values in params.filters.items()}
    body: dict[str, Any] = {"query": _with_filters(params, found.query if found else None)}
    if selections:
        body["post_filter"] = all_of(list(selections.values()))
    body["aggs"] = sampled(_aggregations(params, selections), facet_chance)
    body["sort"] = sort_fields(params.effective_sort)
    if params.cursor is not None:
        body |= {"size": params.size, "search_after": list(params.cursor.after)}
    else:
        body |= {"from": params.offset, "size": params.size}
    # Exact totals: the page count is shown and must be right above 10,000 hits too.
    body["track_total_hits"] = True
    # Lists never show the body; it is the bulk of every document.
    body["_source"] = {"excludes": ["body", "suggest", "*_mentions"]}
    body["highlight"] = _highlight(found)
    return SearchRequest(index=index, body=body)


def build_recount(
    params: SearchParams, index: str, query: Mapping[str, Any], facet_chance: float
) -> SearchRequest:
    """The facets and timeline of a search of `params` whose query was `query` (as
    `build_search` wrote it), counted again with probability `facet_chance` (1: exactly),
    without hits (search/sampling.py)."""
    selections = {name: facet_filter(name, values) for name, values in params.filters.items()}
    body: dict[str, Any] = {
        "query": query,
        "aggs": sampled(_aggregations(params, selections), facet_chance),
        "size": 0,
        # The first request counted the hits.
        "track_total_hits": False,
    }
    return SearchRequest(index=index, body=body)


def _aggregations(
    params: SearchParams, selections: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """The facet aggregations, exact counts for selected values, and the timeline.

    A selected value can fall outside the top FACET_SIZE buckets (or match nothing at all);
    the `selected` sub-aggregation counts exactly those values so the sidebar can keep listing
    them with a true count, 0 included.
    """
    aggs: dict[str, Any] = {}
    for name, field in FACETS.items():
        size = FACET_MORE_SIZE if name in params.expand else FACET_SIZE
        sub: dict[str, Any] = {name: {"terms": {"field": field, "size": size}}}
        if values := params.filters.get(name):
            sub["selected"] = {
                "terms": {
                    "field": field,
                    # An array `include` is an exact list of terms, never a regular expression.
                    "include": list(values),
                    "size": len(values),
                    "min_doc_count": 0,
                }
            }
        others = [selection for other, selection in selections.items() if other != name]
        aggs[f"_filter_{name}"] = {"filter": all_of(others), "aggs": sub}
    # The timeline counts the results shown, so it takes every facet selection, which
    # aggregations do not see through the post_filter.
    aggs["_timeline"] = {
        "filter": all_of(list(selections.values())),
        "aggs": {
            "published": {
                "date_histogram": {
                    "field": "published",
                    "calendar_interval": base_interval(params.date_from, params.date_to),
                    # Empty periods are filled in by search.timeline, which knows the bars' width.
                    "min_doc_count": 1,
                }
            }
        },
    }
    return aggs


def _highlight(found: Relevance | None) -> dict[str, Any]:
    """Escaped excerpts with `<mark>` around matches, so templates can print them as is."""
    # `encoder="html"` escapes the stored text before tags are added: a title holding
    # `<script>` comes back as `&lt;script&gt;`, the only markup is our own `<mark>`.
    # https://www.elastic.co/docs/reference/elasticsearch/rest-apis/highlighting#highlighting-settings
    highlight: dict[str, Any] = {
        "encoder": "html",
        "pre_tags": ["<mark>"],
        "post_tags": ["</mark>"],
        # A huge stored field is analysed this far only, instead of failing the search
        # (the index refuses past 1,000,000) or costing seconds per hit.
        "max_analyzed_offset": MAX_HIGHLIGHT_CHARS,
    }
    if found is not None and found.highlight is not None:
        # The words matched through prefixes or other spellings: mark those words.
        highlight["highlight_query"] = found.highlight
    highlight["fields"] = {
        # The whole title, escaped, whether or not it matched.
        "title": {"number_of_fragments": 0, "no_match_size": TITLE_NO_MATCH_SIZE},
        # A few short passages of the body; the opening lines when nothing in it matched.
        "body": {
            "fragment_size": FRAGMENT_SIZE,
            "number_of_fragments": 3,
            "no_match_size": FRAGMENT_SIZE,
        },
    }
    return highlight
