"""The index mapping, declared once: the indexer writes it, the search side reads its alias."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from elasticsearch.dsl import (
    Date,
    Document,
    Keyword,
    MetaField,
    Text,
    analyzer,
    token_filter,
)

# Every read and write goes through this alias. It points at one versioned concrete index
# (`articles-20261128t052600`), so a reindex can build a new one and swap the alias atomically.
INDEX_ALIAS = "articles"

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


class ArticleDoc(Document):
    """An article as stored in Elasticsearch."""

    id = Keyword()
    # `offsets` in the postings lets the unified highlighter find fragments without
    # re-analysing the text of every hit, which matters for long bodies.
    title = Text(
        analyzer=english_folded,
        index_options="offsets",
        # Exact title for sorting and for duplicate checks; long titles are not indexed there.
        fields={"keyword": Keyword(ignore_above=512)},
    )
    body = Text(analyzer=english_folded, index_options="offsets")
    # Unknown dates stay null rather than being invented; sorts put them last.
    published = Date()
    source = Keyword()
    section = Keyword()
    # Only looked up, never searched as text.
    url = Keyword(ignore_above=2048)
    language = Keyword()
    categories = Keyword()
    # One keyword array per entity type: the facet values, exact and case-sensitive.
    person = Keyword()
    organization = Keyword()
    location = Keyword()
    # The surface forms each entity had in the text ("Ayatollah Seyyed Khamenei", "Khamenei"),
    # so a search for any of them finds the article filed under the canonical facet value.
    person_mentions = Text(analyzer=names_folded)
    organization_mentions = Text(analyzer=names_folded)
    location_mentions = Text(analyzer=names_folded)

    class Index:
        name = INDEX_ALIAS
        settings: ClassVar[dict[str, int]] = {"number_of_shards": 1, "number_of_replicas": 0}

    class Meta:
        # A field the mapping does not know is an indexer bug: fail the document loudly.
        dynamic = MetaField("strict")


def index_pattern(alias: str = INDEX_ALIAS) -> str:
    """The wildcard matching every concrete index behind `alias`."""
    return f"{alias}-*"


def concrete_index_name(alias: str = INDEX_ALIAS, *, now: datetime | None = None) -> str:
    """A new versioned index name for `alias`, ordered by creation time."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dt%H%M%S%f")
    return f"{alias}-{stamp}"


def index_body(*, replicas: int = 0) -> dict[str, Any]:
    """Settings and mappings for a new concrete index (without aliases)."""
    body = ArticleDoc._index.to_dict()
    body.setdefault("settings", {})["number_of_replicas"] = replicas
    return body
