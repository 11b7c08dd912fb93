"""The article record passed between the indexer's steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

EntityType = Literal["person", "organization", "location"]

# Order matters: it is the order of facets in the API response and the UI sidebar.
ENTITY_TYPES: tuple[EntityType, ...] = ("person", "organization", "location")


@dataclass(frozen=True)
class Article:
    """One news article as read from an input, before entity extraction."""

    title: str
    body: str
    id: str | None = None
    published: date | None = None
    source: str | None = None
    section: str | None = None
    url: str | None = None
    language: str | None = None
    categories: tuple[str, ...] = field(default_factory=tuple)
