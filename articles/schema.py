"""The index mapping, declared once: the indexer writes it, the search side reads its alias."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any, ClassVar

from elasticsearch.dsl import (
    Completion,
    Date,
    Document,
    Index,
    Integer,
    Keyword,
    MetaField,
    Text,
    analyzer,
    token_filter,
)

from articles.suggest import MAX_INPUT_LENGTH

# Every read and write goes through this alias. It points at one versioned concrete index
# (`articles-20261128t052600`), so a reindex can build a new one and swap the alias atomically.
INDEX_ALIAS = "articles"

# How the indices spread over a cluster (README "Running on a cluster" has the measurements).
# One primary shard: on the 44k corpus it searched fastest, on one node (p50 1.35 x faster
# than three shards) and on three (2.2-2.4 x); more shards loaded faster in some runs only, and
# loads are bound by entity extraction anyway (bench/cluster_shards.py).
ARTICLE_SHARDS = 1
# One replica whenever a second data node exists, none on a single node (which stays green):
# every shard then survives the loss of any one node, the most a three-node cluster survives
# anyway (it needs two of its three masters), at twice the writes. `0-all` would add a copy per
# node, more writes and disk for no more safety at three nodes.
# https://www.elastic.co/docs/reference/elasticsearch/index-settings/index-modules#dynamic-index-settings
AUTO_EXPAND_REPLICAS = "0-1"
CLUSTER_SETTINGS: dict[str, Any] = {
    "number_of_shards": ARTICLE_SHARDS,
    "auto_expand_replicas": AUTO_EXPAND_REPLICAS,
}

# Facets the API and the UI expose, in display order, mapped to the keyword field behind each.
FACETS: dict[str, str] = {
    "person": "person",
    "organization": "organization",
    "location": "location",
    "source": "source",
}

# English analysis with stemming and ASCII folding ("Khāmenei" matches "Khamenei", "conflicts"
# matches "conflict"). The engine we run is Elastic's minimal distribution, which lacks the
# analysis-common module (no `english` analyzer, `stemmer` or `asciifolding`), so the three
# `news_*` filters come from our own stable analysis plugin (engine/plugin/), which wraps the
# same Lucene classes those built-ins use. `lowercase` and `stop` are in the server core.
english_stop = token_filter("english_stop", "stop", stopwords="_english_")
# Names as written: no stemming ("Mousavi" must not become "mousavi" -> "mousav"), but case and
# diacritics folded so "Khāmenei" finds "Khamenei".
names_folded = analyzer(
    "names_folded", tokenizer="standard", filter=["lowercase", "news_asciifolding"]
)
# Names by their sound (Double Metaphone codes, our plugin's `news_name_phonetic`), so that
# transliterations of one name share a term: Rouhani, Rohani -> RHN; Hezbollah, Hizballah ->
# HSPL. Searched only through the entity mentions, and below exact spellings.
name_phonetic = token_filter("name_phonetic", "news_name_phonetic", max_code_length=6)
names_phonetic = analyzer(
    "names_phonetic",
    tokenizer="standard",
    filter=["news_english_possessive", "lowercase", "news_asciifolding", name_phonetic],
)
# Word pairs as written (and the single words), the language model of "did you mean": the
# phrase suggester scores a correction by how often its pairs occur ("inflation rate" over
# "inflaton rate"). `shingle` is in the server core. Titles only: pairs of the bodies would
# cost a quarter more index and slow bulk loading by a third, for corrections that were the same
# on 28 of 30 typos tried (the two others got none).
word_pairs = token_filter(
    "word_pairs", "shingle", min_shingle_size=2, max_shingle_size=2, output_unigrams=True
)
names_pairs = analyzer(
    "names_pairs", tokenizer="standard", filter=["lowercase", "news_asciifolding", word_pairs]
)
english_folded = analyzer(
    "english_folded",
    tokenizer="standard",
    filter=[
        "news_english_possessive",
        "lowercase",
        "news_asciifolding",
        english_stop,
        "news_english_stemmer",
    ],
)


def _suggest_field() -> Completion:
    """The completion field both indices share, so one suggest request can read them together."""
    return Completion(
        analyzer=names_folded,
        contexts=[{"name": "kind", "type": "category"}],
        max_input_length=MAX_INPUT_LENGTH,
    )


def _mentions_field() -> Text:
    """An entity type's surface forms and canonical names, with their phonetic codes."""
    return Text(analyzer=names_folded, fields={"phonetic": Text(analyzer=names_phonetic)})


