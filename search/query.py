"""The search request: from validated parameters to an Elasticsearch request (pure, no I/O).

`build_search` is the whole request of a search, `build_typo_retry` its typo-tolerant second
try; `text_query` and `simple_query` are shared with the facet-values request. Sending them is
search/pages.py's job.
"""

from __future__ import annotations

from typing import Any, Literal, cast

from elasticsearch.dsl import FacetedSearch, Search, TermsFacet
from elasticsearch.dsl.faceted_search_base import Facet, FilterValueType
from elasticsearch.dsl.query import (
    Bool,
    MatchAll,
    MatchPhrase,
    Query,
    Range,
    SimpleQueryString,
    Term,
)

from articles import FACETS
from search.limits import MAX_HIGHLIGHT_CHARS
from search.params import SearchParams, Sort
from search.syntax import FieldFilter, parse_query
from search.timeline import base_interval

# Values shown per facet. The sidebar cannot usefully show more, and every extra bucket costs
# memory and time on each search (terms aggregations are computed for every request).
FACET_SIZE = 10
# Values shown once a visitor asks for more of one facet (`expand=<facet>`); longer lists are
# searched instead (/api/facets/<name>).
FACET_MORE_SIZE = 50

# The fields searched, with the title weighted above the body; the entity mentions (surface forms
# and canonical names) let "Ali Khamenei" find an article that only says "Ayatollah Khamenei".
SEARCH_FIELDS = ("title^2", "body", "person_mentions", "organization_mentions", "location_mentions")

# Operators a visitor may use: + | - "..." ( ) and backslash escapes. PREFIX (`foo*`) and
# FUZZY/NEAR/SLOP (`~`) are left out: one short prefix or fuzzy term expands to thousands of
# terms, which makes a single query from the public box expensive for the whole cluster.
QUERY_FLAGS = "AND|OR|NOT|PHRASE|PRECEDENCE|WHITESPACE|ESCAPE"
# The typo-tolerant second try adds FUZZY, for the `word~N` that syntax.py writes itself.
FUZZY_QUERY_FLAGS = QUERY_FLAGS + "|FUZZY"
# Unstemmed copies of title and body: edit distances mean something on words as written, not on
# stems ("ceasfire" is one edit from "ceasefire" but two from its stem "ceasefir").
FUZZY_FIELDS = ("title.spell^2", "body.spell")
# Fewer exact hits than this and the search is run again forgiving typos.
FEW_HITS = 5
# Exact matches score this many times higher, so they rank above matches that needed a typo.
EXACT_BOOST = 10.0
# Terms a fuzzy word may expand to: enough for real typos, few enough to stay cheap.
FUZZY_MAX_EXPANSIONS = 20
# Entity prefixes (`person:khamenei`) match the canonical value or any surface form written in
# the text (the `*_mentions` fields), so an alias finds the entity.
MENTION_FIELDS = {
    "person": "person_mentions",
    "organization": "organization_mentions",
    "location": "location_mentions",
}

# Characters with a meaning in Lucene's regular expressions (the terms `include` syntax).
_REGEX_SPECIAL = frozenset('.?+*|{}[]()"\\#@&<>~')

# Excerpt length (characters) for the body and for titles with no match.
FRAGMENT_SIZE = 160
TITLE_NO_MATCH_SIZE = 512


def lucene_regex_escape(text: str) -> str:
    """`text` as a literal in a Lucene regular expression: names never become syntax."""
    return "".join("\\" + char if char in _REGEX_SPECIAL else char for char in text)


def simple_query(
    text: str,
    fields: tuple[str, ...],
    *,
    operator: Literal["and", "or"] = "and",
    flags: str = QUERY_FLAGS,
    **options: Any,
) -> SimpleQueryString:
    """Visitor's words for `fields`: the one place that writes a simple_query_string.

    It never fails on syntax (invalid operators are searched as text), and `lenient` ignores a
    term that cannot apply to a field's type instead of refusing the search.
    """
    return SimpleQueryString(
        query=text,
        fields=list(fields),
        default_operator=operator,
        lenient=True,
        flags=flags,
        **options,
    )


