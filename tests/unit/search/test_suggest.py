"""Suggestions: the inputs the indexer writes, the request, and reading the answer back."""

from __future__ import annotations

from datetime import date
from fnmatch import fnmatch
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from articles import index_pattern, name_id, name_of, name_source, names_alias, suggest_entries
from articles.suggest import clean_input, name_inputs, recency_weight, title_inputs
from search.params import InvalidParam, SuggestParams
from search.suggest import (
    NameSuggestion,
    TitleSuggestion,
    build_suggest,
    suggest_indices,
    suggestions_from_response,
)


def test_a_name_is_found_from_any_of_its_words_and_read_back_whole() -> None:
    assert name_inputs("Ali Khamenei") == ["Ali Khamenei", "Khamenei → Ali Khamenei"]
    assert name_of("Khamenei → Ali Khamenei") == "Ali Khamenei"
    assert name_of("Iran") == "Iran"


def test_particles_do_not_start_inputs() -> None:
    assert name_inputs("Organization of the Islamic Cooperation") == [
        "Organization of the Islamic Cooperation",
        "Islamic Cooperation → Organization of the Islamic Cooperation",
        "Cooperation → Organization of the Islamic Cooperation",
    ]


def test_a_title_is_found_from_its_first_significant_words_in_short_inputs() -> None:
    inputs = title_inputs(
        "Republic of Azerbaijan appreciates Ayatollah Khamenei stance on Karabakh"
    )
    assert inputs[0] == "Republic of Azerbaijan appreciates Ayatollah Khamenei stance on Karabakh"
    assert inputs[1] == "Azerbaijan appreciates Ayatollah Khamenei stance on"
    assert "Karabakh" in inputs
    assert len(inputs) <= 8


def test_reserved_and_control_characters_never_reach_the_engine() -> None:
    assert clean_input("Kara\x1fbakh\x00 \x1e news\n") == "Kara bakh news"
    assert title_inputs("\x00\x1f") == []
    assert name_inputs("   ") == []


def test_newer_titles_weigh_more_and_undated_ones_least() -> None:
    assert recency_weight(date(2020, 11, 5)) > recency_weight(date(2019, 4, 6)) > 0
    assert recency_weight(None) == 0


def test_an_article_suggests_its_title_tagged_and_weighted_by_date() -> None:
    assert suggest_entries("Title", date(1970, 1, 11)) == [
        {"input": ["Title"], "weight": 10, "contexts": {"kind": ["title"]}}
    ]
    assert suggest_entries(" \x00 ", None) == []


def test_an_entity_is_suggested_by_its_words_weighted_by_its_articles() -> None:
    assert name_source("person", "Ali Khamenei", 1800) == {
        "kind": "person",
        "name": "Ali Khamenei",
        "articles": 1800,
        "suggest": {
            "input": ["Ali Khamenei", "Khamenei → Ali Khamenei"],
            "weight": 1800,
            "contexts": {"kind": ["person"]},
        },
    }
    assert name_id("person", "Ali Khamenei") != name_id("location", "Ali Khamenei")


def test_a_suggest_request_reads_the_articles_and_their_names() -> None:
    assert suggest_indices("articles") == "articles,articles.names"
    # The names alias never falls under the articles' own index pattern (cleanup, rollback).
    assert not fnmatch(names_alias("articles") + "-20260101t000000", index_pattern("articles"))


def test_a_short_prefix_asks_for_exact_names_and_titles() -> None:
    assert build_suggest("ira") == {
        "size": 0,
        "_source": ["title", "published", "source"],
        "suggest": {
            "names": {
                "prefix": "ira",
                "completion": {
                    "field": "suggest",
                    "size": 5,
                    "contexts": {"kind": ["person", "organization", "location"]},
                    "skip_duplicates": True,
                },
            },
            "titles": {
                "prefix": "ira",
                "completion": {
                    "field": "suggest",
                    "size": 5,
                    "contexts": {"kind": ["title"]},
                    "skip_duplicates": True,
                },
            },
        },
    }


def test_a_longer_prefix_also_asks_for_typo_tolerant_matches() -> None:
    suggest = build_suggest("khamenie")["suggest"]
    assert set(suggest) == {"names", "titles", "names_fuzzy", "titles_fuzzy"}
    assert suggest["names_fuzzy"]["completion"]["fuzzy"] == {
        "fuzziness": "AUTO",
        "prefix_length": 1,
    }
    assert "fuzzy" not in suggest["names"]["completion"]


def option(text: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"text": text, "_id": extra.pop("_id", "x"), "contexts": {"kind": [kind]}, **extra}


def test_the_answer_lists_names_first_then_titles_exact_before_fuzzy_without_repeats() -> None:
    response = {
        "suggest": {
            "names": [{"options": [option("Khamenei → Ali Khamenei", "person")]}],
            "names_fuzzy": [
                {
                    "options": [
                        option("Khamenei → Ali Khamenei", "person"),
                        option("Khalaf Khalafov", "person"),
                    ]
                }
            ],
            "titles": [
                {
                    "options": [
                        option(
                            "Khamenei stance",
                            "title",
                            _id="seed",
                            _source={
                                "title": "Azerbaijan appreciates Khamenei stance",
                                "published": "2020-11-05T00:00:00",
                                "source": "Iran Press",
                            },
                        )
                    ]
                }
            ],
        }
    }
    assert suggestions_from_response(response) == [
        NameSuggestion(kind="person", text="Ali Khamenei"),
        NameSuggestion(kind="person", text="Khalaf Khalafov"),
        TitleSuggestion(
            text="Azerbaijan appreciates Khamenei stance",
            id="seed",
            published="2020-11-05",
            source="Iran Press",
        ),
    ]


def test_an_empty_answer_gives_no_suggestions() -> None:
    assert suggestions_from_response({}) == []
    assert suggestions_from_response({"suggest": {"names": [{"options": []}]}}) == []


def test_suggestions_know_their_api_form_and_search() -> None:
    person = NameSuggestion(kind="person", text="Ali Khamenei")
    assert person.to_dict() == {"kind": "person", "text": "Ali Khamenei", "url": ""}
    assert person.search_args == {"person": ["Ali Khamenei"]}
    title = TitleSuggestion(text="T", id="a1", published=None, source=None)
    assert title.to_dict() == {
        "kind": "title",
        "text": "T",
        "id": "a1",
        "published": None,
        "source": None,
        "url": "",
    }


def test_the_prefix_is_cleaned_and_capped() -> None:
    assert SuggestParams.from_args(MultiDict([("q", " ira\x00n\t")])).q == "iran"
    assert SuggestParams.from_args(MultiDict()).q == ""
    with pytest.raises(InvalidParam, match="at most 100"):
        SuggestParams.from_args(MultiDict([("q", "x" * 101)]))
