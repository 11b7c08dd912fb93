"""How the words of a search rank articles: the relevance query (pure, no I/O).

Each plain word is a *group*: the word itself over title, body and entity mentions, or, for a
word the index hardly knows, the spellings the index uses much more often (Rohani -> rouhani),
its sound in the entity mentions (`*_mentions.phonetic`), and for the last word, the words it
begins (Khamen -> khamenei). Alternatives of a word are scored as one word, at the rarity of its
most common form, so a rare spelling cannot outrank the common one by rarity alone, and the
exact spelling keeps an edge. Articles match when most groups do (`minimum_should_match`);
those matching every group get a bonus, so they come first. Quoted phrases are required. The
words found close together (a phrase with slop) in the title, and articles filed under an
entity the words name (search/lookup.py's entity forms), rank higher. A word scores the sum of its
matches in title, body and mentions, except in a topic (four words or more naming no entity),
where its best field counts and the others add a little.

Everything here depends on the Lookup (search/lookup.py) asked just before: term statistics
decide which words get alternatives.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from articles import FACETS
from search.clauses import (
    Clause,
    bool_query,
    constant_score,
    dis_max,
    field_query,
    multi_match,
    options,
)
from search.lookup import (
    MENTION_FIELDS,
    VARIANT_MIN_DOCS,
    Entity,
    Lookup,
    fold,
    open_word,
    prefix_word,
)
from search.syntax import ParsedQuery

# The fields searched, with the title weighted above the body; the entity mentions (surface forms
# and canonical names) let "Ali Khamenei" find an article that only says "Ayatollah Khamenei".
SEARCH_FIELDS = ("title^2", "body", "person_mentions", "organization_mentions", "location_mentions")
# Words as written, for prefixes: a stem is not a word's beginning ("negotiations" -> "negoti").
PREFIX_FIELDS = (("title.spell", 2.0), ("body.spell", 1.0), *((f, 1.0) for f in MENTION_FIELDS))
PHONETIC_FIELDS = tuple(f"{name}.phonetic" for name in MENTION_FIELDS)
PROXIMITY_FIELDS = ("title^2",)
# Quoted phrases are read in the text; the mentions only keep articles that name the phrase
# without writing it.
PHRASE_FIELDS = ("title^2", "body", *(f"{name}^0.5" for name in MENTION_FIELDS))

# Operators a visitor may use: + | - "..." ( ) and backslash escapes. PREFIX (`foo*`) and
# FUZZY/NEAR/SLOP (`~`) are left out: one short prefix or fuzzy term expands to thousands of
# terms, which makes a single query from the public box expensive for the whole cluster.
QUERY_FLAGS = "AND|OR|NOT|PHRASE|PRECEDENCE|WHITESPACE|ESCAPE"
# Queries with operators of their own keep simple_query_string's reading; for them the words
# the index does not know are matched give or take a typo (`word~N`, written by syntax.py).
FUZZY_QUERY_FLAGS = QUERY_FLAGS + "|FUZZY"
FUZZY_FIELDS = ("title.spell^2", "body.spell")
# Exact matches score this many times higher, so they rank above matches that needed a typo.
EXACT_BOOST = 10.0
# Terms a fuzzy word may expand to: enough for real typos, few enough to stay cheap.
FUZZY_MAX_EXPANSIONS = 20

# Lucene's English stop words (`_english_`): the stemmed fields drop them, so they are no
# group of their own (they still count in phrases).
_STOP_WORDS = (
    "a an and are as at be but by for if in into is it no not of on or such that the their "
    "then there these they this to was will with"
)
STOP_WORDS = frozenset(_STOP_WORDS.split())
# Particles of Arabic names (al-Sadr, el-Sisi): part of a name, too common to count as a word.
NAME_PARTICLES = frozenset(("al", "el"))
UNCOUNTED = STOP_WORDS | NAME_PARTICLES

# --- The weights, tuned on the dev queries of tests/gold/relevance/ (bench/relevance.py). ---
# A spelling replaces a word only when the index uses it this many times as often...
VARIANT_RATIO = 4
# ... and it is this similar (the term suggester's score: 1 - edits / length, about): a word
# the index does not know at all may be two edits off, one it knows must be closer (Pope is
# not a typo of hope, Rohani is of Rouhani).
UNKNOWN_SIMILARITY = 0.7
KNOWN_SIMILARITY = 0.8
# Spellings kept per word, the most similar first.
MAX_VARIANTS = 2
# A spelling's weight against the typed word's, before both are scored at the same rarity.
VARIANT_WEIGHT = 1.0
# The typed spelling's edge over others, other things equal ("exact spellings rank first").
EXACT_WEIGHT = 1.2
# Words used by no more articles than this share (or than RARE_DOCS, in a small index) are also
# looked up by sound in the mentions.
PHONETIC_MAX_SHARE = 0.0025
RARE_DOCS = 2
PHONETIC_WEIGHT = 0.5
# Shorter words sound like too many names.
MIN_PHONETIC_LENGTH = 4
# The last word is also a prefix unless it is most of the words it begins, or a word the index
# knows well (in more than KNOWN_SHARE of the articles): a finished word ("Caspian Sea" is not
# "Caspian seals").
FINISHED_SHARE = 0.5
KNOWN_SHARE = 0.005
PREFIX_WEIGHT = 1.0
# Words a prefix expands to, scored together at the rarity of the most common (blended).
PREFIX_EXPANSIONS = 30
# Headline words a too short last word is read as.
MAX_COMPLETIONS = 3
# Matching every word is worth this much more than matching most of them.
ALL_WORDS_BONUS = 10.0
# Expected articles with every word above which most words are not enough (see plentiful).
PLENTY = 100
# The words in a row in the title, give or take this many moves.
PROXIMITY_SLOP = 3
PROXIMITY_WEIGHT = 1.0
# Articles filed under an entity the words name.
ENTITY_WEIGHT = 3.0
# An entity counts when its forms are in this share of the articles whose mentions hold the
# words (a name shared by several people boosts none of them), and in a few at least.
ENTITY_SHARE = 0.4
ENTITY_MIN_ARTICLES = 2
# Queries of at least this many word groups naming no entity are topics ("wrestling world
# championship medal"): there a word scores in the field it matches best, the others adding
# this share. Summed over title and body (most_fields), the common words of a title ("World
# Championships medal") outweigh the rarest word, the one the article is about, found only in
# the body. Names keep the sum: their words in the title and the mentions are the evidence.
TOPIC_GROUPS = 4
TOPIC_TIE_BREAKER = 0.2
# Named clauses of a word with close spellings (`exact-2`, `close-2` for the third word): a hit
# that matched a word's close spelling but not the word owes its place to typo tolerance.
EXACT_NAME = "exact-"
CLOSE_NAME = "close-"


def simple_query(
    text: str,
    fields: Sequence[str],
    *,
    operator: Literal["and", "or"] = "and",
    flags: str = QUERY_FLAGS,
    fuzzy_prefix_length: int | None = None,
    fuzzy_max_expansions: int | None = None,
    boost: float | None = None,
    name: str | None = None,
) -> Clause:
    """Visitor's words for `fields`: the one place that writes a simple_query_string.

    It never fails on syntax (invalid operators are searched as text), and `lenient` ignores a
    term that cannot apply to a field's type instead of refusing the search.
    """
    return {
        "simple_query_string": options(
            query=text,
            default_operator=operator,
            fields=list(fields),
            flags=flags,
            fuzzy_max_expansions=fuzzy_max_expansions,
            fuzzy_prefix_length=fuzzy_prefix_length,
            lenient=True,
            boost=boost,
            _name=name,
        )
    }


def idf(docs: int, articles: int) -> float:
    """BM25's inverse document frequency of a term held by `docs` of `articles` articles."""
    return math.log(1 + (articles - docs + 0.5) / (docs + 0.5))


