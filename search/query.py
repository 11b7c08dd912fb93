"""From URL parameters to an Elasticsearch request; `run_search` is the only function doing I/O."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, Protocol, cast, get_args

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
from search.cursor import Cursor, CursorError
from search.results import SearchPage
from search.syntax import FieldFilter, ParsedQuery, parse_query
from search.timeline import base_interval

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch

Sort = Literal["relevance", "newest", "oldest"]
SORTS: tuple[Sort, ...] = get_args(Sort)

# Elasticsearch refuses `from + size` beyond index.max_result_window (10,000 by default).
MAX_RESULT_WINDOW = 10_000
# Longer input is refused rather than cut: a cut query would silently mean something else.
MAX_QUERY_LENGTH = 1000
MAX_VALUE_LENGTH = 300
MAX_VALUES_PER_FACET = 20
DEFAULT_PAGE_SIZE = 10
DEFAULT_MAX_PAGE_SIZE = 100

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

# Characters that are never meaningful in a query or a facet value. Tabs and line breaks become
# spaces; the other C0/C1 controls (NUL included) are dropped.
_LINE_CONTROLS = re.compile(r"[\t\n\r\v\f]")
_OTHER_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DIGITS = re.compile(r"[0-9]{1,9}")

# Excerpt length (characters) for the body and for titles with no match.
FRAGMENT_SIZE = 160
TITLE_NO_MATCH_SIZE = 512


class InvalidParam(ValueError):
    """A known URL parameter has a value we cannot use; the API answers 400 `bad_request`.

    The message names the parameter but never repeats the visitor's value.
    """

    code = "bad_request"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Args(Protocol):
    """What `from_args` needs from a query string: werkzeug's MultiDict fits."""

    def getlist(self, key: str) -> list[str]:
        """Every value given for `key`, in order (empty when absent)."""
        ...


def clean_text(value: str) -> str:
    """`value` without control characters and surrounding whitespace."""
    return _OTHER_CONTROLS.sub("", _LINE_CONTROLS.sub(" ", value)).strip()


