"""What a saved search, a feed and an export match is exactly what /api/search lists by date."""

from __future__ import annotations

import json

import pytest
from werkzeug.datastructures import MultiDict

from search.lookup import Lookup, Spelling, WordStats
from search.matching import EXPORT_KEYS, Only, compiler_version, match_args, match_query
from search.params import SearchParams
from search.query import build_search


def params(**args: list[str]) -> SearchParams:
    return SearchParams.from_args(MultiDict([(k, v) for k, vs in args.items() for v in vs]))


def test_the_match_query_is_the_searchs_query_and_post_filter() -> None:
    search = params(q=["karabakh -moscow"], location=["Iran", "Armenia"], to=["2020-12-31"])
    body = build_search(search.with_sort("newest"), "articles").to_dict()
    assert match_query(search, "articles") == {
        "bool": {"must": [body["query"]], "filter": [body["post_filter"]]}
    }


def test_without_facet_selections_the_match_query_is_the_query_alone() -> None:
    search = params(q=['"peace talks"'])
    assert match_query(search, "articles") == build_search(search, "articles").to_dict()["query"]
    assert match_query(params(), "articles") == {"match_all": {}}


def test_paging_and_order_do_not_change_what_matches() -> None:
    plain = params(q=["oil"], source=["Wire"])
    other = params(q=["oil"], source=["Wire"], sort=["newest"], page=["3"], size=["20"])
    assert match_query(other, "articles") == match_query(plain, "articles")
    assert match_args(other) == {"q": ["oil"], "source": ["Wire"]}


def test_the_compiler_version_is_a_stable_fingerprint() -> None:
    assert compiler_version() == compiler_version()
    assert len(compiler_version()) == 16


def test_only_reads_the_keys_it_is_given() -> None:
    args = Only(MultiDict([("q", "a"), ("page", "900"), ("sort", "newest")]), EXPORT_KEYS)
    assert args.getlist("q") == ["a"]
    assert args.getlist("page") == []
    assert args.getlist("sort") == ["newest"]


# Three words, one misspelled, seldom together: ranked by relevance, two of them would be enough.
LOOKUP = Lookup(
    articles=40_000,
    words={
        "iran": WordStats(docs=23_000),
        "nuclear": WordStats(docs=640),
        "rohani": WordStats(docs=4, variants=(Spelling("rouhani", 2_800, 0.83),)),
    },
    prefix_docs=4,
)


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_the_match_query_is_the_date_sorted_searchs_every_word_with_its_spellings(
    sort: str,
) -> None:
    search = params(q=["Iran nuclear Rohani"], person=["Hassan Rouhani"], sort=[sort])
    dated = build_search(search.with_sort("oldest"), "articles", LOOKUP).to_dict()
    assert match_query(search, "articles", LOOKUP) == {
        "bool": {"must": [dated["query"]], "filter": [dated["post_filter"]]}
    }
    words = dated["query"]["bool"]["must"]
    assert len(words) == 3
    assert '"rouhani"' in json.dumps(words[2])
    ranked = build_search(search.with_sort("relevance"), "articles", LOOKUP).to_dict()
    assert ranked["query"]["bool"]["must"][0]["bool"]["minimum_should_match"] == 2
