"""From URL parameters to an Elasticsearch request; `run_search` is the only function doing I/O."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, Protocol, cast, get_args

from elasticsearch.dsl import FacetedSearch, Search, TermsFacet
from elasticsearch.dsl.faceted_search_base import Facet, FilterValueType
from elasticsearch.dsl.query import MatchAll, Range, SimpleQueryString

from articles import FACETS
from search.results import SearchPage

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

# The fields searched, with the title weighted above the body.
SEARCH_FIELDS = ("title^2", "body")

# Operators a visitor may use: + | - "..." ( ) and backslash escapes. PREFIX (`foo*`) and
# FUZZY/NEAR/SLOP (`~`) are left out: one short prefix or fuzzy term expands to thousands of
# terms, which makes a single query from the public box expensive for the whole cluster.
QUERY_FLAGS = "AND|OR|NOT|PHRASE|PRECEDENCE|WHITESPACE|ESCAPE"

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
        if page * size > MAX_RESULT_WINDOW:
            raise InvalidParam(
                f"only the first {MAX_RESULT_WINDOW} results can be paged through; "
                "narrow the search instead"
            )

        return cls(
            q=q,
            filters=filters,
            date_from=date_from,
            date_to=date_to,
            sort=sort,
            page=page,
            size=size,
            default_size=default_size,
        )

    @property
    def offset(self) -> int:
        """Index of the first hit of this page."""
        return (self.page - 1) * self.size

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
        return replace(self, filters={k: v for k, v in filters.items() if v}, page=1)

    def with_page(self, page: int) -> SearchParams:
        """These params on another page."""
        return replace(self, page=page)

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

    def __init__(self, params: SearchParams, *, index: str) -> None:
        self.index = index
        self.search_params = params
        # add_filter accepts a list of values per facet, though the signature names one value.
        filters = cast(
            "dict[str, FilterValueType]",
            {name: list(values) for name, values in params.filters.items()},
        )
        super().__init__(query=params.q, filters=filters)

    def search(self) -> Search[Any]:
        """The base request: this instance's alias, the requested page, no bodies, exact total."""
        offset, size = self.search_params.offset, self.search_params.size
        return (
            Search(index=self.index)[offset : offset + size]
            # Lists never show the body; it is the bulk of every document.
            .source(excludes=["body"])
            # Exact totals: the page count is shown and must be right above 10,000 hits too.
            .extra(track_total_hits=True)
        )

    def query(self, search: Search[Any], query: Any) -> Search[Any]:  # type: ignore[override]
        """Match the text with simple_query_string (never a syntax error) and apply the dates."""
        if self.search_params.q:
            search = search.query(
                SimpleQueryString(
                    query=self.search_params.q,
                    fields=list(self.fields),
                    # Every word must match, as visitors of a news search expect.
                    default_operator="and",
                    # A term that cannot apply to a field's type is ignored, never an error.
                    lenient=True,
                    flags=QUERY_FLAGS,
                )
            )
        else:
            search = search.query(MatchAll())
        # The date range belongs to the main query, not the post_filter: facet counts must
        # only count articles inside the chosen period.
        dates: dict[str, str] = {}
        if self.search_params.date_from:
            dates["gte"] = self.search_params.date_from.isoformat()
        if self.search_params.date_to:
            # `||/d` rounds up to the end of that day, so the `to` day is included.
            # https://www.elastic.co/docs/reference/query-languages/query-dsl/query-dsl-range-query#range-query-date-math-rounding
            dates["lte"] = f"{self.search_params.date_to.isoformat()}||/d"
        if dates:
            search = search.filter(Range(published=dates))
        return search

    def aggregate(self, search: Search[Any]) -> None:  # type: ignore[override]
        """Add the facet aggregations, plus exact counts for each selected value.

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

    def highlight(self, search: Search[Any]) -> Search[Any]:  # type: ignore[override]
        """Escaped excerpts with `<mark>` around matches, so templates can print them as is."""
        return (
            # `encoder="html"` escapes the stored text before tags are added: a title holding
            # `<script>` comes back as `&lt;script&gt;`, the only markup is our own `<mark>`.
            # https://www.elastic.co/docs/reference/elasticsearch/rest-apis/highlighting#highlighting-settings
            search.highlight_options(encoder="html", pre_tags=["<mark>"], post_tags=["</mark>"])
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
        """Relevance by default; by date with undated articles last, ties broken by score."""
        if self.search_params.sort == "relevance":
            return search
        order = "desc" if self.search_params.sort == "newest" else "asc"
        return search.sort({"published": {"order": order, "missing": "_last"}}, "_score")


def build_search(params: SearchParams, index: str) -> Search[Any]:
    """The complete search request for `params` on `index` (pure: nothing is sent)."""
    if params.page * params.size > MAX_RESULT_WINDOW:
        raise InvalidParam(f"only the first {MAX_RESULT_WINDOW} results can be paged through")
    # The base class types its result loosely; `search()` above makes it a (sync) Search.
    return cast("Search[Any]", ArticleSearch(params, index=index).build_search())


def run_search(client: Elasticsearch, params: SearchParams, index: str) -> SearchPage:
    """Send the search for `params` to `index` and wrap the answer."""
    response = client.search(index=index, body=build_search(params, index).to_dict())
    return SearchPage.from_response(response.body, params)
