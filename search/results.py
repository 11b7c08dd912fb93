"""From a raw Elasticsearch response to the page the API and the UI show (pure).

`SearchPage` is the `/api/search` answer as declared (its JSON Schema is in the OpenAPI
document) plus what the HTML page needs for its links, kept out of the JSON.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any, Literal

from pydantic import Field, model_serializer
from pydantic.json_schema import SkipJsonSchema

from articles import ENTITY_TYPES, FACETS
from search.cursor import CursorError, cursor_after
from search.limits import MAX_TITLE_CHARS, capped
from search.lookup import Lookup
from search.models import ApiModel, Args, Day, Entities, LazyArgs, LinkArgs, keyed_by
from search.params import MAX_RESULT_WINDOW, SearchParams, Sort
from search.ranking import owes_to_close_spelling, plan_words
from search.sampling import unwrap
from search.syntax import FieldFilter, corrected_query
from search.timeline import Timeline, base_interval, timeline_from_buckets

# Page numbers shown on each side of the current page.
PAGE_WINDOW = 3

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# What cutting escaped, marked-up text can leave at its end: half a tag or half an entity.
_CUT_MARKUP = re.compile(r"(<[^>]*|&[^;]*)$")


class FacetValue(ApiModel):
    """A facet value ready to display: its count, whether it is selected, its toggle link."""

    value: str
    count: int = Field(ge=0)
    selected: bool
    # URL parameters of the same search with this value toggled (for `url_for`).
    toggle_args: LinkArgs = Field(default_factory=dict)


class Hit(ApiModel):
    """One article in a result list."""

    id: str
    title: str = Field(description="Plain text")
    url: str | None
    source: str | None
    published: Day
    highlights: Annotated[
        dict[str, list[str]],
        keyed_by(
            ("title", "body"),
            description=(
                "HTML-escaped fragments with <mark> around matches. The body "
                "falls back to its opening when nothing in it matched."
            ),
        ),
    ]
    entities: Entities

    @classmethod
    def from_hit(cls, hit: Mapping[str, Any]) -> Hit:
        """A hit from one entry of `hits.hits`."""
        source: Mapping[str, Any] = hit.get("_source") or {}
        highlight: Mapping[str, Any] = hit.get("highlight") or {}
        return cls(
            id=str(hit["_id"]),
            title=capped(text(source.get("title")) or "", MAX_TITLE_CHARS),
            url=text(source.get("url")),
            source=text(source.get("source")),
            published=day(source.get("published")),
            highlights={
                field: [capped_markup(f, MAX_TITLE_CHARS) for f in strings(highlight.get(field))]
                for field in ("title", "body")
            },
            entities={kind: strings(source.get(kind)) for kind in ENTITY_TYPES},
        )


class DidYouMean(ApiModel):
    """A corrected query: its text (all the API shows) and the URL parameters of its search."""

    q: str
    args: LinkArgs

    @model_serializer(mode="plain")
    def _as_text(self) -> str:
        return self.q


@dataclass(frozen=True)
class SortLink:
    """One way to order the results, with the link to it."""

    name: str
    args: Args
    current: bool


@dataclass(frozen=True)
class PageLink:
    """A numbered link in the pagination bar."""

    number: int
    args: Args
    current: bool


class SearchPage(ApiModel):
    """One page of results with its facets: the `/api/search` answer and the search page."""

    total: int = Field(ge=0)
    took_ms: int = Field(ge=0)
    page: int = Field(ge=1, description="The current page number")
    size: int = Field(ge=1, description="Hits per page")
    hits: tuple[Hit, ...]
    facets: Annotated[dict[str, tuple[FacetValue, ...]], keyed_by(FACETS)]
    total_relation: Literal["eq", "gte"] = Field(
        "eq", description="eq: total is exact; gte: total is a lower bound"
    )
    sort: Sort = Field(description="The order applied (relevance without words is newest)")
    last_page: int = Field(ge=1, description="The last page reachable with `page`")
    next_cursor: str | None = Field(
        None, description="Pass as `cursor` for the next page; null on the last"
    )
    fuzzy: bool = Field(
        False, description="Whether close spellings of the words matched some of these hits"
    )
    did_you_mean: DidYouMean | None = Field(
        None, description="The query with misspelled words corrected"
    )
    query_filters: tuple[FieldFilter, ...] = Field(
        (), description="Filters typed as prefixes (person:, org:, loc:, source:)"
    )
    timeline: Timeline | None = None
    facets_estimated: bool = Field(
        False,
        description=(
            "Whether the facet counts and the timeline are estimates from a random sample of "
            "the hits, as for very many hits in a large index; `total` is exact either way"
        ),
    )

    # For the HTML page; not in the API.
    params: SkipJsonSchema[SearchParams] = Field(exclude=True, repr=False)
    # Facets with values beyond those listed.
    facets_more: SkipJsonSchema[dict[str, bool]] = Field(default_factory=dict, exclude=True)

    @classmethod
    def from_response(
        cls,
        response: Mapping[str, Any],
        params: SearchParams,
        *,
        lookup: Lookup | None = None,
    ) -> SearchPage:
        """Wrap the raw JSON of a search built by `build_search(params, index, lookup)`."""
        hits = response.get("hits") or {}
        total = hits.get("total") or 0
        aggregations, estimated = unwrap(response.get("aggregations") or {})
        raw_hits = hits.get("hits") or ()
        found = tuple(Hit.from_hit(hit) for hit in raw_hits)
        timeline_agg: Mapping[str, Any] = (aggregations.get("_timeline") or {}).get(
            "published"
        ) or {}
        total_value = int(total["value"] if isinstance(total, Mapping) else total)
        sort = params.effective_sort
        last_sort = raw_hits[-1].get("sort") if raw_hits else None
        return cls(
            params=params,
            total=total_value,
            total_relation=_relation(total),
            took_ms=int(response.get("took") or 0),
            page=params.page,
            size=params.size,
            hits=found,
            facets={name: _facet_values(name, aggregations, params) for name in FACETS},
            facets_more={name: _has_more(name, aggregations) for name in FACETS},
            sort=sort,
            last_page=_last_page(total_value, params.size),
            next_cursor=_next_cursor(params, total_value, found, sort, last_sort),
            timeline=timeline_from_buckets(
                timeline_agg.get("buckets") or (),
                base_interval(params.date_from, params.date_to),
                params,
            ),
            did_you_mean=_did_you_mean(params, lookup or Lookup()),
            # Named clauses of the query (search/ranking.py) that a hit matched.
            fuzzy=any(owes_to_close_spelling(hit.get("matched_queries") or ()) for hit in raw_hits),
            query_filters=params.parsed.filters,
            facets_estimated=estimated,
        )

    @property
    def field_filters(self) -> tuple[FieldFilter, ...]:
        """Filters typed into the query box (`person:"Ali Khamenei"`)."""
        return self.query_filters

    def expand_args(self, facet: str, expanded: bool) -> Args:
        """URL parameters of this page with `facet` listing more (or the usual few) values."""
        return self.params.with_expanded(facet, expanded).to_args()

    @property
    def dates_cleared_args(self) -> Args:
        """URL parameters of this search over all dates."""
        return self.params.dates_args(None, None)

    @property
    def everything_cleared_args(self) -> Args:
        """URL parameters of these words without any facet selection or dates."""
        return self.params.without_filters().to_args()

    def facet_find_fields(self) -> list[tuple[str, str]]:
        """Hidden fields of a facet's "find a value" form: this search, its words as `query`."""
        args = self.params.page_args(1)
        args.pop("expand", None)
        if "q" in args:
            args["query"] = args.pop("q")
        return [(key, value) for key, values in args.items() for value in values]

    def sort_links(self, sorts: Sequence[Sort]) -> list[SortLink]:
        """A link per order; "relevance" only when there are words to rank by."""
        has_text = self.params.parsed.has_text
        return [
            SortLink(name, self.params.with_sort(name).to_args(), name == self.sort)
            for name in sorts
            if has_text or name != "relevance"
        ]

    @property
    def first_shown(self) -> int:
        """Position of the first hit on this page (from 1), 0 when there is none."""
        return self.params.offset + 1 if self.hits else 0

    @property
    def last_shown(self) -> int:
        """Position of the last hit on this page."""
        return self.params.offset + len(self.hits)

    @property
    def prev_args(self) -> Args | None:
        """URL parameters of the previous page, None on the first."""
        return self.params.page_args(self.page - 1) if self.page > 1 else None

    @property
    def next_args(self) -> Args | None:
        """URL parameters of the next page, None on the last."""
        if self.page >= self.last_page:
            return None
        return self.params.page_args(self.page + 1)

    def page_links(self) -> list[PageLink | None]:
        """Links to the first, last and nearby pages; None marks a gap between numbers."""
        numbers = sorted(
            {1, self.last_page}
            | set(
                range(
                    max(1, self.page - PAGE_WINDOW),
                    min(self.last_page, self.page + PAGE_WINDOW) + 1,
                )
            )
        )
        links: list[PageLink | None] = []
        for number in numbers:
            if links and (previous := links[-1]) is not None and number > previous.number + 1:
                links.append(None)
            links.append(PageLink(number, self.params.page_args(number), number == self.page))
        return links


