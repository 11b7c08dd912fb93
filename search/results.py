"""From a raw Elasticsearch response to the page the API and the UI show (pure)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from articles import ENTITY_TYPES, FACETS

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

    @classmethod
    def from_response(cls, response: Mapping[str, Any], params: SearchParams) -> SearchPage:
        """Wrap the raw JSON of a search built by `build_search(params, ...)`."""
        hits = response.get("hits") or {}
        total = hits.get("total") or 0
        aggregations = response.get("aggregations") or {}
        return cls(
            params=params,
            total=int(total["value"] if isinstance(total, Mapping) else total),
            took_ms=int(response.get("took") or 0),
            hits=tuple(Hit.from_hit(hit) for hit in hits.get("hits") or ()),
            facets={name: _facet_values(name, aggregations, params) for name in FACETS},
        )

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
        """The API form of `/api/search`."""
        return {
            "total": self.total,
            "took_ms": self.took_ms,
            "page": self.page,
            "size": self.size,
            "hits": [hit.to_dict() for hit in self.hits],
            "facets": {
                name: [value.to_dict() for value in values] for name, values in self.facets.items()
            },
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
