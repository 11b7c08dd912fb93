"""Turning an article and its entities into an Elasticsearch bulk action."""

from __future__ import annotations

import hashlib
from typing import Any

from articles import Article, suggest_entries
from indexer.entities import Entities


def document_id(article: Article) -> str:
    """A stable id: the record's own, else one derived from its URL, else from source and title.

    Loading the same input twice must overwrite rather than duplicate, so the id may depend
    only on the article's identity, never on load order or time.
    """
    if article.id:
        return article.id
    if article.url:
        identity = "url\x1f" + article.url.strip()
    else:
        title = " ".join(article.title.casefold().split())
        identity = f"title\x1f{(article.source or '').casefold()}\x1f{title}"
    return hashlib.sha1(identity.encode("utf-8")).hexdigest()[:20]


def to_action(article: Article, entities: Entities, *, index: str) -> dict[str, Any]:
    """The bulk `index` action for one article (overwrites a previous version with the same id)."""
    doc_id = document_id(article)
    source: dict[str, Any] = {
        "id": doc_id,
        "title": article.title,
        "body": article.body,
        "published": article.published.isoformat() if article.published else None,
        "source": article.source,
        "section": article.section,
        "url": article.url,
        "language": article.language,
        "categories": list(article.categories),
        **entities.by_type(),
        **entities.mentions_by_type(),
        # Which form stood for which entity, for the entity page's list of aliases.
        "entity_forms": entities.form_keys(),
        # The title for search as you type (encoding in articles/suggest.py); entity names are
        # suggested from the names index (indexer/names.py).
        "suggest": suggest_entries(article.title, article.published),
    }
    return {"_op_type": "index", "_index": index, "_id": doc_id, "_source": source}