@dataclass(frozen=True)
class WordPlan:
    """How one typed word is matched: its weight and its alternatives with theirs."""

    word: str
    exact: float = 1.0
    # (spelling, weight)
    variants: tuple[tuple[str, float], ...] = ()
    phonetic: float = 0.0
    # The folded prefix and its weight, when the word may be unfinished.
    prefix: str | None = None
    prefix_weight: float = 0.0
    # No article holds the word as typed (per the statistics).
    unknown: bool = False
    # Articles holding the word in any of its forms, as far as the statistics tell (0: unknown).
    docs: int = 0
    # Too short a start of a word to require: the words it begins (headlines') match instead.
    optional: bool = False
    completions: tuple[str, ...] = ()
    # How a match in several fields scores: summed (None), or the best field's score plus this
    # share of the others' (a topic's words, see TOPIC_GROUPS).
    tie_breaker: float | None = None

    @property
    def lost(self) -> bool:
        """Whether nothing but its sound can match the word: the index knows neither it, nor a
        spelling of it, nor a word it begins."""
        return self.optional or (self.unknown and not self.variants and not self.prefix)

    @property
    def close_spellings(self) -> bool:
        """Whether other spellings of the word are searched too (typo tolerance)."""
        return bool(self.variants) or self.phonetic > 0


