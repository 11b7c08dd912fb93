"""Draw the gold set's article ids at random with fixed seeds (re-run to check either split)."""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Collection
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[3] / "shared"
# Hand annotation must be exhaustive, so the frame leaves out the longest bodies (about 2 % of
# Wikinews, 27 % of Tehran Times); the cap is written down in GUIDELINES.md.
MAX_BODY_CHARS = 3_000
Strata = tuple[tuple[str, str | None, int], ...]
# The dev split (used to tune the pipeline): random Wikinews, random Tehran Times, and random
# Tehran Times articles that name Khamenei (so it also measures cross-article canonicalisation).
DEV_SEED = 3
DEV_STRATA: Strata = (
    ("corpus", None, 18),
    ("corpus-tehrantimes", None, 16),
    ("corpus-tehrantimes", "Khamenei", 8),
)
# The test split (reported, never tuned on): the same frames, a seed of its own, and a person
# stratum on Zarif, a second well-known name with many surface forms, drawn after the dev ids
# are excluded so the splits never share an article.
TEST_SEED = 13
TEST_STRATA: Strata = (
    ("corpus", None, 26),
    ("corpus-tehrantimes", None, 30),
    ("corpus-tehrantimes", "Zarif", 10),
)

# More dev articles, drawn when the entity rules were reworked (issue 13): tuning on 43 articles
# alone overfits. A seed of its own, dev and test excluded; annotated before the system was run
# on them.
DEV_EXTRA_SEED = 23
DEV_EXTRA_STRATA: Strata = (
    ("corpus", None, 12),
    ("corpus-tehrantimes", None, 18),
)

# And a third draw, after the first test figures showed organisations far below dev: diplomatic
# news like the test split's Zarif stratum (dev and test excluded, seed of its own).
DEV_LATER_SEED = 31
DEV_LATER_STRATA: Strata = (
    ("corpus", None, 6),
    ("corpus-tehrantimes", None, 6),
    ("corpus-tehrantimes", "Zarif", 8),
)

# A fourth draw, by topic (the second round of issue 13): rules written on random and diplomatic
# articles met few clubs, companies, museums or embassies, the names whose types test still gets
# wrong. Wikinews by its top-level category, Tehran Times (no categories) by words of each
# topic; all earlier ids excluded, a seed of its own.
DEV_TOPICS_SEED = 41
DEV_TOPICS_STRATA: Strata = (
    ("corpus", "category:Sports", 6),
    ("corpus", "category:Economy and business", 5),
    ("corpus", "category:Culture and entertainment", 5),
    ("corpus", "category:Politics and conflicts", 4),
    ("corpus-tehrantimes", "football|volleyball|wrestling|futsal|basketball", 6),
    ("corpus-tehrantimes", "company|companies|bank|CEO|stock exchange", 6),
    ("corpus-tehrantimes", "museum|film|festival|heritage|exhibition", 6),
    ("corpus-tehrantimes", "ambassador|embassy|Foreign Minister", 6),
)


def frame(corpus: str, needle: str | None) -> list[str]:
    """Ids of the articles a stratum draws from, in file order."""
    ids = []
    for path in sorted((SHARED / corpus).glob("*.jsonl")):
        for line in path.open(encoding="utf-8"):
            record = json.loads(line)
            if len(record["body"]) <= MAX_BODY_CHARS and matches(record, needle):
                ids.append(record["id"])
    return ids


def matches(record: dict[str, Any], needle: str | None) -> bool:
    """Whether an article is in a stratum's frame.

    A needle is text in the title or body ("Zarif"), whole words of which any one will do
    ("football|futsal"), or a Wikinews category ("category:Sports").
    """
    if needle is None:
        return True
    if needle.startswith("category:"):
        return needle.removeprefix("category:") in record.get("categories", ())
    text = f"{record['title']}\n{record['body']}"
    if "|" in needle:
        return re.search(rf"\b(?:{needle})\b", text) is not None
    return needle in text


def draw(seed: int, strata: Strata, exclude: Collection[str] = ()) -> list[str]:
    """Ids drawn stratum by stratum with one seeded generator, without repeats or excluded ids."""
    rng = random.Random(seed)
    chosen: list[str] = []
    for corpus, needle, size in strata:
        pool = [i for i in frame(corpus, needle) if i not in chosen and i not in exclude]
        chosen.extend(rng.sample(pool, size))
    return chosen


def split_ids(split: str) -> list[str]:
    """A split's corpus articles; the test split excludes every dev id by construction.

    The dev split also holds the seed article, added by hand (it is not in the corpora), and
    the later dev draw, which excludes both splits as they were before it.
    """
    dev = draw(DEV_SEED, DEV_STRATA)
    test = draw(TEST_SEED, TEST_STRATA, exclude=frozenset(dev))
    if split == "test":
        return test
    extra = draw(DEV_EXTRA_SEED, DEV_EXTRA_STRATA, exclude=frozenset(dev + test))
    later = draw(DEV_LATER_SEED, DEV_LATER_STRATA, exclude=frozenset(dev + test + extra))
    earlier = frozenset(dev + test + extra + later)
    return dev + extra + later + draw(DEV_TOPICS_SEED, DEV_TOPICS_STRATA, exclude=earlier)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("split", nargs="?", choices=("dev", "test"), default="dev")
    sys.stdout.write("\n".join(split_ids(parser.parse_args().split)) + "\n")
