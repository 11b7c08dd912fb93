"""Spans that glue several names together, cut into the names they hold.

NER runs names together where the text gives it no boundary it can see: headlines that lost
their punctuation ("Armenia Azerbaijan border clashes", "Tehran Sofia ink 3 MOUs"), a title
between a place or an organisation and a person ("ambassador to Bulgaria Abdollah Norouzi",
"President of the Louvre Museum Jean-Luc Martinez"), photo credits ("Jason Merritt/Getty
Images"), an acronym before a word that only describes it ("UNESCO World Heritage list", "US
Government"), lists ("Reuters, the International Atomic Energy Agency"), common nouns
("Wireless provider Sprint"), hyphens ("U.S.-Pakistan"). Each rule here cuts one such span on
evidence in the words themselves: known places, demonyms, titles, head words and the given
names learned from the corpus.

Pure functions on a span's text and NER label, so every rule is tested without a model.
"""

from __future__ import annotations

import re

from indexer.entities.canonical import (
    FIELD_WORDS,
    NOT_ENTITY_HEADS,
    ORG_HEADS,
    PLACE_HEADS,
    is_acronym,
    split_leading_place,
)
from indexer.entities.forms_table import FormsTable
from indexer.entities.gazetteer import Place, find_place, is_demonym, overrules_person
from indexer.entities.normalize import NAME_PARTICLES, TITLES, fold, title_key

