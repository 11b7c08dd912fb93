"""build_search: the whole request body, asserted as the engine receives it."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from search.cursor import Cursor
from search.lookup import Lookup, Spelling, WordStats
from search.params import InvalidParam, SearchParams, Sort
from search.query import build_search, every_word_required
from search.ranking import relevance
from search.syntax import parse_query

HIGHLIGHT = {
    "encoder": "html",
    "pre_tags": ["<mark>"],
    "post_tags": ["</mark>"],
    # A huge stored body is analysed this far only (issue 10), never refused or analysed whole.
    "max_analyzed_offset": 100_000,
    "fields": {
        "title": {"number_of_fragments": 0, "no_match_size": 512},
        "body": {"fragment_size": 160, "number_of_fragments": 3, "no_match_size": 160},
    },
}


SOURCE = {"excludes": ["body", "suggest", "*_mentions"]}
NEWEST = [
    {"published": {"order": "desc", "missing": "_last"}},
    "_score",
    {"id": {"order": "asc"}},
]
RELEVANCE = ["_score", {"id": {"order": "asc"}}]


def timeline(selections: dict[str, Any], interval: str = "month") -> dict[str, Any]:
    return {
        "_timeline": {
            "filter": selections,
            "aggs": {
                "published": {
                    "date_histogram": {
                        "field": "published",
                        "calendar_interval": interval,
                        "min_doc_count": 1,
                    }
                }
            },
        },
    }


def facet_aggs(filters: dict[str, Any], selected: dict[str, list[str]]) -> dict[str, Any]:
    aggs: dict[str, Any] = {}
    for name in ("person", "organization", "location", "source"):
        sub: dict[str, Any] = {name: {"terms": {"field": name, "size": 10}}}
        if name in selected:
            sub["selected"] = {
                "terms": {
                    "field": name,
                    "include": selected[name],
                    "min_doc_count": 0,
                    "size": len(selected[name]),
                }
            }
        aggs[f"_filter_{name}"] = {"filter": filters[name], "aggs": sub}
    return aggs


def test_an_empty_search_lists_everything_newest_first_with_plain_facets() -> None:
    match_all: dict[str, Any] = {"match_all": {}}
    assert build_search(SearchParams(), "articles").to_dict() == {
        "query": {"match_all": {}},
        "aggs": facet_aggs(
            dict.fromkeys(("person", "organization", "location", "source"), match_all), {}
        )
        | timeline(match_all),
        "sort": NEWEST,
        "from": 0,
        "size": 10,
        "track_total_hits": True,
        "_source": SOURCE,
        "highlight": HIGHLIGHT,
    }


def test_a_full_search_puts_text_and_dates_in_the_query_and_facets_in_the_post_filter() -> None:
    params = SearchParams(
        q='Karabakh "peace talks" -Moscow',
        filters={"person": ("Ali Khamenei",), "location": ("Armenia", "Iran")},
        date_from=date(2020, 1, 1),
        date_to=date(2020, 12, 31),
        sort="newest",
        page=3,
        size=5,
    )
    person = {"terms": {"person": ["Ali Khamenei"]}}
    location = {"terms": {"location": ["Armenia", "Iran"]}}
    both = {"bool": {"must": [person, location]}}
    assert build_search(params, "test-alias").to_dict() == {
        "query": {
            "bool": {
                "must": [
                    # The words as search/ranking.py ranks them (test_ranking.py).
                    relevance(params.parsed, Lookup()).query
                ],
                "filter": [
                    {"range": {"published": {"gte": "2020-01-01", "lte": "2020-12-31||/d"}}}
                ],
            }
        },
        # Selected values narrow the hits only, after the aggregations ran.
        "post_filter": both,
        # Each facet is counted under the other facets' selections, never its own.
        "aggs": facet_aggs(
            {"person": location, "organization": both, "location": person, "source": both},
            {"person": ["Ali Khamenei"], "location": ["Armenia", "Iran"]},
        )
        # The timeline counts what is shown: every facet selection applies to it.
        | timeline(both),
        "sort": NEWEST,
        "from": 10,
        "size": 5,
        "track_total_hits": True,
        "_source": SOURCE,
        "highlight": HIGHLIGHT,
    }


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("relevance", RELEVANCE),
        ("newest", NEWEST),
        (
            "oldest",
            [
                {"published": {"order": "asc", "missing": "_last"}},
                "_score",
                {"id": {"order": "asc"}},
            ],
        ),
    ],
)
def test_sorting_by_date_puts_undated_articles_last_and_ids_break_ties(
    sort: Any, expected: Any
) -> None:
    assert build_search(SearchParams(q="iran", sort=sort), "a").to_dict()["sort"] == expected


def test_relevance_without_words_lists_the_newest_first() -> None:
    assert build_search(SearchParams(sort="relevance"), "a").to_dict()["sort"] == NEWEST
    only_prefix = SearchParams(q='person:"Ali Khamenei"')
    assert only_prefix.effective_sort == "newest"


def test_a_single_date_bound_gives_a_half_open_range() -> None:
    body = build_search(SearchParams(date_from=date(2021, 3, 1)), "a").to_dict()
    assert body["query"] == {"bool": {"filter": [{"range": {"published": {"gte": "2021-03-01"}}}]}}


def test_a_short_date_range_is_drawn_in_days() -> None:
    params = SearchParams(date_from=date(2020, 11, 1), date_to=date(2020, 11, 30))
    aggs = build_search(params, "a").to_dict()["aggs"]
    assert aggs["_timeline"] == timeline({"match_all": {}}, "day")["_timeline"]


def test_typed_prefixes_become_filters_matched_through_mentions() -> None:
    params = SearchParams(q='ceasefire person:"Ali Khamenei" -source:wikinews')
    assert build_search(params, "a").to_dict()["query"] == {
        "bool": {
            "must": [
                {
                    "multi_match": {
                        "query": "ceasefire",
                        "fields": [
                            "title^2",
                            "body",
                            "person_mentions",
                            "organization_mentions",
                            "location_mentions",
                        ],
                        "type": "most_fields",
                    }
                }
            ],
            "filter": [
                {
                    "bool": {
                        "should": [
                            {
                                "term": {
                                    "person": {"value": "Ali Khamenei", "case_insensitive": True}
                                }
                            },
                            {"match_phrase": {"person_mentions": "Ali Khamenei"}},
                        ],
                        "minimum_should_match": 1,
                    }
                }
            ],
            "must_not": [{"term": {"source": {"value": "wikinews", "case_insensitive": True}}}],
        }
    }


def test_the_lookup_decides_how_the_words_are_ranked() -> None:
    params = SearchParams(q="Huthi rebels", filters={"location": ("Yemen",)})
    stats = Lookup(
        articles=40_000,
        words={
            "huthi": WordStats(docs=1, variants=(Spelling("houthi", 151, 0.83),)),
            "rebels": WordStats(docs=216),
        },
        prefix_docs=216,
    )
    body = build_search(params, "a", stats).to_dict()
    assert body["query"] == relevance(params.parsed, stats).query
    # Close spellings are named clauses: the answer says whether a hit owed them its place.
    assert '"_name": "close-0"' in json.dumps(body["query"])
    assert "suggest" not in body


def test_an_expanded_facet_asks_for_more_values() -> None:
    aggs = build_search(SearchParams(expand=("location",)), "a").to_dict()["aggs"]
    assert aggs["_filter_location"]["aggs"]["location"]["terms"]["size"] == 50
    assert aggs["_filter_person"]["aggs"]["person"]["terms"]["size"] == 10


def test_a_cursor_continues_after_the_last_hit_from_the_start_of_the_window() -> None:
    params = SearchParams(q="iran", cursor=Cursor("relevance", (1.5, "doc-9")))
    body = build_search(params, "a").to_dict()
    assert (body.get("from", 0), body["size"], body["search_after"]) == (0, 10, [1.5, "doc-9"])


def test_a_cursor_continues_in_its_own_order() -> None:
    # Issue 10: every cursor of the published form is accepted; it carries its order, which
    # then applies whatever `sort` says (a cursor from another order used to be a 400).
    cursor = Cursor("relevance", (1.5, "x")).encode()
    params = SearchParams.parse({"q": "iran", "sort": "newest", "cursor": cursor})
    assert params.effective_sort == "relevance"
    assert build_search(params, "a").to_dict()["sort"] == RELEVANCE


def test_a_cursor_may_page_beyond_the_result_window() -> None:
    params = SearchParams(q="iran", size=100, cursor=Cursor("relevance", (0.5, "x")))
    assert build_search(params, "a").to_dict()["search_after"] == [0.5, "x"]


def test_the_index_alias_is_chosen_per_search() -> None:
    assert build_search(SearchParams(), "one").index == "one"
    assert build_search(SearchParams(), "two").index == "two"


def test_a_page_beyond_the_result_window_is_refused_before_anything_is_sent() -> None:
    with pytest.raises(InvalidParam):
        SearchParams.parse({"page": 1001, "size": 10})


def test_words_matched_through_other_spellings_or_prefixes_are_marked_as_such() -> None:
    stats = Lookup(
        articles=40_000,
        words={"ceasfire": WordStats(variants=(Spelling("ceasefire", 500, 0.89),))},
    )
    highlight = build_search(SearchParams(q="ceasfire"), "a", stats).to_dict()["highlight"]
    # Highlighting the engine's expansions would re-analyse every body; words are cheap to mark.
    assert highlight["highlight_query"] == {
        "bool": {
            "should": [
                {
                    "simple_query_string": {
                        "query": "ceasfire ceasefire",
                        "fields": ["title", "body"],
                        "default_operator": "or",
                        "lenient": True,
                        "flags": "AND|OR|NOT|PHRASE|PRECEDENCE|WHITESPACE|ESCAPE",
                    }
                }
            ]
        }
    }
    assert highlight["fields"] == HIGHLIGHT["fields"]
    plain = build_search(SearchParams(q="ceasefire"), "a", stats).to_dict()["highlight"]
    assert "highlight_query" not in plain


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_a_search_sorted_by_date_requires_every_word(sort: Sort) -> None:
    stats = Lookup(
        articles=40_000,
        words={
            "iran": WordStats(docs=23_000),
            "nuclear": WordStats(docs=6_400),
            "deal": WordStats(docs=700),
        },
        prefix_docs=100,
    )
    ranked = build_search(SearchParams(q="Iran nuclear deal"), "a", stats).to_dict()["query"]
    dated = build_search(SearchParams(q="Iran nuclear deal", sort=sort), "a", stats).to_dict()
    assert ranked["bool"]["must"][0]["bool"]["minimum_should_match"] == 2
    assert (
        dated["query"] == relevance(parse_query("Iran nuclear deal"), stats, every_word=True).query
    )
    assert [next(iter(clause)) for clause in dated["query"]["bool"]["must"]] == ["multi_match"] * 3
    # So do its facet counts and timeline: they count the query's articles.
    assert dated["aggs"]["_timeline"]["filter"] == {"match_all": {}}


def test_a_cursor_in_date_order_requires_every_word_whatever_sort_says() -> None:
    params = SearchParams.parse(
        {"q": "Iran nuclear deal", "cursor": Cursor("newest", (1604534400000, 1.0, "x")).encode()}
    )
    assert every_word_required(params)
    assert not every_word_required(SearchParams(q="Iran nuclear deal"))
