"""Scoring facet values against the hand-annotated gold set (tests/gold/GUIDELINES.md)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from articles import ENTITY_TYPES
from indexer.entities.normalize import fold

Predicted = Mapping[str, Mapping[str, Sequence[str]]]


@dataclass(frozen=True)
class GoldEntity:
    """One annotated entity of one article."""

    type: str
    name: str
    mentions: tuple[str, ...]

    def keys(self) -> frozenset[str]:
        """The match keys a facet value may have to name this entity."""
        return frozenset(fold(form) for form in (self.name, *self.mentions))

    def matches(self, value: str) -> bool:
        """Whether a facet value names this entity exactly (after folding)."""
        return fold(value) in self.keys()

    def matches_surname(self, value: str) -> bool:
        """Whether a value is the trailing words of one of this person's names.

        "Khamenei" names the person annotated as "Ayatollah Khamenei": it is the surname, and
        the pipeline drops titles by design.
        """
        key = fold(value)
        return (
            self.type == "person"
            and bool(key)
            and any(form.endswith(" " + key) for form in self.keys())
        )


@dataclass(frozen=True)
class GoldArticle:
    """The annotated entities of one article."""

    id: str
    entities: tuple[GoldEntity, ...]


def read_gold(path: Path) -> list[GoldArticle]:
    """The gold set's articles, in file order."""
    articles = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                entities = tuple(
                    GoldEntity(e["type"], e["name"], tuple(e["mentions"]))
                    for e in record["entities"]
                )
                articles.append(GoldArticle(record["id"], entities))
    return articles


@dataclass
class TypeScore:
    """Counts for one entity type; precision, recall and F1 derived from them."""

    values: int = 0
    correct_values: int = 0
    gold: int = 0
    found: int = 0

    @property
    def precision(self) -> float:
        return self.correct_values / self.values if self.values else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class TypeError_:
    """A facet value filed under one type that names an entity of another type."""

    article: str
    value: str
    filed_as: str
    is_a: str


@dataclass
class QualityReport:
    """Precision, recall and F1 per type, fragmentation and type errors over a gold set."""

    articles: int = 0
    scores: dict[str, TypeScore] = field(
        default_factory=lambda: {kind: TypeScore() for kind in ENTITY_TYPES}
    )
    # (type, canonical gold name) -> distinct facet values that named it anywhere.
    values_per_entity: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    type_errors: list[TypeError_] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def fragmentation(self) -> float:
        """Facet values per real entity found (1.0: one value each, everywhere)."""
        found = [values for values in self.values_per_entity.values() if values]
        return sum(len(v) for v in found) / len(found) if found else 1.0

    @property
    def places_as_people(self) -> list[TypeError_]:
        """Type errors that file a place (a country, a region, a city) as a person."""
        return [e for e in self.type_errors if e.filed_as == "person" and e.is_a == "location"]

    def fragmented(self) -> dict[str, list[str]]:
        """The gold entities that got more than one value, with those values."""
        return {
            f"{kind}: {name}": sorted(values)
            for (kind, name), values in sorted(self.values_per_entity.items())
            if len(values) > 1
        }

    def to_dict(self) -> dict[str, Any]:
        """The figures as JSON."""
        return {
            "articles": self.articles,
            "per_type": {
                kind: {
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                    "f1": round(s.f1, 4),
                    "values": s.values,
                    "correct_values": s.correct_values,
                    "gold": s.gold,
                    "found": s.found,
                }
                for kind, s in self.scores.items()
            },
            "fragmentation": round(self.fragmentation, 4),
            "fragmented": self.fragmented(),
            "type_errors": [vars(e) for e in self.type_errors],
            "places_as_people": len(self.places_as_people),
            "missing_articles": self.missing,
        }


def score(gold: Sequence[GoldArticle], predicted: Predicted) -> QualityReport:
    """Compare the facet values predicted per article id with the gold annotations."""
    report = QualityReport()
    for entity in (e for article in gold for e in article.entities):
        report.values_per_entity.setdefault((entity.type, entity.name), set())
    for article in gold:
        values = predicted.get(article.id)
        if values is None:
            report.missing.append(article.id)
            continue
        report.articles += 1
        _score_article(article, values, report)
    return report


def _score_article(
    article: GoldArticle, values: Mapping[str, Sequence[str]], report: QualityReport
) -> None:
    by_type: dict[str, list[GoldEntity]] = defaultdict(list)
    for entity in article.entities:
        by_type[entity.type].append(entity)
    for kind in ENTITY_TYPES:
        score = report.scores[kind]
        score.gold += len(by_type[kind])
        found: set[str] = set()
        for value in dict.fromkeys(values.get(kind, ())):
            score.values += 1
            named = [e for e in by_type[kind] if e.matches(value)] or [
                e for e in by_type[kind] if e.matches_surname(value)
            ]
            if named:
                score.correct_values += 1
                for entity in named:
                    found.add(entity.name)
                    report.values_per_entity[(kind, entity.name)].add(value)
                continue
            other = next(
                (
                    e
                    for e in article.entities
                    if e.type != kind and (e.matches(value) or e.matches_surname(value))
                ),
                None,
            )
            if other is not None:
                report.type_errors.append(TypeError_(article.id, value, kind, other.type))
        score.found += len(found)
