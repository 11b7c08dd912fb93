"""What each page shows, fetched once for both its forms (HTML and the API's JSON).

The `*_page` functions read the request (Flask); the `run_*` functions are the only ones in the
service that talk to Elasticsearch: each sends requests built by the pure modules and shapes the
answer with them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from elasticsearch import Elasticsearch, NotFoundError
from flask import request, url_for

from articles import ENTITY_TYPES
from search.article import MAX_ID_BYTES, RelatedArticle, StoredArticle, build_related
from search.config import get_settings
from search.entity import EntityView, build_entity
from search.errors import AppError
from search.es import get_es, get_lookup_cache
from search.facet_values import FacetValues, build_facet_search, values_from_response
from search.lookup_pages import count_articles, run_lookup
from search.params import MAX_VALUE_LENGTH, FacetQuery, SearchParams, SuggestParams
from search.query import build_recount, build_search
from search.results import SearchPage, total_hits
from search.sampling import facet_chance, recount
from search.suggest import (
    NameSuggestion,
    Suggestion,
    Suggestions,
    build_suggest,
    suggest_indices,
    suggestions_from_response,
)


def search_page() -> SearchPage:
    """The search described by the request's query string."""
    settings = get_settings()
    params = SearchParams.from_args(
        request.args, default_size=settings.page_size, max_size=settings.max_page_size
    )
    return run_search(get_es(), params, settings.index_alias, facet_sample=settings.facet_sample)


def run_search(
    client: Elasticsearch, params: SearchParams, index: str, *, facet_sample: int = 0
) -> SearchPage:
    """Ask what the index knows of the words, then send the search for `params` to `index` and
    wrap the answer.

    In an index large enough, the facets of a search expected to match many more than
    `facet_sample` articles are counted in a sample of about that many (search/sampling.py);
    when the exact total shows the sample fell short, they are counted again.
    """
    cache = get_lookup_cache()
    lookup = run_lookup(client, params.parsed, index, cache)
    articles = (lookup.articles or count_articles(client, index, cache)) if facet_sample else 0
    chance = facet_chance(params, lookup, articles, facet_sample)
    body = build_search(params, index, lookup, facet_chance=chance).to_dict()
    response = client.search(index=index, body=body).body
    again = recount(total_hits(response), chance, facet_sample)
    if again is not None:
        recounted = client.search(
            index=index, body=build_recount(params, index, body["query"], again).to_dict()
        ).body
        response = {**response, "aggregations": recounted.get("aggregations") or {}}
    return SearchPage.from_response(response, params, lookup=lookup)


def article_page(article_id: str) -> StoredArticle:
    """The stored article with its related articles; 404 when there is none."""
    found = run_article(get_es(), article_id, get_settings().index_alias)
    if found is None:
        raise AppError(404, "not_found", "no article with this id")
    return found


def run_article(client: Elasticsearch, article_id: str, index: str) -> StoredArticle | None:
    """The article stored under `article_id` with the articles most like it, None if none.

    A missing *index* still raises NotFoundError: that is an engine problem, not a 404.
    """
    if not article_id or len(article_id.encode("utf-8")) > MAX_ID_BYTES:
        return None
    try:
        # The suggestion inputs are for the suggester only, and bulky.
        doc = client.get(index=index, id=article_id, source_excludes=["suggest"])
    except NotFoundError as exc:
        # A missing document answers `{"found": false, ...}`; a missing index answers an error.
        if isinstance(exc.body, Mapping) and exc.body.get("found") is False:
            return None
        raise
    article = StoredArticle.from_doc(doc.body)
    response = client.search(index=index, body=build_related(article)).body
    related = tuple(
        RelatedArticle.from_hit(hit) for hit in (response.get("hits") or {}).get("hits") or ()
    )
    return article.model_copy(update={"related": related})


def facet_page(name: str) -> FacetValues:
    """The values of facet `name` matching the request's `q`, under the request's search."""
    settings = get_settings()
    try:
        query = FacetQuery.from_args(
            name, request.args, default_size=settings.page_size, max_size=settings.max_page_size
        )
    except KeyError:
        raise AppError(404, "not_found", "no such facet") from None
    return run_facet_values(get_es(), query, settings.index_alias)


def run_facet_values(client: Elasticsearch, query: FacetQuery, index: str) -> FacetValues:
    """The values of `query.facet` matching `query.text`, counted under the current search."""
    lookup = run_lookup(client, query.search.parsed, index, get_lookup_cache())
    response = client.search(index=index, body=build_facet_search(query, index, lookup).to_dict())
    return values_from_response(response.body, query)


def suggest_page() -> Suggestions:
    """The prefix typed so far and its suggestions, each with where picking it leads."""
    prefix = SuggestParams.from_args(request.args).q
    found = run_suggest(get_es(), prefix, get_settings().index_alias)
    return Suggestions(
        q=prefix, suggestions=tuple(s.model_copy(update={"url": _url(s)}) for s in found)
    )


def _url(suggestion: Suggestion) -> str:
    """Where picking a suggestion leads: the search filtered on the entity, or the article."""
    if isinstance(suggestion, NameSuggestion):
        args: dict[str, Any] = dict(suggestion.search_args)
        return url_for("ui.search", **args)
    return url_for("ui.article", article_id=suggestion.id)


def run_suggest(client: Elasticsearch, prefix: str, alias: str) -> list[Suggestion]:
    """Suggestions for `prefix` from the articles behind `alias` and their names index.

    None for an empty prefix (nothing is sent). A names index not built yet (an index loaded
    before it existed; the next `load` builds it) means titles only, not an error.
    """
    if not prefix:
        return []
    response = client.search(
        index=suggest_indices(alias), body=build_suggest(prefix), ignore_unavailable=True
    )
    return suggestions_from_response(response.body)


def entity_page(kind: str, name: str) -> EntityView:
    """The entity the request's URL names, for the page and the API; 404 when there is none."""
    if kind not in ENTITY_TYPES:
        raise AppError(404, "not_found", "no such entity type")
    view = run_entity(get_es(), kind, name, get_settings().index_alias)
    if view is None:
        raise AppError(404, "not_found", "no article is filed under this entity")
    return view


def run_entity(client: Elasticsearch, kind: str, name: str, index: str) -> EntityView | None:
    """The page of entity (kind, name) on `index`; None when no article is filed under it."""
    if not name or len(name) > MAX_VALUE_LENGTH:
        return None
    response = client.search(index=index, body=build_entity(kind, name))
    view = EntityView.from_response(kind, name, response.body)
    return view if view.articles else None
