"""The entity page's request and its shaping, without an engine."""

import pytest

from search.entity import (
    EntityView,
    UnknownEntityType,
    build_entity,
    forms_pattern,
)


def test_the_request_counts_forms_and_unusual_company_of_one_entity():
    assert build_entity("person", "Ali Khamenei") == {
        "size": 0,
        "track_total_hits": True,
        "query": {"bool": {"filter": [{"term": {"person": "Ali Khamenei"}}]}},
        "aggs": {
            "forms": {
                "terms": {
                    "field": "entity_forms",
                    "include": "person\x1fAli Khamenei\x1f.*",
                    "size": 30,
                }
            },
            "related_person": {
                "significant_terms": {
                    "field": "person",
                    "size": 9,
                    "min_doc_count": 2,
                    "shard_min_doc_count": 2,
                }
            },
            "related_organization": {
                "significant_terms": {
                    "field": "organization",
                    "size": 8,
                    "min_doc_count": 2,
                    "shard_min_doc_count": 2,
                }
            },
            "related_location": {
                "significant_terms": {
                    "field": "location",
                    "size": 8,
                    "min_doc_count": 2,
                    "shard_min_doc_count": 2,
                }
            },
        },
    }


def test_names_never_become_regular_expression_syntax():
    assert forms_pattern("organization", "U.S. (Treasury)*") == (
        "organization\x1fU\\.S\\. \\(Treasury\\)\\*\x1f.*"
    )


def test_an_unknown_type_is_refused():
    with pytest.raises(UnknownEntityType):
        build_entity("planet", "Mars")


RESPONSE = {
    "hits": {"total": {"value": 3, "relation": "eq"}},
    "aggregations": {
        "forms": {
            "buckets": [
                {"key": "person\x1fAli Khamenei\x1fAyatollah Khamenei", "doc_count": 2},
                {"key": "person\x1fAli Khamenei\x1fImam Khamenei", "doc_count": 1},
            ]
        },
        "related_person": {
            "buckets": [
                {"key": "Ali Khamenei", "doc_count": 3, "score": 9.0},
                {"key": "Hassan Rouhani", "doc_count": 2, "score": 1.5},
            ]
        },
        "related_organization": {"buckets": []},
        "related_location": {"buckets": [{"key": "Iran", "doc_count": 3, "score": 0.2}]},
    },
}


def test_the_view_lists_forms_and_company_but_not_the_entity_itself():
    view = EntityView.from_response("person", "Ali Khamenei", RESPONSE)
    assert view.to_dict() == {
        "type": "person",
        "name": "Ali Khamenei",
        "articles": 3,
        "forms": [
            {"form": "Ayatollah Khamenei", "articles": 2},
            {"form": "Imam Khamenei", "articles": 1},
        ],
        "related": {
            "person": [{"name": "Hassan Rouhani", "articles": 2, "score": 1.5}],
            "organization": [],
            "location": [{"name": "Iran", "articles": 3, "score": 0.2}],
        },
    }
    assert view.search_args == {"person": ["Ali Khamenei"]}


def test_an_empty_response_is_an_entity_with_no_articles():
    assert EntityView.from_response("location", "Atlantis", {}).articles == 0
