"""Varied copies of stored articles, to grow an index past its corpus without running NER (pure).

Copy `k` (k >= 1) of an article gets a new id, a date `k` steps further back, its paragraphs in
another order, half the time a title recombined with another article's, and, for a share of
its rare entity names (those in few source articles), a name of its own. So postings, dates,
titles (suggestions) and the facets' cardinality grow with the copies, as they do in a real
archive, while common names (Iran, Donald Trump) keep their counts growing as real ones do.
Copy 0 is the article unchanged. Used by bench/scale.py.
"""

from __future__ import annotations

import random
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from articles import ENTITY_FORM_SEP, ENTITY_TYPES, suggest_entries

# Each copy round moves an article's date this much further back: 22 rounds (a million copies
# of the 44k corpus) spread the dates over about 20 years.
SHIFT_DAYS = 337
# Names carried by at most this many source articles are rare: a real archive ten times larger
# holds ten times more such names (Heaps' law), not ten more articles for each.
RARE_ARTICLES = 2
# The share of a copy's rare names that become names of their own. With about 60 % of the
# names rare, this grows the 103k names of the 44k corpus to about 600k at a million articles,
# as a vocabulary growing with the square root of the corpus (Heaps' law, beta about 0.55) would.
NEW_NAME_SHARE = 0.3
# The share of copies whose title is recombined with another article's.
RECOMBINED_TITLES = 0.5


def name_counts(sources: Iterable[Mapping[str, Any]]) -> Counter[tuple[str, str]]:
    """How many source articles carry each (kind, name)."""
    counts: Counter[tuple[str, str]] = Counter()
    for source in sources:
        for kind in ENTITY_TYPES:
            counts.update((kind, name) for name in set(source.get(kind) or ()))
    return counts


def copy_seed(article_id: str, k: int) -> int:
    """A seed for copy `k` of an article, the same in every run."""
    return zlib.crc32(f"{article_id}\x00{k}".encode())


def varied_copy(
    source: Mapping[str, Any],
    k: int,
    *,
    rare: Mapping[tuple[str, str], int],
    titles: Sequence[str],
) -> dict[str, Any]:
    """Copy `k` of the stored article `source` (k = 0: the article itself, unchanged).

    `rare` counts source articles per (kind, name) (name_counts); `titles` are the corpus's
    titles, for recombining.
    """
    doc = dict(source)
    if k == 0:
        return doc
    rng = random.Random(copy_seed(str(source["id"]), k))
    doc["id"] = f"{source['id']}~{k}"
    if source.get("url"):
        doc["url"] = f"{source['url']}#copy-{k}"
    doc["duplicate_keys"] = [f"copy:{doc['id']}"]
    published = _shifted(source.get("published"), k)
    doc["published"] = published.isoformat() if published else None
    paragraphs = str(source.get("body") or "").split("\n\n")
    rng.shuffle(paragraphs)
    doc["body"] = "\n\n".join(paragraphs)
    title = str(source.get("title") or "")
    if titles and rng.random() < RECOMBINED_TITLES:
        title = recombined(title, titles[rng.randrange(len(titles))])
    doc["title"] = title
    doc |= _renamed(source, k, rng, rare)
    doc["suggest"] = suggest_entries(title, published)
    return doc


def recombined(title: str, other: str) -> str:
    """The first half of `title`'s words followed by the second half of `other`'s."""
    mine, theirs = title.split(), other.split()
    return " ".join([*mine[: (len(mine) + 1) // 2], *theirs[len(theirs) // 2 :]]) or title


def _shifted(published: object, k: int) -> date | None:
    if not isinstance(published, str) or len(published) < 10:
        return None
    try:
        day = date.fromisoformat(published[:10])
    except ValueError:
        return None
    try:
        return day - timedelta(days=SHIFT_DAYS * k)
    except OverflowError:
        return day


def _renamed(
    source: Mapping[str, Any], k: int, rng: random.Random, rare: Mapping[tuple[str, str], int]
) -> dict[str, Any]:
    """The entity fields of copy `k` with some rare names replaced by new ones."""
    renames: dict[tuple[str, str], str] = {}
    for kind in ENTITY_TYPES:
        for name in source.get(kind) or ():
            if rare.get((kind, name), 0) <= RARE_ARTICLES and rng.random() < NEW_NAME_SHARE:
                renames[kind, name] = f"{name} {k}"
    if not renames:
        return {}
    fields: dict[str, Any] = {}
    for kind in ENTITY_TYPES:
        fields[kind] = [renames.get((kind, name), name) for name in source.get(kind) or ()]
        fields[f"{kind}_mentions"] = [
            renames.get((kind, name), name) for name in source.get(f"{kind}_mentions") or ()
        ]
    forms = []
    for value in source.get("entity_forms") or ():
        form_kind, name, form = [*str(value).split(ENTITY_FORM_SEP, 2), "", ""][:3]
        new = renames.get((form_kind, name))
        forms.append(ENTITY_FORM_SEP.join((form_kind, new, form)) if new else value)
    fields["entity_forms"] = forms
    return fields
