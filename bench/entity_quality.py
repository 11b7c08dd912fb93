"""Entity quality on the gold set: precision, recall, F1 per type, fragmentation, type errors.

    .venv/bin/python bench/entity_quality.py [--split test|dev|all] [--gold FILE] [-- OPTIONS]

It reads the gold articles' text from ../shared (and seeds/) by id, runs
`python -m indexer entities` on them, exactly as anyone debugging a facet would, scores the
output against the annotations (tests/gold/GUIDELINES.md) and writes the figures to
artifacts/entity_quality-SPLIT.json. The test split is the default because it is the one we
report; tune on dev only. The figures depend on the learned layer: `make learn
CORPUS="../shared/corpus ../shared/corpus-tehrantimes"` builds the one README quotes, and the
run says which it used. Options after `--` go to the `entities` command (e.g.
`-- --forms-table /tmp/learned.jsonl` or `-- --no-curated`).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from indexer.entities.forms_table import learned_path  # noqa: E402
from indexer.entities.quality import read_gold, score  # noqa: E402

SHARED = REPO.parent / "shared"
CORPORA = (SHARED / "corpus", SHARED / "corpus-tehrantimes")
SEEDS = REPO / "seeds"
GOLD = REPO / "tests" / "gold"
# Tune on dev, report test (tests/gold/GUIDELINES.md); "all" is both, for error hunting.
SPLITS = {
    "dev": (GOLD / "entities-dev.jsonl",),
    "test": (GOLD / "entities-test.jsonl",),
    "all": (GOLD / "entities-dev.jsonl", GOLD / "entities-test.jsonl"),
}


def gold_inputs(ids: set[str], workdir: Path) -> list[Path]:
    """Inputs holding exactly the gold articles: a JSON Lines file of corpus records, and seeds."""
    found = workdir / "gold-articles.jsonl"
    with found.open("w", encoding="utf-8") as out:
        for corpus in CORPORA:
            for path in sorted(corpus.glob("*.jsonl")):
                for line in path.open(encoding="utf-8"):
                    if json.loads(line)["id"] in ids:
                        out.write(line if line.endswith("\n") else line + "\n")
    return [found, *sorted(SEEDS.glob("*.txt"))]


def run_entities(inputs: list[Path], options: list[str]) -> dict[str, dict[str, list[str]]]:
    """The `entities` command's output for the inputs, by article id."""
    command = [sys.executable, "-m", "indexer", "entities", *map(str, inputs), *options]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True)
    records = (json.loads(line) for line in done.stdout.splitlines() if line.strip())
    return {r["id"]: r for r in records}


def describe_learned(options: list[str]) -> str:
    """Which learned layer the run used: the figures depend on it (README, Entities)."""
    given = options[options.index("--forms-table") + 1] if "--forms-table" in options else None
    path = learned_path(Path(given) if given else None)
    if not path.is_file() or path.stat().st_size == 0:
        return f"none ({path})"
    with path.open(encoding="utf-8") as handle:
        lines = sum(1 for _ in handle)
    return f"{path} ({lines} lines); build it with `make learn CORPUS=...`"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=SPLITS, default="test")
    parser.add_argument("--gold", type=Path, help="score this gold file instead of a split")
    parser.add_argument("--out", type=Path)
    parser.add_argument("entities_options", nargs="*")
    args = parser.parse_args()

    paths = (args.gold,) if args.gold else SPLITS[args.split]
    split = args.gold.stem if args.gold else args.split
    out = args.out or REPO / "artifacts" / f"entity_quality-{split}.json"
    gold = [article for path in paths for article in read_gold(path)]
    with tempfile.TemporaryDirectory() as tmp:
        predicted = run_entities(
            gold_inputs({a.id for a in gold}, Path(tmp)), args.entities_options
        )
    report = score(gold, predicted)

    print(f"gold split: {split} ({len(gold)} articles, {report.articles} scored)")
    print(f"learned layer: {describe_learned(args.entities_options)}")
    print(f"{'type':<14}{'P':>7}{'R':>7}{'F1':>7}   values  gold")
    for kind, s in report.scores.items():
        print(
            f"{kind:<14}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}"
            f"   {s.correct_values:>3}/{s.values:<4}{s.found:>3}/{s.gold}"
        )
    print(f"fragmentation: {report.fragmentation:.3f} facet values per real entity found")
    for entity, values in report.fragmented().items():
        print(f"  {entity}: {values}")
    print(
        f"type errors: {len(report.type_errors)} (places filed as people: "
        f"{len(report.places_as_people)})"
    )
    for error in report.type_errors:
        print(f"  {error.article}: {error.value!r} filed as {error.filed_as}, is a {error.is_a}")
    if report.missing:
        print(f"missing articles: {report.missing}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
