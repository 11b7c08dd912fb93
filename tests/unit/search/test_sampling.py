"""When a search's facets are counted in a sample, and how the request and answer carry it."""

from __future__ import annotations

from typing import Any

import pytest

from search.lookup import Lookup, WordStats
from search.params import SearchParams
from search.query import build_recount, build_search
from search.results import SearchPage
from search.sampling import (
    MAX_PROBABILITY,
    SAMPLE_AGG,
    SEED,
    expected_hits,
    probability,
    recount,
    sampled,
    unwrap,
)

MILLION = 1_000_000


def lookup(**docs: int) -> Lookup:
    return Lookup(articles=MILLION, words={w: WordStats(docs=n) for w, n in docs.items()})


def test_a_small_index_is_never_sampled() -> None:
    # 199,999 articles are under ten samples of 20,000: every search counts exactly.
    assert probability(199_999, 199_999, 20_000) is None
    assert probability(200_000, 200_000, 20_000) == pytest.approx(0.1)


def test_few_expected_hits_are_counted_exactly_and_many_are_sampled() -> None:
    assert probability(39_999, MILLION, 20_000) is None
    assert probability(40_000, MILLION, 20_000) == MAX_PROBABILITY
    assert probability(500_000, MILLION, 20_000) == pytest.approx(0.04)


def test_a_zero_sample_turns_sampling_off() -> None:
    assert probability(MILLION, MILLION, 0) is None


def test_without_words_every_article_is_expected() -> None:
    assert expected_hits(SearchParams(), Lookup(), MILLION) == MILLION
    assert expected_hits(SearchParams(q='"prime minister"'), lookup(), MILLION) == MILLION
    assert expected_hits(SearchParams(q="iran OR iraq"), lookup(iran=9, iraq=9), MILLION) == MILLION


def test_one_word_is_expected_in_about_as_many_articles_as_hold_it() -> None:
    # A little more than the count of the word as written: its stemmed forms match too.
    assert expected_hits(SearchParams(q="earthquake"), lookup(earthquake=8_000), MILLION) == 10_000
    # Never more than the index holds.
    assert expected_hits(SearchParams(q="iran"), lookup(iran=900_000), MILLION) == MILLION


def test_words_that_must_all_match_are_expected_as_often_as_the_rarest() -> None:
    # Two words are both required.
    two = lookup(oil=60_000, prices=40_000)
    assert expected_hits(SearchParams(q="oil prices"), two, MILLION) == 50_000
    # Common words together are all required too (search/ranking.py).
    common = lookup(iran=300_000, nuclear=60_000, deal=40_000)
    assert expected_hits(SearchParams(q="iran nuclear deal"), common, MILLION) == 50_000


def test_most_of_several_rare_words_are_expected_in_the_rarest_two() -> None:
    # Two of three rare words must match: an article holds one of any two of them.
    rare = lookup(alpha=5_000, beta=4_000, gamma=3_000)
    assert expected_hits(SearchParams(q="alpha beta gamma"), rare, MILLION) == 8_750
    # Lists by date require every word: the rarest bounds them.
    by_date = SearchParams(q="alpha beta gamma", sort="newest")
    assert expected_hits(by_date, rare, MILLION) == 3_750


def test_a_short_sample_is_counted_again() -> None:
    # About 20,000 read: fine.
    assert recount(500_000, 0.04, 20_000) is None
    # Exact counts are never counted again.
    assert recount(5, None, 20_000) is None
    # Far fewer hits than expected: few enough to count exactly...
    assert recount(30_000, 0.04, 20_000) == 1.0
    # ... or many, sampled at the probability that reads about 20,000 of them.
    assert recount(100_000, 0.02, 20_000) == pytest.approx(0.2)


def test_sampled_aggregations_nest_in_a_seeded_random_sampler() -> None:
    aggs = {"_filter_person": {"filter": {"match_all": {}}}}
    assert sampled(aggs, None) == aggs
    assert sampled(aggs, 1.0) == aggs
    assert sampled(aggs, 0.1) == {
        SAMPLE_AGG: {"random_sampler": {"probability": 0.1, "seed": SEED}, "aggs": aggs}
    }


def in_sampler(aggregations: dict[str, Any]) -> dict[str, Any]:
    """`aggregations` as the engine answers them under the random sampler."""
    return {SAMPLE_AGG: {"seed": SEED, "probability": 0.04, "doc_count": 20_000, **aggregations}}


def test_an_answer_says_whether_its_aggregations_were_sampled() -> None:
    aggs = {"_filter_person": {"doc_count": 5}}
    assert unwrap(in_sampler(aggs)) == ({**in_sampler(aggs)[SAMPLE_AGG]}, True)
    assert unwrap(aggs) == (aggs, False)


def test_the_search_body_samples_only_its_aggregations() -> None:
    params = SearchParams(q="iran", filters={"location": ("Iran",)})
    exact = build_search(params, "a", lookup(iran=500_000)).to_dict()
    sample = build_search(params, "a", lookup(iran=500_000), facet_chance=0.04).to_dict()
    assert {k: v for k, v in sample.items() if k != "aggs"} == {
        k: v for k, v in exact.items() if k != "aggs"
    }
    assert sample["aggs"] == sampled(exact["aggs"], 0.04)


def test_a_recount_sends_the_same_query_and_aggregations_without_hits() -> None:
    params = SearchParams(q="iran", filters={"location": ("Iran",)})
    search = build_search(params, "a", lookup(iran=500_000)).to_dict()
    again = build_recount(params, "a", search["query"], 0.2).to_dict()
    assert again == {
        "query": search["query"],
        "aggs": sampled(search["aggs"], 0.2),
        "size": 0,
        "track_total_hits": False,
    }
    assert build_recount(params, "a", search["query"], 1.0).to_dict()["aggs"] == (search["aggs"])


def answer(aggregations: dict[str, Any]) -> dict[str, Any]:
    return {
        "took": 3,
        "hits": {"total": {"value": 500_000, "relation": "eq"}, "hits": []},
        "aggregations": aggregations,
    }


def test_a_sampled_answer_reads_its_facets_and_says_they_are_estimates() -> None:
    facets = {
        "_filter_location": {"location": {"buckets": [{"key": "Iran", "doc_count": 412_300}]}},
        "_timeline": {"published": {"buckets": []}},
    }
    params = SearchParams(q="iran")
    exact = SearchPage.from_response(answer(facets), params)
    estimated = SearchPage.from_response(answer(in_sampler(facets)), params)
    assert exact.facets_estimated is False
    assert estimated.facets_estimated is True
    assert estimated.facets == exact.facets
    assert [v.count for v in estimated.facets["location"]] == [412_300]
    assert estimated.model_dump(mode="json")["facets_estimated"] is True