@dataclass(frozen=True)
class SearchParams:
    """A validated search request: what the URL says, and nothing else."""

    q: str = ""
    # Selected values per facet name; only facets with at least one value are present.
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    date_from: date | None = None
    date_to: date | None = None
    sort: Sort = "relevance"
    page: int = 1
    size: int = DEFAULT_PAGE_SIZE
    # Facets shown with more values than usual.
    expand: tuple[str, ...] = ()
    # Continue after the last hit of a previous page (API paging beyond the result window).
    cursor: Cursor | None = None
    # Known so `to_args` can leave `size` out of URLs when it is the default.
    default_size: int = field(default=DEFAULT_PAGE_SIZE, compare=False, repr=False)

    @classmethod
    def from_args(
        cls,
        args: Args,
        *,
        default_size: int = DEFAULT_PAGE_SIZE,
        max_size: int = DEFAULT_MAX_PAGE_SIZE,
    ) -> SearchParams:
        """Parse URL parameters; unknown keys are ignored and empty values count as absent.

        Raises InvalidParam for a known key with a bad value (page=abc, size above `max_size`,
        a malformed date, an unknown sort, a query or facet value that is too long).
        """

        def first(key: str) -> str:
            values = args.getlist(key)
            return clean_text(values[0]) if values else ""

        q = first("q")
        if len(q) > MAX_QUERY_LENGTH:
            raise InvalidParam(f"q must be at most {MAX_QUERY_LENGTH} characters")

        filters: dict[str, tuple[str, ...]] = {}
        for name in FACETS:
            values = tuple(dict.fromkeys(v for v in map(clean_text, args.getlist(name)) if v))
            if len(values) > MAX_VALUES_PER_FACET:
                raise InvalidParam(f"{name} may be given at most {MAX_VALUES_PER_FACET} times")
            if any(len(v) > MAX_VALUE_LENGTH for v in values):
                raise InvalidParam(
                    f"each {name} value must be at most {MAX_VALUE_LENGTH} characters"
                )
            if values:
                filters[name] = values

        date_from = _parse_date("from", first("from"))
        date_to = _parse_date("to", first("to"))
        if date_from and date_to and date_from > date_to:
            raise InvalidParam("from must not be after to")

        sort = first("sort") or "relevance"
        if sort not in SORTS:
            raise InvalidParam(f"sort must be one of: {', '.join(SORTS)}")

        page = _parse_int("page", first("page"), default=1)
        if page < 1:
            raise InvalidParam("page must be 1 or more")
        size = _parse_int("size", first("size"), default=default_size)
        if not 1 <= size <= max_size:
            raise InvalidParam(f"size must be between 1 and {max_size}")

        expand = tuple(dict.fromkeys(v for v in map(clean_text, args.getlist("expand")) if v))
        if any(name not in FACETS for name in expand):
            raise InvalidParam(f"expand must name a facet: {', '.join(FACETS)}")

        cursor = None
        if token := first("cursor"):
            if page != 1:
                raise InvalidParam("page and cursor cannot be used together")
            try:
                cursor = Cursor.decode(token)
            except CursorError:
                raise InvalidParam("cursor is not one this service gave out") from None
        elif page * size > MAX_RESULT_WINDOW:
            raise InvalidParam(
                f"only the first {MAX_RESULT_WINDOW} results can be paged through; "
                "narrow the search or page with next_cursor instead"
            )

        return cls(
            q=q,
            filters=filters,
            date_from=date_from,
            date_to=date_to,
            sort=sort,
            page=page,
            size=size,
            expand=expand,
            cursor=cursor,
            default_size=default_size,
        )

    @property
    def offset(self) -> int:
        """Index of the first hit of this page."""
        return (self.page - 1) * self.size

    @cached_property
    def parsed(self) -> ParsedQuery:
        """The query box read: text, field filters and plain words."""
        return parse_query(self.q)

    @property
    def effective_sort(self) -> Sort:
        """The sort applied: without words to rank by, "relevance" lists the newest first."""
        if self.sort == "relevance" and not self.parsed.has_text:
            return "newest"
        return self.sort

    @property
    def narrowed(self) -> bool:
        """Whether anything besides the words narrows the search (filters or dates)."""
        return bool(self.filters or self.date_from or self.date_to or self.parsed.filters)

    def selected(self, facet: str, value: str) -> bool:
        """Whether `value` is selected in `facet`."""
        return value in self.filters.get(facet, ())

    def toggled(self, facet: str, value: str) -> SearchParams:
        """These params with `value` selected in `facet` if it was not, unselected if it was.

        The page goes back to 1: the old page number means nothing for the new result set.
        """
        if facet not in FACETS:
            raise KeyError(facet)
        current = self.filters.get(facet, ())
        values = tuple(v for v in current if v != value) if value in current else (*current, value)
        filters = {name: self.filters.get(name, ()) for name in FACETS}
        filters[facet] = values
        return replace(self, filters={k: v for k, v in filters.items() if v}, page=1, cursor=None)

    def with_page(self, page: int) -> SearchParams:
        """These params on another page."""
        return replace(self, page=page, cursor=None)

    def with_query(self, q: str) -> SearchParams:
        """These params with other words, from the first page."""
        return replace(self, q=q, page=1, cursor=None)

    def with_sort(self, sort: Sort) -> SearchParams:
        """These params in another order, from the first page."""
        return replace(self, sort=sort, page=1, cursor=None)

    def with_dates(self, date_from: date | None, date_to: date | None) -> SearchParams:
        """These params over another period, from the first page."""
        return replace(self, date_from=date_from, date_to=date_to, page=1, cursor=None)

    def with_expanded(self, facet: str, expanded: bool) -> SearchParams:
        """These params with `facet` listing more values (or back to the usual few)."""
        rest = tuple(name for name in self.expand if name != facet)
        return replace(self, expand=(*rest, facet) if expanded else rest)

    def without_filters(self) -> SearchParams:
        """These params without facet selections and dates, from the first page."""
        return replace(self, filters={}, date_from=None, date_to=None, page=1, cursor=None)

    def to_args(self) -> dict[str, list[str]]:
        """URL parameters that `from_args` parses back into equal params; defaults are left out."""
        args: dict[str, list[str]] = {}
        if self.q:
            args["q"] = [self.q]
        for name in FACETS:
            if values := self.filters.get(name):
                args[name] = list(values)
        if self.date_from:
            args["from"] = [self.date_from.isoformat()]
        if self.date_to:
            args["to"] = [self.date_to.isoformat()]
        if self.sort != "relevance":
            args["sort"] = [self.sort]
        if self.page != 1:
            args["page"] = [str(self.page)]
        if self.size != self.default_size:
            args["size"] = [str(self.size)]
        if self.expand:
            args["expand"] = list(self.expand)
        if self.cursor is not None:
            args["cursor"] = [self.cursor.encode()]
        return args


