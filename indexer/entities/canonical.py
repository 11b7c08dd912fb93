"""From the mentions found in one article to its entities: typed, merged, canonically named.

Pure functions on strings, so every rule is tested without a model: `classify` decides a
mention's type, `split_leading_place` repairs spans that swallowed a place, and `resolve` merges
the forms of one entity within the article and names it through the forms table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from articles import EntityType
from indexer.entities.forms_table import FormsTable
from indexer.entities.gazetteer import find_place, is_demonym, overrules_person
from indexer.entities.normalize import (
    HONORIFICS,
    NAME_PARTICLES,
    TITLES,
    fix_case,
    fold,
    strip_patronymic,
    strip_titles,
    title_key,
)

# OntoNotes labels of the English models, mapped to our three facets. FAC (airports, stadiums,
# squares) is a place for a news reader's purposes.
LABELS: dict[str, EntityType] = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "location",
    "LOC": "location",
    "FAC": "location",
}
# "NIOC", "IRGC", "U.N.": what an acronym of an organisation looks like.
_ACRONYM = re.compile(r"^(?:[A-Z]\.?){2,8}$|^[A-Z][A-Z0-9&]{1,7}$")
# Small words that acronyms skip: "Atomic Energy Organization of Iran" is AEOI.
_ACRONYM_SKIP = frozenset({"of", "and", "the", "for", "in", "on", "&"})
# Last words that make a name an organisation's or a place's, whatever NER said.
ORG_HEADS = frozenset(
    """
    municipality ministry organization organisation council company corporation corp inc ltd
    plc university agency corps bank party committee commission association federation union
    institute foundation department office court assembly parliament army navy police guards
    club fc f.c group society chamber centre center service network news times post press tv
    radio airlines airways school college academy hospital authority board bureau fund
    coalition movement brigade brigades command ngo force forces senate congress embassy
    consulate museum exchange bourse wanderers rovers albion athletic hotspur united railways
    administration
    railway media treasury
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
PLACE_HEADS = frozenset(
    """
    province square fairground airport stadium street avenue mosque shrine island islands
    river mountain mountains sea gulf bay lake field desert valley port park strait canal
    peninsula county district village region bridge highway road palace tower cineplex hall
    prison dam monument tomb mausoleum bazaar caravanserai castle fortress citadel garden
    gardens church cathedral temple synagogue zone terminal crossing coast basin ocean
    channel heights hills plain plains forest cave waterfall lagoon wetland oasis market
    plaza boulevard lane freeway oilfield gasfield fields building airbase memorial gate
    arena theatre theater cinema fairgrounds
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
# Names of things that are none of our three types: events, laws, plans, eras.
NOT_ENTITY_HEADS = frozenset(
    """
    convention treaty agreement accord act resolution championship championships cup open
    fair week festival war revolution conference summit games olympics award awards prize
    plan program programme project operation initiative deal day era law protocol doctrine
    charter statute constitution memorandum exhibition expo symposium election elections
    referendum tournament marathon ceremony anniversary declaration communique decree saga
    report amendment finals final shield cross crosses medal certificate debate corridor
    singles doubles slam prix show
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
# Two last words that name a competition, where "League" alone names bodies too ("Arab League",
# "National Hockey League"): "AFC Champions League", "Volleyball Nations League".
_COMPETITION_ENDS = frozenset(
    {"champions league", "nations league", "premier league", "super league", "pro league"}
)
# Last words of what a body deals with, never of a body without a head word.
_DEALT_WITH = frozenset({"affairs", "rights", "relations", "issues"})
# Words before the name of the body that another body is part of: "... of the United Nations".
_PART_OF = frozenset({"of", "the", "for"})
# Titles that end a role's name ("National Security Adviser", "Dutch FM"), never a body's.
_ROLE_ENDS = frozenset(
    {"adviser", "advisor", "minister", "fm", "spokesman", "spokeswoman", "ambassador", "envoy"}
)
# Heads that open a place's name: "River Wear", "Mount Damavand", "Lake Urmia".
_LEADING_PLACE_HEADS = frozenset(
    {"river", "mount", "lake", "cape", "gulf", "strait", "sea", "burj", "borj"}
)
# Of those, the ones that also end people's names (Doris Day, Bill Law).
WEAK_NOT_ENTITY_HEADS = frozenset(
    {"day", "week", "open", "fair", "deal", "law", "plan", "era", "cross", "shield", "final"}
)
# Heads that also end people's names (Stuart Hall, Sally Field, Park, Post, Bush Press...).
_WEAK_HEADS = frozenset(
    {
        "hall",
        "field",
        "park",
        "street",
        "post",
        "press",
        "times",
        "news",
        "group",
        "fund",
        "center",
        "service",
        "club",
        "bay",
        "port",
        "tower",
        "bridge",
        "court",
        "union",
        "board",
        "college",
        "road",
        "guards",
        "market",
        "garden",
        "church",
        "temple",
        "forest",
        "hills",
        "lane",
        "coast",
        "castle",
        "athletic",
        "exchange",
        "gate",
    }
)
# Words for what a body deals with, which NER tags as organisations when a list in a longer
# name cuts it up ("Ministry of Industry, Mining and Trade" gives "Mining and Trade").
FIELD_WORDS = frozenset(
    """
    industry industries mining mines trade commerce agriculture science sciences technology
    research tourism handicraft handicrafts management information communications transport
    welfare labor labour health education culture energy economy finance state government
    intelligence customs ports national investment foreign development urban affairs
    relations infrastructure infrastructures family women youth sport sports digital cultural
    consular rural water environment environmental housing roads planning budget cooperation
    social justice judicial legal defense defence interior electricity petroleum
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
# Heads that name one body even bare ("Parliament", "Senate", the "Army" of the article's
# country), as the gold guidelines annotate them; other heads alone name nothing.
_BODY_ALONE = frozenset({"parliament", "senate", "congress", "army", "navy", "police", "cabinet"})
# When one name is filed under two types in one article, the commoner wins; on a tie, the
# type NER confuses least with the others.
_TYPE_PRIORITY: dict[EntityType, int] = {"location": 0, "organization": 1, "person": 2}


@dataclass(frozen=True)
class Mention:
    """One entity mention: its cleaned text, its type, and the full name if it is an acronym."""

    text: str
    kind: EntityType
    acronym_of: str | None = None
    # A span NER called a nationality that may be a person's name ("Jamal Sadatian"): kept
    # only if the article names that person otherwise too.
    tentative: bool = False
    # The type the words around the mention give it ("in Yazd"), for the learned layer's vote.
    cue: EntityType | None = None


@dataclass(frozen=True)
class Resolved:
    """One entity of an article: its type, its canonical name, and the forms the text used."""

    kind: EntityType
    name: str
    forms: tuple[str, ...]


def classify(text: str, label: str, table: FormsTable) -> EntityType | None:
    """The facet type of a span NER labelled `label`, or None when it is no entity of ours.

    In order: curated entries ("Karabakh" is a place whatever NER said); the gazetteer (a
    country is a location even where NER said person or organisation); forms that are never
    entities; the name's last word ("... Municipality" is an organisation, "... Province" a
    place, "... Convention" neither); the type the corpus mostly gives the name (learned);
    and NER's own label, minus demonyms tagged as names ("Azerbaijanis").
    """
    if table.ignored(text):
        return None
    if (entry := table.curated(text)) is not None:
        # Curated forms as curated, capitals or not ("5+1 group").
        return entry.type
    if not text[:1].isupper() and not any(c.isupper() for c in text):
        # No capital letter, no name: "metro", "woodland" are no places even where a town is
        # called so.
        return None
    if label == "PERSON" and (entry := table.curated(strip_titles(text)[0])) is not None:
        return entry.type
    place = find_place(text)
    # Provinces overrule an organisation tag too ("Alborz province's factories"); towns do not,
    # since clubs carry their town's name ("Bolton").
    by_org = label == "ORG" and place is not None and place.kind == "subdivision"
    if place is not None and (
        label in ("GPE", "LOC", "FAC", "NORP") or overrules_person(place) or by_org
    ):
        return "location"
    if label not in LABELS or not _looks_like_a_name(text, table) or is_generic(text):
        return None
    if (by_head := _type_by_head(text, label)) is not None:
        return by_head or None
    # The type most articles give the name, where they clearly agree (learned); a known place
    # only ever becomes a place this way ("Yazd", a city NER took for a person).
    learned = table.learned_type(text)
    if learned is not None and (place is None or learned == "location"):
        return learned
    if is_demonym(text):
        return None
    if label == "ORG" and looks_like_a_person(text, table):
        return "person"
    return LABELS[label]


def looks_like_a_person(text: str, table: FormsTable) -> bool:
    """Whether a span NER called an organisation is a person's name: "Nemat Sadeqi".

    Two to four capitalised words opened by a given name the corpus knows (learned), with no
    head word (those came first) and nothing the table knows otherwise.
    """
    words = text.split()
    return (
        2 <= len(words) <= 4
        and table.is_given_name(words[0])
        and all(w[:1].isupper() for w in words)
        and not any(is_acronym(w) for w in words)
        and table.curated(text) is None
    )


def is_generic(text: str) -> bool:
    """Whether a span is only generic words, no name: "Group", "Management Board", "State".

    A bare head ("Agency", "Council": the rest of the name was left out) or a field list cut
    out of a longer name ("Mining and Trade"), as opposed to a body named by its field
    ("Foreign Ministry", "Health Ministry") or a country's one parliament or army.
    """
    words = [w.casefold().rstrip(".,") for w in text.split()]
    words = [w for w in words if w not in _ACRONYM_SKIP]
    # "British Defense" (before "Secretary"): a demonym and fields only name no body, where
    # a demonym and a head do ("British Embassy"), and so does a capitalised "Government"
    # ("Scottish Government", as against "the Scottish government").
    if len(words) > 1 and is_demonym(words[0]):
        government = text.split()[-1] == "Government"
        return not government and all(w in FIELD_WORDS for w in words[1:])
    if len(words) == 1 and words[0] in PLACE_HEADS:
        return True
    if not words or not all(w in ORG_HEADS or w in FIELD_WORDS for w in words):
        return False
    if len(words) == 1:
        return words[0] not in _BODY_ALONE
    # "Ministry of Foreign Affairs" names the ministry: a head before the fields.
    if any(w in ORG_HEADS and w not in FIELD_WORDS for w in words[:-1]):
        return False
    return words[-1] in FIELD_WORDS or words[-1] in {"board", "group"}


def _looks_like_a_name(text: str, table: FormsTable) -> bool:
    """Whether a span can be a name at all: not lower case, a handle, a role or ignored.

    A role ends with a title ("Israeli National Security Adviser", "Dutch FM"): it names a
    post, not its holder nor a body.
    """
    words = text.split()
    return (
        any(ch.isupper() for ch in text)
        and not text.startswith(("@", "#"))
        and not all(title_key(w) in TITLES for w in words)
        and not (len(words) > 1 and title_key(words[-1]) in _ROLE_ENDS)
        and not table.ignored(text)
    )


def _type_by_head(text: str, label: str) -> EntityType | Literal[""] | None:
    """The type a name's last word gives it; "" for names of things that are none of ours.

    A span NER called a person only gets a type from the unambiguous heads: "Hall" or "Park"
    end too many people's names.
    """
    words = text.split()
    head = words[-1].casefold().rstrip(".")
    if len(words) < 2:
        # A bare "Week" or "War" (left over from "Sacred Defense Week") names nothing.
        return "" if head in NOT_ENTITY_HEADS else None
    strong = label != "PERSON"
    lowered = [w.casefold() for w in words]
    if " ".join(lowered[-2:]) in _COMPETITION_ENDS:
        return ""
    # "Asia-Pacific Affairs", "Consular Rights": what a deputy or a convention deals with; a
    # body's name has a head ("Bureau of Consular Affairs", "Council on ... Relations").
    if lowered[-1] in _DEALT_WITH and not any(w in ORG_HEADS for w in lowered):
        return ""
    # "Ministry of Foreign Affairs", "Intelligence Organization of Fars Province", "Exhibition
    # of Food": the head of "A of B" is A's, before the last word.
    for joint in ("of", "for", "on"):
        if joint in lowered[1:]:
            before_joint = lowered[lowered.index(joint, 1) - 1].rstrip(".")
            # "House of Cinema", "House of Representatives": a body; "White House" a building.
            if joint == "of" and before_joint == "house":
                return "organization"
            by_joint = _head_type(before_joint, strong)
            if by_joint is not None:
                return by_joint
    by_last = _head_type(head, strong)
    if by_last is not None:
        return by_last
    # "River Wear", "Mount Damavand", "Lake Urmia": a place's head may come first.
    if strong and lowered[0] in _LEADING_PLACE_HEADS:
        return "location"
    return None


def _head_type(head: str, strong: bool) -> EntityType | Literal[""] | None:
    """The type one head word gives a name (weak heads only where NER did not say person)."""
    if head in NOT_ENTITY_HEADS and (strong or head not in WEAK_NOT_ENTITY_HEADS):
        return ""
    if head in ORG_HEADS and (strong or head not in _WEAK_HEADS):
        return "organization"
    if head in PLACE_HEADS and (strong or head not in _WEAK_HEADS):
        return "location"
    return None


def split_leading_place(text: str, label: str) -> list[tuple[str, str]]:
    """A span cut in two where it starts with a place that belongs to no name.

    NER sometimes runs a place into the name after it: "Baku Seyyed Abbas Mousavi" (from
    "ambassador to Baku Seyyed Abbas Mousavi") or "Iran's Red Crescent". The place becomes a
    span of its own (GPE) when a title or a possessive shows where it ends.
    """
    if label not in ("PERSON", "ORG"):
        return [(text, label)]
    words = text.split()
    for size in (3, 2, 1):
        if len(words) <= size:
            continue
        head, rest = words[:size], words[size:]
        last = head[-1]
        possessive = last.endswith(("'s", "\u2019s"))
        place_text = " ".join([*head[:-1], last[:-2] if possessive else last])
        place = find_place(place_text)
        if place is None or not overrules_person(place):
            continue
        if possessive or (label == "PERSON" and title_key(rest[0]) in TITLES):
            return [(place_text, "GPE"), (" ".join(rest), label)]
    return [(text, label)]


def is_acronym(text: str) -> bool:
    """Whether `text` looks like an organisation's acronym (NIOC, U.N., IRGC)."""
    return bool(_ACRONYM.match(text))


def initials(name: str) -> str:
    """The acronym a name would have: its capitalised words' first letters."""
    words = [w for w in re.split(r"[\s\-]+", name) if w and w.casefold() not in _ACRONYM_SKIP]
    return "".join(w[0] for w in words if w[0].isupper())


def resolve(mentions: Sequence[Mention], table: FormsTable) -> list[Resolved]:
    """The entities of one article from its mentions, in order of first mention."""
    mentions = _retype_surnames(_retype_short_bodies(mentions, table), table)
    resolved = (
        _resolve_people([m for m in mentions if m.kind == "person"], table)
        + _resolve_organizations([m for m in mentions if m.kind == "organization"], table)
        + _resolve_locations([m for m in mentions if m.kind == "location"], table)
    )
    first_seen = {fold(m.text): index for index, m in reversed(list(enumerate(mentions)))}
    resolved.sort(key=lambda r: min(first_seen.get(fold(form), len(mentions)) for form in r.forms))
    return _one_type_per_name(resolved)


def _retype_surnames(mentions: Sequence[Mention], table: FormsTable) -> list[Mention]:
    """Place or organisation mentions that are a person's name in this article become people.

    "Araghchi", tagged as a place, is the surname of "Abbas Araghchi" mentioned in the same
    article; "Montgomery", tagged as an organisation, is Percy Montgomery's. Countries, regions,
    big cities and curated entities keep their type ("Washington" with "George Washington").
    Tentative mentions survive only this way.
    """
    person_words: set[str] = set()
    person_names: set[str] = set()
    named_by_surname = _named_by_surname(mentions, table)
    for mention in mentions:
        if (mention.kind == "person" and not mention.tentative) or mention in named_by_surname:
            core = fold(strip_titles(mention.text)[0])
            if len(core.split()) >= 2:
                person_words.update(w for w in core.split() if w not in NAME_PARTICLES)
                person_names.add(core)
    out = []
    for mention in mentions:
        if mention in named_by_surname:
            out.append(Mention(mention.text, "person"))
            continue
        key = fold(mention.text)
        place = find_place(mention.text)
        # One word of a person's name, or the trailing words ("Alemi Balkhi").
        names_a_person = key in person_words or any(n.endswith(" " + key) for n in person_names)
        is_person_word = (
            names_a_person
            and (place is None or not overrules_person(place))
            and table.curated(mention.text) is None
            and not is_acronym(mention.text)
        )
        if mention.tentative:
            if is_person_word:
                out.append(Mention(mention.text, "person"))
        elif mention.kind != "person" and is_person_word:
            out.append(Mention(mention.text, "person"))
        else:
            out.append(mention)
    return out


def _retype_short_bodies(mentions: Sequence[Mention], table: FormsTable) -> list[Mention]:
    """Person mentions that are an organisation of the article without its head words.

    "The Louvre" (a person to NER) after "Louvre Museum"; known places and curated names keep
    their type.
    """
    short = set()
    for mention in mentions:
        words = fold(mention.text).split()
        if mention.kind == "organization" and len(words) >= 2 and words[-1] in ORG_HEADS:
            while words and words[-1] in ORG_HEADS:
                words.pop()
            short.add(" ".join(words))
    return [
        Mention(m.text, "organization")
        if m.kind == "person"
        and fold(m.text) in short
        and find_place(m.text) is None
        and table.curated(m.text) is None
        else m
        for m in mentions
    ]


def _named_by_surname(mentions: Sequence[Mention], table: FormsTable) -> set[Mention]:
    """Organisation or place mentions that are a person's full name, by how the article goes on.

    "Marion Bartoli" (an organisation to NER), then "Bartoli" alone four times: news names a
    person in full once and by the surname after, where a body or a place is seldom named by
    its last word alone. Only two or three capitalised words with no head word or acronym,
    not ending with a known place ("Bayern Munich", then "Munich", stays), and a bare last
    word that NER did not call an organisation ("Royal Dutch Shell", then "Shell", stays).
    """
    bare = {
        fold(m.text) for m in mentions if m.kind != "organization" and " " not in m.text.strip()
    }
    found = set()
    for mention in mentions:
        words = mention.text.split()
        if mention.kind == "person" or not 2 <= len(words) <= 3 or fold(words[-1]) not in bare:
            continue
        if not all(w[:1].isupper() and not is_acronym(w) for w in words):
            continue
        if _type_by_head(mention.text, "ORG") is not None or table.curated(mention.text):
            continue
        if find_place(mention.text) or find_place(words[-1]) or is_demonym(words[0]):
            continue
        found.add(mention)
    return found


@dataclass
class _Group:
    """The mentions of one form (by match key) within an article."""

    name: str
    key: str
    first: int
    forms: list[str] = field(default_factory=list)

    @property
    def words(self) -> list[str]:
        return self.key.split()


class _Clusters:
    """Union-find over form groups, where the root is always the most complete form."""

    def __init__(self, groups: Sequence[_Group]) -> None:
        self.parent = {g.key: g.key for g in groups}

    def root(self, key: str) -> str:
        while self.parent[key] != key:
            key = self.parent[key]
        return key

    def attach(self, key: str, to: str) -> None:
        self.parent[self.root(key)] = self.root(to)


def _group(names: Sequence[tuple[str, str]]) -> list[_Group]:
    """Groups of (core name, surface form) pairs by the core's match key, in first-seen order."""
    groups: dict[str, _Group] = {}
    for index, (core, form) in enumerate(names):
        key = fold(core)
        if not key:
            continue
        group = groups.setdefault(key, _Group(core, key, index))
        if form not in group.forms:
            group.forms.append(form)
    return list(groups.values())


def _fits_person(short: list[str], full: list[str]) -> bool:
    """Whether a partial name can stand for a fuller one in the same article.

    A surname or trailing part ("Khamenei", "Kazemi Qomi"), first and last name without the
    middle ("George Bush" for "George W. Bush"), or an initial ("J Wilkinson" for "Jonny
    Wilkinson"). A first name alone fits too, but only where one full name has it (checked by
    the caller).
    """
    if not short or all(w in NAME_PARTICLES for w in short) or len(short) > len(full):
        return False
    if short == full:
        return False
    if full[-len(short) :] == short:
        return True
    if len(short) == 1 and full[0] == short[0]:
        return True
    if len(short) >= 2 and short[0] == full[0] and short[-1] == full[-1]:
        position = 0
        for word in short:
            while position < len(full) and full[position] != word:
                position += 1
            if position == len(full):
                return False
            position += 1
        return True
    return (
        len(short) >= 2
        and len(short[0]) == 1
        and full[0].startswith(short[0])
        and full[-(len(short) - 1) :] == short[1:]
    )


def _curated_prefix(name: str, table: FormsTable) -> str:
    """A person name without one stray word NER ran into it after a curated name.

    Tehran Times bodies run subheadings into the sentence before them: "Ayatollah Khamenei
    Economy ..." is Khamenei, then the heading "Economy". Only curated names are trusted to
    end there; anything else stays as NER found it.
    """
    words = name.split()
    if len(words) < 2 or table.lookup("person", name) is not None:
        return name
    head = " ".join(words[:-1])
    entry = table.curated(head)
    return head if entry is not None and entry.type == "person" else name


def _resolve_people(mentions: Sequence[Mention], table: FormsTable) -> list[Resolved]:
    """People: titles off, partial names merged into the full name they follow, then named."""
    names = []
    for mention in mentions:
        core = _curated_prefix(strip_patronymic(strip_titles(mention.text)[0]), table)
        if core and not all(title_key(w) in HONORIFICS for w in core.split()):
            names.append((core, mention.text))
    groups = _group(names)
    clusters = _Clusters(groups)
    # Most complete first, so that every shorter form finds its final target.
    order = sorted(groups, key=lambda g: (-len(g.words), g.first))
    for group in order:
        own = table.curated(group.name)
        candidates = [
            other
            for other in order
            if other is not group
            and len(other.words) >= len(group.words)
            and _fits_person(group.words, other.words)
            # A form curated as someone else's never merges into this name.
            and (own is None or table.lookup("person", other.name) is own)
        ]
        if not candidates:
            continue
        # A lone first name is ambiguous as soon as two full names share it; and a titled one
        # is a name of its own ("Imam Ali" is not Ali Khamenei), as a titled surname is a
        # surname ("President Bush").
        first_name_only = len(group.words) == 1 and all(
            c.words[-1] != group.words[0] for c in candidates
        )
        titled = any(strip_titles(form)[1] for form in group.forms)
        if first_name_only and (titled or len({c.key for c in candidates}) > 1):
            continue
        best = min(candidates, key=lambda c: (-len(c.words), -len(c.forms), c.first))
        clusters.attach(group.key, best.key)
    return _named(groups, clusters, "person", table)


def _resolve_organizations(mentions: Sequence[Mention], table: FormsTable) -> list[Resolved]:
    """Organisations: acronyms joined to their full names, shorter forms to longer ones."""
    groups = _group([(m.text, m.text) for m in mentions])
    by_key = {g.key: g for g in groups}
    clusters = _Clusters(groups)
    for mention in mentions:
        if mention.acronym_of and fold(mention.acronym_of) in by_key:
            clusters.attach(fold(mention.text), fold(mention.acronym_of))
    for group in groups:
        if is_acronym(group.name):
            spelled = [g for g in groups if g is not group and initials(g.name) == group.name]
            if len(spelled) == 1 and clusters.root(group.key) == group.key:
                clusters.attach(group.key, spelled[0].key)
        elif len(group.words) >= 2 or group.key not in ORG_HEADS:
            # "Shell" for "Royal Dutch Shell", "Guards Corps" for "Islamic Revolution Guards
            # Corps"; but never a bare "Ministry" for one of several ministries.
            # Not "United Nations" for "General Assembly of the United Nations": a body "of"
            # another is a part of it, not the same body.
            longer = [
                g
                for g in groups
                if len(g.words) > len(group.words)
                and g.words[-len(group.words) :] == group.words
                and g.words[-len(group.words) - 1] not in _PART_OF
            ]
            # "IndyMac" for "IndyMac Bank": the name without its head words.
            longer = longer or [
                g
                for g in groups
                if len(g.words) > len(group.words)
                and g.words[: len(group.words)] == group.words
                and all(w in ORG_HEADS for w in g.words[len(group.words) :])
            ]
            if len(longer) == 1:
                clusters.attach(group.key, longer[0].key)
    # "Iran International Exhibition Company" and "... Exhibitions Company": one name.
    by_loose: dict[str, _Group] = {}
    for group in groups:
        first = by_loose.setdefault(_loose_key(group.key), group)
        if first is not group and clusters.root(group.key) != clusters.root(first.key):
            clusters.attach(group.key, first.key)
    # The root of a cluster must be its most complete form, not the acronym that came first.
    return _named(groups, clusters, "organization", table)


def _loose_key(key: str) -> str:
    """A match key that ignores a plural "s" on each word (longer than three letters)."""
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in key.split())