def total_hits(response: Mapping[str, Any]) -> int:
    """The number of hits of a raw search answer (0 when it has none)."""
    total = (response.get("hits") or {}).get("total") or 0
    return int(total["value"] if isinstance(total, Mapping) else total)


def _relation(total: object) -> Literal["eq", "gte"]:
    """Whether a total is exact ("eq") or a lower bound ("gte"); exact when not said."""
    return "gte" if isinstance(total, Mapping) and total.get("relation") == "gte" else "eq"


def _last_page(total: int, size: int) -> int:
    """The last page that can be shown (Elasticsearch pages through 10,000 hits at most)."""
    return max(1, math.ceil(min(total, MAX_RESULT_WINDOW) / size))


def _next_cursor(
    params: SearchParams,
    total: int,
    hits: Sequence[Hit],
    sort: str,
    last_sort: Sequence[Any] | None,
) -> str | None:
    """Token for the page after this one (any depth), None when this page is the last."""
    if not last_sort or len(hits) < params.size:
        return None
    if params.cursor is None and params.offset + len(hits) >= total:
        return None
    try:
        return cursor_after(sort, list(last_sort))
    except CursorError:
        return None  # sort values no cursor can hold (the engine never gives them here)


def _facet_values(
    name: str, aggregations: Mapping[str, Any], params: SearchParams
) -> tuple[FacetValue, ...]:
    """The values of facet `name`: the top buckets, then any selected value missing from them.

    FacetedSearch nests each facet's terms under a filter aggregation: `_filter_<name>` →
    `<name>`. build_search adds `_filter_<name>` → `selected` with exact counts of the
    selected values, so one outside the top buckets keeps its true count (0 if none).
    """
    wrapper: Mapping[str, Any] = aggregations.get(f"_filter_{name}") or {}
    counts: dict[str, int] = {}
    for bucket in buckets(wrapper, name):
        counts.setdefault(str(bucket["key"]), int(bucket["doc_count"]))
    selected_counts = {str(b["key"]): int(b["doc_count"]) for b in buckets(wrapper, "selected")}
    for value in params.filters.get(name, ()):
        counts.setdefault(value, selected_counts.get(value, 0))
    return facet_values(name, counts.items(), params)