def _parse_int(name: str, raw: str, *, default: int) -> int:
    """`raw` as a non-negative integer, `default` when empty."""
    if not raw:
        return default
    if not _DIGITS.fullmatch(raw):
        raise InvalidParam(f"{name} must be a positive integer")
    return int(raw)


def _parse_date(name: str, raw: str) -> date | None:
    """`raw` as a YYYY-MM-DD date, None when empty."""
    if not raw:
        return None
    try:
        if not _ISO_DATE.fullmatch(raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidParam(f"{name} must be a date written YYYY-MM-DD") from None


def text_query(params: SearchParams, *, fuzzy: bool = False) -> Query:
    """The words, field prefixes and dates of `params` as one query (no facet selections).

    With `fuzzy`, articles matching the words give or take a typo are found too, scored
    below exact matches.
    """
    parsed = params.parsed
    if not parsed.has_text:
        query: Query = MatchAll()
    else:
        query = SimpleQueryString(
            query=parsed.text,
            fields=list(SEARCH_FIELDS),
            # Every word must match, as visitors of a news search expect.
            default_operator="and",
            # A term that cannot apply to a field's type is ignored, never an error.
            lenient=True,
            flags=QUERY_FLAGS,
        )
        if fuzzy and parsed.fuzzy_text:
            query = Bool(
                should=[
                    SimpleQueryString(
                        query=parsed.text,
                        fields=list(SEARCH_FIELDS),
                        default_operator="and",
                        lenient=True,
                        flags=QUERY_FLAGS,
                        boost=EXACT_BOOST,
                    ),
                    SimpleQueryString(
                        query=parsed.fuzzy_text,
                        fields=list(FUZZY_FIELDS),
                        default_operator="and",
                        lenient=True,
                        flags=FUZZY_QUERY_FLAGS,
                        # The first letter is rarely the typo, and fixing it cuts the terms
                        # to scan by an order of magnitude.
                        fuzzy_prefix_length=1,
                        fuzzy_max_expansions=FUZZY_MAX_EXPANSIONS,
                    ),
                ],
                minimum_should_match=1,
            )
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
        }
        if self.fuzzy:
            # Highlighting fuzzy terms re-analyses every body (tens of times slower): mark the
            # words as typed and as corrected instead, any of them.
            words = " ".join(filter(None, [self.search_params.parsed.text, self.corrected]))
            options["highlight_query"] = SimpleQueryString(
                query=words,
                fields=["title", "body"],
                default_operator="or",
                lenient=True,
                flags=QUERY_FLAGS,
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
    marked in the excerpts too.
    """
    if params.cursor is None and params.page * params.size > MAX_RESULT_WINDOW:
        raise InvalidParam(f"only the first {MAX_RESULT_WINDOW} results can be paged through")
    if params.cursor is not None and params.cursor.sort != params.effective_sort:
        raise InvalidParam("cursor belongs to a search in another order")
    search = ArticleSearch(params, index=index, fuzzy=fuzzy, corrected=corrected)
    # FacetedSearch builds the request in its constructor (as `_s`, what its own `execute`
    # sends); building it again would double the cost.
    return search._s


def needs_typo_tolerance(params: SearchParams, exact_matches: int) -> bool:
    """Whether to search again forgiving typos: the words matched few articles (before facet
    selections), and some of them can be fuzzy."""
    return exact_matches < FEW_HITS and bool(params.parsed.fuzzy_text)


def typo_retry(params: SearchParams, index: str, first: SearchPage) -> Search[Any] | None:
    """The typo-tolerant second request after the exact `first` page, None if not needed."""
    if not needs_typo_tolerance(params, first.matched):
        return None
    corrected = parse_query(first.did_you_mean.q).text if first.did_you_mean else None
    return build_search(params, index, fuzzy=True, corrected=corrected)


def run_search(client: Elasticsearch, params: SearchParams, index: str) -> SearchPage:
    """Send the search for `params` to `index` and wrap the answer.

    When the exact words find little, the search runs a second time forgiving typos; the
    "did you mean" of the first answer is kept.
    """
    response = client.search(index=index, body=build_search(params, index).to_dict())
    page = SearchPage.from_response(response.body, params)
    retry = typo_retry(params, index, page)
    if retry is not None:
        response = client.search(index=index, body=retry.to_dict())
        page = SearchPage.from_response(
            response.body, params, fuzzy=True, did_you_mean=page.did_you_mean
        )
    return page
