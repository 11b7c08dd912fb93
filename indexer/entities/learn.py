"""The learned layer of the forms table: what the articles themselves say about names.

Each article contributes evidence: the full person names it resolved ("Ali Khamenei"), the
acronyms it spelled out ("National Iranian Oil Company (NIOC)") and the type it gave each form.
Evidence is kept per article id with the article's content hash, so feeding the same articles
again changes nothing and costs no NER, and the table derived from it depends only on the set
of articles seen, never on their order or on how many processes read them.

From the evidence:
- a surname maps to a full name when most articles that give a full name with that surname
  give this one ("Rouhani" -> "Hassan Rouhani");
- an acronym maps to the name it was most often spelled out as, and the entity is named by
  whichever of the two more articles use ("CNN", but "National Iranian Oil Company");
- a form gets the type most articles give it (a vote), where that majority is clear: NER's
  slips on a name are mostly local ("Rosatom" a person here, "Trump" an organisation in
  "Trump administration" there), while the article-level rules (head words, acronyms, full
  names) are right in most of the articles that name it;
- given names are the first words of many different full names ("Mohammad", "Abbas"): span
  repair splits a person's name off an organisation or a place where one starts.

Learning reads the articles through the curated layer only, so what is learned never depends on
what was learned before; it reads no labels (it is unsupervised).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from articles import ENTITY_TYPES, EntityType
from indexer.entities.canonical import is_acronym
from indexer.entities.forms_table import (
    CURATED_DIR,
    VOTE_PREFIX,
    FormsTable,
    KnownEntity,
    curated_table,
    write_entries,
)
from indexer.entities.found import Entities
from indexer.entities.gazetteer import find_place, is_demonym
from indexer.entities.normalize import NAME_PARTICLES, TITLES, fold, title_key

# A surname is learned when at least this many articles give one full name for it, and that
# name is at least this share of the articles giving any full name with that surname. Below
# that the surname is ambiguous (two Larijanis, two Clintons) and stays as written.
MIN_ARTICLES = 3
MIN_SHARE = 0.75
# Acronyms are spelled out less often than names are written in full.
MIN_ACRONYM_ARTICLES = 2
# A type vote by cues needs this many articles with a cue for the form, this share agreeing;
# one by the types articles gave the form needs more, since NER's slips repeat.
MIN_CUE_ARTICLES = 2
MIN_CUE_SHARE = 0.75
MIN_VOTE_ARTICLES = 10
MIN_VOTE_SHARE = 0.9
# Cues must also come from this share of the articles that type the form at all: two odd cues
# ("in Saddam era") do not outvote the 248 articles that make Saddam a person.
MIN_CUE_COVER = 0.1
# A given name opens at least this many different full names.
MIN_GIVEN_NAMES = 3

Evidence = dict[str, Any]


@dataclass(frozen=True)
class LearnReport:
    """What one update did: articles seen before and new, and the size of the learned table."""

    articles: int
    new_articles: int
    entries: int


def rules_version(curated_dir: Path = CURATED_DIR) -> str:
    """A fingerprint of what turns an article into evidence: the entity rules and curated data.

    Evidence gathered under other rules is gathered again: the table must be what these rules
    would learn from these articles.
    """
    digest = hashlib.sha1()
    package = Path(__file__).parent
    for path in [*sorted(package.glob("*.py")), *sorted(curated_dir.glob("*.entities"))]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def article_evidence(entities: Entities, content_hash: str = "") -> Evidence:
    """What one article says about names: full person names, spelled-out acronyms, types."""
    people = sorted({name for name in entities.person if _full_name(name)})
    acronyms = sorted(
        {
            (form, name)
            for name, forms in entities.forms.get("organization", {}).items()
            for form in forms
            if form != name and is_acronym(form) and not is_acronym(name)
        }
    )
    return {
        "hash": content_hash,
        "person": [[name] for name in people],
        "organization": [list(a) for a in acronyms],
        "types": _article_types(entities),
        "cues": sorted([form, kind] for form, kind in entities.cues.items()),
    }


def _article_types(entities: Entities) -> list[list[str]]:
    """(form, type) for every form the article gave one type only."""
    kinds: dict[str, set[str]] = defaultdict(set)
    shown: dict[str, str] = {}
    for kind in ENTITY_TYPES:
        for name, forms in entities.forms.get(kind, {}).items():
            for form in (name, *forms):
                key = fold(form)
                kinds[key].add(kind)
                shown.setdefault(key, form)
    return sorted([shown[key], next(iter(k))] for key, k in kinds.items() if len(k) == 1)


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


def read_evidence(path: Path, version: str | None = None) -> dict[str, Evidence]:
    """The evidence file's articles, by id: empty when there is none, or it is of other rules."""
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    if "articles" not in data or (version is not None and data.get("version") != version):
        return {}
    articles: dict[str, Evidence] = data["articles"]
    return articles


