"""The `news_entities` spaCy component: it finds the mentions, then writes resolved entities.

It runs inside `nlp.pipe`, so it runs in the worker processes along with NER, and it writes plain
lists to `doc._.news_entities` so that documents from other processes carry them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from spacy.language import Language
from spacy.tokens import Doc

from indexer.entities.canonical import Mention, Resolved, resolve
from indexer.entities.forms_table import CURATED_DIR, FormsTable, load_forms_table
from indexer.entities.found import Entities
from indexer.entities.gazetteer import places
from indexer.entities.known import KnownNames
from indexer.entities.repair import find_mentions

EXTENSION = "news_entities"
# The context cues of the article's forms ("in Yazd": a location), for learning.
CUES = "news_entity_cues"
for _name in (EXTENSION, CUES):
    if not Doc.has_extension(_name):
        # Plain lists of strings, so that docs from worker processes carry it (it is msgpack'd).
        Doc.set_extension(_name, default=None)

_NO_TABLE = FormsTable()


class EntityFinder:
    """The `news_entities` component: finds entity mentions, then writes resolved entities."""

    def __init__(self, table: FormsTable | None = None) -> None:
        self.table = table if table is not None else FormsTable()
        self.known = KnownNames(self.table)
        # Built now, with the model, rather than on the first article: worker processes then
        # inherit it instead of each building their own.
        places()

    def __call__(self, doc: Doc) -> Doc:
        """Resolve `doc`'s entities and store them on `doc._.news_entities`."""
        if self.known.table is not self.table:
            # A test swapped the table in: find its names, not the old one's.
            self.known = KnownNames(self.table)
        mentions = find_mentions(doc, self.table, self.known)
        resolved = resolve(mentions, self.table)
        setattr(doc._, EXTENSION, [[r.kind, r.name, list(r.forms)] for r in resolved])
        setattr(doc._, CUES, [list(cue) for cue in article_cues(mentions)])
        return doc


def article_cues(mentions: list[Mention]) -> list[tuple[str, str]]:
    """(form, type) for each form whose cues in the article all give one type."""
    cues: dict[str, set[str]] = {}
    for mention in mentions:
        if mention.cue is not None:
            cues.setdefault(mention.text, set()).add(mention.cue)
    return sorted((form, next(iter(kinds))) for form, kinds in cues.items() if len(kinds) == 1)


@Language.factory("news_entities", default_config={"forms_table": None, "curated": True})
def make_entity_finder(
    nlp: Language, name: str, forms_table: str | None, curated: bool
) -> EntityFinder:
    """The component with the forms table: curated entries (if `curated`) plus learned ones."""
    table = load_forms_table(
        curated_dir=CURATED_DIR if curated else None,
        learned=Path(forms_table) if forms_table else None,
    )
    return EntityFinder(table)


def entities_from_doc(doc: Doc) -> Entities:
    """The entities `news_entities` wrote on a processed document.

    A document from a pipeline without that component (a test's blank pipeline with a ruler)
    is resolved here, with no forms table.
    """
    stored: list[Any] | None = getattr(doc._, EXTENSION)
    if stored is None:
        mentions = find_mentions(doc, _NO_TABLE)
        return Entities.from_resolved(
            resolve(mentions, _NO_TABLE), cues=dict(article_cues(mentions))
        )
    cues = {form: kind for form, kind in getattr(doc._, CUES) or ()}
    return Entities.from_resolved(
        (Resolved(kind, name, tuple(forms)) for kind, name, forms in stored), cues=cues
    )


def add_entity_finder(
    nlp: Language,
    *,
    forms_table: Path | None = None,
    curated: bool = True,
    table: FormsTable | None = None,
) -> EntityFinder:
    """Add `news_entities` at the end of `nlp`; `table`, if given, replaces the files' table.

    Tests add it to a blank pipeline with an entity ruler and a table of their own.
    """
    config = {"forms_table": str(forms_table) if forms_table else None, "curated": curated}
    component = cast("EntityFinder", nlp.add_pipe("news_entities", config=config))
    if table is not None:
        component.table = table
    return component