def facet_values(
    name: str, counts: Sequence[tuple[str, int]] | Any, params: SearchParams
) -> tuple[FacetValue, ...]:
    """Values of facet `name` with their counts, selection and toggle links under `params`."""
    return tuple(
        FacetValue(
            value=value,
            count=count,
            selected=params.selected(name, value),
            toggle_args=LazyArgs(partial(params.toggle_args, name, value)),
        )
        for value, count in counts
    )


def _has_more(name: str, aggregations: Mapping[str, Any]) -> bool:
    """Whether facet `name` has values beyond the buckets returned."""
    wrapper: Mapping[str, Any] = aggregations.get(f"_filter_{name}") or {}
    agg: Mapping[str, Any] = wrapper.get(name) or {}
    return int(agg.get("sum_other_doc_count") or 0) > 0


def _did_you_mean(params: SearchParams, lookup: Lookup) -> DidYouMean | None:
    """The phrase suggester's correction applied to the query, None when there is none.

    A word the index does not know takes the suggester's word; a word it knows only the
    spellings the ranking itself took for it (much more common and close: search/ranking.py),
    so a frequent word is never "corrected" into another one, nor into a rarer one; a last
    word still being typed (words begin with it) is left to be finished: never `khameh` for
    `Khamen`.
    """
    words = params.parsed.words
    suggested = (lookup.correction or "").split()
    if not suggested or len(suggested) != len(words):
        return None
    plans = {plan.word: plan for plan in plan_words(params.parsed, lookup)}
    kept: list[str] = []
    for word, better in zip(words, suggested, strict=True):
        plan = plans.get(word)
        if plan is not None and plan.prefix:
            kept.append(word)
        elif lookup.stats(word).docs == 0:
            kept.append(better)
        else:
            taken = plan is not None and any(better == spelling for spelling, _ in plan.variants)
            kept.append(better if taken else word)
    q = corrected_query(params.q, words, " ".join(kept))
    if q is None:
        return None
    return DidYouMean(q=q, args=params.with_query(q).to_args())


def buckets(aggs: Mapping[str, Any], name: str) -> Sequence[Mapping[str, Any]]:
    """The buckets of (sub-)aggregation `name` in `aggs`, empty when absent."""
    agg: Mapping[str, Any] = aggs.get(name) or {}
    found: Sequence[Mapping[str, Any]] = agg.get("buckets") or ()
    return found


def capped_markup(fragment: str, limit: int) -> str:
    """An escaped fragment with `<mark>` tags cut to about `limit` characters, still well
    formed: no half tag or entity at the end, and an open mark closed."""
    if len(fragment) <= limit:
        return fragment
    cut = _CUT_MARKUP.sub("", fragment[:limit])
    if cut.count("<mark>") > cut.count("</mark>"):
        cut += "</mark>"
    return cut + "…"


def day(value: object) -> str | None:
    """A stored date as YYYY-MM-DD, None when missing or unreadable."""
    if isinstance(value, str) and _ISO_DAY.match(value):
        return value[:10]
    return None


def text(value: object) -> str | None:
    """A stored string field, None when missing."""
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def strings(value: object) -> list[str]:
    """A stored keyword array (or single value) as a list of strings."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        # Stored keyword arrays hold strings; anything else is made one.
        return [v if type(v) is str else str(v) for v in value if v is not None]
    return [str(value)]