Piece = tuple[str, str]
# A place this big is one of the places a glued span may be made of even where it is no
# capital or country: "Tehran Sofia", "Karabakh Tehran". Smaller towns share their names with
# too many words of other names.
GLUED_CITY = 100_000
# Letters after a person's name for honours, degrees and seats ("David Wakefield OBE").
POST_NOMINALS = frozenset({"OBE", "MBE", "CBE", "KBE", "DBE", "VC", "QC", "KC", "MP", "MEP", "PhD"})
# A capitalised plural, which a headline's subheading opens with ("Sanctions", "Talks").
_PLURAL = re.compile(r"^[A-Z][a-z]{3,}[^s]s$")
# Where a list of names breaks: commas, "and", "&".
_LIST_BREAK = re.compile(r",\s+(?:and\s+)?|\s+(?:and|&)\s+")
_THE = re.compile(r"^(?:the|The)\s+")
_DASH = re.compile(r"(?<=[\w.])[-\u2013](?=[A-Z])")
# Lower-case words that join the parts of one name rather than describe it.
_JOINING = frozenset(
    """
    of and the for in on at to with without against under upon de des du la le el al bin ibn
    von van der den da di e y
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
# Titles that open a person's name only, never a body's.
_PERSON_TITLES = frozenset(
    """
    general gen brigadier brig colonel col lieutenant lt captain capt admiral adm sergeant sgt
    major mr mrs ms dr ayatollah hojatoleslam sheikh president minister
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
# Bodies named after the person who leads them.
_LED_BODIES = frozenset({"administration", "government", "cabinet"})
# Owners in possessives that open names rather than own them ("People's Assembly").
_PLURAL_OWNERS = frozenset(
    {"people", "children", "women", "men", "workers", "martyrs", "veterans", "farmers"}
)
# The first halves of joint nationalities: "Anglo-Dutch", "Sino-Russian", "Franco-German".
_DEMONYM_PREFIXES = frozenset(
    """
    anglo franco sino russo indo afro euro irano turco greco italo austro german hispano luso
    judeo perso arabo
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
# Words that open the official names of states, never a club's or a person's ("Kingdom of
# Spain"); a name "X of Spain" made of other words is X, from Spain.
_STATE_WORDS = frozenset(
    """
    kingdom republic emirate emirates sultanate principality state states commonwealth
    government people president king queen prince princess duke emir sultan
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
# Field words that describe the next word rather than end a name.
_FIELD_ADJECTIVES = frozenset(
    """
    national foreign urban digital cultural consular rural environmental social judicial legal
    state
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
# Words that join the parts of one name: a place after them belongs to it ("Bank of Iran").
_CONNECTORS = frozenset({"of", "for", "and", "in", "on", "the", "&", "de", "du", "des"})


def split_glued(text: str, label: str, table: FormsTable) -> list[Piece]:
    """The names a span holds, each with the NER label it should have had.

    A span that holds one name comes back as it is.
    """
    if "/" in text:
        parts = [p.strip() for p in text.split("/")]
        if len(parts) > 1 and all(p[:1].isupper() for p in parts):
            return [piece for part in parts for piece in split_glued(part, label, table)]
    # "U.S.-Pakistan", "Iran-Iraq": places joined by a hyphen, each one known.
    dashed = _DASH.split(text)
    places = len(dashed) > 1 and all(_glued_place(p, label, table) for p in dashed)
    if places and find_place(text) is None:
        return [(p, "GPE") for p in dashed]
    if table.curated(text) is not None or table.ignored(text) or find_place(text) is not None:
        return [(text, label)]
    text = _without_tail(_without_compound_demonym(text), label)
    rules = (_possessive, _places_only, _list_of_names, _lowercase_inside, _titled_person)
    more = (
        _persons_government,
        _acronym_first,
        _trailing_place,
        _surname_first,
        _person_after,
        _of_country,
    )
    for rule in (*rules, *more):
        pieces = rule(text, label, table)
        if pieces is not None:
            return pieces
    return split_leading_place(text, label)


def _without_compound_demonym(text: str) -> str:
    """A name without the joint nationality before it: "Anglo-Dutch Royal Dutch Shell PLC"."""
    words = text.split()
    if len(words) < 2:
        return text
    parts = words[0].split("-")
    joint = len(parts) > 1 and all(
        p.casefold() in _DEMONYM_PREFIXES or is_demonym(p) for p in parts
    )
    return " ".join(words[1:]) if joint else text


def _without_tail(text: str, label: str) -> str:
    """A span without the words after a name that are no part of it.

    A person's post-nominal letters ("David Wakefield OBE"); the common nouns a headline ran
    into an organisation's span ("U S sanctions", which lost its full stops), unless they are
    a head word that names the body ("Alborz chamber").
    """
    words = text.split()
    if label == "PERSON":
        while len(words) > 2 and words[-1].rstrip(".") in POST_NOMINALS:
            words.pop()
    elif label == "ORG":
        while len(words) > 1 and words[-1].islower() and not _has_head(words[-1:]):
            words.pop()
    return " ".join(words)


def _possessive(text: str, label: str, table: FormsTable) -> list[Piece] | None:
    """A span through a possessive, cut there: "Pars Special Economic Energy Zone's Customs
    Department", "IRGC Ground Force's Research and Self-Sufficiency Jihad Organization".

    The owner is a name of its own (a lower-case one, "parliament's Energy Committee", is no
    name); plural owners that open names stay ("People's Assembly", "Children's Hospital").
    """
    words = text.split()
    for index, word in enumerate(words[:-1]):
        owner = word[:-2]
        if not word.endswith(("'s", "\u2019s")) or owner.casefold() in _PLURAL_OWNERS:
            continue
        after = " ".join(words[index + 1 :])
        if not after[:1].isupper():
            return None
        before = " ".join([*words[:index], owner])
        pieces = split_glued(after, label, table)
        if not before[:1].isupper():
            return pieces
        before_label = "GPE" if _glued_place(before, label, table) else label
        return [*split_glued(before, before_label, table), *pieces]
    return None


def _list_of_names(text: str, label: str, table: FormsTable) -> list[Piece] | None:
    """Several names in a row: "Reuters, the International Atomic Energy Agency", "IAEA and
    the Atomic Energy Organization of Iran", "Euro CTO Club, European Bifurcation Club".

    Cut only where every part is a whole name (a head word, an acronym, a known name or
    place): "Cultural Heritage, Handicrafts and Tourism Organization" is one name.
    """
    if label != "ORG":
        return None
    parts = [_THE.sub("", p) for p in _LIST_BREAK.split(text)]
    if len(parts) < 2 or not all(p and _whole_name(p, table) for p in parts):
        return None
    return [(p, "GPE" if _glued_place(p, label, table) else label) for p in parts]


def _whole_name(text: str, table: FormsTable) -> bool:
    """Whether `text` stands as a name of its own: a head word, an acronym, a known name."""
    known = table.curated(text) is not None or table.learned(text) is not None
    return known or is_acronym(text) or find_place(text) is not None or _has_head(text.split())


def _lowercase_inside(text: str, label: str, table: FormsTable) -> list[Piece] | None:
    """A span with a common noun inside: "Wireless provider Sprint" is Sprint, "UAE state
    news agency" the UAE, "Telegram an Instagram" Instagram. Small joining words ("of", "and",
    "al", "bin") do not count.
    """
    words = text.split()
    if label not in ("ORG", "PERSON"):
        return None
    inside = [i for i, w in enumerate(words) if w.islower() and w not in _JOINING]
    if not inside:
        return None
    after = " ".join(words[inside[-1] + 1 :])
    before = " ".join(words[: inside[0]])
    keep = after if after[:1].isupper() else before
    return [(keep, label)] if keep[:1].isupper() else []


def _titled_person(text: str, label: str, table: FormsTable) -> list[Piece] | None:
    """A title and a name, which NER called an organisation: "Major General Soleimani"."""
    words = text.split()
    if label != "ORG" or len(words) < 2 or title_key(words[0]) not in _PERSON_TITLES:
        return None
    if not all(w[:1].isupper() for w in words) or _has_head(words[-1:]):
        return None
    return [(text, "PERSON")]


def _glued_place(text: str, label: str, table: FormsTable) -> bool:
    """Whether `text` is a place that can stand in a glued span with a span's label."""
    entry = table.curated(text)
    if entry is not None:
        return entry.type == "location"
    place = find_place(text)
    return place is not None and _big_enough(place, label)


def _big_enough(place: Place, label: str) -> bool:
    if overrules_person(place):
        return True
    return label != "PERSON" and place.kind == "city" and place.population >= GLUED_CITY


def _places_only(text: str, label: str, table: FormsTable) -> list[Piece] | None:
    """ "Armenia Azerbaijan", "Tehran Sofia": a span made of places only, one after another."""
    words = text.split()
    if len(words) < 2:
        return None
    pieces = _partition(words, label, table)
    return [(p, "GPE") for p in pieces] if pieces is not None else None


def _partition(words: list[str], label: str, table: FormsTable) -> list[str] | None:
    """The words cut into known places from the left, longest first; None if they are not."""
    if not words:
        return []
    for size in range(min(3, len(words)), 0, -1):
        head = " ".join(words[:size])
        if _glued_place(head, label, table):
            rest = _partition(words[size:], label, table)
            if rest is not None:
                return [head, *rest]
    return None


def _acronym_first(text: str, label: str, table: FormsTable) -> list[Piece] | None:
    """An acronym and the words after it that only describe it, or a title and a name.

    "UNESCO World Heritage" is UNESCO; "US Government" is the US; "NATO Secretary General Jens
    Stoltenberg" is NATO and a person. A head word keeps the span whole ("IRGC Ground Force",
    "UN General Assembly"), and so does a head word for a thing none of ours ("UN Charter").
    Only a known acronym (curated, learned, a place) is cut off: an unknown one may open a
    name ("RIA Novosti", "MRCC Jeddah").
    """
    words = text.split()
    if label != "ORG" or len(words) < 2 or not is_acronym(words[0]):
        return None
    known = table.curated(words[0]) or table.learned(words[0]) or find_place(words[0])
    if known is None:
        return None
    rest = words[1:]
    head = rest[-1].casefold().rstrip(".")
    if head in ORG_HEADS or head in PLACE_HEADS or head in NOT_ENTITY_HEADS:
        return None
    if not all(w[:1].isupper() for w in rest):
        return None
    acronym_label = "GPE" if _glued_place(words[0], label, table) else "ORG"
    if title_key(rest[0]) in TITLES:
        return [(words[0], acronym_label), (" ".join(rest), "PERSON")]
    return [(words[0], acronym_label)]


def _trailing_place(text: str, label: str, table: FormsTable) -> list[Piece] | None:
    """A person's name run into the place or demonym after it.

    "Lavrov Russian" (a headline: "... on Iran: Lavrov" then "Russian Foreign Minister") is
    Lavrov; "Alain Rolland South Africa" is a referee and a country. A place after a connector
    belongs to the name ("Central Bank of Iran"), and an organisation's name keeps its place
    unless a given name shows a person before it.
    """
    words = text.split()
    if label not in ("PERSON", "ORG") or len(words) < 2:
        return None
    if label == "PERSON" and (is_demonym(words[-1]) or table.ignored(words[-1])):
        # "Nasrallah Israel Saudi": the demonym (or a word never a name) off, then the rest.
        return split_glued(" ".join(words[:-1]), label, table)
    if label == "PERSON" and len(words) >= 3 and fold(words[0]) == fold(words[-1]):
        # "Qalibaf Mohammad Baqer Qalibaf": a headline's surname run into the full name.
        return [(" ".join(words[1:]), label)]
    for size in (3, 2, 1):
        if len(words) <= size:
            continue
        head, tail = words[:-size], " ".join(words[-size:])
        if head[-1].casefold() in _CONNECTORS or not _glued_place(tail, label, table):
            continue
        if label == "PERSON" or (len(head) >= 2 and table.is_given_name(head[0])):
            return [(" ".join(head), "PERSON"), (tail, "GPE")]
    return None


def _has_head(words: list[str]) -> bool:
    """Whether any of the words is an organisation's or a place's head word."""
    return any(w.casefold().rstrip(".") in ORG_HEADS | PLACE_HEADS for w in words)


def _surname_first(text: str, label: str, table: FormsTable) -> list[Piece] | None:
    """A known surname and the word a headline ran into it: "Zarif Sanctions" is Zarif.

    Tehran Times bodies run subheadings into the sentence before them. Only a surname the
    forms table knows as one ("Zarif" of Mohammad Javad Zarif), never a given name, and only
    where the two words are no name the table knows and the second looks like a common noun
    (a plural, a field or head word): "Shen Mingming" puts the surname first.
    """
    words = text.split()
    if label != "PERSON" or len(words) != 2 or table.is_given_name(words[0]):
        return None
    if _surname(words[0], table) and _surname(words[1], table) and not table.lookup("person", text):
        # "Zarif Kerry met in Munich": two people a headline ran together.
        return [(words[0], label), (words[1], label)]
    second = words[1].casefold()
    if not (second in FIELD_WORDS or _has_head(words[1:]) or _PLURAL.match(words[1])):
        return None
    entry = table.lookup("person", words[0])
    if entry is None or entry.name.split()[-1] != words[0] or table.lookup("person", text):
        return None
    return [(words[0], label)]


def _surname(word: str, table: FormsTable) -> bool:
    """Whether the table knows `word` as someone's surname."""
    entry = table.lookup("person", word)
    return entry is not None and entry.name.split()[-1] == word


def _persons_government(text: str, label: str, table: FormsTable) -> list[Piece] | None:
    """ "Trump Administration", "Rouhani Government": the person who leads it is the name."""
    words = text.split()
    if label != "ORG" or len(words) < 2 or words[-1].casefold() not in _LED_BODIES:
        return None
    person = " ".join(words[:-1])
    return [(person, "PERSON")] if table.lookup("person", person) is not None else None


def _of_country(text: str, label: str, table: FormsTable) -> list[Piece] | None:
    """A club or a person, "of" and their country: "Sevilla of Spain", "Marion Bartoli of
    France". A head word, field or state word before "of" makes one name ("Bank of Spain",
    "Ministry of Culture of Iran", "Kingdom of Spain")."""
    words = text.split()
    if label not in ("ORG", "PERSON") or "of" not in words[1:-1]:
        return None
    at = words.index("of", 1)
    name, country = words[:at], " ".join(words[at + 1 :])
    place = find_place(country)
    if place is None or place.kind != "country" or not all(w[:1].isupper() for w in name):
        return None
    lowered = [w.casefold().rstrip(".") for w in name]
    if _has_head(name) or any(
        w in FIELD_WORDS or w in _STATE_WORDS or w in NOT_ENTITY_HEADS or title_key(w) in TITLES
        for w in lowered
    ):
        return None
    return [(" ".join(name), label), (country, "GPE")]


def _person_after(text: str, label: str, table: FormsTable) -> list[Piece] | None:
    """An organisation or a place, then a person's name that a learned given name opens.

    "Louvre Museum Jean-Luc Martinez", "Bulgaria Abdollah Norouzi", "Iraqi Ministry of
    Electricity Musab Al-Mpdares": the title between them ("President of the", "Ambassador to")
    stayed outside the span. The person's part is two to four capitalised words.
    """
    words = text.split()
    if label not in ("ORG", "GPE", "LOC", "FAC") or len(words) < 3:
        return None
    for start in range(1, len(words) - 1):
        person = words[start:]
        if len(person) > 4:
            continue
        if not table.is_given_name(person[0]) and not _bare_person(words, start, label):
            continue
        if not all(w[:1].isupper() for w in person) or _has_head(person[-1:]):
            continue
        before = " ".join(words[:start])
        if words[start - 1].casefold() in _CONNECTORS:
            continue
        # The part before must show it is a name of its own (a head word, a place, an acronym)
        # or a piece of one ("Minister of Communications and Information Technology").
        known = _glued_place(before, label, table) or table.curated(before) is not None
        fields = words[start - 1].casefold() in FIELD_WORDS
        if not (known or fields or _has_head(words[:start]) or is_acronym(before)):
            continue
        before_label = "GPE" if _glued_place(before, label, table) else label
        return [(before, before_label), (" ".join(person), "PERSON")]
    return None


def _bare_person(words: list[str], start: int, label: str) -> bool:
    """Whether the words from `start` on are a person's name that no given name announces.

    Only two or three capitalised words (particles allowed) after an organisation's head or
    field word ("Iraqi Ministry of Electricity | Musab Al-Mpdares", "Council on
    American-Islamic Relations | Alia Salem"): no head, field or state word, title, demonym
    or place among them.
    """
    person = words[start:]
    ending = words[start - 1].casefold().rstrip(".")
    if label != "ORG" or not 2 <= len(person) <= 3 or person[-1][:1].islower():
        return False
    if ending in _FIELD_ADJECTIVES or not (ending in FIELD_WORDS or ending in ORG_HEADS):
        # "Office of Foreign | Assets Control", "National | Hockey League": an adjective
        # ends no name.
        return False
    return not any(
        _has_head([w])
        or w.casefold() in FIELD_WORDS
        or w.casefold() in _STATE_WORDS
        or title_key(w) in TITLES
        or is_demonym(w)
        or _is_big_place(w)
        or is_acronym(w)
        for w in person
        if w.split("-")[0] not in NAME_PARTICLES
    )


def _is_big_place(word: str) -> bool:
    """Whether a word names a place that no person's name shares ("Salem" is both)."""
    place = find_place(word)
    return place is not None and overrules_person(place)