def plan_word(
    word: str, lookup: Lookup, *, prefix: str | None = None, short: bool = False
) -> WordPlan:
    """The plan for `word` given what the index knows; `prefix` when it is the open last word,
    `short` when it is an open last word too short to be a prefix.

    Without statistics (no lookup answered) the word is matched as typed.
    """
    if not lookup.articles:
        return WordPlan(word=word)
    stats = lookup.stats(word)
    articles = max(lookup.articles, 1)
    docs = stats.docs
    if short and docs > KNOWN_SHARE * articles:
        # "Kim Jong-un", "sanctions EU": a short word the index knows well is a finished word.
        return WordPlan(word=word, docs=docs)
    if short:
        # "World Cup qu": not required; matched by the words headlines continue it with.
        return WordPlan(word=word, optional=True, completions=lookup.completions[:MAX_COMPLETIONS])
    if prefix is not None and (
        lookup.prefix_docs <= docs / FINISHED_SHARE or docs > KNOWN_SHARE * articles
    ):
        prefix = None
    # A word being typed is read as the words it begins, not as another word.
    variants = [
        v
        for v in stats.variants
        if v.docs >= max(VARIANT_RATIO * docs, VARIANT_MIN_DOCS)
        and v.similarity >= (KNOWN_SIMILARITY if docs else UNKNOWN_SIMILARITY)
    ][: 0 if prefix else MAX_VARIANTS]
    # Every spelling of the word scores at the rarity of its most common one. (Not the words it
    # begins: they are other words, and the exact one must come first.)
    common = max([docs, *(v.docs for v in variants)])
    # The typed spelling at the rarity of the common one; the alternatives below it by the
    # typed spelling's edge, so a word weighs the same with or without alternatives.
    exact = idf(common, articles) / idf(docs, articles) if docs else 1.0
    rare = len(fold(word)) >= MIN_PHONETIC_LENGTH and docs <= max(
        PHONETIC_MAX_SHARE * articles, RARE_DOCS
    )
    # By sound only when no spelling was found: a spelling is the surer guess.
    phonetic = PHONETIC_WEIGHT if rare and not prefix and not variants else 0.0
    return WordPlan(
        word=word,
        exact=exact,
        variants=tuple(
            (
                v.text,
                round(
                    VARIANT_WEIGHT / EXACT_WEIGHT * idf(common, articles) / idf(v.docs, articles),
                    4,
                ),
            )
            for v in variants
        ),
        phonetic=phonetic,
        prefix=prefix,
        prefix_weight=round(PREFIX_WEIGHT / EXACT_WEIGHT, 4) if prefix else 0.0,
        unknown=docs == 0,
        docs=max(common, lookup.prefix_docs if prefix else 0),
    )


def plan_words(parsed: ParsedQuery, lookup: Lookup) -> list[WordPlan]:
    """A plan per plain word that counts (stop words only when there is nothing else)."""
    words = list(dict.fromkeys(parsed.words))
    counted = [w for w in words if w.casefold() not in UNCOUNTED] or words
    open_prefix = prefix_word(parsed)
    last = parsed.last_word
    short = open_prefix is None and open_word(parsed) is not None
    return [
        plan_word(
            word,
            lookup,
            prefix=open_prefix if word == last else None,
            short=short and word == last,
        )
        for word in counted
    ]


