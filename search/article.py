"""One stored article: the request for articles like it, and its shape for the page and API (pure).

Fetching both is search/pages.py's job.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import Field
from pydantic.json_schema import SkipJsonSchema

from articles import ENTITY_TYPES
from search.limits import MAX_BODY_CHARS, MAX_TITLE_CHARS, capped
from search.mentions import Segment, mark_mentions, mention_links
from search.models import ApiModel, Args, Day, Entities
from search.params import filter_args
from search.results import day, strings, text

# Elasticsearch refuses ids longer than 512 bytes; such an id can only be "not found".
MAX_ID_BYTES = 512
RELATED_SIZE = 5


class RelatedArticle(ApiModel):
    """An article like this one (more_like_this), for the list under it."""

    id: str
    title: str
    published: Day
    source: str | None

    @classmethod
    def from_hit(cls, hit: Mapping[str, Any]) -> RelatedArticle:
        """One hit of the request built by `build_related`."""
        source: Mapping[str, Any] = hit.get("_source") or {}
        return cls(
            id=str(hit["_id"]),
            title=capped(str(source.get("title") or ""), MAX_TITLE_CHARS),
            published=day(source.get("published")),
            source=str(source["source"]) if source.get("source") else None,
        )


@dataclass(frozen=True)
class EntityLink:
    """An entity name with the URL parameters of a search filtered on it."""

    value: str
    search_args: Args


class StoredArticle(ApiModel):
    """An article as stored, body included."""

    id: str
    title: str
    body: str
    url: str | None
    source: str | None
    section: str | None
    published: Day
    language: str | None
    categories: tuple[str, ...]
    entities: Entities
    related: tuple[RelatedArticle, ...] = Field(
        (), description="Articles most like this one (more_like_this)"
    )
    # Surface forms of each kind as written in the text ("Khamenei" for "Ali Khamenei").
    mentions: SkipJsonSchema[dict[str, tuple[str, ...]]] = Field(
        default_factory=dict, exclude=True, repr=False
    )

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> StoredArticle:
        """An article from the JSON of a `get` (its `_id` and `_source`)."""
        source: Mapping[str, Any] = doc.get("_source") or {}
        return cls(
            id=str(doc["_id"]),
            title=capped(text(source.get("title")) or "", MAX_TITLE_CHARS),
            body=capped(text(source.get("body")) or "", MAX_BODY_CHARS),
            url=text(source.get("url")),
            source=text(source.get("source")),
            section=text(source.get("section")),
            published=day(source.get("published")),
            language=text(source.get("language")),
            categories=tuple(strings(source.get("categories"))),
            entities={kind: strings(source.get(kind)) for kind in ENTITY_TYPES},
            mentions={
                kind: tuple(strings(source.get(f"{kind}_mentions"))) for kind in ENTITY_TYPES
            },
        )

    @property
    def web_url(self) -> str | None:
        """The original's URL if it is safe to link to (http or https only, never `javascript:`)."""
        if self.url and self.url.lower().startswith(("http://", "https://")):
            return self.url
        return None

    @property
    def paragraphs(self) -> list[str]:
        """The body split on blank lines."""
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]

    def marked_paragraphs(self) -> list[list[Segment]]:
        """The paragraphs with every entity mention cut out as a link to its search."""
        links = mention_links(self.entities, self.mentions)
        return [mark_mentions(paragraph, links) for paragraph in self.paragraphs]

    def entity_links(self) -> dict[str, list[EntityLink]]:
        """Each entity with the arguments of a search filtered on it, per entity type."""
        return {
            kind: [EntityLink(name, filter_args(kind, name)) for name in names]
            for kind, names in self.entities.items()
        }


def build_related(article: StoredArticle) -> dict[str, Any]:
    """The request for articles like `article`: its distinctive words, in title or body.

    The article is given as served (capped), not by id: by id the engine would analyse the
    whole stored body again on every view, however large.
    """
    like = {"doc": {"title": article.title, "body": article.body}}
    return {
        "size": RELATED_SIZE,
        "_source": ["title", "published", "source"],
        "query": {
            "bool": {
                "must": [_more_like_this(like)],
                # By id the article itself is left out; as a document it must be excluded.
                "must_not": [{"ids": {"values": [article.id]}}],
            }
        },
    }


def _more_like_this(like: dict[str, Any]) -> dict[str, Any]:
    return {
        "more_like_this": {
            "fields": ["title", "body"],
            "like": [like],
            # Short news items repeat few words; one use is enough to count.
            "min_term_freq": 1,
            # A word in a single article says nothing about likeness to another.
            "min_doc_freq": 2,
            "max_query_terms": 25,
            "minimum_should_match": "30%",
        }
    }
