"""Entity mentions marked in an article's text, each a link to the search filtered on it (pure)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from search.models import Args
from search.params import filter_args, words_args

# Names looked for per article; beyond this the pattern costs more than the marks are worth.
MAX_NAMES = 300


@dataclass(frozen=True)
class Segment:
    """A piece of text; a mention carries its entity kind, name and the filtered search."""

    text: str
    kind: str | None = None
    name: str | None = None
    args: Args | None = None


def _canonical(mention: str, names: Sequence[str]) -> str | None:
    """The one entity value `mention` stands for: itself, the only name containing it (or
    contained in it), else the only name ending in the same word ("Ayatollah Khamenei")."""
    if mention in names:
        return mention
    words = mention.casefold().split()
    if not words:
        return None
    candidates = [
        name
        for name in names
        if _contains(name.casefold().split(), words) or _contains(words, name.casefold().split())
    ] or [name for name in names if name.casefold().split()[-1:] == words[-1:]]
    return candidates[0] if len(candidates) == 1 else None


def _contains(haystack: list[str], needle: list[str]) -> bool:
    """Whether `needle` appears in `haystack` as consecutive whole words."""
    n = len(needle)
    return n > 0 and any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def mention_links(
    entities: Mapping[str, Sequence[str]], mentions: Mapping[str, Sequence[str]]
) -> dict[str, tuple[str, str, Args]]:
    """Each surface form to mark: its kind, the name shown, and the search it links to.

    A mention that maps to one entity value filters on that value; any other (an alias not
    resolved yet) searches with the `kind:"mention"` prefix, which matches through aliases.
    """
    links: dict[str, tuple[str, str, Args]] = {}
    for kind, names in entities.items():
        for surface in (*names, *mentions.get(kind, ())):
            if not surface.strip() or surface in links:
                continue
            canonical = _canonical(surface, names)
            if canonical is not None:
                links[surface] = (kind, canonical, filter_args(kind, canonical))
            else:
                quoted = surface.replace('"', " ")
                links[surface] = (kind, surface, words_args(f'{kind}:"{quoted}"'))
    return links


def mark_mentions(text: str, links: Mapping[str, tuple[str, str, Args]]) -> list[Segment]:
    """`text` cut into plain segments and mentions; longer names win over names inside them."""
    if not links or not text:
        return [Segment(text)]
    surfaces = sorted(links, key=len, reverse=True)[:MAX_NAMES]
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(surface) for surface in surfaces) + r")(?!\w)"
    )
    segments: list[Segment] = []
    position = 0
    for match in pattern.finditer(text):
        if match.start() > position:
            segments.append(Segment(text[position : match.start()]))
        kind, name, args = links[match[0]]
        segments.append(Segment(match[0], kind, name, args))
        position = match.end()
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments
