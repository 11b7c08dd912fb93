"""Ranking metrics on graded judgments (pure): nDCG@k, P@k, R@k and unjudged counts.

A judgment maps an article id to a grade 0, 1 or 2 (tests/gold/relevance/GUIDELINES.md). A
ranked article without a judgment counts as grade 0; `unjudged` says how many there were, so a
ranking that retrieves much that nobody judged is visible rather than silently penalised.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

# A judged article counts as relevant for P@k and R@k from this grade up ("partly relevant").
RELEVANT = 1


def gain(grade: int) -> float:
    """The gain of an article of `grade`: 2^grade - 1, so a grade 2 is worth three grade 1s."""
    return float(2**grade - 1)


def dcg(grades: Sequence[int]) -> float:
    """Discounted cumulative gain of grades in rank order (log2 discount, rank 1 undiscounted)."""
    return sum(gain(g) / math.log2(rank + 1) for rank, g in enumerate(grades, start=1))


def ndcg_at(k: int, ranking: Sequence[str], judgments: Mapping[str, int]) -> float:
    """nDCG@k of `ranking`; the ideal ranks every judged article of the query by grade.

    0.0 when the query has no article judged above 0 (nothing could be gained).
    """
    ideal = dcg(sorted(judgments.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([judgments.get(doc, 0) for doc in ranking[:k]]) / ideal


def precision_at(k: int, ranking: Sequence[str], judgments: Mapping[str, int]) -> float:
    """Share of the first k ranks holding a relevant article; missing ranks count as misses."""
    hits = sum(1 for doc in ranking[:k] if judgments.get(doc, 0) >= RELEVANT)
    return hits / k


def recall_at(k: int, ranking: Sequence[str], judgments: Mapping[str, int]) -> float:
    """Share of the query's relevant judged articles found in the first k ranks.

    0.0 when the query has no relevant judged article.
    """
    relevant = {doc for doc, grade in judgments.items() if grade >= RELEVANT}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranking[:k])) / len(relevant)


def unjudged_at(k: int, ranking: Sequence[str], judgments: Mapping[str, int]) -> int:
    """How many of the first k ranked articles have no judgment for the query."""
    return sum(1 for doc in ranking[:k] if doc not in judgments)


def mean(values: Sequence[float]) -> float:
    """The arithmetic mean, 0.0 for no values."""
    return sum(values) / len(values) if values else 0.0
