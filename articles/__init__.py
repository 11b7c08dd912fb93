"""The shared domain: the article record and the index schema both sides agree on."""

from articles.model import ENTITY_TYPES, Article, EntityType
from articles.schema import (
    FACETS,
    INDEX_ALIAS,
    ArticleDoc,
    concrete_index_name,
    index_body,
    index_pattern,
)

__all__ = [
    "ENTITY_TYPES",
    "FACETS",
    "INDEX_ALIAS",
    "Article",
    "ArticleDoc",
    "EntityType",
    "concrete_index_name",
    "index_body",
    "index_pattern",
]
