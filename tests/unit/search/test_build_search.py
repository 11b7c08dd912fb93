"""build_search: the whole request body, asserted as the engine receives it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from search.query import InvalidParam, SearchParams, build_search

HIGHLIGHT = {
    "encoder": "html",
    "pre_tags": ["<mark>"],
    "post_tags": ["</mark>"],
    "fields": {
        "title": {"number_of_fragments": 0, "no_match_size": 512},
        "body": {"fragment_size": 160, "number_of_fragments": 3, "no_match_size": 160},
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


def test_an_empty_search_matches_everything_with_plain_facets() -> None:
    match_all: dict[str, Any] = {"match_all": {}}
    assert build_search(SearchParams(), "articles").to_dict() == {
        "query": {"match_all": {}},
        "aggs": facet_aggs(
            dict.fromkeys(("person", "organization", "location", "source"), match_all), {}
        ),
        "from": 0,
        "size": 10,
        "track_total_hits": True,
        "_source": {"excludes": ["body"]},
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
                    {
                        "simple_query_string": {
                            "query": 'Karabakh "peace talks" -Moscow',
                            "fields": ["title^2", "body"],
                            "default_operator": "and",
                            "lenient": True,
                            "flags": "AND|OR|NOT|PHRASE|PRECEDENCE|WHITESPACE|ESCAPE",
                        }
                    }
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
        ),
        "sort": [{"published": {"order": "desc", "missing": "_last"}}, "_score"],
        "from": 10,
        "size": 5,
        "track_total_hits": True,
        "_source": {"excludes": ["body"]},
        "highlight": HIGHLIGHT,
    }


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("relevance", None),
        ("newest", [{"published": {"order": "desc", "missing": "_last"}}, "_score"]),
        ("oldest", [{"published": {"order": "asc", "missing": "_last"}}, "_score"]),
    ],
)
def test_sorting_by_date_puts_undated_articles_last(sort: Any, expected: Any) -> None:
    assert build_search(SearchParams(sort=sort), "a").to_dict().get("sort") == expected


def test_a_single_date_bound_gives_a_half_open_range() -> None:
    body = build_search(SearchParams(date_from=date(2021, 3, 1)), "a").to_dict()
    assert body["query"] == {"bool": {"filter": [{"range": {"published": {"gte": "2021-03-01"}}}]}}


def test_the_index_alias_is_chosen_per_search() -> None:
    assert build_search(SearchParams(), "one")._index == ["one"]
    assert build_search(SearchParams(), "two")._index == ["two"]


def test_a_page_beyond_the_result_window_is_refused_before_anything_is_sent() -> None:
    with pytest.raises(InvalidParam):
        build_search(SearchParams(page=1001, size=10), "a")
