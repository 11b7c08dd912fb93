"""Curated names found in the text where NER found nothing: "IRNA reported", "on Twitter".

NER misses well-known names in some sentences ("Majlis", "ILNA", "Twitter") that the curated
layer of the forms table knows. A phrase matcher over the curated forms, exactly as written,
adds them as spans wherever no NER span overlaps them.
"""

from __future__ import annotations

import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from indexer.entities.forms_table import FormsTable

# The NER label a curated entry's type stands for.
_LABEL_OF = {"person": "PERSON", "organization": "ORG", "location": "GPE"}
# Forms this short ("IS", "AP") are ordinary words too often, in capitals or not.
_MIN_CHARS = 3

Span = tuple[int, int, str]


# NER's labels for numbers and amounts.
_NUMERIC = frozenset({"CARDINAL", "ORDINAL", "QUANTITY", "PERCENT", "MONEY", "DATE", "TIME"})


class KnownNames:
    """Finds the curated forms of a forms table in documents (case as written)."""

    def __init__(self, table: FormsTable) -> None:
        self.table = table
        self._matchers: dict[int, PhraseMatcher] = {}

    def _matcher(self, vocab: Vocab) -> PhraseMatcher:
        """One matcher per vocabulary (each worker process has its own)."""
        matcher = self._matchers.get(id(vocab))
        if matcher is None:
            matcher = PhraseMatcher(vocab, attr="ORTH")
            # Patterns split as the English tokenizer splits running text ("Al-Alam").
            make_doc = spacy.blank("en", vocab=vocab).make_doc
            for entry in self.table.entries:
                if entry.layer != "curated":
                    continue
                forms = [f for f in entry.all_forms() if len(f) >= _MIN_CHARS and _as_name(f)]
                if forms:
                    label = _LABEL_OF[entry.type]
                    matcher.add(label, [make_doc(form) for form in forms])
            self._matchers[id(vocab)] = matcher
        return matcher

    def spans(self, doc: Doc, taken: list[Span]) -> list[Span]:
        """Matches of curated forms that no span in `taken` overlaps, longest first."""
        busy = [False] * len(doc)
        for start, end, label in taken:
            if label in _NUMERIC:
                # "5" of "5+1 group", a cardinal to NER: numbers never hide a name.
                continue
            for index in range(start, end):
                busy[index] = True
        found: list[Span] = []
        matches = self._matcher(doc.vocab)(doc)
        for match_id, start, end in sorted(matches, key=lambda m: (m[1], -(m[2] - m[1]))):
            if any(busy[start:end]):
                continue
            found.append((start, end, doc.vocab.strings[match_id]))
            for index in range(start, end):
                busy[index] = True
        return found


def _as_name(form: str) -> bool:
    """Whether a form is written as a name: capitalised, or a number-led one ("5+1 group")."""
    return form[:1].isupper() or form[:1].isdigit()
