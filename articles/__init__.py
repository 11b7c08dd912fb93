"""The shared domain: the article record and the index schema both sides agree on."""

from articles.model import ENTITY_TYPES, Article, EntityType
from articles.schema import (
    ENTITY_ALIAS_SEP,
    FACETS,
    INDEX_ALIAS,
    ArticleDoc,
    concrete_index_name,
    entity_alias_key,
    index_body,
    index_pattern,
)
from articles.suggest import SUGGEST_KINDS, SuggestKind, name_of, suggest_entries

__all__ = [
    "ENTITY_ALIAS_SEP",
    "ENTITY_TYPES",
    "FACETS",
    "INDEX_ALIAS",
    "SUGGEST_KINDS",
    "Article",
    "ArticleDoc",
    "EntityType",
    "SuggestKind",
    "concrete_index_name",
    "entity_alias_key",
    "index_body",
    "index_pattern",
    "name_of",
    "suggest_entries",
]
