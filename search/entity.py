"""One entity's page: its canonical name, the forms it was seen under, and its company.

`entity_request` builds the Elasticsearch request (pure); `EntityView.from_response` shapes the
answer (pure); `run_entity` is the only function here that does I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from articles import ENTITY_FORM_SEP, ENTITY_TYPES
from search.query import MAX_VALUE_LENGTH, SearchParams

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch

# Forms listed per entity; a person rarely has more, and the tail is typos.
MAX_FORMS = 30
# Co-occurring entities shown per type.
RELATED_SIZE = 8
# A co-occurrence seen in a single article says nothing about the entity.
RELATED_MIN_ARTICLES = 2
# Characters with a meaning in Lucene's regular expressions (the terms `include` syntax).
_REGEX_SPECIAL = re.compile(r'([.?+*|{}\[\]()"\\#@&<>~])')


class UnknownEntityType(ValueError):
    """The URL names a type that is not one of the entity facets."""


def forms_pattern(kind: str, name: str) -> str:
    """The `include` pattern matching every `entity_forms` value of entity (kind, name)."""
    prefix = f"{kind}{ENTITY_FORM_SEP}{name}{ENTITY_FORM_SEP}"
    return _REGEX_SPECIAL.sub(r"\\\1", prefix) + ".*"


def entity_request(kind: str, name: str) -> dict[str, Any]:
    """The request for one entity's page: its articles' count, its forms, its company.

    Company is `significant_terms` per entity type: the values that are more common in this
    entity's articles than in the index as a whole, not merely the most common ones (which
    would be the same few countries for everyone).
    https://www.elastic.co/docs/reference/aggregations/search-aggregations-bucket-significantterms-aggregation
    """
    if kind not in ENTITY_TYPES:
        raise UnknownEntityType(kind)
    aggs: dict[str, Any] = {
        "forms": {
            "terms": {
                "field": "entity_forms",
                "include": forms_pattern(kind, name),
                "size": MAX_FORMS,
            }
        }
    }
    for other in ENTITY_TYPES:
        aggs[f"related_{other}"] = {
            "significant_terms": {
                "field": other,
                # One more, since the entity itself is always among its own type's values.
                "size": RELATED_SIZE + (other == kind),
                "min_doc_count": RELATED_MIN_ARTICLES,
            }
        }
    return {
        "size": 0,
        "track_total_hits": True,
        "query": {"bool": {"filter": [{"term": {kind: name}}]}},
        "aggs": aggs,
    }


@dataclass(frozen=True)
class Form:
    """A form the text used for the entity, and in how many articles."""

    form: str
    articles: int


@dataclass(frozen=True)
class Related:
    """An entity that co-occurs with this one unusually often."""

    type: str
    name: str
    articles: int
    score: float

    def to_dict(self) -> dict[str, Any]:
        """The API form."""
        return {"name": self.name, "articles": self.articles, "score": round(self.score, 4)}


@dataclass(frozen=True)
class EntityView:
    """What the entity page shows."""

    type: str
    name: str
    articles: int
    forms: tuple[Form, ...]
    related: Mapping[str, tuple[Related, ...]]

    @classmethod
    def from_response(cls, kind: str, name: str, body: Mapping[str, Any]) -> EntityView:
        """The view from the raw response to `entity_request(kind, name)`."""
        aggs: Mapping[str, Any] = body.get("aggregations") or {}
        prefix = f"{kind}{ENTITY_FORM_SEP}{name}{ENTITY_FORM_SEP}"
        forms = tuple(
            Form(str(b["key"])[len(prefix) :], int(b["doc_count"]))
            for b in _buckets(aggs, "forms")
            if str(b["key"]).startswith(prefix)
        )
        related: dict[str, tuple[Related, ...]] = {
            other: tuple(
                Related(other, str(b["key"]), int(b["doc_count"]), float(b.get("score", 0.0)))
                for b in _buckets(aggs, f"related_{other}")
                if not (other == kind and b["key"] == name)
            )[:RELATED_SIZE]
            for other in ENTITY_TYPES
        }
        total = body.get("hits", {}).get("total", {})
        count = int(total.get("value", 0)) if isinstance(total, Mapping) else int(total or 0)
        return cls(kind, name, count, forms, related)

    @property
    def search_args(self) -> dict[str, list[str]]:
        """URL parameters of the search filtered on this entity."""
        return SearchParams().toggled(self.type, self.name).to_args()

    def to_dict(self) -> dict[str, Any]:
        """The API form of `/api/entities/<type>/<name>`."""
        return {
            "type": self.type,
            "name": self.name,
            "articles": self.articles,
            "forms": [{"form": f.form, "articles": f.articles} for f in self.forms],
            "related": {
                other: [r.to_dict() for r in items] for other, items in self.related.items()
            },
        }


def _buckets(aggs: Mapping[str, Any], name: str) -> Sequence[Mapping[str, Any]]:
    agg: Mapping[str, Any] = aggs.get(name) or {}
    buckets: Sequence[Mapping[str, Any]] = agg.get("buckets") or ()
    return buckets


def run_entity(client: Elasticsearch, kind: str, name: str, index: str) -> EntityView | None:
    """The page of entity (kind, name) on `index`; None when no article is filed under it."""
    if not name or len(name) > MAX_VALUE_LENGTH:
        return None
    response = client.search(index=index, body=entity_request(kind, name))
    view = EntityView.from_response(kind, name, response.body)
    return view if view.articles else None


def entity_page(kind: str, name: str) -> EntityView:
    """The entity the request's URL names, for the page and the API; 404 when there is none."""
    from search.config import get_settings
    from search.errors import AppError
    from search.es import get_es

    if kind not in ENTITY_TYPES:
        raise AppError(404, "not_found", "no such entity type")
    view = run_entity(get_es(), kind, name, get_settings().index_alias)
    if view is None:
        raise AppError(404, "not_found", "no article is filed under this entity")
    return view
