"""Speed of the entity step against raw spaCy NER on the same articles and process count.

    .venv/bin/python bench/entity_speed.py [--articles 600] [--rounds 3] [--processes 1 2]

"Raw NER" is the model's `ner` alone through `nlp.pipe`, reading each doc's entity spans. The
"entity step" is `extract_entities` with the pipeline `build_nlp` makes (NER plus
`news_entities`: typing, merging, canonical names, forms table). Both read the same articles
(spread evenly over both corpora) with the same `n_process`; runs alternate
(raw, step, raw, step...) so that other load on the machine hits both alike. Prints medians and
the step/raw ratio, and writes them to artifacts/entity_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import spacy  # noqa: E402

from articles import Article  # noqa: E402
from indexer.entities.extract import (  # noqa: E402
    _NOT_NEEDED,
    build_nlp,
    extract_entities,
    ner_text,
    resolve_model,
)
from indexer.formats.inputs import Origin, ParsedArticle, read_inputs  # noqa: E402

SHARED = REPO.parent / "shared"


def sample(count: int) -> list[Article]:
    """`count` articles spread evenly over both corpora, half from each, interleaved."""
    halves = []
    for name in ("corpus", "corpus-tehrantimes"):
        found = [r.article for r in read_inputs([SHARED / name]) if isinstance(r, ParsedArticle)]
        step = max(1, len(found) // (count // 2))
        halves.append(found[::step][: count // 2])
    return [article for pair in zip(*halves, strict=True) for article in pair]


def raw_ner(articles: list[Article], processes: int) -> float:
    """Seconds for the model's NER alone over the articles."""
    nlp = spacy.load(resolve_model(None), exclude=list(_NOT_NEEDED))
    started = time.perf_counter()
    for doc in nlp.pipe((ner_text(a) for a in articles), batch_size=64, n_process=processes):
        [(ent.text, ent.label_) for ent in doc.ents]
    return time.perf_counter() - started


def component_share(articles: list[Article]) -> tuple[float, float]:
    """Seconds of NER and of `news_entities` alone over the same docs, in one process.

    Timing the component on the very docs NER just made is less exposed to other load on the
    machine than comparing two whole runs.
    """
    nlp = build_nlp()
    finder = nlp.get_pipe("news_entities")
    with nlp.select_pipes(disable=["news_entities"]):
        started = time.perf_counter()
        docs = list(nlp.pipe((ner_text(a) for a in articles), batch_size=64))
        ner_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for doc in docs:
        finder(doc)
    return ner_seconds, time.perf_counter() - started


def entity_step(articles: list[Article], processes: int) -> float:
    """Seconds for the whole entity step over the articles."""
    nlp = build_nlp()
    started = time.perf_counter()
    items = (ParsedArticle(a, Origin("bench")) for a in articles)
    for _ in extract_entities(nlp, items, n_process=processes):
        pass
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--out", type=Path, default=REPO / "artifacts" / "entity_speed.json")
    args = parser.parse_args()

    articles = sample(args.articles)
    chars = sum(len(ner_text(a)) for a in articles)
    print(f"{len(articles)} articles, {chars / len(articles):.0f} characters on average")
    print(f"cores: {os.cpu_count()}, load average at start: {os.getloadavg()[0]:.1f}")
    results = {}
    for processes in args.processes:
        raw, step = [], []
        for _ in range(args.rounds):
            raw.append(len(articles) / raw_ner(articles, processes))
            step.append(len(articles) / entity_step(articles, processes))
        ratios = [s / r for s, r in zip(step, raw, strict=True)]
        results[processes] = {
            "raw_ner_articles_per_s": [round(x, 1) for x in raw],
            "entity_step_articles_per_s": [round(x, 1) for x in step],
            "raw_ner_median": round(statistics.median(raw), 1),
            "entity_step_median": round(statistics.median(step), 1),
            "ratio_median": round(statistics.median(ratios), 3),
        }
        print(
            f"n_process={processes}: raw NER {statistics.median(raw):.1f} articles/s, "
            f"entity step {statistics.median(step):.1f} articles/s, "
            f"ratio {statistics.median(ratios):.2f} (per round: "
            f"{', '.join(f'{x:.2f}' for x in ratios)})"
        )
    ner_seconds, component_seconds = component_share(articles)
    implied = ner_seconds / (ner_seconds + component_seconds)
    print(
        f"news_entities alone: {1000 * component_seconds / len(articles):.2f} ms/article, "
        f"NER {1000 * ner_seconds / len(articles):.1f} ms/article: the entity step runs at "
        f"{implied:.1%} of the raw NER rate on the same docs"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "articles": len(articles),
        "avg_chars": round(chars / len(articles)),
        "runs": results,
        "component_ms_per_article": round(1000 * component_seconds / len(articles), 3),
        "ner_ms_per_article": round(1000 * ner_seconds / len(articles), 3),
        "implied_ratio": round(implied, 4),
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