def text_query(params: SearchParams, *, fuzzy: bool = False) -> Query:
    """The words, field prefixes and dates of `params` as one query (no facet selections).

    Every word must match (the default operator is "and"), as visitors of a news search expect.
    With `fuzzy`, articles matching the words give or take a typo are found too, scored
    below exact matches.
    """
    parsed = params.parsed
    query: Query
    if not parsed.has_text:
        query = MatchAll()
    elif fuzzy and parsed.fuzzy_text:
        query = Bool(
            should=[
                simple_query(parsed.text, SEARCH_FIELDS, boost=EXACT_BOOST),
                simple_query(
                    parsed.fuzzy_text,
                    FUZZY_FIELDS,
                    flags=FUZZY_QUERY_FLAGS,
                    # The first letter is rarely the typo, and fixing it cuts the terms to
                    # scan by an order of magnitude.
                    fuzzy_prefix_length=1,
                    fuzzy_max_expansions=FUZZY_MAX_EXPANSIONS,
                ),
            ],
            minimum_should_match=1,
        )
    else:
        query = simple_query(parsed.text, SEARCH_FIELDS)
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

    def __init__(
        self,
        params: SearchParams,
        *,
        index: str,
        fuzzy: bool = False,
        corrected: str | None = None,
    ) -> None:
        self.index = index
        self.search_params = params
        self.fuzzy = fuzzy
        self.corrected = corrected
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
        """Words, prefixes and dates (text_query); "did you mean" when there are words."""
        search = search.query(text_query(self.search_params, fuzzy=self.fuzzy))
        words = self.search_params.parsed.words
        if words and not self.fuzzy:
            search = search.suggest(
                "did_you_mean",
                " ".join(words),
                phrase={
                    "field": "body.spell",
                    "size": 1,
                    # Up to two words may be corrected at once.
                    "max_errors": 2,
                    "direct_generator": [
                        # `popular`: propose a more frequent word even when the typed one
                        # exists, since a large corpus contains most typos somewhere. One edit
                        # only: two would turn real words into frequent others (metro -> mehr).
                        {
                            "field": "body.spell",
                            "suggest_mode": "popular",
                            "min_word_length": 3,
                            "max_edits": 1,
                        }
                    ],
                },
            )
        return search

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
        # Articles matching the words, prefixes and dates before any facet selection: whether
        # the words "found little" must not depend on how far the sidebar narrowed them.
        search.aggs.bucket("_matched", "filter", filter=MatchAll())
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
        if self.fuzzy:
            # Highlighting fuzzy terms re-analyses every body (tens of times slower): mark the
            # words as typed and as corrected instead, any of them.
            words = " ".join(filter(None, [self.search_params.parsed.text, self.corrected]))
            options["highlight_query"] = simple_query(
                words, ("title", "body"), operator="or"
            ).to_dict()
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


def build_search(
    params: SearchParams, index: str, *, fuzzy: bool = False, corrected: str | None = None
) -> Search[Any]:
    """The complete search request for `params` on `index` (pure: nothing is sent).

    `fuzzy` builds the typo-tolerant retry; `corrected` (the "did you mean" words) is then
    marked in the excerpts too. The params were validated when made (window, cursor order).
    """
    search = ArticleSearch(params, index=index, fuzzy=fuzzy, corrected=corrected)
    # FacetedSearch builds the request in its constructor (as `_s`, what its own `execute`
    # sends); building it again would double the cost.
    return search._s


def needs_typo_tolerance(params: SearchParams, exact_matches: int) -> bool:
    """Whether to search again forgiving typos: the words matched few articles (before facet
    selections), and some of them can be fuzzy."""
    return exact_matches < FEW_HITS and bool(params.parsed.fuzzy_text)


def build_typo_retry(
    params: SearchParams, index: str, exact_matches: int, did_you_mean: str | None
) -> Search[Any] | None:
    """The typo-tolerant second request after an exact one that matched `exact_matches`
    articles and suggested `did_you_mean`; None when it is not needed."""
    if not needs_typo_tolerance(params, exact_matches):
        return None
    corrected = parse_query(did_you_mean).text if did_you_mean else None
    return build_search(params, index, fuzzy=True, corrected=corrected)
