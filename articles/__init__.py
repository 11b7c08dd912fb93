"""The shared domain: the article record and the index schema both sides agree on."""

from articles.model import ENTITY_TYPES, Article, EntityType
from articles.schema import (
    ENTITY_FORM_SEP,
    FACETS,
    INDEX_ALIAS,
    ArticleDoc,
    NameDoc,
    concrete_index_name,
    data_aliases,
    entity_form_key,
    index_body,
    index_pattern,
    names_alias,
    names_index_body,
)
from articles.suggest import (
    SUGGEST_KINDS,
    SuggestKind,
    name_id,
    name_of,
    name_source,
    suggest_entries,
)

__all__ = [
    "ENTITY_FORM_SEP",
    "ENTITY_TYPES",
    "FACETS",
    "INDEX_ALIAS",
    "SUGGEST_KINDS",
    "Article",
    "ArticleDoc",
    "EntityType",
    "NameDoc",
    "SuggestKind",
    "concrete_index_name",
    "data_aliases",
    "entity_form_key",
    "index_body",
    "index_pattern",
    "name_id",
    "name_of",
    "name_source",
    "names_alias",
    "names_index_body",
    "suggest_entries",
]
