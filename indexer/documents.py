"""Step 3, build: the one place an article, its entities and its provenance become a document.

`to_action` builds the complete bulk action once; nothing rewrites it afterwards. The provenance
comes from whoever knows it: the change tracker for a load (`indexer.load.changes`), the stored
document for a reindex (`indexer.index.reindex`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from articles import ENTITY_TYPES, Article, suggest_entries
from articles.limits import MAX_ENTITIES_PER_TYPE, MAX_ENTITY_CHARS, MAX_FORMS_PER_ENTITY
from indexer.entities.found import Entities
from indexer.formats.dates import parse_date_text


@dataclass(frozen=True)
class Provenance:
    """Where a document came from and how a later run recognises it: the change-tracking fields."""

    # The document's id: the article's own, or that of the stored twin it replaces.
    doc_id: str
    content_hash: str
    duplicate_keys: tuple[str, ...]
    # The input (path or URL) the article was read from; what `--prune` looks for.
    origin: str | None
    # When the article was written by a load (kept as it was by a reindex).
    ingested_at: str | None


def to_action(
    article: Article, entities: Entities, provenance: Provenance, *, index: str
) -> dict[str, Any]:
    """The bulk `index` action for one article (overwrites a previous version with the same id)."""
    entities = bounded(entities)
    source: dict[str, Any] = {
        "id": provenance.doc_id,
        **article_fields(article),
        **entities.by_type(),
        **entities.mentions_by_type(),
        # Which form stood for which entity, for the entity page's list of forms.
        "entity_forms": entities.form_keys(),
        # The title for search as you type (encoding in articles/suggest.py); entity names are
        # suggested from the names index (indexer/index/names.py).
        "suggest": suggest_entries(article.title, article.published),
        "content_hash": provenance.content_hash,
        "origin": provenance.origin,
        "ingested_at": provenance.ingested_at,
        "duplicate_keys": list(provenance.duplicate_keys),
    }
    return {"_op_type": "index", "_index": index, "_id": provenance.doc_id, "_source": source}


def bounded(entities: Entities) -> Entities:
    """The entities a document may carry (articles/limits.py): the first names of each type,
    the first forms of each name, none longer than a name can be."""
    names: dict[str, tuple[str, ...]] = {}
    forms: dict[str, dict[str, tuple[str, ...]]] = {}
    mentions: dict[str, tuple[str, ...]] = {}
    for kind in ENTITY_TYPES:
        kept = [n for n in getattr(entities, kind) if len(n) <= MAX_ENTITY_CHARS]
        names[kind] = tuple(kept[:MAX_ENTITIES_PER_TYPE])
        known = set(names[kind])
        forms[kind] = {
            name: tuple(f for f in given if len(f) <= MAX_ENTITY_CHARS)[:MAX_FORMS_PER_ENTITY]
            for name, given in entities.forms.get(kind, {}).items()
            if name in known
        }
        # Searchable words go with their entities: none of a name or form left out above.
        allowed = set(names[kind]).union(*forms[kind].values())
        dropped = set(getattr(entities, kind)).union(*entities.forms.get(kind, {}).values())
        dropped -= allowed
        mentions[kind] = tuple(
            w
            for w in entities.mentions.get(kind, ())
            if w not in dropped and len(w) <= MAX_ENTITY_CHARS
        )
    return Entities(
        person=names["person"],
        organization=names["organization"],
        location=names["location"],
        mentions=mentions,
        forms=forms,
    )


def article_fields(article: Article) -> dict[str, Any]:
    """The article's own fields as a document stores them (and a JSON Lines input reads them)."""
    return {
        "title": article.title,
        "body": article.body,
        "published": article.published.isoformat() if article.published else None,
        "source": article.source,
        "section": article.section,
        "url": article.url,
        "language": article.language,
        "categories": list(article.categories),
    }


def stored_article(doc_id: str, source: Mapping[str, Any]) -> Article:
    """The article a stored document was built from: `article_fields` read back."""
    published = source.get("published")
    return Article(
        id=doc_id,
        title=source.get("title") or "",
        body=source.get("body") or "",
        published=parse_date_text(published) if isinstance(published, str) else None,
        source=source.get("source"),
        section=source.get("section"),
        url=source.get("url"),
        language=source.get("language"),
        categories=tuple(source.get("categories") or ()),
    )
