"""One entity's page: its canonical name, the forms it was seen under, and its company (pure).

`build_entity` builds the Elasticsearch request; `EntityView.from_response` shapes the answer.
Sending it is search/pages.py's job.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, cast

from pydantic import Field

from articles import ENTITY_FORM_SEP, ENTITY_TYPES, EntityType
from search.models import ApiModel, Args, keyed_by
from search.params import filter_args
from search.results import buckets
from search.syntax import lucene_regex_escape

# Forms listed per entity; a person rarely has more, and the tail is typos.
MAX_FORMS = 30
# Co-occurring entities shown per type.
RELATED_SIZE = 8
# A co-occurrence seen in a single article says nothing about the entity.
RELATED_MIN_ARTICLES = 2


class UnknownEntityType(ValueError):
    """The URL names a type that is not one of the entity facets."""


def forms_pattern(kind: str, name: str) -> str:
    """The `include` pattern matching every `entity_forms` value of entity (kind, name)."""
    prefix = f"{kind}{ENTITY_FORM_SEP}{name}{ENTITY_FORM_SEP}"
    return lucene_regex_escape(prefix) + ".*"


def build_entity(kind: str, name: str) -> dict[str, Any]:
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
                # Dropped on the shard before the background frequency of each candidate is
                # looked up: for Iran at a million articles (523k of them) the candidates are
                # most of the 700k names, and that lookup took 6.5 s of the page's 8.2 s (1.9 s
                # with this). On one shard the answer is the same.
                "shard_min_doc_count": RELATED_MIN_ARTICLES,
            }
        }
    return {
        "size": 0,
        "track_total_hits": True,
        "query": {"bool": {"filter": [{"term": {kind: name}}]}},
        "aggs": aggs,
    }


class Form(ApiModel):
    """A form the text used for the entity, and in how many articles."""

    form: str
    articles: int = Field(ge=1)


class RelatedEntity(ApiModel):
    """An entity that co-occurs with this one unusually often."""

    name: str
    articles: int = Field(ge=1)
    # Significance, rounded: more digits only say the same thing longer.
    score: float


class EntityView(ApiModel):
    """What the entity page shows: `/api/entities/<type>/<name>`."""

    type: EntityType
    name: str
    articles: int = Field(ge=1)
    forms: tuple[Form, ...] = Field(
        description="Forms the articles used for it, most frequent first"
    )
    related: Annotated[
        dict[str, tuple[RelatedEntity, ...]],
        keyed_by(
            ENTITY_TYPES,
            description=(
                "Per type, entities unusually frequent in its articles "
                "(significant terms), most significant first"
            ),
        ),
    ]

    @classmethod
    def from_response(cls, kind: str, name: str, body: Mapping[str, Any]) -> EntityView:
        """The view from the raw response to `build_entity(kind, name)`."""
        aggs: Mapping[str, Any] = body.get("aggregations") or {}
        prefix = f"{kind}{ENTITY_FORM_SEP}{name}{ENTITY_FORM_SEP}"
        forms = tuple(
            Form(form=str(b["key"])[len(prefix) :], articles=int(b["doc_count"]))
            for b in buckets(aggs, "forms")
            if str(b["key"]).startswith(prefix)
        )
        related: dict[str, tuple[RelatedEntity, ...]] = {
            other: tuple(
                RelatedEntity(
                    name=str(b["key"]),
                    articles=int(b["doc_count"]),
                    score=round(float(b.get("score", 0.0)), 4),
                )
                for b in buckets(aggs, f"related_{other}")
                if not (other == kind and b["key"] == name)
            )[:RELATED_SIZE]
            for other in ENTITY_TYPES
        }
        total = body.get("hits", {}).get("total", {})
        count = int(total.get("value", 0)) if isinstance(total, Mapping) else int(total or 0)
        # Not validated: an entity without articles (0) is only ever a 404, never an answer.
        return cls.model_construct(
            type=cast("EntityType", kind), name=name, articles=count, forms=forms, related=related
        )

    @property
    def search_args(self) -> Args:
        """URL parameters of the search filtered on this entity."""
        return filter_args(self.type, self.name)