def derive_entries(evidence: Mapping[str, Evidence], curated: FormsTable) -> list[KnownEntity]:
    """The learned entries the evidence supports, in a stable order."""
    learned: dict[tuple[str, str], set[str]] = defaultdict(set)
    for surname, name in _dominant_surnames(evidence):
        learned[("person", name)].add(surname)
    used = _articles_per_form(evidence)
    for acronym, name in _dominant_acronyms(evidence):
        # The entity is named as most articles name it: "CNN" rather than "Cable News
        # Network", but "National Iranian Oil Company" rather than "NIOC".
        if used.get(fold(acronym), 0) > used.get(fold(name), 0):
            learned[("organization", acronym)].add(name)
        else:
            learned[("organization", name)].add(acronym)
    entries = []
    for (kind, name), forms in sorted(learned.items()):
        # Curation has the last word: forms it already assigns are not learned again.
        kept = sorted(f for f in forms if curated.lookup(kind, f) is None)
        if kept:
            entries.append(
                KnownEntity(f"learned:{kind}:{fold(name)}", kind, name, tuple(kept), "learned")  # type: ignore[arg-type]
            )
    for form, kind in _type_votes(evidence, curated):
        entries.append(KnownEntity(f"{VOTE_PREFIX}{fold(form)}", kind, form, (), "learned"))
    return entries


def _dominant_surnames(evidence: Mapping[str, Evidence]) -> Iterable[tuple[str, str]]:
    """(surname, full name) pairs where one full name dominates its surname."""
    # Full names are counted by match key, so spellings that fold alike ("Es'haq Jahangiri",
    # "Eshaq Jahangiri") are one name, shown as most articles write it.
    by_surname: dict[str, Counter[str]] = defaultdict(Counter)
    written: dict[str, Counter[str]] = defaultdict(Counter)
    display: dict[str, str] = {}
    for record in evidence.values():
        for (name,) in record.get("person", []):
            words = name.split()
            if words[-1].casefold() in NAME_PARTICLES or len(fold(words[-1])) < 3:
                continue
            by_surname[fold(words[-1])][fold(name)] += 1
            written[fold(name)][name] += 1
            display.setdefault(fold(words[-1]), words[-1])
    for key, counts in sorted(by_surname.items()):
        name, count = _top(counts)
        if count >= MIN_ARTICLES and count >= MIN_SHARE * sum(counts.values()):
            yield display[key], _top(written[name])[0]


def _articles_per_form(evidence: Mapping[str, Evidence]) -> Counter[str]:
    """How many articles use each form (by match key), whatever its type."""
    used: Counter[str] = Counter()
    for record in evidence.values():
        used.update({fold(form) for form, _ in record.get("types", [])})
    return used


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


def _type_votes(
    evidence: Mapping[str, Evidence], curated: FormsTable
) -> Iterable[tuple[str, EntityType]]:
    """(form, type) where the articles clearly agree; curated forms are left out.

    Cues are counted first ("in Yazd" in most articles that have a cue for it); where no cue
    decides, the types the articles ended up with, when they differ but a large majority
    agrees ("Trump", an organisation only in "Trump administration").
    """
    cues = _tally(evidence, "cues")
    types = _tally(evidence, "types")
    for key in sorted(cues.keys() | types.keys()):
        decided = _majority(cues.get(key), MIN_CUE_ARTICLES, MIN_CUE_SHARE)
        typed = sum(types[key][0].values()) if key in types else 0
        if decided is not None and sum(cues[key][0].values()) < MIN_CUE_COVER * typed:
            decided = None
        if decided is None:
            counts = types.get(key)
            if counts is None or len(counts[0]) < 2:
                # A form every article types alike gains nothing from a vote.
                continue
            decided = _majority(counts, MIN_VOTE_ARTICLES, MIN_VOTE_SHARE)
        if decided is None or curated.curated(decided[0]) or curated.ignored(decided[0]):
            continue
        yield decided


