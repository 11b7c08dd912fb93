"""The words around a mention that show its type whatever NER said: "in Yazd", "Mr Fournier".

A cue is local evidence, read at the mention, and more reliable than NER's label on the same
name: a preposition of place before a bare name ("in Sangin", "at Fordow"), a place noun after
it ("Fordow facility", "Madeira island"), a title before it ("Mr Fournier", "President Trump"),
a body's role noun after it ("Rosatom chief", "Tasnim reported"). One article's cue is one
vote; the learned layer types a name as most articles' cues do (`indexer.entities.learn`).
"""

from __future__ import annotations

from spacy.tokens import Doc

from articles import EntityType
from indexer.entities.canonical import ORG_HEADS
from indexer.entities.gazetteer import find_place
from indexer.entities.normalize import TITLES

# Before a bare place name. Not "from" or "to", which come before people as often.
_PLACE_PREPOSITIONS = frozenset({"in", "at", "near", "outside", "across", "throughout", "inside"})
# After a place name used as a modifier.
_PLACE_NOUNS = frozenset(
    """
    province city county district region village town island islands site facility plant
    port airport desert mountains river area border borders capital governorate neighborhood
    neighbourhood suburb municipality field fields canyon market bazaar
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
# After a body's name: its people and what it does as a body.
_BODY_NOUNS = frozenset(
    """
    spokesman spokeswoman spokesperson chief chairman chairwoman officials headquarters
    reported board members ceo newspaper daily magazine website channel
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
# Lower-case roles that come before a person's full name only ("head coach Herve Renard",
# "striker Sardar Azmoun", "political icon Pim Fortuyn"), never before a body's.
_PERSON_ROLES = frozenset(
    """
    coach striker midfielder defender goalkeeper winger forward footballer player players
    teammate captain skipper referee actor actress director filmmaker singer songwriter
    composer author writer novelist poet painter artist photographer icon activist lawyer
    businessman businesswoman journalist reporter columnist economist scholar professor
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
# Nouns of place before "of" and a bare name: "the town of Alpena", "the city of Persepolis".
_PLACE_OF = frozenset({"city", "town", "village", "province", "island", "port", "region"})
# Sport's nouns for a club before its name: "English side Tottenham", "club Sevilla".
_CLUB_NOUNS = frozenset({"side", "club", "outfit"})
# Labels of the spans that are places.
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Titles that come before people only (not "Ministry", "Imam Square", "Director General").
_PERSON_TITLES = frozenset(
    """
    mr mrs ms dr president ambassador senator governor mayor minister spokesman prime sir
    ayatollah sheikh general gen colonel col captain prof professor judge premier chancellor
    """.split()  # noqa: SIM905 (a word list reads best as words)
) & (TITLES | {"ambassador", "sir"})


def context_cue(doc: Doc, start: int, end: int, label: str = "") -> EntityType | None:
    """The type the words right around `doc[start:end]` give it, if they give one.

    A preposition of place tells a place from a person, not from a body or a work ("in OPEC",
    "in Wikipedia", "in Parliament"): it counts only where NER did not say organisation, and
    never before a head word.
    """
    before = doc[start - 1].lower_.rstrip(".") if start > 0 else ""
    after = doc[end].lower_ if end < len(doc) else ""
    if after in ("'s", "\u2019s", "'"):
        # "in Trump's administration": the possessive's head is what the preposition governs.
        return None
    token = doc[start]
    bare = end - start == 1 and token.is_title and label != "ORG"
    if bare and before in _PLACE_PREPOSITIONS and token.lower_ not in ORG_HEADS:
        return "location"
    # "the town of Alpena", "in Armenia and Zanzibar": a name listed with a place is a place.
    # Of names NER called organisations, only known places ("Armenia and OPEC" stays).
    ahead = doc[start - 2] if start > 1 else None
    placed = bare or (end - start == 1 and token.is_title and find_place(token.text) is not None)
    if placed and ahead is not None:
        if before == "of" and ahead.lower_ in _PLACE_OF:
            return "location"
        # A list goes on after a comma ("Isfahan, Semnan, Sistan"), where "In Tehran, Zarif
        # said" does not. The gazetteer vouches for the place before only where NER did not
        # say organisation: clubs are listed with clubs named after towns.
        listed = before == "and" or (before == "," and after in (",", "and"))
        gazetteer = label != "ORG" and find_place(ahead.text) is not None
        if listed and (ahead.ent_type_ in _PLACE_LABELS or gazetteer):
            return "location"
    if before in _PERSON_ROLES and doc[start - 1].is_lower and end - start >= 2:
        return "person"
    if after in _PLACE_NOUNS:
        return "location"
    if before in _PERSON_TITLES and doc[start - 1].is_title:
        return "person"
    if after in _BODY_NOUNS:
        return "organization"
    return None


def after_club_noun(doc: Doc, start: int, end: int) -> bool:
    """Whether a one-word name follows sport's noun for a club: "English side Tottenham".

    Only this cue turns a town's name into its club: the body nouns after a place ("Tehran
    officials") are its government, and metonymy keeps the place.
    """
    return end - start == 1 and start > 0 and doc[start - 1].lower_ in _CLUB_NOUNS


def after_place_of(doc: Doc, start: int, end: int) -> bool:
    """Whether a one-word name follows a noun of place and "of": "the island of Madeira".

    A cue stronger than NER's label: "the town of X" names a place, whatever X is called.
    """
    return (
        end - start == 1
        and start > 1
        and doc[start - 1].lower_ == "of"
        and doc[start - 2].lower_ in _PLACE_OF
        and doc[start].is_title
    )
