"""What the index knows of the words typed, asked before the search (pure, no I/O).

One `_msearch` round trip of two size-0 searches (`build_lookup`), read by `read_lookup`:

1. **statistics**: how many articles there are; how many hold each word as written (unstemmed:
   in the body, a title or an entity's name) and how many a word the last word begins; the
   spellings of each word the index uses more often (the term suggester in `popular` mode);
   and the phrase suggester's correction of the whole query, scored by how often its word
   pairs occur in titles (`title.pairs`);
2. **entity forms**: the entities whose recorded surface forms (`entity_forms`) contain the
   typed words as a phrase, read from the first articles whose mentions do.

search/ranking.py turns the answer (`Lookup`) into the query; search/pages.py sends both.
"""

from __future__ import annotations

import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from articles import ENTITY_FORM_SEP, ENTITY_TYPES
from search.syntax import WORD, ParsedQuery, lucene_regex_escape

# The unstemmed copy of the body: counts and spellings of words as written.
SPELL_FIELD = "body.spell"
MENTION_FIELDS = tuple(f"{kind}_mentions" for kind in ENTITY_TYPES)
# Where a word counts as known, as written: in the body, a title, or an entity's name.
COUNT_FIELDS = (SPELL_FIELD, "title.spell", *MENTION_FIELDS)
# Word pairs (and single words) of the titles: the language model of "did you mean".
PAIRS_FIELD = "title.pairs"
# The words of a query searched for spellings and entity forms; longer queries are topics,
# not names, and each word costs a suggester lookup.
MAX_LOOKUP_WORDS = 8
# Spellings returned per word (the ranking keeps the few much more common than the word typed).
VARIANTS_PER_WORD = 4
# Two edits reach the transliterations (Hizballah -> Hezbollah, Raeesi -> Raisi); no prefix is
# kept fixed, since the first letter is where many differ (Esfahan, Isfahan; Qadhafi, Gaddafi).
VARIANT_MAX_EDITS = 2
VARIANT_PREFIX_LENGTH = 0
# Shorter words have too many neighbours one or two edits away to guess from.
VARIANT_MIN_LENGTH = 4
# A spelling must be used by this many articles to be taken: one odd article is a typo.
# (Checked on the answer: the suggester's `min_doc_freq` leaves out a count equal to it.)
VARIANT_MIN_DOCS = 2
# Words in more than this share of the articles are known: no spellings are looked up for
# them (the suggester's default, 1 %, would leave a small index no rare word to correct).
VARIANT_MAX_SHARE = 0.05
# The last word is searched as a prefix from this many letters: shorter prefixes match most of
# the vocabulary, and the suggestions box serves them better.
MIN_PREFIX_LENGTH = 3
# Title completions read for the words the last word begins (each way).
COMPLETIONS = 8
# Articles read for entity forms: enough for a name's usual forms, few enough to stay cheap on
# a name found in thousands of articles.
FORMS_SAMPLE = 200
FORMS_BUCKETS = 10

# Letters that Unicode decomposition does not reduce to ASCII, folded as Lucene's
# ASCIIFoldingFilter (our `news_asciifolding`) folds them.
_SPECIAL_FOLDS = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "\u0131": "i"}
)
# Anything but a letter or digit: what separates two words of a surface form.
_NOT_WORD = "[^a-zA-Z0-9]"


def fold(word: str) -> str:
    """`word` as the `names_folded` analyzer indexes it: lower case, accents folded.

    Needed where the engine does not analyse the text (prefix queries).
    """
    decomposed = unicodedata.normalize("NFKD", word.casefold().translate(_SPECIAL_FOLDS))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@dataclass(frozen=True)
class Spelling:
    """A spelling of a word, how many articles use it, and how close it is (1: the same)."""

    text: str
    docs: int
    similarity: float = 1.0


@dataclass(frozen=True)
class WordStats:
    """One typed word: how many articles hold it as written, and its more common spellings."""

    docs: int = 0
    variants: tuple[Spelling, ...] = ()