def _resolve_locations(mentions: Sequence[Mention], table: FormsTable) -> list[Resolved]:
    """Places: curated names, then the gazetteer's name for a country, else the text's own."""
    out: dict[str, tuple[str, list[str]]] = {}
    for mention in mentions:
        spelled = out.get(fold(mention.acronym_of or ""))
        if spelled is not None:
            # "NSW" after "New South Wales (": a form of that place.
            if mention.text not in spelled[1]:
                spelled[1].append(mention.text)
            continue
        entry = table.lookup("location", mention.text)
        place = find_place(mention.text)
        if entry is not None:
            name = entry.name
        elif place is not None and place.kind == "country":
            name = place.name
        elif place is not None:
            name = fix_case(mention.text)
        else:
            name = mention.text
        # "Jilin" and "Jílín" are one place: grouped by match key, named by the first form.
        _, forms = out.setdefault(fold(name), (name, []))
        if mention.text not in forms:
            forms.append(mention.text)
    return [Resolved("location", name, tuple(forms)) for name, forms in out.values()]


def _named(
    groups: Sequence[_Group], clusters: _Clusters, kind: EntityType, table: FormsTable
) -> list[Resolved]:
    """One Resolved per cluster, named by the forms table or by its most complete form."""
    members: dict[str, list[_Group]] = {}
    for group in groups:
        members.setdefault(clusters.root(group.key), []).append(group)
    out: dict[str, list[str]] = {}
    for cluster in members.values():
        ranked = sorted(
            cluster,
            key=lambda g: (is_acronym(g.name), -len(g.words), -len(g.forms), g.first),
        )
        top = ranked[0]
        name = top.name
        for group in ranked:
            entry = next(
                (e for f in (group.name, *group.forms) if (e := table.lookup(kind, f)) is not None),
                None,
            )
            if entry is None:
                continue
            # What the corpus learned about a short form ("Norouzi" is mostly Hassan Norouzi,
            # "CBI" the Central Bank of Iran) never renames the fuller name this article gives
            # ("Abdollah Norouzi", "Confederation of British Industry (CBI)").
            overruled = entry.layer == "learned" and group is not top and len(top.words) > 1
            if overruled and fold(entry.name) != top.key:
                continue
            # An article that spells a name out keeps it spelled out, even where most articles
            # use the acronym ("National Hockey League", not "NHL").
            if entry.layer == "learned" and is_acronym(entry.name) and not is_acronym(top.name):
                continue
            name = entry.name
            break
        forms = out.setdefault(name, [])
        for group in sorted(cluster, key=lambda g: g.first):
            forms.extend(f for f in group.forms if f not in forms)
    return [Resolved(kind, name, tuple(forms)) for name, forms in out.items()]


def _one_type_per_name(resolved: Sequence[Resolved]) -> list[Resolved]:
    """Each name under one type only: the one with more forms, else the likelier type."""
    best: dict[str, Resolved] = {}
    for item in resolved:
        current = best.get(item.name)
        if current is None or (-len(item.forms), _TYPE_PRIORITY[item.kind]) < (
            -len(current.forms),
            _TYPE_PRIORITY[current.kind],
        ):
            best[item.name] = item
    return [item for item in resolved if best[item.name] is item]