def word_query(plan: WordPlan, position: int = 0, *, by_sound: bool = True) -> Clause:
    """A word group: the word, or any of its alternatives (the best one counts); `position`
    names the clauses of a word with close spellings; without `by_sound`, a name that merely
    sounds the same does not count."""
    close = f"{CLOSE_NAME}{position}"
    alternatives: list[Clause] = [
        multi_match(
            plan.word,
            SEARCH_FIELDS,
            **_field_scoring(plan),
            boost=round(plan.exact, 4) if plan.exact != 1.0 else None,
            name=f"{EXACT_NAME}{position}" if plan.close_spellings else None,
        )
    ]
    alternatives += [
        multi_match(spelling, SEARCH_FIELDS, **_field_scoring(plan), boost=weight, name=close)
        for spelling, weight in plan.variants
    ]
    if plan.phonetic and by_sound:
        alternatives.append(
            multi_match(
                plan.word, PHONETIC_FIELDS, type="most_fields", boost=plan.phonetic, name=close
            )
        )
    alternatives += [
        multi_match(
            completion,
            SEARCH_FIELDS,
            boost=round(PREFIX_WEIGHT / EXACT_WEIGHT, 4),
            **_field_scoring(plan),
        )
        for completion in plan.completions
    ]
    if plan.prefix:
        alternatives.append(
            bool_query(
                should=[
                    field_query(
                        "prefix",
                        name,
                        {
                            "value": plan.prefix,
                            # Scored, at the rarity of the most common word it begins.
                            "rewrite": f"top_terms_blended_freqs_{PREFIX_EXPANSIONS}",
                            "boost": weight,
                        },
                    )
                    for name, weight in PREFIX_FIELDS
                ],
                boost=plan.prefix_weight,
            )
        )
    return alternatives[0] if len(alternatives) == 1 else dis_max(alternatives)


def _field_scoring(plan: WordPlan) -> dict[str, Any]:
    """The multi_match type (and tie breaker) that scores the word over its fields."""
    if plan.tie_breaker is None:
        return {"type": "most_fields"}
    return {"type": "best_fields", "tie_breaker": plan.tie_breaker}


def word_groups(parsed: ParsedQuery, plans: Sequence[WordPlan]) -> list[list[int]]:
    """The plans (by index) of each group, in order: a word alone, or the counted words written
    joined by hyphens (Kim Jong-un: Jong and un), which are one word to the reader."""
    index = {plan.word: i for i, plan in enumerate(plans)}
    first: dict[int, int] = {}
    for words in parsed.hyphenated:
        members = list(dict.fromkeys(index[word] for word in words if word in index))
        if len(members) < 2 or any(m in first or plans[m].lost for m in members):
            continue
        first |= dict.fromkeys(members, members[0])
    groups: dict[int, list[int]] = {}
    for i in range(len(plans)):
        groups.setdefault(first.get(i, i), []).append(i)
    return list(groups.values())


def group_query(
    plans: Sequence[WordPlan], members: Sequence[int], *, by_sound: bool = True
) -> Clause:
    """A group's query: its word's (word_query), or every part of a hyphenated word required,
    next to each other when all are matched as typed (Kim Jong-un is not Kim Jong-il at the UN)."""
    if len(members) == 1:
        return word_query(plans[members[0]], members[0], by_sound=by_sound)
    parts = [plans[m] for m in members]
    if any(p.variants or p.prefix or p.completions or p.unknown for p in parts):
        return bool_query(must=[word_query(plans[m], m, by_sound=by_sound) for m in members])
    # Known words written together: a near sound of one of them is no reading of the whole.
    exact = [replace(plans[m], phonetic=0.0) for m in members]
    together = multi_match(" ".join(p.word for p in parts), SEARCH_FIELDS, type="phrase")
    return bool_query(
        must=[word_query(p, m) for p, m in zip(exact, members, strict=True)], filter=[together]
    )


