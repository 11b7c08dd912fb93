"""Ranking quality on the relevance gold set: the service against a plain multi_match baseline.

    .venv/bin/python bench/relevance.py [--split test|dev|all] [--alias bench-articles]

Every query of the split (tests/gold/relevance/) runs through the service (`/api/search`, the app
served in process, top 10, default sort) and through the plain baseline (`multi_match` of the
text over title and body, what Elasticsearch gives for free) on the same index, in the same run.
Prints nDCG@10, P@5 and R@10 per system, overall and per query kind, the service/baseline ratio
and how many of the top-10 articles have no judgment (they count as not relevant), and writes
everything, per query too, to artifacts/relevance.json. `ES_URL` names the engine (default
http://127.0.0.1:9200). Report the test split; tune only on dev (GUIDELINES.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.relevance_gold import (  # noqa: E402
    KINDS,
    SPLITS,
    Judgments,
    Query,
    Split,
    read_judgments,
    read_queries,
)
from bench.relevance_metrics import (  # noqa: E402
    mean,
    ndcg_at,
    precision_at,
    recall_at,
    unjudged_at,
)
from bench.relevance_runs import (  # noqa: E402
    baseline_query,
    connect,
    engine_ranking,
    service_ranking,
)

SYSTEMS = ("service", "baseline")
DEPTH = 10


@dataclass(frozen=True)
class QueryScore:
    """One system's figures on one query."""

    query: str
    kind: str
    ndcg10: float
    p5: float
    r10: float
    unjudged10: int
    ranking: list[str]


@dataclass(frozen=True)
class Summary:
    """Mean figures over a group of queries, and the unjudged articles in their top 10s."""

    queries: int
    ndcg10: float
    p5: float
    r10: float
    unjudged10: int


def score_query(query: Query, ranking: Sequence[str], judged: dict[str, int]) -> QueryScore:
    """The figures of one ranking of one query against its judgments."""
    return QueryScore(
        query=query.id,
        kind=query.kind,
        ndcg10=ndcg_at(DEPTH, ranking, judged),
        p5=precision_at(5, ranking, judged),
        r10=recall_at(DEPTH, ranking, judged),
        unjudged10=unjudged_at(DEPTH, ranking, judged),
        ranking=list(ranking[:DEPTH]),
    )


def summarise(scores: Sequence[QueryScore]) -> Summary:
    """Means over `scores` (each query weighs the same)."""
    return Summary(
        queries=len(scores),
        ndcg10=mean([s.ndcg10 for s in scores]),
        p5=mean([s.p5 for s in scores]),
        r10=mean([s.r10 for s in scores]),
        unjudged10=sum(s.unjudged10 for s in scores),
    )


def ratio(service: float, baseline: float) -> float | None:
    """service / baseline, None when the baseline is 0."""
    return service / baseline if baseline else None


def _fmt_ratio(value: float | None) -> str:
    """A ratio for the table, '-' when undefined."""
    return "-" if value is None else f"{value:.2f}"


def run(
    queries: Sequence[Query], judgments: Judgments, rankers: dict[str, Callable[[str], list[str]]]
) -> dict[str, list[QueryScore]]:
    """Every query through every system, scored."""
    scores: dict[str, list[QueryScore]] = {name: [] for name in rankers}
    for query in queries:
        judged = judgments.get(query.id, {})
        for name, rank in rankers.items():
            scores[name].append(score_query(query, rank(query.q), judged))
    return scores


def report(scores: dict[str, list[QueryScore]]) -> dict[str, Any]:
    """Overall and per-kind summaries per system, with the service/baseline ratios."""
    groups: dict[str, dict[str, Summary]] = {}
    for name, per_query in scores.items():
        groups[name] = {"all": summarise(per_query)}
        for kind in KINDS:
            if of_kind := [s for s in per_query if s.kind == kind]:
                groups[name][kind] = summarise(of_kind)
    ratios = {
        group: {
            metric: ratio(getattr(summary, metric), getattr(groups["baseline"][group], metric))
            for metric in ("ndcg10", "p5", "r10")
        }
        for group, summary in groups["service"].items()
    }
    return {
        "summary": {name: {g: asdict(s) for g, s in by.items()} for name, by in groups.items()},
        "ratio_service_to_baseline": ratios,
        "queries": {name: [asdict(s) for s in per_query] for name, per_query in scores.items()},
    }


def print_report(result: dict[str, Any]) -> None:
    """The figures as a table: one row per group of queries and system."""
    summary, ratios = result["summary"], result["ratio_service_to_baseline"]
    print(f"{'group':<12}{'system':<10}{'n':>4}{'nDCG@10':>9}{'P@5':>7}{'R@10':>7}{'unjudged':>10}")
    for group in summary["service"]:
        for name in SYSTEMS:
            s = summary[name][group]
            print(
                f"{group:<12}{name:<10}{s['queries']:>4}{s['ndcg10']:>9.3f}{s['p5']:>7.3f}"
                f"{s['r10']:>7.3f}{s['unjudged10']:>10}"
            )
        r = ratios[group]
        print(
            f"{'':<12}{'ratio':<10}{'':>4}{_fmt_ratio(r['ndcg10']):>9}{_fmt_ratio(r['p5']):>7}"
            f"{_fmt_ratio(r['r10']):>7}"
        )
    print("unjudged = top-10 articles without a judgment, counted as not relevant")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=[*SPLITS, "all"], default="test")
    parser.add_argument("--alias", default="bench-articles")
    parser.add_argument("--out", type=Path, default=REPO / "artifacts" / "relevance.json")
    args = parser.parse_args()

    splits: tuple[Split, ...] = SPLITS if args.split == "all" else (args.split,)
    queries = read_queries(splits)
    judgments = read_judgments()
    if missing := [q.id for q in queries if not judgments.get(q.id)]:
        parser.error(f"queries without judgments: {', '.join(missing)}")

    es, client = connect(args.alias)
    rankers: dict[str, Callable[[str], list[str]]] = {
        "service": lambda q: service_ranking(client, q, DEPTH),
        "baseline": lambda q: engine_ranking(es, args.alias, baseline_query(q), DEPTH),
    }
    result = report(run(queries, judgments, rankers))
    result = {"split": args.split, "alias": args.alias, **result}

    print(f"relevance on split {args.split!r}, alias {args.alias!r} ({len(queries)} queries)")
    print_report(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
