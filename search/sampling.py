"""Facet counts of very large result sets, estimated from a random sample of the hits (pure).

Every search counts the top values of each facet and the timeline over *all* its hits. The
cost grows with the hits: on one node holding a million articles, a search matching most of
them spent 94 ms (p50) to 760 ms (p95) in its aggregations against 18 / 63 ms for everything
else (README, "One million articles"). So, in a large index only, a search whose hits are
expected to be many counts them in a seeded `random_sampler` that reads about `sample` of them
(`probability = sample / hits`); the engine scales the counts back up. Below that nothing
changes: counts are exact, and an index under `SAMPLE_FROM_ARTICLES` x `sample` articles is
never sampled.

The probability has to be chosen before the hits are counted, so it comes from an estimate
(`expected_hits`, from the Lookup's term statistics). The answer's exact total then says
whether the sample was the size wanted; when it read too few hits (the words were rarer
together than alone, or filters narrowed them), the facets are counted again (`recount`):
exactly when the hits are few, else with the right probability. Sampled counts are marked as
estimates in the answer (`facets_estimated`) and shown as such; the total stays exact.

Top values of the sample hold 99 % of the exact top 10 at 20,000 hits read
(bench/scale_facets.py on 1M articles).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from search.lookup import Lookup
from search.params import SearchParams
from search.ranking import minimum_should_match, plan_words, plentiful

# Hits read by the sampler. Few enough that counting them costs what an ordinary search's
# facets cost; enough that the top values and their order are those of the exact counts.
DEFAULT_SAMPLE = 20_000
# An index smaller than this many samples is never sampled: counting all of its articles
# costs little, and its counts stay exact.
SAMPLE_FROM_ARTICLES = 10
# `random_sampler` takes a probability below 0.5, or exactly 1.
MAX_PROBABILITY = 0.49
# A fixed seed: the same search samples the same articles, so its counts do not change
# between reloads and pages.
SEED = 20_261_130
# The aggregation the facets are nested in when sampled.
SAMPLE_AGG = "_sample"
# A word's count is of the word as written; its stemmed forms match a few more (election,
# elections): single words matched 1.07 to 1.1 times their count on 1M articles.
STEM_SLACK = 1.25


def samples(articles: int, sample: int) -> bool:
    """Whether an index of `articles` articles samples large result sets at all."""
    return sample > 0 and articles >= SAMPLE_FROM_ARTICLES * sample


def expected_hits(params: SearchParams, lookup: Lookup, articles: int) -> int:
    """About how many articles the search of `params` matches, erring high (filters and
    phrases are not taken into account); `articles` when the words say nothing (no words,
    operators, only phrases)."""
    parsed = params.parsed
    if not parsed.words or parsed.has_operators or not lookup.articles:
        return articles
    plans = [plan for plan in plan_words(parsed, lookup) if not plan.optional]
    counts = sorted(plan.docs for plan in plans)
    if not counts:
        return articles
    # Lists by date require every word (search/query.py), and so does the ranking of two words
    # or of words common enough together; otherwise all but a few (search/ranking.py).
    every = (
        params.effective_sort != "relevance"
        or len(counts) <= 2
        or plentiful(plans, lookup.articles)
    )
    missed = 0 if every else len(counts) - minimum_should_match(len(counts))
    # An article missing at most `missed` of the words holds one of any `missed + 1` of them,
    # so it is among the articles of the rarest `missed + 1`.
    return min(articles, math.ceil(STEM_SLACK * sum(counts[: missed + 1])))


def probability(expected: int, articles: int, sample: int) -> float | None:
    """The sampling probability for a search expected to match `expected` articles of an
    index of `articles`; None for exact counts."""
    if not samples(articles, sample) or expected < 2 * sample:
        return None
    return min(MAX_PROBABILITY, sample / expected)


def facet_chance(params: SearchParams, lookup: Lookup, articles: int, sample: int) -> float | None:
    """How the facets of the search of `params` are counted first: the sampling probability, or
    None for exact counts (`sample` 0: always exact)."""
    if not sample:
        return None
    return probability(expected_hits(params, lookup, articles), articles, sample)


def recount(total: int, used: float | None, sample: int) -> float | None:
    """Whether the facets of a search that matched `total` articles, counted with probability
    `used` (None: exactly), must be counted again, and how: None when they are fine, 1.0 to
    count exactly, or the probability that reads about `sample` hits."""
    if used is None or total * used >= sample / 2:
        return None
    if total < 2 * sample:
        return 1.0
    return min(MAX_PROBABILITY, sample / total)


def sampled(aggs: Mapping[str, Any], chance: float | None) -> dict[str, Any]:
    """`aggs` as sent: unchanged for exact counts, else nested in a seeded random sampler."""
    if chance is None or chance >= 1:
        return dict(aggs)
    return {
        SAMPLE_AGG: {
            "random_sampler": {"probability": chance, "seed": SEED},
            "aggs": dict(aggs),
        }
    }


def unwrap(aggregations: Mapping[str, Any]) -> tuple[Mapping[str, Any], bool]:
    """The facet aggregations of an answer, and whether they were sampled."""
    inner = aggregations.get(SAMPLE_AGG)
    if isinstance(inner, Mapping):
        return inner, True
    return aggregations, False
