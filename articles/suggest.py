"""What the `suggest` completion fields hold: titles and entity names, each tagged with its kind.

Titles live on the articles themselves (one entry per article). Entity names live in a small
index of their own, one document per entity weighted by how many articles it is on
(schema.names_alias; the indexer syncs it after each load): written into every article that
mentions them, as they once were, the same names were indexed tens of thousands of times over,
which made completion inputs most of the bulk-loading cost and gave every name the same weight.

The indexer writes these inputs and the search side reads them back, so the encoding lives here,
in the one module both sides import.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any, Literal

from articles.model import ENTITY_TYPES, EntityType

SuggestKind = Literal["title", "person", "organization", "location"]
SUGGEST_KINDS: tuple[SuggestKind, ...] = ("title", *ENTITY_TYPES)

# A completion input only matches from its start. So that "khamenei" finds "Ali Khamenei", a
# name also gets one input per later word, written "Khamenei → Ali Khamenei": the suggester
# returns the input it matched, and the whole name is what follows the joiner. (The arrow is
# dropped by the analyzer, so typing "khamenei ali" still matches.)
NAME_JOINER = " → "
# Longest input kept by the engine (`max_input_length` of the field), in characters.
MAX_INPUT_LENGTH = 100
# Titles are matched from each of their first words, each input cut to a few words: nobody types
# more than that into a search box before picking a suggestion.
TITLE_STARTS = 8
TITLE_WORDS = 6
NAME_STARTS = 4

# Words a reader never starts typing a title or a name with.
_PARTICLES = "a al an and as at bin by de del der di el for from in is la le of on or the to van"
_SKIPPED_STARTS = frozenset([*_PARTICLES.split(), "von", "with"])
# The completion field rejects these code points (it uses them internally); other controls
# only add noise.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def clean_input(text: str) -> str:
    """`text` on one line, without control characters, cut to what the engine keeps."""
    return " ".join(_CONTROLS.sub(" ", text).split())[:MAX_INPUT_LENGTH].strip()


def _starts(words: Sequence[str], limit: int) -> list[int]:
    """Positions of the later words an input may start from (no particles, no punctuation)."""
    found = [
        i
        for i, word in enumerate(words)
        if i > 0 and len(word) > 2 and word[0].isalnum() and word.lower() not in _SKIPPED_STARTS
    ]
    return found[:limit]


def title_inputs(title: str) -> list[str]:
    """The title, then the title from each of its first significant words on."""
    words = clean_input(title).split()
    if not words:
        return []
    inputs = [" ".join(words)]
    inputs += [" ".join(words[i : i + TITLE_WORDS]) for i in _starts(words, TITLE_STARTS - 1)]
    return list(dict.fromkeys(inputs))


def name_inputs(name: str) -> list[str]:
    """The name, then "Surname → Whole Name" for each later word of it."""
    words = clean_input(name).split()
    if not words:
        return []
    whole = " ".join(words)
    later = [" ".join(words[i:]) + NAME_JOINER + whole for i in _starts(words, NAME_STARTS)]
    return [whole, *(clean_input(text) for text in later if len(text) <= MAX_INPUT_LENGTH)]


def name_of(suggested: str) -> str:
    """The whole name a matched input stands for."""
    return suggested.rpartition(NAME_JOINER)[2]


def recency_weight(published: date | None) -> int:
    """Newer articles' titles come first: the weight is the day number, 0 when undated."""
    if published is None:
        return 0
    return max(0, (published - date(1970, 1, 1)).days)


def suggest_entries(title: str, published: date | None) -> list[dict[str, Any]]:
    """The value of an article's `suggest` field: its title inputs, tagged `title`."""
    if inputs := title_inputs(title):
        return [
            {"input": inputs, "weight": recency_weight(published), "contexts": {"kind": ["title"]}}
        ]
    return []


def name_id(kind: str, name: str) -> str:
    """The id of an entity's document in the names index."""
    return f"{kind}\x1f{name}"


def name_source(kind: EntityType, name: str, articles: int) -> dict[str, Any]:
    """An entity's document in the names index: suggested by its words, weighted by its reach."""
    return {
        "kind": kind,
        "name": name,
        "articles": articles,
        "suggest": {"input": name_inputs(name), "weight": articles, "contexts": {"kind": [kind]}},
    }
