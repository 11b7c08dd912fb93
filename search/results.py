"""From a raw Elasticsearch response to the page the API and the UI show (pure)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from articles import ENTITY_TYPES, FACETS
from search.cursor import cursor_after
from search.syntax import FieldFilter, corrected_query
from search.timeline import Timeline, base_interval, timeline_from_buckets

if TYPE_CHECKING:
    from search.query import SearchParams

# Mirrors search.query.MAX_RESULT_WINDOW (not imported: query imports this module).
MAX_RESULT_WINDOW = 10_000
# Page numbers shown on each side of the current page.
PAGE_WINDOW = 3

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

Args = dict[str, list[str]]


@dataclass(frozen=True)
class FacetValue:
    """A facet value ready to display: its count, whether it is selected, its toggle link."""

    value: str
    count: int
    selected: bool
    # URL parameters of the same search with this value toggled (for `url_for`).
    toggle_args: Args

    def to_dict(self) -> dict[str, Any]:
        """The API form (without the link arguments)."""
        return {"value": self.value, "count": self.count, "selected": self.selected}


@dataclass(frozen=True)
class Hit:
    """One article in a result list."""

    id: str
    title: str
    url: str | None
    source: str | None
    published: str | None
    # HTML-escaped fragments with `<mark>` around matches, per field ("title", "body").
    highlights: Mapping[str, list[str]]
    # Entity names per type ("person", "organization", "location").
    entities: Mapping[str, list[str]]

    @classmethod
    def from_hit(cls, hit: Mapping[str, Any]) -> Hit:
        """A hit from one entry of `hits.hits`."""
        source: Mapping[str, Any] = hit.get("_source") or {}
        highlight: Mapping[str, Any] = hit.get("highlight") or {}
        return cls(
            id=str(hit["_id"]),
            title=_text(source.get("title")) or "",
            url=_text(source.get("url")),
            source=_text(source.get("source")),
            published=day(source.get("published")),
            highlights={field: _strings(highlight.get(field)) for field in ("title", "body")},
            entities={kind: _strings(source.get(kind)) for kind in ENTITY_TYPES},
        )

    def to_dict(self) -> dict[str, Any]:
        """The API form."""
        return {
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "source": self.source,
            "published": self.published,
            "highlights": {field: list(v) for field, v in self.highlights.items()},
            "entities": {kind: list(v) for kind, v in self.entities.items()},
        }


@dataclass(frozen=True)
class DidYouMean:
    """A corrected query: its text and the URL parameters of the search for it."""

    q: str
    args: Args


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


@dataclass(frozen=True)
class SearchPage:
    """One page of results with its facets, in the shape the API and the UI share."""

    params: SearchParams
    total: int
    took_ms: int
    hits: tuple[Hit, ...]
    facets: Mapping[str, tuple[FacetValue, ...]]
    # "eq" when `total` is exact, "gte" when it is a lower bound.
    total_relation: str = "eq"
    # Articles matching the words, prefixes and dates before facet selections (`total` when
    # the response does not say).
    matched: int = 0
    # Facets with values beyond those listed.
    facets_more: Mapping[str, bool] = field(default_factory=dict)
    timeline: Timeline | None = None
    did_you_mean: DidYouMean | None = None
    # Whether typo-tolerant matching was used (the exact words found too little).
    fuzzy: bool = False
    # Sort values of the last hit, for the cursor of the next page.
    last_sort: tuple[Any, ...] | None = None

    @classmethod
    def from_response(
        cls,
        response: Mapping[str, Any],
        params: SearchParams,
        *,
        fuzzy: bool = False,
        did_you_mean: DidYouMean | None = None,
    ) -> SearchPage:
        """Wrap the raw JSON of a search built by `build_search(params, ...)`."""
        hits = response.get("hits") or {}
        total = hits.get("total") or 0
        aggregations = response.get("aggregations") or {}
        raw_hits = hits.get("hits") or ()
        last_sort = raw_hits[-1].get("sort") if raw_hits else None
        timeline_agg: Mapping[str, Any] = (aggregations.get("_timeline") or {}).get(
            "published"
        ) or {}
        total_value = int(total["value"] if isinstance(total, Mapping) else total)
        matched = (aggregations.get("_matched") or {}).get("doc_count")
        return cls(
            params=params,
            total=total_value,
            matched=total_value if matched is None else int(matched),
            total_relation=str(total.get("relation", "eq")) if isinstance(total, Mapping) else "eq",
            took_ms=int(response.get("took") or 0),
            hits=tuple(Hit.from_hit(hit) for hit in raw_hits),
            facets={name: _facet_values(name, aggregations, params) for name in FACETS},
            facets_more={name: _has_more(name, aggregations) for name in FACETS},
            timeline=timeline_from_buckets(
                timeline_agg.get("buckets") or (),
                base_interval(params.date_from, params.date_to),
                params,
            ),
            did_you_mean=did_you_mean or _did_you_mean(response, params),
            fuzzy=fuzzy,
            last_sort=tuple(last_sort) if last_sort else None,
        )

    @property
    def sort(self) -> str:
        """The order the hits are in."""
        return self.params.effective_sort

    @property
    def field_filters(self) -> tuple[FieldFilter, ...]:
        """Filters typed into the query box (`person:"Ali Khamenei"`)."""
        return self.params.parsed.filters

    @property
    def next_cursor(self) -> str | None:
        """Token for the page after this one (any depth), None when this page is the last."""
        if self.last_sort is None or len(self.hits) < self.size:
            return None
        if self.params.cursor is None and self.params.offset + len(self.hits) >= self.total:
            return None
        return cursor_after(self.sort, self.last_sort)

    def expand_args(self, facet: str, expanded: bool) -> Args:
        """URL parameters of this page with `facet` listing more (or the usual few) values."""
        return self.params.with_expanded(facet, expanded).to_args()

    @property
    def dates_cleared_args(self) -> Args:
        """URL parameters of this search over all dates."""
        return self.params.with_dates(None, None).to_args()

    @property
    def everything_cleared_args(self) -> Args:
        """URL parameters of these words without any facet selection or dates."""
        return self.params.without_filters().to_args()

    def facet_find_fields(self) -> list[tuple[str, str]]:
        """Hidden fields of a facet's "find a value" form: this search, its words as `query`."""
        args = self.params.with_page(1).to_args()
        args.pop("expand", None)
        if "q" in args:
            args["query"] = args.pop("q")
        return [(key, value) for key, values in args.items() for value in values]

    def sort_links(self, sorts: Sequence[str]) -> list[SortLink]:
        """A link per order; "relevance" only when there are words to rank by."""
        has_text = self.params.parsed.has_text
        return [
            SortLink(name, self.params.with_sort(name).to_args(), name == self.sort)  # type: ignore[arg-type]
            for name in sorts
            if has_text or name != "relevance"
        ]

    @property
    def page(self) -> int:
        """The current page number (from 1)."""
        return self.params.page

    @property
    def size(self) -> int:
        """Hits per page."""
        return self.params.size

    @property
    def last_page(self) -> int:
        """The last page that can be shown (Elasticsearch pages through 10,000 hits at most)."""
        reachable = min(self.total, MAX_RESULT_WINDOW)
        return max(1, math.ceil(reachable / self.size))

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
        return self.params.with_page(self.page - 1).to_args() if self.page > 1 else None

    @property
    def next_args(self) -> Args | None:
        """URL parameters of the next page, None on the last."""
        if self.page >= self.last_page:
            return None
        return self.params.with_page(self.page + 1).to_args()

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
            links.append(
                PageLink(number, self.params.with_page(number).to_args(), number == self.page)
            )
        return links

    def to_dict(self) -> dict[str, Any]:
        """The API form of `/api/search` (the documented keys first; later ones were added)."""
        return {
            "total": self.total,
            "took_ms": self.took_ms,
            "page": self.page,
            "size": self.size,
            "hits": [hit.to_dict() for hit in self.hits],
            "facets": {
                name: [value.to_dict() for value in values] for name, values in self.facets.items()
            },
            "total_relation": self.total_relation,
            "sort": self.sort,
            "last_page": self.last_page,
            "next_cursor": self.next_cursor,
            "fuzzy": self.fuzzy,
            "did_you_mean": self.did_you_mean.q if self.did_you_mean else None,
            "query_filters": [f.to_dict() for f in self.field_filters],
            "timeline": self.timeline.to_dict() if self.timeline else None,
        }


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
    for bucket in _buckets(wrapper, name):
        counts.setdefault(str(bucket["key"]), int(bucket["doc_count"]))
    selected_counts = {str(b["key"]): int(b["doc_count"]) for b in _buckets(wrapper, "selected")}
    for value in params.filters.get(name, ()):
        counts.setdefault(value, selected_counts.get(value, 0))
    return tuple(
        FacetValue(
            value=value,
            count=count,
            selected=params.selected(name, value),
            toggle_args=params.toggled(name, value).to_args(),
        )
        for value, count in counts.items()
    )


