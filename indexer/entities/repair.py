"""Finding an article's entity mentions: NER's spans, repaired where the text shows them wrong.

NER cuts names in two, misses names after honorifics and takes the start of an event's name for
an organisation; the rules here put the spans right, then type each one (curated data, the
gazetteer, NER's label) and tie acronyms to the names they stand for.
"""

from __future__ import annotations

import re

import numpy
from spacy.attrs import LOWER
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from articles import EntityType
from indexer.entities.canonical import (
    FIELD_WORDS,
    NOT_ENTITY_HEADS,
    ORG_HEADS,
    PLACE_HEADS,
    WEAK_NOT_ENTITY_HEADS,
    Mention,
    classify,
    initials,
    is_acronym,
    looks_like_a_person,
)
from indexer.entities.cues import after_club_noun, after_place_of, context_cue
from indexer.entities.forms_table import FormsTable
from indexer.entities.gazetteer import find_place, is_demonym, overrules_person
from indexer.entities.glue import split_glued
from indexer.entities.known import KnownNames
from indexer.entities.normalize import (
    HONORIFICS,
    NAME_PARTICLES,
    TITLES,
    clean_mention,
    fold,
    title_key,
)

# The longest name an honorific can introduce, in words ("Seyyed Mohammad Hossein Tabatabaei
# Qomi" is five); a longer run of capitalised words is a headline, not a name.
_MAX_NAME_WORDS = 5
# The NER label that stands for each of our types, for spans we make ourselves.
_LABEL_OF: dict[str, str] = {"person": "PERSON", "organization": "ORG", "location": "GPE"}
# A transliterated surname with an apostrophe inside: "Kadkhoda'ei", "Va\u2019ezi".
_HAMZA_NAME = re.compile("^[A-Z][a-z]+['\u2019][a-z]{2,}$")
# A product's model after its maker's name: "Airbus A320", "Boeing 737", "Sukhoi Su-35".
_MODEL = re.compile(r"^(?:[A-Z][a-z]?-?)?\d{2,}[A-Za-z]*$")
# Heads of regions that two names share: "Sistan and Baluchestan Province".
_REGION_HEADS = frozenset({"province", "provinces", "region", "county", "islands"})
# Quotation marks around a title; straight ones open and close alike.
_OPENING_QUOTES = frozenset({'"', "'", "\u201c", "\u2018", "\u00ab", "\u201e"})
_CLOSING_QUOTES = frozenset({'"', "'", "\u201d", "\u2019", "\u00bb"})
# Labels NER gives people's names by mistake, which map to none of our types.
_PERSON_MISLABELS = frozenset({"NORP", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW"})
# At most this many capitalised words between an organisation and the head of the event it
# opens the name of.
_EVENT_RUN = 8
# At most this many tokens between two parts of one name cut in two by NER.
_MAX_GAP = 6
# Entity types whose tokens can never continue a person's name after an honorific.
_NOT_NAME = frozenset({"GPE", "LOC", "NORP", "FAC", "DATE", "TIME", "CARDINAL", "ORDINAL"})

# Honorifics as the ids of lower-case tokens, with and without their period ("dr", "dr.").
_HONORIFIC_IDS = numpy.array(
    sorted(get_string_id(form) for h in HONORIFICS for form in (h, f"{h}.")), dtype=numpy.uint64
)


def find_mentions(doc: Doc, table: FormsTable, known: KnownNames | None = None) -> list[Mention]:
    """The typed mentions of `doc`, from its entity spans repaired by the rules below.

    `known`, if given, adds the curated names NER missed.
    """
    mentions: list[Mention] = []
    previous_org: str | None = None
    # The last place named, and where its span ended: "New South Wales (NSW)".
    previous_place: tuple[str, int] = ("", -1)
    # Where the last span that named none of our types ended: the acronym in brackets after
    # it ("Volleyball Nations League (VNL)") names the same event.
    dropped_end = -1
    # The quoted titles of the article: the same words unquoted (a headline's "Oscar
    # nomination for Salesman") name the same work.
    titles: set[str] = set()
    spans = _spans(doc, table)
    if known is not None:
        spans = sorted([*spans, *known.spans(doc, spans)])
    for start, end, label in spans:
        cleaned = clean_mention(doc[start:end].text)
        if cleaned is None:
            continue
        if _quoted_title(doc, start, end, cleaned, table):
            titles.add(fold(cleaned))
            continue
        if start == dropped_end + 1 and _after_parenthesis(doc, start) and is_acronym(cleaned):
            continue
        pieces = split_glued(cleaned, label, table)
        cue = context_cue(doc, start, end, label) if len(pieces) == 1 else None
        for text, piece_label in pieces:
            value = clean_mention(text)
            if value is None:
                continue
            kind = classify(value, piece_label, table)
            if kind is None:
                last = value.split()[-1].casefold()
                headless = not _is_head(last) and last not in NOT_ENTITY_HEADS
                if (
                    piece_label in _PERSON_MISLABELS
                    and headless
                    and looks_like_a_person(value, table)
                ):
                    # "goals from Salar Aghapour" (a work of art to NER), "Jamal Sadatian" (a
                    # nationality): a given name the corpus knows opens a person's name.
                    mentions.append(Mention(value, "person"))
                    continue
                dropped_end = end
                if piece_label == "NORP" and _maybe_a_name(value, table):
                    mentions.append(Mention(value, "person", tentative=True))
                continue
            kind = _in_context(doc, start, end, value, _by_cue(value, kind, cue, table), table)
            acronym_of = None
            # "National Iranian Oil Company (NIOC)": the acronym stands for the name before it.
            if is_acronym(value) and _after_parenthesis(doc, start):
                place, place_end = previous_place
                if place_end == start - 1 and initials(place) == value:
                    kind, acronym_of = "location", place
                elif kind == "organization":
                    acronym_of = previous_org
            mentions.append(Mention(value, kind, acronym_of, cue=cue))
            if kind == "location":
                previous_place = (value, end)
            if kind == "organization":
                previous_org = value
                if (acronym := _acronym_after(doc, end)) is not None:
                    mentions.append(Mention(acronym, "organization", value))
    if titles:
        mentions = [m for m in mentions if fold(m.text) not in titles]
    return _split_known_people(_place_acronyms(mentions), table)


def _place_acronyms(mentions: list[Mention]) -> list[Mention]:
    """Every mention of an acronym the article spelled out as a place, as that place."""
    places = {m.text: m for m in mentions if m.kind == "location" and m.acronym_of}
    if not places:
        return mentions
    return [places.get(m.text, m) if m.kind != "location" else m for m in mentions]


def _quoted_title(doc: Doc, start: int, end: int, text: str, table: FormsTable) -> bool:
    """Whether a span is the whole of a quoted title: a film, book or play ("“The Salesman”",
    "“Light Sight”"), which news writes in quotation marks and NER takes for a name.

    Names the curated layer or the gazetteer knows stay, quoted or not.
    """
    before = start - 1
    if before >= 0 and doc[before].lower_ in ("the", "a", "an"):
        before -= 1
    if before < 0 or end >= len(doc):
        return False
    quoted = doc[before].text in _OPENING_QUOTES and doc[end].text in _CLOSING_QUOTES
    return quoted and table.curated(text) is None and find_place(text) is None


def _split_known_people(mentions: list[Mention], table: FormsTable) -> list[Mention]:
    """Mentions that end with a person the article names elsewhere, cut before the person.

    "Louvre Museum Jean-Luc Martinez" (then "Martinez said"), "Bolton Wanderers F.C Megson"
    (after "Gary Megson"), "Cinema Homayun Asadian": a title between the two stayed out of
    the span. The part before must end with a head word, or be a place or a curated name.
    """
    surnames: dict[str, set[str]] = {}
    for m in mentions:
        if m.kind == "person" and not m.tentative and fold(m.text):
            surnames.setdefault(fold(m.text).split()[-1], set()).add(m.text)
    out: list[Mention] = []
    for mention in mentions:
        words = mention.text.split()
        last = fold(words[-1]) if words else ""
        if len(words) < 2 or not surnames.get(last, set()) - {mention.text}:
            out.append(mention)
            continue
        cut = _person_start(words, table)
        if cut is None:
            out.append(mention)
            continue
        rest, person = " ".join(words[:cut]), " ".join(words[cut:])
        label = "ORG" if mention.kind == "person" else _LABEL_OF[mention.kind]
        kind = classify(rest, label, table)
        if kind is not None:
            out.append(Mention(rest, kind))
        out.append(Mention(person, "person"))
    return out


def _person_start(words: list[str], table: FormsTable) -> int | None:
    """Where the person starts in a span that ends with a surname the article knows.

    The first cut after which the words before are a name of their own (a head word last, a
    big place, a curated name): "Louvre Museum | Jean-Luc Martinez", "Syria | Staffan de
    Mistura", "Bolton Wanderers F.C | Megson".
    """
    for cut in range(1, len(words)):
        if not words[cut][:1].isupper() or any(_is_head(w) for w in words[cut:]):
            continue
        rest = " ".join(words[:cut])
        place = find_place(rest)
        known = (place is not None and overrules_person(place)) or table.curated(rest) is not None
        if known or _is_head(words[cut - 1]):
            return cut
    return None


def _is_head(word: str) -> bool:
    key = word.casefold().rstrip(".")
    return key in ORG_HEADS or key in PLACE_HEADS


def _by_cue(value: str, kind: EntityType, cue: EntityType | None, table: FormsTable) -> EntityType:
    """The type the words around a one-word mention give it, over NER's guess.

    "near Sangin" or "at Apadana" is a place, "Mr Fournier" a person, "Rosatom chief" a body,
    whatever NER said; curated names and known places keep the type they were given.
    """
    if cue is None or cue == kind or table.curated(value) is not None:
        return kind
    if " " in value:
        # Of longer names, only people after a role ("coach Herve Renard") and places before
        # a place noun ("Valles Marineris canyon", "Al-Ula market"; not "Imam Reza shrine").
        words = value.split()
        if cue == "location" and kind == "person":
            return kind if any(title_key(w) in TITLES for w in words) else cue
        person = cue == "person" and kind == "organization" and len(words) <= 4
        plain = all(w[:1].isupper() and not is_acronym(w) and not _is_head(w) for w in words)
        return "person" if person and plain and find_place(value) is None else kind
    if cue == "location" and kind == "person":
        return cue
    place = find_place(value)
    if cue == "person" and (place is None or not overrules_person(place)):
        return cue
    if cue == "organization" and kind == "person":
        return cue
    # "in Armenia and Zanzibar", "the town of Alpena": a known place NER called a body.
    if cue == "location" and kind == "organization" and place is not None:
        return cue
    return kind


def _in_context(
    doc: Doc, start: int, end: int, value: str, kind: EntityType, table: FormsTable
) -> EntityType:
    """A mention's type where sport's or geography's words around it decide.

    "English side Tottenham" is the club; "the island of Madeira", "the town of Alpena" are
    places whatever NER said, curated names aside.
    """
    if kind == "location" and after_club_noun(doc, start, end):
        return _club(value, table)
    if kind != "location" and after_place_of(doc, start, end) and table.curated(value) is None:
        return "location"
    return kind


def _club(value: str, table: FormsTable) -> EntityType:
    """A town's name after "side" or "club" is its club; a country's or a region's stays."""
    place = find_place(value)
    curated = table.curated(value) is not None
    return "organization" if not curated and (place is None or place.kind == "city") else "location"


def _maybe_a_name(value: str, table: FormsTable) -> bool:
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


def _spans(doc: Doc, table: FormsTable) -> list[tuple[int, int, str]]:
    """NER's spans, repaired where the text shows a boundary is wrong."""
    body = _body_start(doc)
    spans = [
        (start, _with_province(doc, end, ent.label_), ent.label_)
        for ent in doc.ents
        for start, end in _paragraph_pieces(ent)
        if not _inside_longer_name(doc, end, ent.label_)
        and not (start >= body and _opens_event_name(doc, end, ent.label_))
    ]
    spans = _join_split_names(doc, spans, table)
    spans = _complete_known_names(doc, spans, table)
    return _apply_honorifics(spans, _honorific_names(doc))


def _complete_known_names(
    doc: Doc, spans: list[tuple[int, int, str]], table: FormsTable
) -> list[tuple[int, int, str]]:
    """A person's name NER cut one word short, completed where the table knows the full name.

    "Oil Minister Bijan Namdar Zanganeh" comes out of NER as "Bijan Namdar" (and "Zanganeh"
    as nothing or a span of its own); the learned layer knows "Bijan Namdar Zanganeh".
    """
    out: list[tuple[int, int, str]] = []
    skip_until = -1
    for index, (start, end, label) in enumerate(spans):
        if start < skip_until:
            continue
        # "Department of Environment Masoumeh" + "Ebtekar": the given name that ends an
        # organisation's span opens the person's span right after it.
        person_end = _person_right_after(spans, index, end)
        if person_end and label == "ORG" and table.is_given_name(doc[end - 1].text):
            out.extend([(start, end - 1, label), (end - 1, person_end, "PERSON")])
            skip_until = person_end
            continue
        if end < len(doc) and doc[end].text[:1].isupper():
            joined = doc[start : end + 1].text
            entry = table.lookup("person", joined) if label == "PERSON" else None
            known = entry is not None and fold(entry.name) == fold(joined)
            # "Abbas Ali Kadkhoda'ei", "Mahmoud Va'ezi": NER stops before a surname written
            # with an apostrophe for the hamza; "Department of Environment Masoumeh" (then
            # "Ebtekar") before a surname after a given name it ran an organisation into.
            opens = label == "PERSON" or table.is_given_name(doc[end - 1].text)
            after_given = label != "PERSON" and opens and not doc[end].ent_type_
            if known or after_given or (opens and _HAMZA_NAME.match(doc[end].text)):
                out.append((start, end + 1, label))
                skip_until = end + 1
                continue
        out.append((start, end, label))
    return out


def _person_right_after(spans: list[tuple[int, int, str]], index: int, end: int) -> int:
    """Where the person's span right after span `index` ends, if one starts at `end` (else 0).

    Only after a span of two words or more, so that one word is left to it.
    """
    if index + 1 >= len(spans) or end - spans[index][0] < 2:
        return 0
    start, person_end, label = spans[index + 1]
    return person_end if start == end and label == "PERSON" else 0


def _inside_longer_name(doc: Doc, end: int, label: str = "") -> bool:
    """Whether a span is the start of a longer name of an event, a law or a product.

    "UN Security Council" in "UN Security Council Resolution 2231" names the resolution,
    "NSDF" in "NSDF Futsal Championship" the tournament, "Airbus" in "Airbus A320" the plane:
    none is a facet value there.
    """
    if end >= len(doc):
        return False
    token = doc[end]
    if label == "ORG" and _MODEL.match(token.text):
        return True
    return token.is_title and token.lower_ in NOT_ENTITY_HEADS


def _paragraph_pieces(ent: Span) -> list[tuple[int, int]]:
    """A span's parts between line breaks: no name runs from a headline into the body
    ("Australian Grand Prix" / "Kazuki Nakajima")."""
    pieces: list[tuple[int, int]] = []
    start = ent.start
    for token in ent:
        if token.is_space and "\n" in token.text:
            if token.i > start:
                pieces.append((start, token.i))
            start = token.i + 1
    if ent.end > start:
        pieces.append((start, ent.end))
    return pieces


def _body_start(doc: Doc) -> int:
    """The first token after the title line (0 when there is none): titles are in title case."""
    for token in doc:
        if token.is_space and "\n" in token.text:
            return token.i
    return 0


def _opens_event_name(doc: Doc, end: int, label: str) -> bool:
    """Whether an organisation's span opens a run of capitalised words ending in an event's head.

    "FIVB" in "FIVB Men's Volleyball Intercontinental Olympic Qualification Tournament" names
    the tournament, which hides what is inside it. Only in the body: headlines capitalise
    every word ("OPEC Ministers Meet for Talks").
    """
    if label != "ORG":
        return False
    for token in doc[end : end + _EVENT_RUN]:
        if token.lower_ in ("'s", "\u2019s"):
            continue
        if not token.is_title:
            return False
        if token.lower_ in NOT_ENTITY_HEADS and token.lower_ not in WEAK_NOT_ENTITY_HEADS:
            return True
    return False


def _with_province(doc: Doc, end: int, label: str) -> int:
    """A place's span taken on over the "province" after it: "Markazi province" is the
    province, where a bare "Markazi" (or "Isfahan") would be the city."""
    if label == "GPE" and end < len(doc) and doc[end].lower_ == "province":
        return end + 1
    return end


def _join_split_names(
    doc: Doc, spans: list[tuple[int, int, str]], table: FormsTable
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
                # "Iranian" + "Foreign Ministry": a demonym opens the name of a body named by
                # its field, as the guidelines write it (the nationality alone is no name).
                one_word = p_end - p_start == 1
                demonym = not gap and one_word and p_label == "NORP" and label == "ORG"
                if demonym and _field_body(doc[start:end].text):
                    out[-1] = (p_start, end, "ORG")
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
                # "Chaharmahal" + "and" + "Bakhtiari Province": one province of two names.
                if [t.lower_ for t in gap] == ["and"] and _region_pair(doc, p_start, p_end, end):
                    out[-1] = (p_start, end, "GPE")
                    continue
                # "Cultural Heritage" + ", Tourism and" + "Handicrafts Organization": a list
                # of fields inside one organisation's name, which NER cuts at the commas.
                if p_label == label == "ORG" and _field_list(doc, p_start, p_end, gap, end):
                    out[-1] = (p_start, end, "ORG")
                    continue
                if label == "ORG" and _fields_and_head(doc, p_start, p_end, start, end):
                    out[-1] = (p_start, end, "ORG")
                    continue
        out.append((start, end, label))
    return out


def _field_body(text: str) -> bool:
    """Whether a name is a body named by its field only: "Foreign Ministry", "Armed Forces"."""
    words = [w.casefold() for w in text.split()]
    return (
        len(words) >= 2
        and words[-1] in ORG_HEADS
        and all(w in FIELD_WORDS or w in ORG_HEADS or w == "armed" for w in words)
    )


def _region_pair(doc: Doc, p_start: int, p_end: int, end: int) -> bool:
    """Whether "A and B Province" is one region: A is no known place of its own."""
    return (
        doc[end - 1].lower_ in _REGION_HEADS
        and find_place(doc[p_start:p_end].text) is None
        and end - p_end <= 4
    )


def _fields_and_head(doc: Doc, p_start: int, p_end: int, start: int, end: int) -> bool:
    """Whether "A and" + "B Head" is one name: "Beijing Language and" + "Culture University".

    The second part opens with a field and ends with a body's head; the first is capitalised
    words with no head of its own and no known place alone.
    """
    first = [t for t in doc[p_start:start] if t.lower_ != "and"]
    joined_by_and = [t.lower_ for t in doc[p_start:start] if not t.is_title] == ["and"]
    return (
        joined_by_and
        and doc[start - 1].lower_ == "and"
        and doc[start].lower_ in FIELD_WORDS
        and doc[end - 1].lower_.rstrip(".") in ORG_HEADS
        and bool(first)
        and not any(t.lower_.rstrip(".") in ORG_HEADS for t in first)
        and find_place(" ".join(t.text for t in first)) is None
    )


def _field_list(doc: Doc, p_start: int, p_end: int, gap: Span, end: int) -> bool:
    """Whether two organisation spans and the words between them are one "A, B and C Head"."""
    words = [t for t in gap if t.text not in {",", "&"}]
    return (
        any(t.text in {",", "and", "&"} for t in gap)
        and all(not t.ent_type_ and (t.is_title or t.lower_ == "and") for t in words)
        and not is_acronym(doc[p_start:p_end].text)
        # The first part is a fragment: a whole name of its own would end with its head.
        and doc[p_end - 1].lower_.rstrip(".") not in ORG_HEADS
        and doc[end - 1].lower_.rstrip(".") in ORG_HEADS
    )


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