Tally = tuple[Counter[str], Counter[str]]


def _tally(evidence: Mapping[str, Evidence], field: str) -> dict[str, Tally]:
    """Per form key: how many articles gave each type, and each written form."""
    tallies: dict[str, Tally] = {}
    for record in evidence.values():
        for form, kind in record.get(field, []):
            kinds, shown = tallies.setdefault(fold(form), (Counter(), Counter()))
            kinds[kind] += 1
            shown[form] += 1
    return tallies


def _majority(
    tally: Tally | None, min_articles: int, min_share: float
) -> tuple[str, EntityType] | None:
    """(form, type) if one type has at least `min_articles` and `min_share` of the articles."""
    if tally is None:
        return None
    kinds, shown = tally
    kind, count = _top(kinds)
    if count < min_articles or count < min_share * sum(kinds.values()):
        return None
    return _top(shown)[0], kind  # type: ignore[return-value]


def derive_given_names(evidence: Mapping[str, Evidence]) -> list[str]:
    """Words that open at least MIN_GIVEN_NAMES different full names (not places, not titles).

    A word that opens as many names of bodies and places as of people is no given name: "Red"
    opens "Red Crescent", "Red Sea" and "Red Cross" more often than anyone's name.
    """
    names: dict[str, set[str]] = defaultdict(set)
    others: dict[str, set[str]] = defaultdict(set)
    shown: dict[str, str] = {}
    for record in evidence.values():
        for (name,) in record.get("person", []):
            first = name.split()[0]
            key = fold(first)
            if len(key) < 3 or title_key(first) in TITLES or key in NAME_PARTICLES:
                continue
            names[key].add(fold(name))
            shown.setdefault(key, first)
        for form, kind in record.get("types", []):
            words = fold(form).split()
            if kind != "person" and len(words) > 1:
                others[words[0]].add(" ".join(words))
    return sorted(
        shown[key]
        for key, full in names.items()
        if len(full) >= MIN_GIVEN_NAMES
        and len(full) > len(others.get(key, ()))
        and find_place(shown[key]) is None
        and not is_demonym(shown[key])
    )


def _top(counts: Counter[str]) -> tuple[str, int]:
    """The most frequent key; ties go to the alphabetically first, so the result is stable."""
    return min(counts.items(), key=lambda item: (-item[1], item[0]))


def update_learned(
    learned: Path,
    new: Mapping[str, Evidence],
    curated: FormsTable,
    *,
    version: str | None = None,
) -> LearnReport:
    """Add (or replace) the evidence of these articles and rewrite the learned table."""
    version = version if version is not None else rules_version()
    path = evidence_path(learned)
    evidence = read_evidence(path, version)
    fresh = sum(1 for article_id in new if article_id not in evidence)
    if learned.is_file() and all(evidence.get(i) == record for i, record in new.items()):
        # Nothing new: the table stands as it is (and keeps its modification time).
        return LearnReport(len(evidence), 0, _count_entries(learned))
    evidence.update(new)
    entries = derive_entries(evidence, curated)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    data = {"version": version, "articles": evidence}
    partial.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    partial.replace(path)
    write_entries(learned, entries, given_names=derive_given_names(evidence))
    return LearnReport(articles=len(evidence), new_articles=fresh, entries=len(entries))


def _count_entries(learned: Path) -> int:
    """How many entries a learned table holds (its given-names line aside)."""
    with learned.open(encoding="utf-8") as handle:
        return sum(1 for line in handle if line.strip() and '"given-names"' not in line)


def known_hashes(learned: Path) -> dict[str, str]:
    """The content hash of every article the learned layer has evidence of, by id.

    Evidence of other rules counts as none: every article is read again.
    """
    return {
        doc_id: str(record.get("hash", ""))
        for doc_id, record in read_evidence(evidence_path(learned), rules_version()).items()
    }


def learn_forms(
    found: Iterable[tuple[str, Entities]],
    learned: Path,
    hashes: Mapping[str, str] | None = None,
) -> LearnReport:
    """Learn from articles' entities, by document id, against the curated layer alone.

    Curated data only: what is learned must not depend on what was learned before, or running
    it again would drift. `hashes` gives each article's content hash, so that an unchanged
    article is not read again next time.
    """
    hashes = hashes or {}
    evidence = {
        doc_id: article_evidence(entities, hashes.get(doc_id, "")) for doc_id, entities in found
    }
    return update_learned(learned, evidence, curated_table())