def owes_to_close_spelling(matched: Sequence[str]) -> bool:
    """Whether a hit whose named clauses are `matched` matched some word only through a close
    spelling of it."""
    names = set(matched)
    return any(
        name.startswith(CLOSE_NAME) and EXACT_NAME + name[len(CLOSE_NAME) :] not in names
        for name in names
    )


def minimum_should_match(groups: int) -> int:
    """Groups an article must match: all of one or two words, all but one of three or four,
    three in five and 60 % of longer queries."""
    if groups <= 2:
        return groups
    if groups <= 4:
        return groups - 1
    return math.ceil(0.6 * groups)


def named_entities(entities: Sequence[Entity]) -> list[Entity]:
    """The entities the words name: those most of the mentions holding the words are of."""
    return [e for e in entities if e.articles >= max(ENTITY_MIN_ARTICLES, ENTITY_SHARE * e.sample)]


def is_topic(groups: int, entities: Sequence[Entity]) -> bool:
    """Whether words in `groups` groups are a topic: TOPIC_GROUPS or more naming no entity."""
    return groups >= TOPIC_GROUPS and not named_entities(entities)


def entity_query(entities: Sequence[Entity]) -> Clause | None:
    """Articles filed under the entities the words name (named_entities)."""
    named = named_entities(entities)
    if not named:
        return None
    return bool_query(
        should=[
            constant_score(field_query("term", FACETS[e.kind], e.name), ENTITY_WEIGHT)
            for e in named
        ]
    )


@dataclass(frozen=True)
class Relevance:
    """The relevance query of a search and what it says about the matching."""

    query: Clause
    # Whether other spellings of some word were searched (the API's `fuzzy`).
    close_spellings: bool
    # Plain-word text to mark in excerpts instead of the query's own terms, when the query
    # matches through fields the highlighter does not see (prefixes, spellings, sounds).
    highlight: Clause | None


def relevance(parsed: ParsedQuery, lookup: Lookup, *, every_word: bool = False) -> Relevance:
    """The query ranking articles for the words, phrases and exclusions of `parsed`.

    With `every_word`, for lists that are not ranked (by date, alerts, feeds, exports), an
    article must match every word group, each with its alternatives (spellings, the words the
    last one begins, names by sound): were most words enough there, partial matches would be
    interleaved by date with the rest, noise that ranking by relevance pushes below.
    """
    if parsed.has_operators:
        return _with_operators(parsed, lookup)
    plans = plan_words(parsed, lookup)
    members = word_groups(parsed, plans)
    if is_topic(len(members), lookup.entities):
        plans = [replace(plan, tie_breaker=TOPIC_TIE_BREAKER) for plan in plans]
    groups = [group_query(plans, group) for group in members]
    must: list[Clause] = []
    should: list[Clause] = []
    if groups and every_word:
        # Scores only break ties between articles of the same date: the words' own suffice.
        must += groups
    elif groups:
        # A word nothing but its sound may match does not count: the others still find articles.
        found = sum(not all(plans[m].lost for m in group) for group in members)
        msm = minimum_should_match(found or len(groups))
        if plentiful(plans, lookup.articles):
            # Articles with every word fill the first pages anyway: requiring them all is the
            # same ranking there, at a fraction of the cost (three common words: a third).
            msm = len(groups)
        words = (
            groups[0] if len(groups) == 1 else bool_query(should=groups, minimum_should_match=msm)
        )
        if (entity := entity_query(lookup.entities)) is not None:
            words = bool_query(should=[words, entity], minimum_should_match=1)
        must.append(words)
        if len(groups) > msm:
            # Every word as written, spelled or begun: sounding like one is weaker evidence.
            written = [group_query(plans, group, by_sound=False) for group in members]
            should.append(constant_score(bool_query(filter=written), ALL_WORDS_BONUS))
        if len(parsed.words) > 1:
            should.append(_proximity(parsed, plans, lookup))
    must += [multi_match(phrase, PHRASE_FIELDS, type="phrase") for phrase in parsed.phrases]
    excluded = [simple_query(text, SEARCH_FIELDS) for text in parsed.excluded]
    if len(must) == 1 and not should and not excluded:
        query = must[0]
    else:
        query = bool_query(must=must, should=should, must_not=excluded)
    return Relevance(
        query=query,
        close_spellings=any(plan.close_spellings for plan in plans),
        highlight=_highlight(parsed, plans, lookup),
    )


