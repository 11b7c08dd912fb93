"""Searching within a facet's values: the parameters, the pattern and the request."""

from __future__ import annotations

import re

import pytest
from werkzeug.datastructures import MultiDict

from search.facet_values import build_facet_search, value_pattern, values_from_response
from search.params import FacetQuery, InvalidParam, SearchParams


def lucene_like(pattern: str) -> re.Pattern[str]:
    """Lucene regexps match the whole term; Python's fullmatch does the same for ours."""
    return re.compile(pattern)


@pytest.mark.parametrize(
    ("text", "matches", "misses"),
    [
        ("ar", ["Armenia", "Nagorno-Karabakh Ar", "South Ari"], ["Qatar", "Bahrain"]),
        ("new y", ["New York", "The New York Times"], ["Newark"]),
        ("a.b", ["a.b c"], ["axb"]),
    ],
)
def test_the_value_pattern_finds_words_starting_with_the_text_in_any_case(
    text: str, matches: list[str], misses: list[str]
) -> None:
    pattern = lucene_like(value_pattern(text))
    assert all(pattern.fullmatch(value) for value in matches)
    assert not any(pattern.fullmatch(value) for value in misses)


def test_regular_expression_characters_are_escaped() -> None:
    assert value_pattern('a*"(') == '(.*[^A-Za-z0-9])?[aA]\\*\\"\\(.*'


def test_the_search_words_come_as_query_and_q_is_the_text_in_values() -> None:
    args = MultiDict([("q", "ar"), ("query", "Karabakh"), ("location", "Iran"), ("page", "3")])
    query = FacetQuery.from_args("location", args)
    assert query.text == "ar"
    assert query.search == SearchParams(q="Karabakh", filters={"location": ("Iran",)})
    assert query.to_args() == {"location": ["Iran"], "query": ["Karabakh"], "q": ["ar"]}


def test_an_unknown_facet_or_an_overlong_text_is_refused() -> None:
    with pytest.raises(KeyError):
        FacetQuery.from_args("colour", MultiDict())
    with pytest.raises(InvalidParam):
        FacetQuery.from_args("person", MultiDict([("q", "x" * 301)]))


def test_the_request_counts_values_under_the_other_facets_only() -> None:
    search = SearchParams(q="Karabakh", filters={"location": ("Iran",), "person": ("X",)})
    body = build_facet_search(FacetQuery(facet="location", text="ar", search=search), "a").to_dict()
    assert body["size"] == 0
    assert body["track_total_hits"] is False
    assert body["query"]["bool"]["filter"] == [{"terms": {"person": ["X"]}}]
    assert body["aggs"] == {
        "values": {
            "terms": {
                "field": "location",
                "size": 50,
                "include": "(.*[^A-Za-z0-9])?[aA][rR].*",
            }
        }
    }


def test_without_text_the_most_frequent_values_are_listed() -> None:
    body = build_facet_search(
        FacetQuery(facet="source", text="", search=SearchParams()), "a"
    ).to_dict()
    assert body["query"] == {"match_all": {}}
    assert "include" not in body["aggs"]["values"]["terms"]


def test_values_carry_counts_selection_and_toggle_links() -> None:
    search = SearchParams(filters={"location": ("Iran",)})
    response = {
        "aggregations": {
            "values": {
                "buckets": [{"key": "Iran", "doc_count": 3}, {"key": "Iraq", "doc_count": 1}]
            }
        }
    }
    iran, iraq = values_from_response(
        response, FacetQuery(facet="location", text="ir", search=search)
    ).values
    assert (iran.value, iran.count, iran.selected, iran.toggle_args) == ("Iran", 3, True, {})
    assert (iraq.selected, iraq.toggle_args) == (False, {"location": ["Iran", "Iraq"]})