@dataclass(frozen=True)
class Entity:
    """An entity one of whose recorded forms contains the typed words."""

    kind: str
    name: str
    # Articles of the sample that carry the form.
    articles: int
    # Articles of the sample (those whose mentions hold the words).
    sample: int = 0


@dataclass(frozen=True)
class Lookup:
    """What the index knows of a query's words; empty (every count 0) when nothing was asked."""

    articles: int = 0
    # By folded word.
    words: Mapping[str, WordStats] = field(default_factory=dict)
    # Articles holding a word that starts with the last word typed (0: not asked).
    prefix_docs: int = 0
    entities: tuple[Entity, ...] = ()
    # The phrase suggester's correction of the plain words, lower case, or None.
    correction: str | None = None
    # Words the last word begins, from headlines, folded: after the word before it first.
    completions: tuple[str, ...] = ()

    def stats(self, word: str) -> WordStats:
        """The statistics of `word` (as typed), zero when unknown."""
        return self.words.get(fold(word), WordStats())


LookupKey = tuple[str, tuple[str, ...], str | None, bool]


def lookup_key(parsed: ParsedQuery, index: str) -> LookupKey:
    """What a lookup depends on: the index, the words folded, the open last word, operators."""
    return (index, tuple(fold(w) for w in parsed.words), prefix_word(parsed), parsed.has_operators)


