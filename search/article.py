"""One stored article, fetched by id for the article page and `/api/articles/<id>`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from elasticsearch import Elasticsearch, NotFoundError

from articles import ENTITY_TYPES
from search.mentions import Segment, mark_mentions, mention_links
from search.query import SearchParams
from search.results import day

# Elasticsearch refuses ids longer than 512 bytes; such an id can only be "not found".
MAX_ID_BYTES = 512
RELATED_SIZE = 5


@dataclass(frozen=True)
class Related:
    """An article like this one (more_like_this), for the list under it."""

    id: str
    title: str
    published: str | None
    source: str | None

    def to_dict(self) -> dict[str, Any]:
        """The API form."""
        return {
            "id": self.id,
            "title": self.title,
            "published": self.published,
            "source": self.source,
        }


@dataclass(frozen=True)
class EntityLink:
    """An entity name with the URL parameters of a search filtered on it."""

    value: str
    search_args: dict[str, list[str]]


@dataclass(frozen=True)
class StoredArticle:
    """An article as stored, body included."""

    id: str
    title: str
    body: str
    url: str | None
    source: str | None
    section: str | None
    published: str | None
    language: str | None
    categories: tuple[str, ...]
    entities: Mapping[str, tuple[str, ...]]
    # Surface forms of each kind as written in the text ("Khamenei" for "Ali Khamenei").
    mentions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    related: tuple[Related, ...] = ()

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> StoredArticle:
        """An article from the JSON of a `get` (its `_id` and `_source`)."""
        source: Mapping[str, Any] = doc.get("_source") or {}

        def text(name: str) -> str | None:
            value = source.get(name)
            return None if value is None else str(value)

        def strings(name: str) -> tuple[str, ...]:
            value = source.get(name)
            if value is None:
                return ()
            return tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)

        return cls(
            id=str(doc["_id"]),
            title=text("title") or "",
            body=text("body") or "",
            url=text("url"),
            source=text("source"),
            section=text("section"),
            published=day(source.get("published")),
            language=text("language"),
            categories=strings("categories"),
            entities={kind: strings(kind) for kind in ENTITY_TYPES},
            mentions={kind: strings(f"{kind}_mentions") for kind in ENTITY_TYPES},
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
            kind: [EntityLink(name, SearchParams().toggled(kind, name).to_args()) for name in names]
            for kind, names in self.entities.items()
        }

    def to_dict(self) -> dict[str, Any]:
        """The API form of `/api/articles/<id>`."""
        return {
            "id": self.id,
            "title": self.title,
            "body": self.body,
            "url": self.url,
            "source": self.source,
            "section": self.section,
            "published": self.published,
            "language": self.language,
            "categories": list(self.categories),
            "entities": {kind: list(names) for kind, names in self.entities.items()},
            "related": [related.to_dict() for related in self.related],
        }


def fetch_article(client: Elasticsearch, article_id: str, index: str) -> StoredArticle | None:
    """The article stored under `article_id`, None if there is none.

    A missing *index* still raises NotFoundError: that is an engine problem, not a 404.
    """
    if not article_id or len(article_id.encode("utf-8")) > MAX_ID_BYTES:
        return None
    try:
        # The suggestion inputs are for the suggester only, and bulky.
        doc = client.get(index=index, id=article_id, source_excludes=["suggest"])
    except NotFoundError as exc:
        # A missing document answers `{"found": false, ...}`; a missing index answers an error.
        if isinstance(exc.body, Mapping) and exc.body.get("found") is False:
            return None
        raise
    article = StoredArticle.from_doc(doc.body)
    return replace(article, related=find_related(client, article.id, index))


def related_search(article_id: str) -> dict[str, Any]:
    """The request for articles like `article_id`: its distinctive words, in title or body."""
    return {
        "size": RELATED_SIZE,
        "_source": ["title", "published", "source"],
        "query": {
            "more_like_this": {
                "fields": ["title", "body"],
                "like": [{"_id": article_id}],
                # Short news items repeat few words; one use is enough to count.
                "min_term_freq": 1,
                # A word in a single article says nothing about likeness to another.
                "min_doc_freq": 2,
                "max_query_terms": 25,
                "minimum_should_match": "30%",
            }
        },
    }


def find_related(client: Elasticsearch, article_id: str, index: str) -> tuple[Related, ...]:
    """Up to RELATED_SIZE articles most like `article_id` (never itself)."""
    response = client.search(index=index, body=related_search(article_id)).body
    related = []
    for hit in (response.get("hits") or {}).get("hits") or ():
        source: Mapping[str, Any] = hit.get("_source") or {}
        related.append(
            Related(
                id=str(hit["_id"]),
                title=str(source.get("title") or ""),
                published=day(source.get("published")),
                source=str(source["source"]) if source.get("source") else None,
            )
        )
    return tuple(related)
