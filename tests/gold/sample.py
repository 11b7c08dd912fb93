"""Draw the gold set's article ids at random with a fixed seed (re-run to check the draw)."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

SHARED = Path(__file__).resolve().parents[3] / "shared"
SEED = 3
# Hand annotation must be exhaustive, so the frame leaves out the longest bodies (about 2 % of
# Wikinews, 27 % of Tehran Times); the cap is written down in GUIDELINES.md.
MAX_BODY_CHARS = 3_000
# Stratum sizes: random Wikinews, random Tehran Times, and random Tehran Times articles that
# name Khamenei (so the set also measures cross-article canonicalisation of one person).
STRATA = (
    ("corpus", None, 18),
    ("corpus-tehrantimes", None, 16),
    ("corpus-tehrantimes", "Khamenei", 8),
)


def frame(corpus: str, needle: str | None) -> list[str]:
    """Ids of the articles a stratum draws from, in file order."""
    ids = []
    for path in sorted((SHARED / corpus).glob("*.jsonl")):
        for line in path.open(encoding="utf-8"):
            record = json.loads(line)
            body = record["body"]
            if len(body) > MAX_BODY_CHARS:
                continue
            if needle is not None and needle not in f"{record['title']}\n{body}":
                continue
            ids.append(record["id"])
    return ids


def draw() -> list[str]:
    """The gold ids, stratum by stratum, without repeats."""
    rng = random.Random(SEED)
    chosen: list[str] = []
    for corpus, needle, size in STRATA:
        pool = [i for i in frame(corpus, needle) if i not in chosen]
        chosen.extend(rng.sample(pool, size))
    return chosen


if __name__ == "__main__":
    sys.stdout.write("\n".join(draw()) + "\n")
