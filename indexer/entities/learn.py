"""The learned layer of the forms table: what the articles themselves say about names.

Each article contributes evidence: the full person names it resolved ("Ali Khamenei") and the
acronyms it spelled out ("National Iranian Oil Company (NIOC)"). Evidence is kept per article id,
so feeding the same articles again changes nothing, and the table derived from it depends only on
the set of articles seen, never on their order or on how many processes read them.

From the evidence: a surname maps to a full name when most articles that give a full name with
that surname give this one ("Rouhani" -> "Hassan Rouhani"); an acronym maps to the name it was
most often spelled out as. (Types are not voted on: NER's mistakes are systematic, "Rosatom" is
a person in most articles that name it, and a vote would spread them to every article.)
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from indexer.entities.canonical import is_acronym
from indexer.entities.forms_table import FormsTable, KnownEntity, curated_table, write_entries
from indexer.entities.found import Entities
from indexer.entities.normalize import NAME_PARTICLES, fold

# A surname is learned when at least this many articles give one full name for it, and that
# name is at least this share of the articles giving any full name with that surname. Below
# that the surname is ambiguous (two Larijanis, two Clintons) and stays as written.
MIN_ARTICLES = 3
MIN_SHARE = 0.75
# Acronyms are spelled out less often than names are written in full.
MIN_ACRONYM_ARTICLES = 2

Evidence = dict[str, list[list[str]]]


@dataclass(frozen=True)
class LearnReport:
    """What one update did: articles seen before and new, and the size of the learned table."""

    articles: int
    new_articles: int
    entries: int


def article_evidence(entities: Entities) -> Evidence:
    """What one article says about names: its full person names and its spelled-out acronyms."""
    people = sorted({name for name in entities.person if _full_name(name)})
    acronyms = sorted(
        {
            (form, name)
            for name, forms in entities.forms.get("organization", {}).items()
            for form in forms
            if form != name and is_acronym(form) and not is_acronym(name)
        }
    )
    return {"person": [[name] for name in people], "organization": [list(a) for a in acronyms]}


def _full_name(name: str) -> bool:
    """Whether a person value looks like a full name worth learning ("Hassan Rouhani").

    Two to four words, each capitalised but for particles ("Mohammed bin Salman"): spans NER
    mistook for people ("s al-Masirah", "Hormuz Peace Endeavor") mostly fail this.
    """
    words = name.split()
    return (
        2 <= len(words) <= 4
        and words[0][:1].isupper()
        and all(w[:1].isupper() or w.split("-")[0] in NAME_PARTICLES for w in words)
    )


def evidence_path(learned: Path) -> Path:
    """Where the evidence behind a learned table is kept: next to it."""
    return learned.with_name(learned.stem + ".evidence.json")


def read_evidence(path: Path) -> dict[str, Evidence]:
    """The evidence file's contents, by article id (empty when there is none yet)."""
    if not path.is_file():
        return {}
    data: dict[str, Evidence] = json.loads(path.read_text(encoding="utf-8"))
    return data


def derive_entries(evidence: Mapping[str, Evidence], curated: FormsTable) -> list[KnownEntity]:
    """The learned entries the evidence supports, in a stable order."""
    learned: dict[tuple[str, str], set[str]] = defaultdict(set)
    for surname, name in _dominant_surnames(evidence):
        learned[("person", name)].add(surname)
    for acronym, name in _dominant_acronyms(evidence):
        learned[("organization", name)].add(acronym)
    entries = []
    for (kind, name), forms in sorted(learned.items()):
        # Curation has the last word: forms it already assigns are not learned again.
        kept = sorted(f for f in forms if curated.lookup(kind, f) is None)
        if kept:
            entries.append(
                KnownEntity(f"learned:{kind}:{fold(name)}", kind, name, tuple(kept), "learned")  # type: ignore[arg-type]
            )
    return entries


def _dominant_surnames(evidence: Mapping[str, Evidence]) -> Iterable[tuple[str, str]]:
    """(surname, full name) pairs where one full name dominates its surname."""
    by_surname: dict[str, Counter[str]] = defaultdict(Counter)
    display: dict[str, str] = {}
    for record in evidence.values():
        for (name,) in record.get("person", []):
            words = name.split()
            if words[-1].casefold() in NAME_PARTICLES or len(fold(words[-1])) < 3:
                continue
            by_surname[fold(words[-1])][name] += 1
            display.setdefault(fold(words[-1]), words[-1])
    for key, counts in sorted(by_surname.items()):
        name, count = _top(counts)
        if count >= MIN_ARTICLES and count >= MIN_SHARE * sum(counts.values()):
            yield display[key], name


def _dominant_acronyms(evidence: Mapping[str, Evidence]) -> Iterable[tuple[str, str]]:
    """(acronym, name) pairs where one spelled-out name dominates the acronym."""
    by_acronym: dict[str, Counter[str]] = defaultdict(Counter)
    for record in evidence.values():
        for acronym, name in record.get("organization", []):
            by_acronym[acronym][name] += 1
    for acronym, counts in sorted(by_acronym.items()):
        name, count = _top(counts)
        if count >= MIN_ACRONYM_ARTICLES and count >= MIN_SHARE * sum(counts.values()):
            yield acronym, name


def _top(counts: Counter[str]) -> tuple[str, int]:
    """The most frequent key; ties go to the alphabetically first, so the result is stable."""
    return min(counts.items(), key=lambda item: (-item[1], item[0]))


def update_learned(learned: Path, new: Mapping[str, Evidence], curated: FormsTable) -> LearnReport:
    """Add (or replace) the evidence of these articles and rewrite the learned table."""
    path = evidence_path(learned)
    evidence = read_evidence(path)
    fresh = sum(1 for article_id in new if article_id not in evidence)
    evidence.update(new)
    entries = derive_entries(evidence, curated)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(evidence, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    partial.replace(path)
    write_entries(learned, entries)
    return LearnReport(articles=len(evidence), new_articles=fresh, entries=len(entries))


def learn_forms(found: Iterable[tuple[str, Entities]], learned: Path) -> LearnReport:
    """Learn from articles' entities, by document id, against the curated layer alone.

    Curated data only: what is learned must not depend on what was learned before, or running
    it again would drift.
    """
    evidence = {doc_id: article_evidence(entities) for doc_id, entities in found}
    return update_learned(learned, evidence, curated_table())
