"""What the entity step found in one article: canonical names per type and their surface forms."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from articles import ENTITY_TYPES, EntityType, entity_form_key
from indexer.entities.canonical import Resolved


@dataclass(frozen=True)
class Entities:
    """The entities of one article: canonical names per type, and the forms the text used."""

    person: tuple[str, ...] = field(default_factory=tuple)
    organization: tuple[str, ...] = field(default_factory=tuple)
    location: tuple[str, ...] = field(default_factory=tuple)
    # Words to search by, per type: canonical names and surface forms ("Ali Khamenei",
    # "Ayatollah Khamenei", "Khamenei"), so any of them finds the article.
    mentions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Surface forms per canonical name, per type: what the entity page lists as its forms.
    forms: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    # The type the words around a form gave it in this article ("in Yazd"), for learning only.
    cues: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_resolved(
        cls, resolved: Iterable[Resolved], *, cues: Mapping[str, str] | None = None
    ) -> Entities:
        """Entities from resolved entities, in their order (with the article's cues)."""
        names: dict[EntityType, list[str]] = {kind: [] for kind in ENTITY_TYPES}
        forms: dict[str, dict[str, tuple[str, ...]]] = {}
        mentions: dict[str, list[str]] = {}
        for item in resolved:
            names[item.kind].append(item.name)
            forms.setdefault(item.kind, {})[item.name] = item.forms
            words = mentions.setdefault(item.kind, [])
            words.extend(w for w in (item.name, *item.forms) if w not in words)
        return cls(
            person=tuple(names["person"]),
            organization=tuple(names["organization"]),
            location=tuple(names["location"]),
            mentions={kind: tuple(words) for kind, words in mentions.items()},
            forms=forms,
            cues=dict(cues or {}),
        )

    def by_type(self) -> dict[str, list[str]]:
        """The values as a plain mapping, keyed by entity type."""
        return {name: list(getattr(self, name)) for name in ENTITY_TYPES}

    def mentions_by_type(self) -> dict[str, list[str]]:
        """The surface forms per type, keyed by the `<type>_mentions` field names."""
        return {f"{name}_mentions": list(self.mentions.get(name, ())) for name in ENTITY_TYPES}

    def form_keys(self) -> list[str]:
        """Every (type, name, surface form) as an `entity_forms` value (articles.schema)."""
        return [
            entity_form_key(kind, name, form)
            for kind in ENTITY_TYPES
            for name, forms in self.forms.get(kind, {}).items()
            for form in forms
        ]


def entity_record(doc_id: str, entities: Entities, *, forms: bool = False) -> dict[str, object]:
    """The JSON line `entities` prints for one article: its id and canonical names per type."""
    record: dict[str, object] = {"id": doc_id, **entities.by_type()}
    if forms:
        record["forms"] = {kind: dict(names) for kind, names in entities.forms.items()}
    return record
