"""Asking the engine what it knows of a search's words (search/lookup.py), once per words.

Every request that matches words as `/api/search` does (the search, facet values, feeds,
exports, saved searches) asks here, so they all read the words the same way.
"""

from __future__ import annotations

from elasticsearch import Elasticsearch, NotFoundError

from search.lookup import Lookup, LookupCache, LookupKey, build_lookup, lookup_key, read_lookup
from search.syntax import ParsedQuery


def run_lookup(
    client: Elasticsearch, parsed: ParsedQuery, index: str, cache: LookupCache | None = None
) -> Lookup:
    """Term statistics, spellings and entity forms of the words (search/lookup.py), in one
    round trip, or from `cache` when they were asked lately; empty when there are no words
    (nothing is sent)."""
    key = lookup_key(parsed, index)
    if cache is not None and (cached := cache.get(key)) is not None:
        return cached
    searches = build_lookup(parsed, index)
    if searches is None:
        return Lookup()
    response = client.msearch(searches=searches)
    lookup = read_lookup(parsed, response.body.get("responses") or ())
    if cache is not None and lookup.articles:
        # An index that answered nothing (missing, outdated) is asked again next time.
        cache.put(key, lookup)
    return lookup


def count_articles(client: Elasticsearch, index: str, cache: LookupCache | None = None) -> int:
    """How many articles `index` holds (0 when it is missing), asked at most once a `cache`
    lifetime: searches without words need it to decide how to count their facets
    (search/sampling.py); a lookup of words tells it anyway."""
    # No lookup has this key: an open last word is searched from three letters (lookup.py).
    key: LookupKey = (index, (), "", False)
    if cache is not None and (cached := cache.get(key)) is not None:
        return cached.articles
    try:
        articles = int(client.count(index=index)["count"])
    except NotFoundError:
        # The search that follows meets the missing index and says so.
        return 0
    if cache is not None and articles:
        cache.put(key, Lookup(articles=articles))
    return articles