class LookupCache:
    """Recent lookups by `lookup_key`, for `ttl` seconds, the `size` most recent (thread-safe).

    What the index knows of words changes only as articles are loaded, so a lookup a minute
    old is as good as a new one, and paging, facet selections and other sorts of the same
    words ask nothing twice.
    """

    def __init__(
        self, *, size: int = 1024, ttl: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.size = size
        self.ttl = ttl
        self.clock = clock
        self._entries: OrderedDict[LookupKey, tuple[float, Lookup]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: LookupKey) -> Lookup | None:
        """The lookup stored under `key` if it is recent enough."""
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            stored, lookup = found
            if self.clock() - stored > self.ttl:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return lookup

    def put(self, key: LookupKey, lookup: Lookup) -> None:
        """Store `lookup` under `key`, forgetting the least recently used beyond `size`."""
        with self._lock:
            self._entries[key] = (self.clock(), lookup)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


def lookup_words(parsed: ParsedQuery) -> tuple[str, ...]:
    """The distinct plain words whose statistics are asked, folded, in order."""
    return tuple(dict.fromkeys(fold(word) for word in parsed.words))[:MAX_LOOKUP_WORDS]


def open_word(parsed: ParsedQuery) -> str | None:
    """The last word, folded, when it may be unfinished (the text ends with it)."""
    if parsed.last_word is None or parsed.has_operators:
        return None
    return fold(parsed.last_word)


def prefix_word(parsed: ParsedQuery) -> str | None:
    """The last word, folded, when it may be unfinished and is long enough to search as a prefix."""
    folded = open_word(parsed)
    return folded if folded is not None and len(folded) >= MIN_PREFIX_LENGTH else None


def _completion(prefix: str) -> dict[str, Any]:
    """A completion suggester over the titles' inputs (which start at each of their first
    words) for `prefix`."""
    return {
        "prefix": prefix,
        "completion": {
            "field": "suggest",
            "size": COMPLETIONS,
            "contexts": {"kind": ["title"]},
            "skip_duplicates": True,
        },
    }


def build_lookup(parsed: ParsedQuery, index: str) -> list[dict[str, Any]] | None:
    """The `_msearch` body (header and body lines) of the lookup, None when there are no words."""
    words = lookup_words(parsed)
    if not words:
        return None
    counts: dict[str, Any] = {
        f"w{i}": {"multi_match": {"query": word, "fields": list(COUNT_FIELDS)}}
        for i, word in enumerate(words)
    }
    # Words the last word begins, as headlines write them: after the word before it ("World
    # Cup qu" -> qualifiers), and alone if it is long enough to mean something.
    completions: dict[str, Any] = {}
    if (last := open_word(parsed)) is not None and len(parsed.words) > 1:
        completions["completions_after"] = _completion(f"{fold(parsed.words[-2])} {last}")
    if (prefix := prefix_word(parsed)) is not None:
        completions["completions"] = _completion(prefix)
        counts["prefix"] = {
            "bool": {"should": [{"prefix": {field: prefix}} for field in COUNT_FIELDS]}
        }
    suggest: dict[str, Any] = {
        f"w{i}": {
            "text": word,
            "term": {
                "field": SPELL_FIELD,
                # Only spellings used by more articles than the word typed.
                "suggest_mode": "popular",
                "size": VARIANTS_PER_WORD,
                "max_edits": VARIANT_MAX_EDITS,
                "prefix_length": VARIANT_PREFIX_LENGTH,
                "min_word_length": VARIANT_MIN_LENGTH,
                "max_term_freq": VARIANT_MAX_SHARE,
            },
        }
        for i, word in enumerate(words)
        if len(word) >= VARIANT_MIN_LENGTH
    }
    suggest["did_you_mean"] = {
        "text": " ".join(fold(word) for word in parsed.words),
        "phrase": {
            "field": PAIRS_FIELD,
            "gram_size": 2,
            "size": 1,
            # Up to two words may be corrected at once.
            "max_errors": 2,
            "direct_generator": [
                {
                    "field": SPELL_FIELD,
                    # `popular`: a more frequent word is proposed even when the typed one
                    # exists, since a large corpus contains most typos somewhere; the word pairs
                    # decide whether the change reads better.
                    "suggest_mode": "popular",
                    "min_word_length": 3,
                    "max_edits": 2,
                    "max_term_freq": VARIANT_MAX_SHARE,
                }
            ],
        },
    }
    suggest |= completions
    statistics = {
        "size": 0,
        # Completion options would otherwise bring their articles' source.
        "_source": False,
        # Every article: the total is the number of articles (an idf needs it), read for free.
        "track_total_hits": True,
        # A filter per word over all articles, counted without scoring.
        "aggs": {"counts": {"filters": {"filters": counts}}},
        "suggest": suggest,
    }
    header: dict[str, Any] = {"index": index}
    searches = [header, statistics]
    if forms := _forms_search(parsed):
        searches += [header, forms]
    return searches


def _forms_search(parsed: ParsedQuery) -> dict[str, Any] | None:
    """The entity forms search: forms holding the plain words as a phrase, from a sample."""
    words = [fold(word) for word in parsed.words]
    if not words or len(words) > MAX_LOOKUP_WORDS or parsed.has_operators:
        return None
    phrase = " ".join(words)
    # A last word being typed matches the forms it begins ("Khamen": "Ali Khamenei").
    open_last = prefix_word(parsed) is not None
    return {
        "size": 0,
        # Counted up to the sample's end: the share of it an entity's forms cover.
        "track_total_hits": True,
        # The first articles found are enough to read which entities the words name.
        "terminate_after": FORMS_SAMPLE,
        "query": {
            "multi_match": {
                "query": phrase,
                "type": "phrase_prefix" if open_last else "phrase",
                "fields": list(MENTION_FIELDS),
            }
        },
        "aggs": {
            "forms": {
                "terms": {
                    "field": "entity_forms",
                    "include": forms_regex(words, open_last=open_last),
                    # A few hundred articles' values, matched one by one: cheaper than the
                    # index-wide ordinals of a field with a value per form of every entity.
                    "execution_hint": "map",
                    "size": FORMS_BUCKETS,
                }
            }
        },
    }


def forms_regex(words: Sequence[str], *, open_last: bool = False) -> str:
    """A Lucene regular expression for `entity_forms` values whose form holds `words` in a row,
    whole, in any case: `person␟Ali Khamenei␟Ayatollah Khamenei` for ["khamenei"]; with
    `open_last`, the last word may go on ("khamen")."""
    sep = ENTITY_FORM_SEP
    phrase = (_NOT_WORD + "+").join(_any_case(word) for word in words)
    kinds = "|".join(ENTITY_TYPES)
    rest = f"[^{sep}]*" if open_last else f"({_NOT_WORD}.*)?"
    return f"({kinds}){sep}[^{sep}]*{sep}(.*{_NOT_WORD})?{phrase}{rest}"


def _any_case(word: str) -> str:
    """`word` as a regular expression matching it in any case (ASCII letters), literally."""
    out: list[str] = []
    for char in word:
        if char.isascii() and char.isalpha():
            out.append(f"[{char.lower()}{char.upper()}]")
        else:
            out.append(lucene_regex_escape(char))
    return "".join(out)


def read_lookup(parsed: ParsedQuery, responses: Sequence[Mapping[str, Any]]) -> Lookup:
    """The `_msearch` answers (in the order of `build_lookup`) as a Lookup.

    A search that failed (an index without the fields yet) reads as knowing nothing.
    """
    words = lookup_words(parsed)
    statistics = responses[0] if responses else {}
    total = (statistics.get("hits") or {}).get("total") or {}
    buckets: Mapping[str, Any] = ((statistics.get("aggregations") or {}).get("counts") or {}).get(
        "buckets"
    ) or {}
    suggest: Mapping[str, Any] = statistics.get("suggest") or {}
    stats = {
        word: WordStats(
            docs=_count(buckets, f"w{i}"),
            variants=_variants(suggest.get(f"w{i}") or (), word),
        )
        for i, word in enumerate(words)
    }
    correction = None
    for entry in suggest.get("did_you_mean") or ():
        for option in entry.get("options") or ():
            correction = str(option.get("text") or "") or None
            break
    last = open_word(parsed)
    return Lookup(
        articles=int(total.get("value") or 0) if isinstance(total, Mapping) else int(total),
        words=stats,
        prefix_docs=_count(buckets, "prefix"),
        entities=_entities(responses[1] if len(responses) > 1 else {}),
        correction=correction,
        completions=_completions(suggest, last) if last else (),
    )


def _completions(suggest: Mapping[str, Any], last: str) -> tuple[str, ...]:
    """The distinct words beginning with `last` that completed title inputs hold where it
    stands: second after the word before it, first alone; those after it first."""
    found: dict[str, None] = {}
    for name, position in (("completions_after", 1), ("completions", 0)):
        for entry in suggest.get(name) or ():
            for option in entry.get("options") or ():
                words = WORD.findall(fold(str(option.get("text") or "")))
                if len(words) > position and words[position].startswith(last):
                    found[words[position]] = None
    return tuple(found)


def _count(buckets: Mapping[str, Any], key: str) -> int:
    return int((buckets.get(key) or {}).get("doc_count") or 0)


def _variants(entries: Sequence[Mapping[str, Any]], word: str) -> tuple[Spelling, ...]:
    """The term suggester's spellings of `word`, most similar first."""
    found: dict[str, Spelling] = {}
    for entry in entries:
        for option in entry.get("options") or ():
            text = str(option.get("text") or "")
            if text and text != word and text not in found:
                found[text] = Spelling(
                    text=text,
                    docs=int(option.get("freq") or 0),
                    similarity=float(option.get("score") or 0.0),
                )
    return tuple(found.values())


def _entities(response: Mapping[str, Any]) -> tuple[Entity, ...]:
    """Entities of the forms search, each counted by its most frequent matching form."""
    forms: Mapping[str, Any] = (response.get("aggregations") or {}).get("forms") or {}
    total = (response.get("hits") or {}).get("total") or {}
    sample = int(total.get("value") or 0) if isinstance(total, Mapping) else int(total)
    best: dict[tuple[str, str], int] = {}
    for bucket in forms.get("buckets") or ():
        kind, name, *_ = [*str(bucket.get("key") or "").split(ENTITY_FORM_SEP), "", ""]
        if kind in ENTITY_TYPES and name:
            best[kind, name] = max(best.get((kind, name), 0), int(bucket.get("doc_count") or 0))
    ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
    return tuple(
        Entity(kind=kind, name=name, articles=n, sample=sample) for (kind, name), n in ranked
    )
