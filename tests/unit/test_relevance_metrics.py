"""The ranking metrics of bench/relevance.py, on rankings small enough to compute by hand."""

from __future__ import annotations

import math

import pytest

from bench.relevance_metrics import (
    dcg,
    gain,
    mean,
    ndcg_at,
    precision_at,
    recall_at,
    unjudged_at,
)

# a and d are about the need, b partly, c not; x was never judged.
JUDGED = {"a": 2, "b": 1, "c": 0, "d": 2}
RANKING = ["c", "a", "x", "b"]


def test_gain_doubles_with_each_grade() -> None:
    assert [gain(g) for g in (0, 1, 2)] == [0.0, 1.0, 3.0]


def test_dcg_discounts_by_log2_of_rank_plus_one() -> None:
    # 3/log2(2) + 1/log2(3) + 3/log2(4) = 3 + 0.6309 + 1.5
    assert dcg([2, 1, 2]) == pytest.approx(5.1309, abs=1e-4)


def test_ndcg_compares_with_the_best_order_of_all_judged_articles() -> None:
    # DCG: c 0, a 3/log2(3) = 1.8928, x 0, b 1/log2(5) = 0.4307 -> 2.3235
    # ideal (2, 2, 1, 0): 3 + 1.8928 + 1/log2(4) = 5.3928
    assert ndcg_at(10, RANKING, JUDGED) == pytest.approx(2.3235 / 5.3928, abs=1e-4)


def test_ndcg_only_counts_the_first_k_ranks() -> None:
    # Only c at rank 1 counts; the ideal top 1 is a grade 2.
    assert ndcg_at(1, RANKING, JUDGED) == 0.0
    # ranks 1-2: 3/log2(3) against 3 + 3/log2(3)
    expected = (3 / math.log2(3)) / (3 + 3 / math.log2(3))
    assert ndcg_at(2, RANKING, JUDGED) == pytest.approx(expected)


def test_a_perfect_ranking_scores_one() -> None:
    assert ndcg_at(10, ["a", "d", "b", "c"], JUDGED) == pytest.approx(1.0)


def test_a_query_with_nothing_relevant_scores_zero_not_an_error() -> None:
    nothing = {"a": 0, "b": 0}
    assert ndcg_at(10, ["a", "b"], nothing) == 0.0
    assert recall_at(10, ["a", "b"], nothing) == 0.0


def test_precision_divides_by_k_even_when_fewer_results_came_back() -> None:
    # a and b are relevant (grade >= 1) among 4 results, out of 5 ranks.
    assert precision_at(5, RANKING, JUDGED) == pytest.approx(2 / 5)
    assert precision_at(2, RANKING, JUDGED) == pytest.approx(1 / 2)


def test_recall_is_the_share_of_relevant_judged_articles_retrieved() -> None:
    # a, b, d are relevant; a and b are in the top 10.
    assert recall_at(10, RANKING, JUDGED) == pytest.approx(2 / 3)
    assert recall_at(2, RANKING, JUDGED) == pytest.approx(1 / 3)


def test_unjudged_articles_are_counted_and_score_as_not_relevant() -> None:
    assert unjudged_at(10, RANKING, JUDGED) == 1
    assert unjudged_at(2, RANKING, JUDGED) == 0
    assert precision_at(1, ["x"], JUDGED) == 0.0


def test_mean_of_nothing_is_zero() -> None:
    assert mean([]) == 0.0
    assert mean([0.5, 1.0]) == pytest.approx(0.75)