def plentiful(plans: Sequence[WordPlan], articles: int) -> bool:
    """Whether many articles are expected to hold every word, were the words independent
    (common words go together more often than that, so the estimate errs low)."""
    if len(plans) < 3 or not articles:
        return False
    expected = float(articles)
    for plan in plans:
        expected *= plan.docs / articles
    return expected >= PLENTY


def _proximity(parsed: ParsedQuery, plans: Sequence[WordPlan], lookup: Lookup) -> Clause:
    """The words close together in the title: each as most articles spell it, and an unfinished
    last word as headlines go on with it (else as a prefix)."""
    spelled = {plan.word: _dominant(plan) for plan in plans}
    words = [spelled.get(word, word) for word in parsed.words]
    open_last = any(plan.prefix or plan.optional for plan in plans)
    if open_last and lookup.completions:
        words[-1] = lookup.completions[0]
        open_last = False
    return multi_match(
        " ".join(words),
        PROXIMITY_FIELDS,
        type="phrase_prefix" if open_last else "phrase",
        slop=PROXIMITY_SLOP,
        boost=PROXIMITY_WEIGHT,
    )


def _dominant(plan: WordPlan) -> str:
    """The spelling of a word weighted highest: the word itself, or a more common spelling."""
    best = max(plan.variants, key=lambda variant: variant[1], default=None)
    return best[0] if best is not None and best[1] > plan.exact else plan.word


def _highlight(parsed: ParsedQuery, plans: Sequence[WordPlan], lookup: Lookup) -> Clause | None:
    """What to mark when words matched through alternatives: the words, their spellings and
    the words the last one begins (titles are also marked by the prefix itself; a prefix in
    the body would cost the highlighter a pass over the body's terms)."""
    if not any(plan.variants or plan.prefix for plan in plans):
        return None
    spellings = [spelling for plan in plans for spelling, _ in plan.variants]
    begun = lookup.completions if any(plan.prefix for plan in plans) else ()
    words = [*parsed.words, *spellings, *begun, *parsed.phrases]
    marks = [simple_query(" ".join(words), ("title", "body"), operator="or")]
    marks += [
        field_query("prefix", "title", {"value": plan.prefix}) for plan in plans if plan.prefix
    ]
    return bool_query(should=marks)


def _with_operators(parsed: ParsedQuery, lookup: Lookup) -> Relevance:
    """simple_query_string's own reading (every word required); the words the index does not
    know are matched give or take a typo too, scored below exact matches."""
    exact = simple_query(parsed.text, SEARCH_FIELDS)
    unknown = any(lookup.stats(word).docs == 0 for word in parsed.words)
    if not (unknown and parsed.fuzzy_text):
        return Relevance(query=exact, close_spellings=False, highlight=None)
    fuzzy = simple_query(
        parsed.fuzzy_text,
        FUZZY_FIELDS,
        flags=FUZZY_QUERY_FLAGS,
        # The first letter is rarely the typo, and fixing it cuts the terms to scan by an order
        # of magnitude.
        fuzzy_prefix_length=1,
        fuzzy_max_expansions=FUZZY_MAX_EXPANSIONS,
        name=f"{CLOSE_NAME}0",
    )
    exact = simple_query(parsed.text, SEARCH_FIELDS, boost=EXACT_BOOST, name=f"{EXACT_NAME}0")
    # Highlighting fuzzy terms re-analyses every body (tens of times slower): mark the words
    # as typed and as the suggester corrected them instead.
    words = " ".join(filter(None, [parsed.text, lookup.correction]))
    return Relevance(
        query=bool_query(should=[exact, fuzzy], minimum_should_match=1),
        close_spellings=True,
        highlight=simple_query(words, ("title", "body"), operator="or"),
    )