def _has_more(name: str, aggregations: Mapping[str, Any]) -> bool:
    """Whether facet `name` has values beyond the buckets returned."""
    wrapper: Mapping[str, Any] = aggregations.get(f"_filter_{name}") or {}
    agg: Mapping[str, Any] = wrapper.get(name) or {}
    return int(agg.get("sum_other_doc_count") or 0) > 0


def _did_you_mean(response: Mapping[str, Any], params: SearchParams) -> DidYouMean | None:
    """The phrase suggester's correction applied to the query, None when there is none."""
    entries: Sequence[Mapping[str, Any]] = (response.get("suggest") or {}).get("did_you_mean") or ()
    options: Sequence[Mapping[str, Any]] = entries[0].get("options") or () if entries else ()
    if not options:
        return None
    q = corrected_query(params.q, params.parsed.words, str(options[0].get("text") or ""))
    if q is None:
        return None
    return DidYouMean(q, params.with_query(q).to_args())


def _buckets(wrapper: Mapping[str, Any], name: str) -> Sequence[Mapping[str, Any]]:
    """The buckets of sub-aggregation `name`, empty when absent."""
    agg: Mapping[str, Any] = wrapper.get(name) or {}
    buckets: Sequence[Mapping[str, Any]] = agg.get("buckets") or ()
    return buckets


def day(value: object) -> str | None:
    """A stored date as YYYY-MM-DD, None when missing or unreadable."""
    if isinstance(value, str) and _ISO_DAY.match(value):
        return value[:10]
    return None


def _text(value: object) -> str | None:
    """A stored string field, None when missing."""
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _strings(value: object) -> list[str]:
    """A stored keyword array (or single value) as a list of strings."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v is not None]
    return [str(value)]