class ArticleDoc(Document):
    """An article as stored in Elasticsearch."""

    id = Keyword()
    # `offsets` in the postings lets the unified highlighter find fragments without
    # re-analysing the text of every hit, which matters for long bodies.
    title = Text(
        analyzer=english_folded,
        index_options="offsets",
        fields={
            # Exact title for sorting and for duplicate checks; long titles are not indexed there.
            "keyword": Keyword(ignore_above=512),
            # Words as written, for typo-tolerant matching (see `body.spell`).
            "spell": Text(analyzer=names_folded, norms=False),
            # Pairs for "did you mean"; counted, never scored, so no norms or positions.
            "pairs": Text(analyzer=names_pairs, norms=False, index_options="freqs"),
        },
    )
    body = Text(
        analyzer=english_folded,
        index_options="offsets",
        # Words as written (folded, not stemmed): the "did you mean" phrase suggester must
        # propose real words, not stems, and typo-tolerant matching measures edits on them.
        # Positions are kept so quoted phrases still match in the typo-tolerant query.
        fields={"spell": Text(analyzer=names_folded, norms=False)},
    )
    # Unknown dates stay null rather than being invented; sorts put them last.
    published = Date()
    # Facet fields (with the entity types below): their global ordinals, which every search's
    # facet counts need, are built when a refresh opens new segments, not by the first search
    # after it. At a million articles (700k names) that first search took 800 ms instead of
    # 270 ms, and the refresh 190 ms instead of 20 (README "One million articles").
    source = Keyword(eager_global_ordinals=True)
    section = Keyword()
    # Only looked up, never searched as text.
    url = Keyword(ignore_above=2048)
    language = Keyword()
    categories = Keyword()
    # One keyword array per entity type: the facet values, exact and case-sensitive.
    person = Keyword(eager_global_ordinals=True)
    organization = Keyword(eager_global_ordinals=True)
    location = Keyword(eager_global_ordinals=True)
    # The surface forms each entity had in the text ("Ayatollah Seyyed Khamenei", "Khamenei"),
    # so a search for any of them finds the article filed under the canonical facet value.
    # `.phonetic` finds the same names spelled another way (names_phonetic).
    person_mentions = _mentions_field()
    organization_mentions = _mentions_field()
    location_mentions = _mentions_field()
    # Which surface form stood for which canonical entity: `type␟name␟form` (ENTITY_FORM_SEP),
    # so the entity page can list an entity's aliases with counts (a terms aggregation with a
    # prefix `include`) without a second index to keep in step with this one.
    entity_forms = Keyword()
    # Provenance and change tracking for incremental loads (indexer/load/changes.py and prune.py).
    # A re-run compares `content_hash` to skip an unchanged article before spending NER on it;
    # only ever read back from the source, so it is not indexed.
    content_hash = Keyword(index=False)
    # The input file (absolute path) or URL the article came from, so `load --prune` can find
    # the articles of an input that no longer holds them (exact and prefix queries).
    origin = Keyword(ignore_above=4096)
    # When this version of the article was written; kept as it was by `reindex`.
    ingested_at = Date()
    # Hashed identities (normalised URL; source + title) so that a record repeating a stored
    # article under another id is recognised and stored once.
    duplicate_keys = Keyword()
    # Search as you type on titles (tagged `title`; entity names are in the names index, see
    # NameDoc). The core `completion` field, since this engine has no `search_as_you_type`.
    suggest = _suggest_field()

    class Index:
        name = INDEX_ALIAS
        settings: ClassVar[dict[str, Any]] = CLUSTER_SETTINGS

    class Meta:
        # A field the mapping does not know is an indexer bug: fail the document loudly.
        dynamic = MetaField("strict")


class NameDoc(Document):
    """An entity in the names index: what suggestions offer as people, organizations and places.

    Derived from the articles behind the alias (the indexer syncs it after each change), so it
    never holds anything the articles do not.
    """

    kind = Keyword()
    name = Keyword()
    # How many articles carry this facet value: the suggestion's weight.
    articles = Integer()
    suggest = _suggest_field()

    class Meta:
        dynamic = MetaField("strict")


# Separates type, canonical name and surface form in `entity_forms`; never part of a name.
ENTITY_FORM_SEP = "\x1f"


def entity_form_key(kind: str, name: str, form: str) -> str:
    """The `entity_forms` value recording that `form` stood for entity `name` of `kind`."""
    return ENTITY_FORM_SEP.join((kind, name, form))


def index_pattern(alias: str = INDEX_ALIAS) -> str:
    """The wildcard matching every concrete index behind `alias`."""
    return f"{alias}-*"


def concrete_index_name(alias: str = INDEX_ALIAS, *, now: datetime | None = None) -> str:
    """A new versioned index name for `alias`, ordered by creation time."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dt%H%M%S%f")
    return f"{alias}-{stamp}"


def index_body() -> dict[str, Any]:
    """Settings and mappings for a new concrete index (without aliases); the caller's to change."""
    # A deep copy: to_dict() hands out the class's own settings dict, so a caller's change
    # (reindex turns refreshes off) would otherwise reach every index created after it.
    return copy.deepcopy(ArticleDoc._index.to_dict())


def names_alias(alias: str = INDEX_ALIAS) -> str:
    """The alias of the names index that goes with the articles behind `alias`.

    A dot, not a dash, so the names indices never match `index_pattern(alias)`.
    """
    return f"{alias}.names"


def data_aliases(alias: str = INDEX_ALIAS) -> tuple[str, ...]:
    """Every alias whose indices hold the product's data for `alias`, the articles' first.

    The one list of what a snapshot keeps (indexer/index/snapshots.py) and what deleting an
    alias's indices removes: a new index of the product joins it here.
    """
    # Imported here: articles.alerts builds on this module.
    from articles.alerts import alerts_alias, matches_alias

    return (alias, names_alias(alias), alerts_alias(alias), matches_alias(alias))


def names_index_body() -> dict[str, Any]:
    """Settings and mappings for a new names index (without aliases)."""
    index = Index(names_alias())
    # Small (one document per name) and read by every suggestion: one shard, replicated alike.
    index.settings(number_of_shards=1, auto_expand_replicas=AUTO_EXPAND_REPLICAS)
    index.document(NameDoc)
    return index.to_dict()
